from typing import ClassVar

from nlp.rules import Rule, quote
from nlp.vocabulary import Direction, Evidence, Severity


class Missing(Rule):
    """A material change is stated with no reason at all. Reports must explain
    every material change; a silent one is the first thing to ask about. Only
    changes at or above the materiality threshold (amount in 万元 or
    percentage, whichever is met) are reported."""

    code = "JS101"
    name = "missing"
    zh = "缺少原因"
    severity = Severity.ERROR
    evidence = Evidence.MISSING
    summary = "change stated without any reason"
    summary_zh = "变动未说明原因"
    rationale_zh = (
        "报告写明了重大变动，却没有给出任何原因。每项重大变动都应说明原因，未说明的变动是审查时首先要问的。只报告达到重要性标准（金额或比例，满足其一即可）的变动；称持平或金额相同的项目不需要原因。"
    )
    example = "办公费支出决算数为 120.50 万元，比上年增加 20.50 万元，增长 20.50%。（其后没有原因）"
    options: ClassVar[dict] = {"min_change": 5.0, "min_pct": 10.0}

    def check(self, report, options):
        for m in report.missing:
            s = m.statement
            if s.direction == Direction.NONE or "unchanged" in m.flags:
                continue
            big = (s.change is not None and s.change >= options["min_change"]) or (
                s.change_pct is not None and s.change_pct >= options["min_pct"]
            )
            if s.change is None and s.change_pct is None:
                continue  # no figures (a template's XXX): nothing to weigh
            if big:
                figures = f"{s.change:,.2f} 万元" if s.change is not None else f"{s.change_pct:.2f}%"
                text = quote(s.text)
                yield self.finding(f"{s.item or '（未写明项目）'}变动 {figures}，未说明原因：{text}",
                                   f"{s.item or '(item not named)'} changed by {figures} with no reason: {text}", [m])
