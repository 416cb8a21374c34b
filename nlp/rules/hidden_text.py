import bisect
from typing import ClassVar

from nlp.model import Location
from nlp.rules import Rule, quote
from nlp.vocabulary import Evidence, Severity

# What hid the text (HiddenText.why), in the words of the message.
_WHY = {
    "display:none": ("样式 display:none", "styled display:none"),
    "visibility:hidden": ("样式 visibility:hidden", "styled visibility:hidden"),
    "opacity:0": ("完全透明", "fully transparent"),
    "hidden": ("hidden 属性", "the hidden attribute"),
    "template": ("<template> 模板内容", "a <template>"),
    "svg": ("SVG 图形中的文字", "text of an SVG drawing"),
    "w:vanish": ("Word 隐藏文字格式", "Word's hidden-text format"),
    "Tr 3": ("不可见的文字渲染模式", "invisible render mode"),
    "Tr 7": ("仅作裁剪的文字渲染模式", "clip-only render mode"),
    "transparent": ("完全透明", "fully transparent"),
    "background": ("与其下的底色同色", "the colour of what lies under it"),
    "white": ("白色文字", "white text"),
    "tiny": ("字号小于 1 磅", "smaller than 1 pt"),
    "off-page": ("页面之外", "outside the page"),
}


class Hidden(Rule):
    """The file holds text that a reader of the published report never sees:
    HTML hidden by its style or attribute, text in an SVG drawing, Word text
    formatted as hidden, PDF text drawn invisible, white on white, smaller
    than 1 pt or outside the page. Such text is left out of the analysis, so
    a reason written where nobody can read it does not count as a reason;
    this finding says where it was and what it said."""

    code = "JS901"
    name = "hidden_text"
    zh = "隐藏文字"
    severity = Severity.WARNING
    evidence = Evidence.MISSING
    summary = "text a reader never sees"
    summary_zh = "文件中有读者看不到的文字"
    rationale_zh = (
        "文件中有读者看不到的文字：HTML 中以样式或属性隐藏的文字、SVG 图形中的文字、Word 中设为隐藏格式的文字、"
        "PDF 中以不可见模式绘制、白色、小于 1 磅或位于页面之外的文字。这些文字不计入分析，"
        "写在读者看不到之处的原因不算作原因；本问题指出它在哪里、写了什么。"
    )
    example = "支出决算数为 120.50 万元，比上年增加 20.50 万元。<span style=\"display:none\">主要原因是新增人员。</span>"
    options: ClassVar[dict] = {"max_findings": 20}

    def check(self, report, options):
        shown = report.hidden[: options["max_findings"]]
        for h in shown:
            why_zh, why_en = _WHY.get(h.why, (h.why, h.why))
            where_zh = "，".join(x for x in (f"第{h.page}页" if h.page else "", h.where) if x)
            where_en = ", ".join(x for x in (f"p.{h.page}" if h.page else "", h.where) if x)
            text = quote(h.text)
            yield self.finding(
                f"文件中有读者看不到的文字（{why_zh}{'，' + where_zh if where_zh else ''}）：{text}，未计为原因",
                f"text a reader never sees ({why_en}{', ' + where_en if where_en else ''}): {text}, not counted as a reason",
                [],
                location=_location(report, h),
            )
        if len(report.hidden) > len(shown):
            rest = len(report.hidden) - len(shown)
            yield self.finding(f"另有 {rest} 处读者看不到的文字", f"text a reader never sees in {rest} more places", [])


def _location(report, h) -> Location | None:
    """Where the hidden text was, as an offset into its page as read."""
    repaired = report.repaired
    if h.at is None or repaired is None:
        return None
    page = (h.page or 1) - 1
    if page >= len(repaired.page_starts):
        return None
    base = repaired.page_starts[page]
    line = bisect.bisect_right(repaired.line_starts, base + h.at) - bisect.bisect_right(repaired.line_starts, base) + 1
    return Location(h.page if repaired.paged else None, h.at, h.at, line)
