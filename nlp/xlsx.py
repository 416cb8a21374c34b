"""Reading XLSX workbooks without a spreadsheet library: a streaming
reader that costs what the file's bytes cost.

Why not openpyxl or calamine: both size the sheet from its cells (openpyxl's
read-only mode pads every row to the declared dimension; calamine allocates
the rectangle up to the farthest cell), so a 4 KB file with one cell at
XFD1048576 asks for 17 billion cells, runs for ever or aborts the process.
Here the sheet's XML is streamed with expat, only the cells that are there
are kept, a cell beyond `max_columns` is refused, and a DTD or an entity
declaration (XXE, "billion laughs") is refused before anything is expanded.

    rows = read_xlsx(path, name)              # the first sheet: labelled data (train.py --data)
    for sheet in read_sheets(data, name):     # every sheet with its merged cells: statements (决算报表)
        sheet.title, sheet.rows, sheet.merged

Raises InputError (one line naming the file). Check the zip first
(nlp.readers.zipguard).
"""
from __future__ import annotations

import re
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field

from nlp.errors import InputError

MAX_READ_COLUMNS = 64  # a labelled-data sheet has a handful of columns, a statement a score; a cell beyond is refused
_NUMBER = re.compile(r"-?\d+")
_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass
class SheetData:
    title: str
    rows: list[tuple[int, list]] = field(default_factory=list)  # (row number from 1, values from column A)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (first row, first col, last row, last col), from 0


def read_xlsx(source, name: str, *, max_columns: int = MAX_READ_COLUMNS):
    """The rows of an XLSX file's first worksheet: (row number, values) for
    each row that has a cell, the values padded with "" up to the row's
    last cell (numbers as int or float, booleans as bool, text as str)."""
    with _opened(source, name) as (z, sheets, shared):
        yield from _sheet_rows(z, name, sheets[0][1], shared, max_columns)


def read_sheets(source, name: str, *, max_columns: int = MAX_READ_COLUMNS) -> list[SheetData]:
    """Every worksheet of the workbook, in order, with its rows (as in
    `read_xlsx`) and its merged ranges."""
    out = []
    with _opened(source, name) as (z, sheets, shared):
        for title, member in sheets:
            sheet = SheetData(title)
            sheet.rows = list(_sheet_rows(z, name, member, shared, max_columns, merged=sheet.merged))
            out.append(sheet)
    return out


@contextmanager
def _opened(source, name: str):
    """The zip, its worksheets [(title, member)] and shared strings; XML and
    zip errors (here or in the caller's reading) become one InputError line."""
    from xml.parsers import expat

    try:
        with zipfile.ZipFile(source) as z:
            members = set(z.namelist())
            book = _target(z, members, name, "_rels/.rels", "", "/officeDocument") or "xl/workbook.xml"
            folder = book.rsplit("/", 1)[0] + "/" if "/" in book else ""
            rels = f"{folder}_rels/{book.rsplit('/', 1)[-1]}.rels"
            sheets = _sheets(z, members, name, book, rels, folder)
            strings = _target(z, members, name, rels, folder, "/sharedStrings")
            shared = _shared_strings(z, name, strings) if strings in members else []
            yield z, sheets, shared
    except expat.ExpatError as e:
        raise InputError(f"{name}: XLSX 文件的 XML 已损坏 / not a readable .xlsx file (XML: {expat.ErrorString(e.code)})") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, KeyError) as e:
        raise InputError(f"{name}: 不是可读的 XLSX 文件 / not a readable .xlsx file ({type(e).__name__})") from None


def _parse(z, name: str, member: str, start=None, end=None, data=None):
    """Feed `member` to expat in blocks, calling start(tag, attrs) and
    end(tag) with namespace-free names and data(text); yields after each
    block, so that a caller can hand on what is complete."""
    from xml.parsers import expat

    def refuse(*_):
        raise InputError(f"{name}: XLSX 的 {member} 含有 DTD 或实体声明，拒绝读取 / declares a DTD or entities "
                         "(XXE or entity expansion); refused")

    p = expat.ParserCreate(namespace_separator="}")
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.StartDoctypeDeclHandler = p.EntityDeclHandler = p.ExternalEntityRefHandler = refuse
    if start:
        p.StartElementHandler = lambda tag, attrs: start(tag.rsplit("}", 1)[-1], {k.rsplit("}", 1)[-1]: v for k, v in attrs.items()})
    if end:
        p.EndElementHandler = lambda tag: end(tag.rsplit("}", 1)[-1])
    if data:
        p.CharacterDataHandler = data
    with z.open(member) as f:
        while block := f.read(1 << 16):
            p.Parse(block, False)
            yield
    p.Parse(b"", True)
    yield


