"""Spreadsheets (XLSX, XLS) with python-calamine, the Rust calamine reader:
the statements (决算报表) some departments publish as a workbook beside the
PDF, or alone. About five times faster than openpyxl on the same workbook
(bench/bench_statements.py), and it reads the old binary .xls too.

Each sheet becomes lines of text: its name, then its rows, a row with one
filled cell as a line (a title, 单位：万元), a row with more as tab-separated
cells, a merged cell's text in every slot it covers. The statements are
then read as in text, DOCX and HTML (`nlp.accounts.raw.text_tables`). An
XLSX is a zip and is checked first (`nlp.readers.zipguard`); nothing it
links to is fetched, and no formula is evaluated (the cached values are
read).
"""
from __future__ import annotations

import io

from nlp.errors import InputError
from nlp.readers import Source
from nlp.readers.zipguard import check_zip


def read_workbook(data: bytes, name: str) -> Source:
    import python_calamine

    if data.startswith(b"PK"):
        check_zip(data, name, kind="zip/XLSX")
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        lines = []
        for sheet_name in book.sheet_names:
            sheet = book.get_sheet_by_name(sheet_name)
            lines += [sheet_name, *_lines(sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges or []), ""]
    except Exception as e:  # noqa: BLE001 - calamine raises its own kinds
        raise InputError(f"{name}: unreadable spreadsheet ({type(e).__name__})") from None
    text = "\n".join(lines)
    if not text.strip():
        raise InputError(f"{name}: spreadsheet has no text")
    return Source(name, [text], paged=False)


def _lines(rows: list[list], merged) -> list[str]:
    cells = [[_cell(v) for v in row] for row in rows]
    for (r0, c0), (r1, c1) in merged:
        if r0 < len(cells) and c0 < len(cells[r0]):
            text = cells[r0][c0]
            for r in range(r0, min(r1 + 1, len(cells))):
                for c in range(c0, min(c1 + 1, len(cells[r]))):
                    cells[r][c] = text
    out = []
    in_table = False  # a table runs from a row of several cells to a blank row
    for row in cells:
        distinct = set(row) - {""}
        if not distinct:
            in_table = False
            out.append("")
        elif len(distinct) == 1 and not in_table:
            out.append(distinct.pop())  # a title, 单位：万元
        else:
            in_table = True
            out.append("\t".join(row))
    return out


def _cell(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return f"{value:.2f}" if round(value, 2) == value else repr(value)
    return " ".join(str(value).split())
