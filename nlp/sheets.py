"""Spreadsheet cells that no spreadsheet program evaluates: the formula-safe
CSV cell, a header reader for CSV/XLSX tables with column aliases, and a
streaming XLSX writer. Low level (below the model, the reports and the batch
tables, which all write or read spreadsheets).

The XLSX writer: sheets of plain values, written row by row straight into
the zip, in constant memory. Why not a library: xlsxwriter (constant-memory
mode) spent ~16 µs a cell, most of a batch run's table-writing time (1,000
reports: 300,000 cells, 5 s); this writes the same SpreadsheetML in ~1.5 µs a
cell. It writes only what the tables need: a bold, frozen header row with an
autofilter, column widths fitted to the header and the first rows, numbers,
booleans and text. Text is always an inline string cell
(t="inlineStr"), so a value such as "=HYPERLINK(…)" is shown as text and
never evaluated: no cell of this writer is ever a formula.

In CSV a text cell starting with = + - @ (or a tab or carriage return) gets a
leading apostrophe, as OWASP recommends for CSV files opened in a
spreadsheet, so that a hostile report cannot put a formula in one.

In both, and in the terminal report, a control character of the report's
text (C0 and C1 but newline and tab, DEL, bidirectional overrides) is
written out as a visible escape (`visible`: ESC becomes the four characters
\x1b), so that no terminal, `cat` of a CSV or spreadsheet program obeys it.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from xml.sax.saxutils import escape as _xml_escape

MAX_ROWS = 1_048_576
MAX_CHARS = 32_767
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters XML 1.0 cannot hold; SpreadsheetML writes them as _xHHHH_.
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Column widths, in characters of the default font: fitted to the header and
# the first WIDTH_ROWS rows (the sheets stream; later rows are not waited
# for), a Chinese character counting two, between these bounds.
WIDTH_ROWS = 100
MIN_WIDTH, MAX_WIDTH = 6, 50


def visible(text: str) -> str:
    """`text` with each control character written out: ESC as \\x1b, U+202E as \\u202e."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def csv_cell(v) -> str:
    """A value as CSV text that no spreadsheet evaluates and no terminal obeys."""
    if v is None:
        return ""
    if isinstance(v, str):
        v = visible(v)
        return "'" + v if v.startswith(FORMULA_START) else v
    if isinstance(v, float):
        return repr(v)
    return str(v)


def unguarded(text: str) -> str:
    """A CSV text as it was before `csv_cell` guarded it."""
    return text[1:] if text[:1] == "'" and text[1:2].startswith(FORMULA_START) else text


