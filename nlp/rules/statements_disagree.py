from typing import ClassVar

from nlp.accounts.agreement import disagreements
from nlp.rules import Rule
from nlp.vocabulary import Evidence, Severity


class StatementsDisagree(Rule):
    """Two statements give one figure differently: the 收入支出决算总表's
    本年支出合计 is not the 支出决算表's 合计, the 一般公共预算财政拨款支出
    决算表's 基本支出 is not 人员经费 + 公用经费 of the 基本支出决算表, a class
    of expenditure in a 总表 is not that class's row in the detailed table.
    The statements are cut from one account; where two disagree one was
    not brought up to date. The links are data in nlp/accounts/agreement.py;
    0.01 万元 is rounding and passes."""

    code = "JS507"
    name = "statements_disagree"
    zh = "报表之间不符"
    severity = Severity.ERROR
    evidence = Evidence.FIGURES
    summary = "two statements that give one figure differently"
    summary_zh = "两张决算报表中的同一数字不一致"
    rationale_zh = (
        "两张决算报表对同一数字给出不同的值：收入支出决算总表的本年支出合计不等于支出决算表的合计，"
        "一般公共预算财政拨款支出决算表的基本支出不等于基本支出决算表的人员经费与公用经费之和，总表中某一类支出不等于明细表中该类的行。"
        "各报表出自同一本账，两者不一致说明其中一张没有同步更新。核对关系以数据形式列在 nlp/accounts/agreement.py 中；0.01 万元以内的差额为四舍五入，不作为问题。"
    )
    example = "收入支出决算总表：本年支出合计 100.00；支出决算表：合计 90.00"
    options: ClassVar[dict] = {"max_findings": 20}

    def check(self, report, options):
        found = disagreements(report.tables)
        for d in found[: options["max_findings"]]:
            left_zh, left_en = d.left[0].cite(d.left[1], d.left[2])
            cited = [s.cite(row, column) for s, row, column in d.right]
            right_zh, right_en = "与".join(c[0] for c in cited), " plus ".join(c[1] for c in cited)
            total = "之和" if len(cited) > 1 else ""
            yield self.finding(
                f"{left_zh}为 {d.found:,.2f}，与{right_zh}{total}所列 {d.expected:,.2f} 不符，相差 {abs(d.found - d.expected):,.2f} 万元",
                f"{left_en} is {d.found:,.2f} but {right_en} is {d.expected:,.2f}, a difference of {abs(d.found - d.expected):,.2f} 万元",
                [], location=None, signal=d.left[0].form, cell=d.left[0].cell(d.left[1], d.left[2]),
            )
        if len(found) > options["max_findings"]:
            rest = len(found) - options["max_findings"]
            yield self.finding(f"另有 {rest} 处报表之间不符", f"{rest} more figures disagree between statements", [])
