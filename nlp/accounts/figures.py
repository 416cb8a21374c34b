"""Totals the narrative states, and where each stands in the statements.

Each `Claim` is a wording of the narrative ("收入支出总计2995.39万元") and the
cell of a statement that must hold the same figure (the 总计 row of the
收入支出决算总表). The wordings are data: a maintainer adds one here. A
wording is matched in the normalised text, the figure right after it
("为", "是", "约" or a colon between them at most), so that "收入支出总计减少
56.95万元" (a change, not the total) is not read as a total.

A figure agrees with its cell within 0.01 万元, or within the rounding of
its stated precision when it is written with fewer decimals ("2,995.4万元"
for 2,995.39: half of 0.1; "约3,000万元": half of 1,000); agreeing only so
is rounding (尾差), a note (JS511), not a contradiction (JS505).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.accounts.statements import Row, Statement, form_by_key

_FIGURE = r"(?:为|是|[:：])?\s*(?P<about>约)?\s*(?P<value>-?\d[\d,]*(?:\.\d+)?)\s*万元"
TOLERANCE = 0.01


@dataclass(frozen=True)
class Claim:
    label: str  # what the narrative states, in its words
    wording: str  # a regex for the words before the figure
    form: str  # the statement's key
    row: str  # a regex for the row's name
    column: tuple[str, ...] = ()  # words of the column's header; () the side's first column
    side: int | None = None


CLAIMS = (
    Claim("收入支出总计", r"(?<!财政拨款)收入支出总计", "summary", r"^总计$", side=0),
    Claim("本年收入合计", r"本年收入合计", "summary", r"^本年收入合计", side=0),
    Claim("本年支出合计", r"本年支出合计", "summary", r"^本年支出合计", side=1),
    Claim("基本支出", r"本年支出合计[^。]{0,40}?其中[：:]\s*基本支出", "expenditure", r"^合计$", ("基本支出",)),
    Claim("项目支出", r"本年支出合计[^。]{0,80}?[；;，,]\s*项目支出", "expenditure", r"^合计$", ("项目支出",)),
    Claim("财政拨款收入支出总计", r"财政拨款收入支出总计", "appropriation_summary", r"^总计$", side=0),
    Claim("一般公共预算财政拨款支出", r"(?<!相比，)一般公共预算财政拨款支出", "general_expenditure", r"^合计$", ("合计",)),
    Claim("一般公共预算财政拨款基本支出", r"一般公共预算财政拨款基本支出", "general_expenditure", r"^合计$", ("基本支出",)),
    Claim("人员经费", r"其中[：:]\s*人员经费", "basic_expenditure", r"^人员经费(?:合计)?$"),
    Claim("公用经费", r"[；;。]\s*公用经费", "basic_expenditure", r"^公用经费(?:合计)?$"),
    Claim("“三公”经费年初预算", r"“?三公”?经费财政拨款支出年初预算", "three_public", r"", ("合计", "预算")),
    Claim("“三公”经费支出决算", r"“?三公”?经费财政拨款支出年初预算为[\d.,]+万元[，,]\s*支出决算", "three_public", r"", ("合计", "决算")),
)


@dataclass
class Stated:
    """A total the narrative states, and the statement's figure for it."""

    claim: Claim
    value: float  # as stated, 万元
    start: int  # offsets of the stated words and figure in the text
    end: int
    statement: Statement
    row: Row | None  # None: the statement is empty (no row at all)
    column: str | None
    table_value: float  # blank cells and an empty statement count 0
    written: str = ""  # the figure as written, "2,995.4"; "约3,000"

    @property
    def tolerance(self) -> float:
        """0.01 万元, or half the last place the figure is written to."""
        return max(TOLERANCE, precision(self.written) / 2)

    @property
    def differs(self) -> bool:
        return abs(self.value - self.table_value) > self.tolerance + 1e-9

    @property
    def rounded(self) -> bool:
        """Equal to the cell only within rounding: a 尾差."""
        return not self.differs and abs(self.value - self.table_value) > 1e-9


def precision(written: str) -> float:
    """The last place a figure is written to: "2,995.39" 0.01, "2,995.4"
    0.1, "2,995" 1; after "约", its last digit that is not 0 ("约3,000": 1,000)."""
    about = written.startswith("约")
    whole, _, decimals = written.removeprefix("约").replace(",", "").lstrip("-").partition(".")
    if decimals.strip("0") or (decimals and not about):
        return 10.0 ** -len(decimals)
    if about and whole.strip("0"):
        return 10.0 ** (len(whole) - len(whole.rstrip("0")))
    return 1.0


