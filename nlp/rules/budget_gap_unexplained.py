import re
from typing import ClassVar

from nlp.accounts.figures import item_row
from nlp.rules import Rule
from nlp.vocabulary import Basis, Evidence, Severity

_BUDGET = re.compile(r"(?:年初|调整后?|全年)预算|预算数|(?:^|/)预算(?:/|$)")  # not 一般公共预算财政拨款
_BUDGETS = {Basis.INITIAL_BUDGET, Basis.FULL_YEAR_BUDGET}
_LEVEL = re.compile(r"[（(][类款项][）)]")


class BudgetGapUnexplained(Rule):
    """A 项 whose budget and actual differ in the statement, and the
    narrative never names it against its budget. Where a statement gives a
    功能分类 项 (a 7-digit code) both a budget column (年初预算, 预算数,
    调整预算) and an actual one (决算数, 支出决算, or the 合计 beside the
    budget), every gap over a cent must be explained: the reader of a final
    account asks first why money budgeted was not spent, or spent beyond
    the budget. An item is named when an explanation (or a change left
    without one, which JS101 reports) measured against the budget names it
    by 类, 款 and 项 ("一般公共服务支出（类）财政事务（款）行政运行（项）"), by its
    code, or by its 款 and 项. Statements without budget columns (the
    standard nine of most provinces) give no finding. `min_gap` (万元) lets
    small gaps pass."""

    code = "JS102"
    name = "budget_gap_unexplained"
    zh = "预决算差异未说明"
    severity = Severity.WARNING
    evidence = Evidence.MISSING
    summary = "a budget-versus-actual gap of an item in a statement that the narrative never explains"
    summary_zh = "报表中某项决算数与预算数有差异，正文未说明"
    rationale_zh = (
        "报表对某一功能分类的项（7 位编码）同时列出预算数（年初预算、预算数、调整预算）和决算数（决算数、支出决算，或预算数旁的合计），"
        "两者相差超过 0.01 万元，正文却没有对照预算说明该项：预算安排了却没有花、或花超了预算，是决算读者首先要问的。"
        "正文以对照预算的说明（或未给原因的变动，由 JS101 报告）写出该项的类、款、项名称（“一般公共服务支出（类）财政事务（款）行政运行（项）”）、"
        "编码，或款与项的名称，即视为已说明。没有预算数列的报表（多数地区的九张标准表）不会触发本规则。选项 min_gap（万元）可放过较小的差异。"
    )
    example = "一般公共预算财政拨款支出决算表：2010601 行政运行 年初预算数 85.00，决算数 80.00（正文未提及行政运行）"
    options: ClassVar[dict] = {"min_gap": 0.0}

    def check(self, report, options):
        named = [e.statement.item for e in [*report.explanations, *report.missing]
                 if e.statement and e.statement.item and e.statement.basis in _BUDGETS]
        for statement in report.tables:
            columns = _columns(statement)
            if columns is None:
                continue
            budget, actual = columns
            for row in statement.rows:
                planned, spent = row.values.get(budget), row.values.get(actual)
                if row.level != 3 or (planned is None and spent is None):
                    continue
                gap = (spent or 0.0) - (planned or 0.0)
                if abs(gap) <= 0.01 + 1e-9 or abs(gap) <= options["min_gap"]:
                    continue
                if any(_names(statement, row, item) for item in named):
                    continue
                cell_zh, cell_en = statement.cite(row, actual)
                yield self.finding(
                    f"{cell_zh}为 {spent or 0.0:,.2f}，“{budget}”列为 {planned or 0.0:,.2f}，相差 {abs(gap):,.2f} 万元；"
                    f"正文未对照预算说明该项（{row.code} {row.name}）",
                    f"{cell_en} is {spent or 0.0:,.2f} against {planned or 0.0:,.2f} in column “{budget}”, "
                    f"a gap of {abs(gap):,.2f} 万元 that the narrative never explains against the budget ({row.code} {row.name})",
                    [], location=None, signal=statement.form, cell=statement.cell(row, actual),
                )


def _columns(statement) -> tuple[str, str] | None:
    """The statement's budget and actual columns: the first of each; the
    actual is a 决算 column, else the first 合计 that is not a budget's."""
    budgets = [c for c in statement.columns if _BUDGET.search(c)]
    if not budgets:
        return None
    others = [c for c in statement.columns if c not in budgets]
    actual = next((c for c in others if "决算" in c), None) or next((c for c in others if "合计" in c), None)
    return (budgets[0], actual) if actual else None


def _names(statement, row, item: str) -> bool:
    """Whether the narrative's item is this 项: by 类/款/项 names, by its
    code, or by its 款's name and its own."""
    flat = re.sub(r"\s+", "", item)
    if item_row(statement, item) is row or row.code in flat:
        return True
    words = _LEVEL.sub("", flat)
    section = next((r for r in statement.rows if r.code == row.code[:5]), None)
    own = re.sub(r"\s+", "", row.name)
    return bool(own) and words.endswith(own) and section is not None and re.sub(r"\s+", "", section.name) in words
