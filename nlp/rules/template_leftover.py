import re
from typing import ClassVar

from nlp.rules import Rule
from nlp.vocabulary import Evidence, Severity

# The lookahead names every branch's first character: a position that opens
# none of them is passed over at once, not tried branch by branch.
_PLACEHOLDER = re.compile(
    r"(?=[XxＸ×某（(【此这增减下上降大小高低])(?:"
    r"[XxＸ×]{2,}(?:单位|局|委|办|部门|中心|学校|医院|街道|镇|乡|区|县|市)?"
    r"|某某(?:单位|局|部门|项目)?"
    r"|[（(]如(?:有|无|持平|适用|涉及|不涉及)[^）)]{0,20}[）)]|[（(]如[^）)]{0,12}表述[）)]"
    r"|【[^】\d]{1,12}】"
    r"|(?:此处|这里)(?:填写|填报|说明)"
    # The template's two directions, one to be struck out: "下降（增长）27.78%", "小于（大于）预算数".
    r"|(?:增加|减少|增长|下降|上升|降低|大于|小于|高于|低于)[（(](?:增加|减少|增长|下降|上升|降低|大于|小于|高于|低于)[）)])"
)


class TemplateLeftover(Rule):
    """Placeholders or writing instructions of the template left in the
    published report (XX单位, ××, 某某, XXX 万元, "（如持平作持平表述）", both
    directions offered as in "下降（增长）27.78%"): the figure, word or
    explanation they stand for was never chosen or written."""

    code = "JS701"
    name = "template_leftover"
    zh = "模板残留"
    severity = Severity.WARNING
    evidence = Evidence.MISSING
    summary = "template placeholder left in"
    summary_zh = "模板占位符未删改"
    rationale_zh = (
        "公开的报告中留有模板的占位符或填写说明（XX单位、××、某某、XXX万元、“（如持平作持平表述）”、“下降（增长）”这样两个方向都保留）：它们所代表的数字、用词或说明从未填写或选定。同一行的占位符算一个问题。"
    )
    example = "XX单位 2024 年支出 XXX 万元（如持平作持平表述）。"
    options: ClassVar[dict] = {"max_findings": 20}

    def check(self, report, options):
        # One line of the template left in is one finding, whatever it holds.
        by_line: dict[int, list[re.Match]] = {}
        for m in _PLACEHOLDER.finditer(report.text):
            by_line.setdefault(report.text.rfind("\n", 0, m.start()) + 1, []).append(m)
        for line_start, found in list(by_line.items())[: options["max_findings"]]:
            line_end = report.text.find("\n", line_start)
            line = report.text[line_start : line_end if line_end >= 0 else len(report.text)].strip()
            placeholders = "、".join(f"“{p}”" for p in dict.fromkeys(m.group(0) for m in found))
            starts = [m.start() for m in found]
            targets = [e for e in report.explanations if any(e.span[0] <= s < e.span[1] for s in starts)]
            shown = f"“{line[:60]}{'…' if len(line) > 60 else ''}”"
            yield self.finding(f"模板未删改：{shown}中有{placeholders}", f"template left in: {placeholders} in {shown}",
                               targets, location=report.locate(starts[0]))
        if len(by_line) > options["max_findings"]:
            rest = len(by_line) - options["max_findings"]
            yield self.finding(f"另有 {rest} 行模板未删改", f"template left in on {rest} more lines", [], location=None)
