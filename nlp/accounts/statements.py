"""Statements read from raw tables: typed rows with their place.

A statement's columns are of three kinds, told by the header and the cells:
code columns (科目编码: 类/款/项 in cells of their own, or one code such as
2010601), a name column (科目名称, 项目), and amount columns (in 万元). A
two-sided table (收入 | 支出, 人员经费 | 公用经费) has a side each, read as
rows of their own. An amount column is named by the header cells above it,
top to bottom ("本年支出/基本支出", "公务接待费/预算数").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp.accounts.forms import form_of
from nlp.accounts.raw import Place, RawTable
from nlp.model import Cell
from nlp.sheets import column_letter

_AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^-?\d*\.\d+$")
_CODE = re.compile(r"^\d{2,7}$")
_LEVELS = {"类", "款", "项"}
_TOTAL = re.compile(r"^(?:合计|总计|本年收入合计|本年支出合计)")
_ITEM = re.compile(r"^[一二三四五六七八九十]+、")  # "一、一般公共预算财政拨款收入": a row, not a header
_NIL = {"", "-", "—", "－", "/", "——"}


@dataclass
class Row:
    """One row of a statement (one side of it, in a two-sided table)."""

    code: str  # the function/economic code, "2010601"; "" for a total or a 收入/支出 item
    name: str  # 科目名称 or the item, as written
    values: dict[str, float | None]  # by column header; in 万元, None when blank
    page: int | None
    row: int  # 1-based, counted over the whole table, headers included
    side: int = 0  # 0 left, 1 right (two-sided tables)
    at: Place | None = None  # where the row is in the input

    @property
    def level(self) -> int:
        """1 类, 2 款, 3 项 (by the code's length: 3, 5, 7 digits); 0 without a code."""
        return {3: 1, 5: 2, 7: 3}.get(len(self.code), 0)


@dataclass
class Statement:
    form: str  # the form's key (nlp.accounts.forms)
    title: str  # as written
    columns: list[str]  # the amount columns' headers, in order
    rows: list[Row]
    pages: list[int] = field(default_factory=list)
    line: int | None = None  # unpaged input: the line of its first row
    at: Place | None = None  # where its first row is in the input
    # each amount column's index in the grid, by (side, header): an XLSX cell's column
    column_at: dict[tuple[int, str], int] = field(default_factory=dict, repr=False)
    caption: str = ""  # the words above it, title included ("上海市XX局2024年度部门决算表\n收入支出决算总表\n单位：万元")

    @property
    def empty(self) -> bool:
        return all(v is None for r in self.rows for v in r.values.values())

    def column(self, *words: str, side: int | None = None) -> str | None:
        """The first amount column whose header holds all `words`."""
        for name in self.columns:
            if all(w in name for w in words) and (side is None or any(name in r.values for r in self.rows if r.side == side)):
                return name
        return None

    def find(self, pattern: str, side: int | None = None) -> Row | None:
        """The first row whose name matches `pattern` (a regex, searched
        in the name without spaces)."""
        rx = re.compile(pattern)
        return next((r for r in self.rows if (side is None or r.side == side) and rx.search(_flat(r.name))), None)

    def cell(self, row: Row | None, column: str | None) -> Cell:
        """The place of a cell (of a row, or of the table when `row` is None)."""
        at = (row.at if row is not None else None) or self.at or Place()
        page = at.page or (row.page if row is not None else None) or (self.pages[0] if self.pages else None)
        ref = None
        if at.sheet is not None:  # the cell, C7; the whole row, 7:7, when no column is named
            j = self.column_at.get((row.side, column)) if row is not None and column else None
            ref = f"{column_letter(j)}{at.sheet_row}" if j is not None else f"{at.sheet_row}:{at.sheet_row}"
        return Cell(self.title, row.row if row is not None else 0, row.name if row is not None else "",
                    row.code if row is not None else "", column, page, at.line, at.sheet, ref, at.table)

    def cite(self, row: Row | None, column: str | None) -> tuple[str, str]:
        """Where a cell is, in Chinese and English (`nlp.model.Cell.describe`)."""
        cell = self.cell(row, column)
        return cell.describe("zh"), cell.describe("en")

    def to_dict(self) -> dict:
        return {
            "form": self.form, "title": self.title, "pages": self.pages, "columns": self.columns,
            "rows": [{"code": r.code, "name": r.name, "side": r.side, "row": r.row, "page": r.page, "values": r.values,
                      "at": _place_dict(r.at)} for r in self.rows],
        }


def read_statements(tables: list[RawTable]) -> list[Statement]:
    """The standard statements among the tables, a table continued over
    pages joined to its start; tables of no standard form are left out."""
    found: list[Statement] = []
    layout = None
    for table in tables:
        known = form_of(table.caption)
        if known is None:
            if table.continued and found and layout and _fits(table, layout):
                _add_rows(found[-1], table, layout, start=0)
            else:
                layout = None
            continue
        form, title = known
        start = _data_start(table.rows)
        layout = _layout(table.rows, start)
        columns = list(dict.fromkeys(header for _, header, kind in layout if kind == "amount"))
        at = table.places[start] if start < len(table.places) else (table.places[0] if table.places else None)
        column_at = {(s, header): j for s, side in enumerate(_sides(layout)) for j, header, kind in side if kind == "amount"}
        statement = Statement(form.key, title, columns, [], line=table.line, at=at, column_at=column_at, caption=table.caption)
        _add_rows(statement, table, layout, start)
        found.append(statement)
    return found


def amount(text: str) -> float | None:
    """A cell's amount: "2,940.05" -> 2940.05; blank or a dash -> None."""
    text = text.replace("，", ",").replace(" ", "")
    if text in _NIL or not _AMOUNT.match(text):
        return None
    return float(text.replace(",", ""))


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _is_amount(cell: str) -> bool:
    cell = cell.replace(" ", "")
    return bool(_AMOUNT.match(cell)) and not _CODE.match(cell)


def _data_start(rows: list[list[str]]) -> int:
    """The first row that is not header: one with an amount or a code, else
    (an empty table) the first of the blank and total rows at the end."""
    for r, row in enumerate(rows):
        if any(_is_amount(c) or _CODE.match(c) or _ITEM.match(c) for c in row):
            return r
    r = len(rows)
    while r > 0 and all(not c or _TOTAL.match(_flat(c)) or c in _LEVELS for c in rows[r - 1]):
        r -= 1
    return r


def _layout(rows: list[list[str]], start: int) -> list[tuple[int, str, str]]:
    """(column index, header, kind) of each column; kind is code, name or amount."""
    width = max((len(r) for r in rows), default=0)
    header_rows = [r for r in rows[:start] if any(r)]
    common = {c for c in header_rows[0]} if header_rows and len(set(header_rows[0])) == 1 else set()
    out = []
    for j in range(width):
        parts: list[str] = []
        for r in header_rows:
            cell = _flat(r[j]) if j < len(r) else ""
            if cell and cell not in parts and cell not in common:
                parts.append(cell)
        header = "/".join(parts)
        cells = [_flat(r[j]) for r in rows[start:] if j < len(r) and r[j]]
        codes = sum(1 for c in cells if _CODE.match(c) or c in _LEVELS)
        amounts = sum(1 for c in cells if _is_amount(c))
        texts = len(cells) - codes - amounts
        if "名称" in header or (texts > amounts and texts >= codes):
            kind = "name"
        elif "编码" in header or codes > amounts or (not cells and header.endswith(("类", "款", "项"))):
            kind = "code"
        elif not cells and header in ("项目", "收入/项目", "支出/项目"):
            kind = "name"
        else:
            kind = "amount"
        out.append((j, header or f"列{j + 1}", kind))
    return out


def _fits(table: RawTable, layout) -> bool:
    return bool(table.rows) and max(len(r) for r in table.rows) == len(layout)


def _sides(layout) -> list[list[tuple[int, str, str]]]:
    """Columns split where a code or name column follows an amount column."""
    sides: list[list] = [[]]
    for col in layout:
        if col[2] != "amount" and sides[-1] and sides[-1][-1][2] == "amount":
            sides.append([])
        sides[-1].append(col)
    return sides


def _add_rows(statement: Statement, table: RawTable, layout, start: int) -> None:
    if table.page is not None and table.page not in statement.pages:
        statement.pages.append(table.page)
    base = max((r.row for r in statement.rows), default=start)
    sides = _sides(layout)
    for n, cells in enumerate(table.rows[start:]):
        for s, side in enumerate(sides):
            at = table.places[start + n] if start + n < len(table.places) else None
            row = _row(cells, side, s, table.page, base + n + 1, at)
            if row is not None:
                statement.rows.append(row)


def _row(cells: list[str], side, s: int, page: int | None, number: int, at: Place | None) -> Row | None:
    get = [(cells[j] if j < len(cells) else "", header, kind) for j, header, kind in side]
    code = "".join(_flat(c) for c, _, kind in get if kind == "code" and _CODE.match(_flat(c)))
    name = next((c for c, _, kind in get if kind == "name" and c), "")
    if not name:  # a total row whose label is merged over the code columns
        name = next((c for c, _, kind in get if kind == "code" and c and not _CODE.match(_flat(c)) and c not in _LEVELS), "")
    values = {header: amount(c) for c, header, kind in get if kind == "amount"}
    if not code and not name and all(v is None for v in values.values()):
        return None
    return Row(code, name, values, page, number, s, at)


def _place_dict(at: Place | None) -> dict:
    """A row's place in JSON: what the input says of it ({"line": 34}, {"sheet": "表1", "sheet_row": 7})."""
    return {k: v for k, v in vars(at).items() if v is not None} if at else {}


def form_by_key(statements: list[Statement], key: str) -> Statement | None:
    return next((s for s in statements if s.form == key), None)

