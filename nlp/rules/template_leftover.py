import re
from typing import ClassVar

from nlp.rules import Rule
from nlp.vocabulary import Evidence, Severity

_PLACEHOLDER = re.compile(
    r"[XxＸ×]{2,}(?:单位|局|委|办|部门|中心|学校|医院|街道|镇|乡|区|县|市)?"
    r"|某某(?:单位|局|部门|项目)?"
    r"|[（(]如(?:有|无|持平|适用|涉及|不涉及)[^）)]{0,20}[）)]|[（(]如[^）)]{0,12}表述[）)]"
    r"|【[^】\d]{1,12}】"
    r"|(?:此处|这里)(?:填写|填报|说明)"
    # The template's two directions, one to be struck out: "下降（增长）27.78%", "小于（大于）预算数".
    r"|(?:增加|减少|增长|下降|上升|降低|大于|小于|高于|低于)[（(](?:增加|减少|增长|下降|上升|降低|大于|小于|高于|低于)[）)]"
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
    example = "XX单位 2024 年支出 XXX 万元（如持平作持平表述）。"
    options: ClassVar[dict] = {"max_findings": 20}

    def check(self, report, options):
        seen: dict[str, list[int]] = {}
        for m in _PLACEHOLDER.finditer(report.text):
            seen.setdefault(m.group(0), []).append(m.start())
        for n, (placeholder, starts) in enumerate(sorted(seen.items(), key=lambda kv: kv[1][0])):
            if n >= options["max_findings"]:
                break
            line_start = report.text.rfind("\n", 0, starts[0]) + 1
            context = report.text[line_start : starts[0] + 20].split("\n")[0][-40:]
            targets = [e for e in report.explanations if any(e.statement and e.statement.start <= s <= e.location.end for s in starts)]
            times = f" ({len(starts)} times)" if len(starts) > 1 else ""
            yield self.finding(f"placeholder “{placeholder}” left in{times}: “{context}”", targets, location=report.locate(starts[0]))
