from typing import ClassVar

from nlp.accounts.sums import table_sums
from nlp.rules import Rule
from nlp.vocabulary import Evidence, Severity


class StatementSums(Rule):
    """A statement that does not add up: a 类 that is not the sum of its
    款, a 合计 row that is not the sum of the classes, 本年支出合计 that is
    not 基本支出 + 项目支出 + …, 人员经费合计 that is not 301 + 303, a 三公
    total that is not its three items. The statements are the account
    itself; a sum that fails means a figure was typed or carried over
    wrong, and every check against it is in doubt. The sums are listed in
    nlp/accounts/sums.py; rounding (half a cent a part) passes."""

    code = "JS506"
    name = "statement_sums"
    zh = "报表内合计不符"
    severity = Severity.ERROR
    evidence = Evidence.FIGURES
    summary = "a total in a statement that is not the sum of its parts"
    summary_zh = "决算报表内的合计数不等于其组成部分之和"
    rationale_zh = (
        "决算报表自身不能相加：类不等于其下各款之和，合计行不等于各类之和，本年支出合计不等于基本支出加项目支出等，"
        "人员经费合计不等于工资福利支出加对个人和家庭的补助，三公经费合计不等于三项之和。报表就是账本身，合计不符说明某个数字录入或结转有误，"
        "据此所做的其他核对也都存疑。所核对的合计关系列在 nlp/accounts/sums.py 中；四舍五入造成的差额（每个组成部分半分）不作为问题。"
    )
    example = "支出决算表：201 一般公共服务支出 100.00，其下 20106 财政事务 90.00"
    options: ClassVar[dict] = {"max_findings": 20}

    def check(self, report, options):
        found = [m for statement in report.tables for m in table_sums(statement)]
        for m in found[: options["max_findings"]]:
            cell_zh, cell_en = m.statement.cite(m.row, m.column)
            yield self.finding(
                f"{cell_zh}为 {m.found:,.2f}，而{m.parts_zh}为 {m.expected:,.2f}，相差 {abs(m.found - m.expected):,.2f} 万元",
                f"{cell_en} is {m.found:,.2f} but {m.parts_en} is {m.expected:,.2f}, "
                f"a difference of {abs(m.found - m.expected):,.2f} 万元",
                [], location=None, signal=m.statement.form, cell=m.statement.cell(m.row, m.column),
            )
        if len(found) > options["max_findings"]:
            rest = len(found) - options["max_findings"]
            yield self.finding(f"另有 {rest} 处报表内合计不符", f"{rest} more totals in the statements do not add up", [])
