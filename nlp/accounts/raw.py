"""Tables as the reader finds them, before they are recognised: a grid of
cell texts with the words above it (where the title is) and its page.

A merged cell's text stands in every slot of the grid it covers, across and
down, as python-docx gives a Word table: a column's header is then the cells
above it, whatever spans it. They come from a PDF (the lines and characters
of the pages that hold statements, `nlp.accounts.ruled`: the statements are
ruled tables), and from text, DOCX, HTML and workbooks, whose readers write
a table row as a line of tab-separated cells (`text_tables`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp.accounts.ruled import caption, page_grids

# A statement page carries its unit under the title; a page that opens a part
# of the report ("第三部分 …情况说明") does not continue a statement.
_UNIT = re.compile(r"单位\s*[:：]\s*(?:万?元|千元)")
_PART = re.compile(r"^\s*第[一二三四五六七八九十]+部分")
_RUNS_OVER = 2  # pages a statement may run over onto
_CONTINUED_TOP = 0.2  # a continued table starts in the top fifth of its page
_TITLE_LINE = re.compile(r"决算(?:总)?表|三公")  # an empty table under a title is still kept


@dataclass(frozen=True)
class Place:
    """Where a table row is in the input, as the input can say it: its page
    (PDF), its line in the file (text), its sheet and row number there
    (XLSX), or its table's number among the document's tables of several
    columns, in order (DOCX, HTML: their lines are the reader's, not the
    file's; a one-cell layout table is read as paragraphs and not counted)."""

    page: int | None = None
    line: int | None = None
    sheet: str | None = None
    sheet_row: int | None = None
    table: int | None = None


@dataclass
class RawTable:
    """A table as read: `rows` of cell texts (merged cells repeated), the
    text above it since the page's top or the table before (`caption`, where
    its title is), its page (1-based; None unpaged) and whether it starts at
    the top of a page that follows a statement (`continued`: it may be the
    rest of the table before, which has no title of its own)."""

    rows: list[list[str]]
    caption: str = ""
    page: int | None = None
    continued: bool = False
    line: int | None = None  # 1-based line of the first row in unpaged text
    places: list[Place] = field(default_factory=list)  # each row's, where the input says it


def statement_pages(texts: list[str]) -> list[int]:
    """Indexes of pages that may hold statements: those with a unit line
    ("单位：万元"), and up to `_RUNS_OVER` pages after each (a table runs
    over) until a page opens a new part."""
    found = {i for i, t in enumerate(texts) if _UNIT.search(t)}
    after = set()
    for i in found:
        for j in range(i + 1, min(i + 1 + _RUNS_OVER, len(texts))):
            if j in found or _PART.match(texts[j]):
                break
            after.add(j)
    return sorted(found | after)


def pdf_tables(pdf, texts: list[str]) -> list[RawTable]:
    """The ruled tables of a PDF's statement pages. `pdf`: the reader's open
    pypdfium2 document (not parsed a second time); `texts`: each page's
    text, to choose the statement pages without reading the others."""
    import pypdfium2 as pdfium

    try:
        return _pdf_tables(pdf, statement_pages(texts))
    except pdfium.PdfiumError:
        return []  # the text is still read without the statements


def _pdf_tables(pdf, pages: list[int]) -> list[RawTable]:
    found: list[RawTable] = []
    previous = -2
    for i in pages:
        page = pdf[i]
        textpage = page.get_textpage()
        try:
            grids, outside = page_grids(page, textpage)
            height = page.get_height()
        finally:
            textpage.close()
            page.close()
        above = height
        for n, grid in enumerate(grids):
            words = caption(outside, grid.top, above).strip()
            continued = n == 0 and previous == i - 1 and grid.top > (1 - _CONTINUED_TOP) * height and not words
            if any(any(c for c in r) for r in grid.cells) or _TITLE_LINE.search(words) or continued:
                found.append(RawTable(grid.cells, words, i + 1, continued, places=[Place(page=i + 1)] * len(grid.cells)))
            above = grid.bottom
        if found and found[-1].page == i + 1:
            previous = i
    return found


def text_tables(text: str, numbered: bool = False) -> list[RawTable]:
    """Tables written as lines of tab-separated cells (text, DOCX, HTML),
    each with the lines above it since the table before as its caption.
    A row's place is its line in `text`, or (`numbered`: the text is a
    reader's, DOCX or HTML) its table's number."""
    found: list[RawTable] = []
    above: list[str] = []
    rows: list[list[str]] = []
    lines: list[int] = []

    def table() -> RawTable:
        number = len(found) + 1
        places = [Place(table=number) if numbered else Place(line=n) for n in lines]
        return RawTable(rows, "\n".join(above[-4:]).strip(), None, False, lines[0], places)

    for n, line in enumerate(text.split("\n"), 1):
        if "\t" in line:
            rows.append([" ".join(c.split()) for c in line.split("\t")])
            lines.append(n)
            continue
        if not line.strip():
            continue  # HTML's rows come apart by blank lines
        if rows:
            found.append(table())
            rows, above, lines = [], [], []
        above.append(line.strip())
    if rows:
        found.append(table())
    return found
