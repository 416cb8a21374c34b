"""Spreadsheets (XLSX): the statements (决算报表) some departments publish
as a workbook beside the PDF, or alone.

Read with our streaming reader (nlp.xlsx), which keeps only the cells that
are there, so a small file with one cell at XFD1048576 costs what its bytes
cost, and refuses DTDs and entities. Each sheet becomes lines of text: its
name, then its rows, a row with one filled cell as a line (a title,
单位：万元), a row with more as tab-separated cells, a merged cell's text in
every slot it covers, one blank line for any run of empty rows. The
statements are then read as in text, DOCX and HTML
(`nlp.accounts.raw.text_tables`). An XLSX is a zip and is checked first
(`nlp.readers.zipguard`); nothing it links to is fetched, and no formula is
evaluated (the cached values are read). The old binary .xls is not read:
save it as .xlsx.
"""
from __future__ import annotations

import io

from nlp.accounts.raw import Place, text_tables
from nlp.errors import InputError
from nlp.readers import Source
from nlp.readers.zipguard import check_zip
from nlp.xlsx import MAX_READ_COLUMNS, SheetData, read_sheets

_MERGED_ROWS = 50


def read_workbook(data: bytes, name: str) -> Source:
    check_zip(data, name, kind="zip/XLSX")
    lines: list[str] = []
    rows: list[tuple[str, int] | None] = []  # each line's sheet and row number
    for sheet in read_sheets(io.BytesIO(data), name):
        sheet_lines, numbers = _lines(sheet)
        lines += [sheet.title, *sheet_lines, ""]
        rows += [None, *((sheet.title, n) if n else None for n in numbers), None]
    text = "\n".join(lines)
    if not text.strip():
        raise InputError(f"{name}: 表格中没有文字 / spreadsheet has no text")
    tables = text_tables(text)
    for table in tables:  # a row is cited by its sheet and cell, 'Sheet1'!C7
        table.places = [Place(sheet=rows[p.line - 1][0], sheet_row=rows[p.line - 1][1]) if rows[p.line - 1] else p
                        for p in table.places]
    return Source(name, [text], paged=False, tables=tables)


def _lines(sheet: SheetData) -> tuple[list[str], list[int | None]]:
    """The sheet's lines, and each one's row number (None for a blank line)."""
    cells = {number - 1: [_cell(v) for v in values] for number, values in sheet.rows}
    for r0, c0, r1, c1 in sheet.merged:
        first = cells.get(r0, [])
        text = first[c0] if c0 < len(first) else ""
        c1 = min(c1, MAX_READ_COLUMNS - 1)
        # A merged range fills the rows that are there, and the few under its
        # first that a spreadsheet program leaves out (a merge down a header).
        rows = range(r0, r1 + 1) if r1 - r0 < _MERGED_ROWS else [r for r in cells if r0 <= r <= r1]
        for r in rows:
            row = cells.setdefault(r, [])
            row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = text
    out: list[str] = []
    numbers: list[int | None] = []
    in_table = False  # a table runs from a row of several cells to a blank row
    previous = -1
    for r in sorted(cells):
        row = cells[r]
        distinct = set(row) - {""}
        if r > previous + 1 or not distinct:
            in_table = False
            out.append("")
            numbers.append(None)
        previous = r
        if not distinct:
            continue
        if len(distinct) == 1 and not in_table:
            out.append(distinct.pop())  # a title, 单位：万元
        else:
            in_table = True
            out.append("\t".join(row))
        numbers.append(r + 1)
    return out, numbers


def _cell(value) -> str:
    # A number cell is an amount (a code such as 2010301 is written as text, to keep its zeros).
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.2f}" if round(value, 2) == value else repr(float(value))
    return " ".join(str(value).split())