def _attributes(z, name: str, member: str, tag: str) -> list[dict]:
    found = []
    for _ in _parse(z, name, member, start=lambda t, a: found.append(a) if t == tag else None):
        pass
    return found


def _target(z, members, name: str, rels: str, folder: str, kind: str) -> str | None:
    """The member a relationship of type …`kind` in `rels` points at."""
    if rels not in members:
        return None
    for a in _attributes(z, name, rels, "Relationship"):
        if a.get("Type", "").endswith(kind):
            return _member(folder, a.get("Target", ""))
    return None


def _member(folder: str, target: str) -> str:
    import posixpath

    return posixpath.normpath(target.lstrip("/") if target.startswith("/") else folder + target)


def _sheets(z, members, name: str, book: str, rels: str, folder: str) -> list[tuple[str, str]]:
    """(title, member) of each worksheet the workbook lists and the zip holds."""
    listed = _attributes(z, name, book, "sheet") if book in members else []
    targets = {a.get("Id"): a.get("Target", "") for a in _attributes(z, name, rels, "Relationship")} if rels in members else {}
    sheets = [(a.get("name", ""), _member(folder, targets[a["id"]])) for a in listed if a.get("id") in targets]
    sheets = [(title, member) for title, member in sheets if member in members]
    if not sheets and "xl/worksheets/sheet1.xml" in members:
        sheets = [("", "xl/worksheets/sheet1.xml")]
    if not sheets:
        raise InputError(f"{name}: XLSX 文件中没有工作表 / no worksheet in this .xlsx file")
    return sheets


def _shared_strings(z, name: str, member: str) -> list[str]:
    """The shared strings: each <si>'s text runs, without phonetic guides (rPh)."""
    strings, parts, where = [], [], []

    def start(tag, _):
        where.append(tag)
        if tag == "si":
            parts.clear()

    def end(tag):
        where.pop()
        if tag == "si":
            strings.append("".join(parts))

    def data(text):
        if where and where[-1] == "t" and "rPh" not in where:
            parts.append(text)

    for _ in _parse(z, name, member, start, end, data):
        pass
    return strings


def _sheet_rows(z, name: str, member: str, shared: list[str], max_columns: int, merged: list | None = None):
    done: list = []
    row: dict[int, object] = {}
    cell: dict = {}
    state = {"row": 0, "col": -1, "in": None}
    text: list[str] = []

    def start(tag, a):
        if tag == "row":
            state["row"] = int(a["r"]) if a.get("r", "").isdigit() else state["row"] + 1
            state["col"] = -1
            row.clear()
        elif tag == "c":
            state["col"] = _cell_column(a.get("r", ""), state["col"], max_columns, name)
            cell.clear()
            cell["t"] = a.get("t", "n")
            text.clear()
        elif tag in ("v", "t"):
            state["in"] = tag
        elif tag == "mergeCell" and merged is not None:
            merged.extend(_span(a.get("ref", "")))

    def end(tag):
        if tag in ("v", "t"):
            state["in"] = None
        elif tag == "c":
            row[state["col"]] = _value(cell["t"], "".join(text), shared, name)
        elif tag == "row" and row:
            values = [""] * (max(row) + 1)
            for i, v in row.items():
                values[i] = v
            done.append((state["row"], values))

    def data(chunk):
        if state["in"]:
            text.append(chunk)

    for _ in _parse(z, name, member, start, end, data):
        yield from done
        done.clear()


def _cell_column(ref: str, previous: int, max_columns: int, name: str) -> int:
    """The column (from 0) of a cell whose reference is `ref` ("B7"; the one
    after `previous` when it has none); refused beyond `max_columns`."""
    m = _REF.match(ref)
    col = _column(m.group(1)) if m else previous + 1
    if col >= max_columns:
        raise InputError(f"{name}: 单元格 {ref or col + 1} 超出读取范围（最多 {max_columns} 列）/ "
                         f"a cell beyond column {max_columns}, the most this reader takes; refused")
    return col


_SPAN = re.compile(r"([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)")


def _span(ref: str) -> list[tuple[int, int, int, int]]:
    """A merged range "A1:C2" as [(first row, first col, last row, last col)] from 0; [] if unreadable."""
    m = _SPAN.fullmatch(ref)
    return [(int(m.group(2)) - 1, _column(m.group(1)), int(m.group(4)) - 1, _column(m.group(3)))] if m else []


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _value(kind: str, text: str, shared: list[str], name: str):
    if kind == "s":
        try:
            return shared[int(text)]
        except (ValueError, IndexError):
            raise InputError(f"{name}: XLSX 单元格引用了不存在的共享字符串 / a cell refers to a shared string that is not there") from None
    if kind in ("inlineStr", "str", "e"):
        return text
    if kind == "b":
        return text.strip() == "1"
    if not text:
        return ""
    if _NUMBER.fullmatch(text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text
