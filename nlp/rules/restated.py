import re

from nlp.rules import Rule, quote

# Words that say only that money moved: components, direction, filler.
_RESTATING = re.compile(
    r"基本支出|项目支出|人员经费|公用经费|财政拨款|事业收入|经营收入|其他收入|上级补助|专项资金|专项经费"
    r"|收入|支出|经费|资金|费用|拨款|预算数|决算数|预算|决算|金额|总额|规模|总体|合计|总计"
    r"|增加|减少|增长|下降|降低|上升|提高|变化|变动|持平"
    r"|本年度|本年|今年|当年|上年度|上年|较上年|比上年|同比|与上年相比"
    r"|相应|导致|致使|使得|从而|所以|因此|造成|引起|有所|略有|较大|大幅|部分|主要|等|的|了|是|为|由于|因"
)


class Restated(Rule):
    """The reason only restates the change ("收入减少" for a fall in income,
    "项目支出增加" for a rise in project spending): once the item, the
    accounting components and the direction words are taken away, nothing is
    left that says why the money moved."""

    code = "JS202"
    name = "restated"
    severity = "warning"
    summary = "reason restates the change"
    options = {"max_left": 2}

    def check(self, report, options):
        for e in report.explanations:
            if e.kind != "narrative" or not e.causes:
                continue
            item_parts = [p for p in re.split(r"（[类款项]）|[（）()]", e.statement.item) if len(p) >= 2]
            if all(_left(c.text, item_parts) <= options["max_left"] for c in e.causes):
                yield self.finding(f"reason restates the change to {e.statement.item or 'the item'}: {quote(e.reason)}", [e])


def _left(text: str, item_parts: list[str]) -> int:
    for part in sorted(item_parts, key=len, reverse=True):
        text = text.replace(part, "")
    return len(re.sub(r"[\W\d]", "", _RESTATING.sub("", text)))