def stated_totals(text: str, statements: list[Statement]) -> list[Stated]:
    """Each total the narrative states whose statement the report has."""
    found = []
    for claim in CLAIMS:
        statement = form_by_key(statements, claim.form)
        if statement is None:
            continue
        for m in re.finditer(claim.wording + _FIGURE, text):
            row = statement.find(claim.row, claim.side) if statement.rows else None
            if row is None and not statement.empty:
                continue  # the row is not there to compare with
            column = _column(statement, row, claim)
            cell = row.values.get(column) if row is not None and column else None
            value = float(m.group("value").replace(",", ""))
            written = (m.group("about") or "") + m.group("value")
            found.append(Stated(claim, value, m.start(), m.end(), statement, row, column, cell or 0.0, written))
    return found


def narrative_totals(report) -> list[Stated]:
    """`stated_totals` of an analysed report, read once and kept on it
    (`Report.shared`): JS505, JS510 and JS511 all check them."""
    if "stated_totals" not in report.shared:
        report.shared["stated_totals"] = stated_totals(report.text, report.tables)
    return report.shared["stated_totals"]


def _column(statement: Statement, row: Row | None, claim: Claim) -> str | None:
    names = list(row.values) if row is not None else statement.columns
    if not claim.column:
        return names[0] if names else None
    return next((n for n in names if all(w in n for w in claim.column)), None)


def place(location) -> tuple[str, str]:
    """Where in the narrative, in Chinese and English: "第3页第12行", "page 3, line 12"."""
    if location is None:
        return "", ""
    zh = (f"第{location.page}页" if location.page else "") + (f"第{location.line}行" if location.line else "")
    en = ", ".join(p for p in (f"page {location.page}" if location.page else "",
                               f"line {location.line}" if location.line else "") if p)
    return zh, en


def quote(report, start: int, end: int) -> str:
    """The narrative's words text[start:end] as the report writes them (its
    script and glosses, nlp.model.RepairedText.quote), without the clause marks
    a figure's span may open with: a finding quotes what the reader will find."""
    start += len(report.text[start:end]) - len(report.text[start:end].lstrip("；;。，,：: \n"))
    return report.repaired.quote(start, end) if report.repaired else report.text[start:end]


_ITEM = re.compile(r"^(?P<kind>[^（(]+)[（(]类[）)](?P<section>[^（(]+)[（(]款[）)](?P<item>[^（(]+)[（(]项[）)]$")


@dataclass(frozen=True)
class StatedItem:
    """An item the narrative names by 类, 款 and 项 with its 决算数, and the
    row of the 一般公共预算财政拨款支出决算表 it stands for."""

    explanation: object  # an Explanation or a MissingExplanation
    statement: Statement
    row: Row
    column: str  # the row's 合计 (else the first amount column)

    @property
    def value(self) -> float:
        return self.row.values.get(self.column) or 0.0  # a blank cell counts as 0

    @property
    def diff(self) -> float:
        return abs(self.explanation.statement.amount - self.value)


def stated_items(tables: list[Statement], explanations) -> list[StatedItem]:
    """The `explanations` whose item names a 项 row of the detailed
    expenditure statement, each with that row (JS505 and JS511 hold them to it)."""
    table = form_by_key(tables, "general_expenditure")
    column = (table.column("合计") or (table.columns[0] if table.columns else None)) if table else None
    if table is None or table.empty or column is None:
        return []
    found = []
    for e in explanations:
        s = e.statement
        row = item_row(table, s.item) if s and s.item and s.amount is not None else None
        if row is not None:
            found.append(StatedItem(e, table, row, column))
    return found


def narrative_items(report) -> list[StatedItem]:
    """`stated_items` of an analysed report's explanations and missing
    reasons, read once and kept on it: JS505 and JS511 both check them."""
    if "stated_items" not in report.shared:
        report.shared["stated_items"] = stated_items(report.tables, [*report.explanations, *report.missing])
    return report.shared["stated_items"]


def item_row(statement: Statement, item: str) -> Row | None:
    """The 项 row that an item named "一般公共服务支出（类）财政事务（款）
    行政运行（项）" stands for: its 类, the 款 under it, the 项 under that,
    each by name; None when the names do not lead to one."""
    m = _ITEM.match(re.sub(r"\s+", "", item))
    if m is None:
        return None
    code, row = "", None
    for level, name in enumerate((m.group("kind"), m.group("section"), m.group("item")), 1):
        row = next((r for r in statement.rows
                    if r.level == level and r.code.startswith(code) and re.sub(r"\s+", "", r.name) == name), None)
        if row is None:
            return None
        code = row.code
    return row
