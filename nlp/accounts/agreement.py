"""Figures that two statements both carry, and must carry alike.

Each `Link` names a cell in one statement and the cell (or cells, summed)
in another that must hold the same figure: the 收入支出决算总表's 本年支出合计
is the 支出决算表's 合计, the 一般公共预算财政拨款支出决算表's 基本支出 is
人员经费合计 + 公用经费合计 of the 基本支出决算表, … They are data: a
maintainer adds one here. Beside them, each class (类) of expenditure listed
in a 总表 must equal that class's row in the detailed table (by name:
"八、社会保障和就业支出" and 208 社会保障和就业支出).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.accounts.statements import Row, Statement, form_by_key
from nlp.accounts.sums import TOLERANCE

_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")


@dataclass(frozen=True)
class Cell:
    form: str
    row: str  # a regex for the row's name
    side: int | None = None
    column: tuple[str, ...] = ()  # words of its header; () the row's first column


@dataclass(frozen=True)
class Link:
    cell: Cell
    equals: tuple[Cell, ...]  # summed


LINKS = (
    Link(Cell("summary", "^本年收入合计", 0), (Cell("income", "^合计$", None, ("本年收入合计",)),)),
    Link(Cell("summary", "^本年支出合计", 1), (Cell("expenditure", "^合计$", None, ("本年支出合计",)),)),
    Link(Cell("income", "^合计$", None, ("财政拨款",)), (Cell("appropriation_summary", "^本年收入合计", 0),)),
    Link(Cell("appropriation_summary", "^本年支出合计", 1, ("一般公共预算",)),
         (Cell("general_expenditure", "^合计$", None, ("合计",)),)),
    Link(Cell("general_expenditure", "^合计$", None, ("基本支出",)),
         (Cell("basic_expenditure", "^人员经费合计$"), Cell("basic_expenditure", "^公用经费合计$"))),
)
# (总表, its column; the detailed table, its column): the classes listed in both
CLASSES = (
    (Cell("summary", "", 1), Cell("expenditure", "", None, ("本年支出合计",))),
    (Cell("appropriation_summary", "", 1, ("一般公共预算",)), Cell("general_expenditure", "", None, ("合计",))),
)


@dataclass
class Disagreement:
    """A figure that one statement gives and another gives otherwise."""

    left: tuple[Statement, Row, str]
    right: list[tuple[Statement, Row, str]]
    found: float
    expected: float


def disagreements(statements: list[Statement]) -> list[Disagreement]:
    out = []
    for link in LINKS:
        left = _cell(statements, link.cell)
        right = [_cell(statements, c) for c in link.equals]
        if left is None or any(r is None for r in right):
            continue
        out += _compare(left, right)
    for listed, detailed in CLASSES:
        summary, table = form_by_key(statements, listed.form), form_by_key(statements, detailed.form)
        if summary is None or table is None:
            continue
        classes = {r.name: r for r in table.rows if r.level == 1}
        for row in summary.rows:
            name = _NUMBERED.sub("", row.name)
            if row.side != listed.side or not _NUMBERED.match(row.name) or name not in classes:
                continue
            left = _at(summary, row, listed.column)
            right = _at(table, classes[name], detailed.column)
            if left and right:
                out += _compare(left, [right])
    return out


def _compare(left, right) -> list[Disagreement]:
    found = left[1].values.get(left[2]) or 0.0
    expected = round(sum(r[1].values.get(r[2]) or 0.0 for r in right), 2)
    if abs(found - expected) > TOLERANCE + 1e-9:
        return [Disagreement(left, right, found, expected)]
    return []


def _cell(statements: list[Statement], cell: Cell):
    statement = form_by_key(statements, cell.form)
    if statement is None or statement.empty:
        return None
    row = statement.find(cell.row, cell.side)
    return _at(statement, row, cell.column) if row is not None else None


def _at(statement: Statement, row: Row, words: tuple[str, ...]):
    column = next((c for c in row.values if all(w in c for w in words)), None)
    return (statement, row, column) if column else None
