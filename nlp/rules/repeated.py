from typing import ClassVar

from nlp.rules import Rule, quote
from nlp.similarity import group_similar
from nlp.vocabulary import Severity


class Repeated(Rule):
    """The same or nearly the same reason is given for several different items
    in one document. A reason copied across items rarely explains each of them;
    the reader should ask what drove each item. One finding per group, naming
    the items; punctuation, spaces, figures and small edits do not hide a copy."""

    code = "JS301"
    name = "repeated"
    zh = "原因重复"
    severity = Severity.WARNING
    summary = "same reason given for several items"
    example = "三个科目的原因都是“根据工作安排，相关支出相应增加”。"
    options: ClassVar[dict] = {"similarity": 90.0, "min_items": 3}

    def check(self, report, options):
        for group in reason_groups(report, options["similarity"]):
            items = _distinct_items(group)
            if len(items) >= options["min_items"]:
                listed = "、".join(items[:5]) + (f" and {len(items) - 5} more" if len(items) > 5 else "")
                yield self.finding(f"the same reason is given for {len(items)} items ({listed}): {quote(group[0].reason)}", group)


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
