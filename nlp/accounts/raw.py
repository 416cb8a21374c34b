"""Tables as the reader finds them, before they are recognised: a grid of
cell texts with the words above it (where the title is) and its page.

A merged cell's text stands in every slot of the grid it covers, across and
down, as python-docx gives a Word table: a column's header is then the cells
above it, whatever spans it. Readers give them from a PDF (pdfplumber's
table finder on the pages that hold statements: the reports' statements are
ruled tables), and from text, DOCX and HTML, whose readers write a table row
as a line of tab-separated cells (`text_tables`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# A statement page carries its unit under the title; "第二部分…决算表" opens them.
_STATEMENT_PAGE = re.compile(r"单位\s*[:：]\s*(?:万?元|千元)|决算(?:总)?表|“?三公”?经费")
_CONTINUED_TOP = 0.2  # a continued table starts in the top fifth of its page
_TITLE_LINE = re.compile(r"决算(?:总)?表|三公")


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


def statement_pages(texts: list[str]) -> list[int]:
    """Indexes of pages that may hold statements: those with a statement
    title or unit line, and the page after each (a table runs over)."""
    found = {i for i, t in enumerate(texts) if _STATEMENT_PAGE.search(re.sub(r"\s+", "", t))}
    return sorted(found | {i + 1 for i in found if i + 1 < len(texts)})


def pdf_tables(data: bytes, texts: list[str]) -> list[RawTable]:
    """The ruled tables of a PDF's statement pages (`texts`: each page's
    text, to choose them without laying out the others)."""
    import io

    try:
        return _pdf_tables(io.BytesIO(data), statement_pages(texts))
    except Exception:  # noqa: BLE001 - the text is still read without the statements
        return []


def _pdf_tables(file, pages: list[int]) -> list[RawTable]:
    import pdfplumber

    found: list[RawTable] = []
    with pdfplumber.open(file) as pdf:
        previous = -2
        for i in pages:
            page = pdf.pages[i]
            top = 0.0
            for n, table in enumerate(page.find_tables()):
                _, y0, _, y1 = table.bbox
                caption = page.crop((0, max(top, 0), page.width, max(y0, top + 1))).extract_text() or ""
                continued = n == 0 and previous == i - 1 and y0 < _CONTINUED_TOP * page.height and not caption.strip()
                rows = _grid(table)
                if any(any(c for c in r) for r in rows) or _TITLE_LINE.search(caption) or continued:
                    found.append(RawTable(rows, caption.strip(), i + 1, continued))
                top = y1
            if found and found[-1].page == i + 1:
                previous = i
    return found


def _grid(table) -> list[list[str]]:
    """The table's cells, a merged cell's text in every slot it covers."""
    texts = table.extract()
    boxes = [row.cells for row in table.rows]
    # pdfplumber's columns are the distinct left edges of the cells
    edges = sorted({box[0] for row in boxes for box in row if box})
    edges.append(max(box[2] for row in boxes for box in row if box))
    grid: list[list[str]] = []
    for r, row in enumerate(texts):
        out = []
        for c, text in enumerate(row):
            if text is None and c + 1 < len(edges):
                text = _covering(texts, boxes, r, c, (edges[c] + edges[c + 1]) / 2, table.rows[r].bbox)
            text = text or ""
            out.append(" ".join(text.split()) if "\n" not in text else "".join(text.split()))
        grid.append(out)
    return grid


def _covering(texts, boxes, r: int, c: int, x: float, row_box) -> str:
    """The text of the merged cell over slot (r, c): the nearest cell up or
    to the left whose box holds the slot's centre."""
    y = (row_box[1] + row_box[3]) / 2
    for rr in range(r, -1, -1):
        for cc in range(min(c, len(boxes[rr]) - 1), -1, -1):
            box = boxes[rr][cc]
            if box and box[0] <= x <= box[2] and box[1] <= y <= box[3]:
                return texts[rr][cc] or ""
    return ""


def text_tables(text: str) -> list[RawTable]:
    """Tables written as lines of tab-separated cells (text, DOCX, HTML),
    each with the lines above it since the table before as its caption."""
    found: list[RawTable] = []
    above: list[str] = []
    rows: list[list[str]] = []
    start = 0
    for n, line in enumerate(text.split("\n"), 1):
        if "\t" in line:
            if not rows:
                start = n
            rows.append([" ".join(c.split()) for c in line.split("\t")])
            continue
        if not line.strip():
            continue  # HTML's rows come apart by blank lines
        if rows:
            found.append(RawTable(rows, "\n".join(above[-4:]).strip(), None, False, start))
            rows, above = [], []
        above.append(line.strip())
    if rows:
        found.append(RawTable(rows, "\n".join(above[-4:]).strip(), None, False, start))
    return found
