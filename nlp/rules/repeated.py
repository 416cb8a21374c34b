import re
from typing import ClassVar

from nlp.rules import Rule, quote
from nlp.similarity import group_similar
from nlp.vocabulary import Evidence, Severity

# The whole account at one level or another: 收入支出总计, 财政拨款收入支出总计,
# 一般公共预算财政拨款支出 … — one change seen at several levels, so one reason
# for all of them is no copy.
_TOTAL = re.compile(
    r"(?:本年|本年度)?(?:财政拨款)?(?:收入支出|收入|支出)(?:决算)?(?:总计|合计|总体|总额)"
    r"|(?:一般公共预算|政府性基金预算|国有资本经营预算)财政拨款(?:收入支出|收入|支出)(?:决算)?(?:总体|总计|合计)?"
)


class Repeated(Rule):
    """The same or nearly the same reason is given for several different items
    in one document. A reason copied across items rarely explains each of them;
    the reader should ask what drove each item. One finding per group, naming
    the items; punctuation, spaces, figures and small edits do not hide a copy.
    The totals of the report (收入支出总计, 财政拨款收入支出总计,
    一般公共预算财政拨款支出) are one change seen at several levels, and the
    income and the expenditure of one account are twins: each counts as one item."""

    code = "JS301"
    name = "repeated"
    zh = "原因重复"
    severity = Severity.WARNING
    evidence = Evidence.STYLE
    summary = "same reason given for several items"
    summary_zh = "多个项目原因相同"
    rationale_zh = (
        "同一份报告中，几个不同项目给出相同或几乎相同的原因。照抄到各项目的原因很少能分别说明它们，应追问每个项目的真实驱动因素。标点、空格、数字和少量改动不影响判断。报告的各级总计是同一变动在不同层级的体现，同一账户的收入与支出是一对，各算一个项目。"
    )
    example = "三个科目的原因都是“根据工作安排，相关支出相应增加”。"
    options: ClassVar[dict] = {"similarity": 90.0, "min_items": 3}

    def check(self, report, options):
        for group in reason_groups(report, options["similarity"]):
            items = _distinct_items(group)
            if len(change_keys(group)) >= options["min_items"]:
                named, reason = "、".join(items[:5]), quote(group[0].reason)
                more_zh, more_en = (f"等，另有 {len(items) - 5} 项", f" and {len(items) - 5} more") if len(items) > 5 else ("", "")
                yield self.finding(f"{len(items)} 个项目（{named}{more_zh}）原因相同：{reason}",
                                   f"the same reason is given for {len(items)} items ({named}{more_en}): {reason}", group)


def reason_groups(report, similarity: float) -> list[list]:
    """Explanations grouped by near-identical reason, largest group first."""
    explanations = [e for e in report.explanations if e.reason]
    groups = group_similar([e.reason for e in explanations], similarity)
    return sorted(([explanations[i] for i in g] for g in groups), key=len, reverse=True)


def _distinct_items(group) -> list[str]:
    seen: dict[str, None] = {}
    for e in group:
        name = e.statement.item if e.statement else f"{e.row.project}/{e.row.indicator}"
        seen.setdefault(name or e.id, None)
    return list(seen)


def change_keys(group) -> set[str]:
    """The distinct changes a group of explanations is about: the totals are
    one, an account's income and expenditure are one."""
    keys = set()
    for e in group:
        item = (e.statement.item if e.statement else None) or e.id
        if e.statement and _TOTAL.fullmatch(item):
            keys.add("总计")
        else:
            keys.add(re.sub(r"收入|支出", "", item) or item)
    return keys