def header_columns(header, aliases: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """The column of each field named in a table's header row.

    `aliases` maps a field to the names it may go by (lower case); header
    cells are compared stripped, lower-cased, without a byte-order mark. The
    first alias found wins (so the field's own name beats a synonym), then
    the leftmost column of that name. Fields not in the header are left out.
    """
    names = [str(c).lstrip("\ufeff").strip().lower() for c in header]
    found = {}
    for field, names_of_field in aliases.items():
        for alias in names_of_field:
            if alias in names:
                found[field] = names.index(alias)
                break
    return found


def column_letter(n: int) -> str:
    """A spreadsheet column's letters: 0 -> A, 27 -> AB."""
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _text(v: str) -> str:
    if len(v) > MAX_CHARS:
        v = v[:MAX_CHARS]
    if _SPECIAL.search(v):  # most cells need neither (one scan instead of five)
        v = _xml_escape(visible(v))
        if _BAD.search(v):
            v = _BAD.sub(lambda m: f"_x{ord(m.group()):04X}_", v)
    if v[:1].isspace() or v[-1:].isspace():
        return f'<t xml:space="preserve">{v}</t>'
    return f"<t>{v}</t>"


class Sheet:
    def __init__(self, book: Workbook, name: str, index: int, columns: list[str]):
        self.name = name
        self.index = index
        self.ncols = len(columns)
        self.rows = 0
        self._letters = [column_letter(i) for i in range(self.ncols)]
        # Sheets are written side by side (a row of each table per report),
        # so each goes to a temporary file first, copied into the zip at the end.
        self._f = tempfile.TemporaryFile(dir=book.tmpdir)  # noqa: SIM115 - open until the book closes
        self._buf: list[str] = []
        self.widths = [0] * self.ncols
        self._row(columns, style=' s="1"')

    def _write(self, s: str) -> None:
        self._buf.append(s)
        if len(self._buf) >= 512:
            self._flush()

    def _flush(self) -> None:
        if self._buf:
            self._f.write("".join(self._buf).encode("utf-8"))
            self._buf = []

    @property
    def full(self) -> bool:
        return self.rows >= MAX_ROWS

    def append(self, values: list) -> None:
        self._row(values)

    def _row(self, values: list, style: str = "") -> None:
        self.rows += 1
        r = self.rows
        if r <= WIDTH_ROWS + 1:
            self._measure(values, header=r == 1)
        cells = []
        for letter, v in zip(self._letters, values, strict=False):  # a short row leaves cells empty
            if v is None:
                continue
            if v is True or v is False:
                cells.append(f'<c r="{letter}{r}" t="b"{style}><v>{int(v)}</v></c>')
            elif isinstance(v, (int, float)):
                if v != v or v in (float("inf"), float("-inf")):
                    continue
                cells.append(f'<c r="{letter}{r}"{style}><v>{v!r}</v></c>')
            else:
                cells.append(f'<c r="{letter}{r}" t="inlineStr"{style}><is>{_text(str(v))}</is></c>')
        self._write(f'<row r="{r}">{"".join(cells)}</row>')

    def _measure(self, values: list, header: bool) -> None:
        for i, v in enumerate(values[: self.ncols]):
            if v is not None:
                text = str(v)[:MAX_WIDTH]
                width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
                self.widths[i] = max(self.widths[i], width + (3 if header else 1))  # the header's filter button

    def close(self) -> None:
        """Finish the rows; `prologue` and `epilogue` frame them in the file."""
        self._flush()
        col = self._letters[-1] if self._letters else "A"
        last = f"{col}{max(1, self.rows)}"
        selected = ' tabSelected="1"' if self.index == 1 else ""
        self.prologue = (
            f'{_HEAD}<worksheet {_NS}><dimension ref="A1:{last}"/>'
            f'<sheetViews><sheetView workbookViewId="0"{selected}>'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/>{self._cols()}<sheetData>'
        ).encode()
        self.epilogue = (
            f'</sheetData><autoFilter ref="A1:{last}"/>'
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
        ).encode()
        self.ref = f"$A$1:${col}${max(1, self.rows)}"

    def _cols(self) -> str:
        if not self.widths:
            return ""
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{min(max(w, MIN_WIDTH), MAX_WIDTH)}" customWidth="1"/>'
            for i, w in enumerate(self.widths, 1)
        )
        return f"<cols>{cols}</cols>"


class Workbook:
    """with Workbook(path) as book: sheet = book.add_sheet(name, columns); sheet.append(row)"""

    def __init__(self, path: str):
        self.path = path
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5)
        self.tmpdir = os.path.dirname(os.path.abspath(path))
        self.sheets: list[Sheet] = []

    def add_sheet(self, name: str, columns: list[str]) -> Sheet:
        name = re.sub(r"[\[\]:*?/\\]", "_", name)[:31]
        sheet = Sheet(self, name, len(self.sheets) + 1, columns)
        self.sheets.append(sheet)
        return sheet

    def close(self) -> None:
        z = self._zip
        for s in self.sheets:
            s.close()
        n = len(self.sheets)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{s.index}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for s in self.sheets
        )
        # The package parts first (some readers look at the first member).
        z.writestr(_info("[Content_Types].xml"), (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f'{overrides}</Types>'
        ))
        z.writestr(_info("_rels/.rels"), (
            f'{_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'
        ))
        sheets = "".join(f'<sheet name="{_xml_escape(s.name, {chr(34): "&quot;"})}" sheetId="{s.index}" r:id="rId{s.index}"/>' for s in self.sheets)
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{s.index - 1}" hidden="1">{_xml_escape(_quote_sheet(s.name))}!{s.ref}</definedName>'
            for s in self.sheets
        )
        z.writestr(_info("xl/workbook.xml"), f'{_HEAD}<workbook {_NS}><bookViews><workbookView/></bookViews><sheets>{sheets}</sheets>'
                   f'{f"<definedNames>{names}</definedNames>" if names else ""}</workbook>')
        rels = "".join(
            f'<Relationship Id="rId{s.index}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{s.index}.xml"/>'
            for s in self.sheets
        )
        rels += f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        z.writestr(_info("xl/_rels/workbook.xml.rels"), f'{_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        z.writestr(_info("xl/styles.xml"), _STYLES)
        for s in self.sheets:
            s._f.seek(0)
            with z.open(_info(f"xl/worksheets/sheet{s.index}.xml"), "w", force_zip64=True) as member:
                member.write(s.prologue)
                shutil.copyfileobj(s._f, member, 1 << 20)
                member.write(s.epilogue)
            s._f.close()
        z.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _info(name: str) -> zipfile.ZipInfo:
    """A zip member with a fixed date: the same tables give the same file."""
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


_STYLES = (
    f'{_HEAD}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)
