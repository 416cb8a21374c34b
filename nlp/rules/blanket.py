from typing import ClassVar

from nlp.rules import Rule, quote
from nlp.rules.repeated import change_keys, reason_groups
from nlp.vocabulary import Evidence, Severity


class Blanket(Rule):
    """One reason covers a large share of all the explanations in the report:
    a blanket explanation used in place of item-by-item reasons. It is the
    extreme case of `repeated` and weighs more. Shares count changes, as
    `repeated` does: the report's totals are one, an account's income and
    expenditure are one."""

    code = "JS302"
    name = "blanket"
    zh = "一因多用"
    severity = Severity.WARNING
    evidence = Evidence.STYLE
    summary = "one reason covers a large share of all explanations"
    summary_zh = "一条原因覆盖大部分说明"
    rationale_zh = (
        "一条原因覆盖了报告中大部分已说明的变动，以一句笼统的话代替逐项说明。它是“原因重复”的极端情形，会取代同一组说明上的“原因重复”问题。按变动计数：报告的各级总计算一个变动，同一账户的收入与支出算一个。"
    )
    example = "十条说明中有六条的原因是同一句“根据工作安排，相关支出相应增加”。"
    options: ClassVar[dict] = {"similarity": 90.0, "share": 0.2, "min_items": 5}
    supersedes = ("JS301",)  # the repeated finding on the same group

    def check(self, report, options):
        total = len(change_keys([e for e in report.explanations if e.reason]))
        for group in reason_groups(report, options["similarity"]):
            covered = len(change_keys(group))
            share = covered / total
            if share > options["share"] and covered >= options["min_items"]:
                reason = quote(group[0].reason)
                yield self.finding(f"同一原因用于 {total} 项已说明变动中的 {covered} 项（{share:.0%}）：{reason}",
                                   f"one reason covers {covered} of {total} changes explained ({share:.0%}): {reason}", group)
