"""Ruled tables of a PDF page from pdfium: the table's lines and the page's
characters, nothing laid out.

The statements are ruled tables, each border drawn as a thin path. The
horizontal lines' heights and the vertical lines' places make a grid; a
border missing between two slots of the grid means one merged cell over
both; each character goes to the slot that holds its centre. A page's
lines fall into tables where no vertical line crosses the gap between two
rows. Measured against pdfplumber's table finder on the five real PDFs
(bench/bench_statements.py): the same cells, some ten times faster, since
nothing but the lines and the characters' boxes is read.
"""
from __future__ import annotations

import itertools
from bisect import bisect_right
from dataclasses import dataclass

_THIN = 3.0  # a line is a path at most this thick
_NEAR = 2.0  # points within which two lines are one
# A statement page has a few hundred border segments and a grid of a few
# hundred slots; far more is not a statement (a chart, a hostile page) and
# is not read, so that no page costs more than a few milliseconds.
MAX_SEGMENTS = 5_000
MAX_SLOTS = 20_000


@dataclass
class Grid:
    """A table on a page: `cells` row by row (a merged cell's text in each
    slot), its top and bottom in PDF units (from the page's bottom)."""

    cells: list[list[str]]
    top: float
    bottom: float


def page_grids(page, textpage) -> tuple[list[Grid], list[tuple[float, float, str]]]:
    """The page's ruled tables, top to bottom, and its characters outside
    them as (y, x, char), for the caption above each."""
    horizontal, vertical = [], []
    for x0, y0, x1, y1 in _path_bounds(page):
        if x1 - x0 <= _THIN < y1 - y0:
            vertical.append(((x0 + x1) / 2, y0, y1))
        elif y1 - y0 <= _THIN < x1 - x0:
            horizontal.append(((y0 + y1) / 2, x0, x1))
    chars = _chars(textpage)
    if len(horizontal) < 2 or len(vertical) < 2 or len(horizontal) + len(vertical) > MAX_SEGMENTS:
        return [], chars
    rows, columns = _lines_at(horizontal), _lines_at(vertical)
    grids = []
    for ys in _tables(rows, columns):
        grid = _grid(ys, rows, columns, chars)
        if grid is not None:
            grids.append(grid)
    inside = [(g.bottom - _NEAR, g.top + _NEAR) for g in grids]
    return grids, [c for c in chars if not any(lo <= c[0] <= hi for lo, hi in inside)]


def _path_bounds(page, depth: int = 3) -> list[tuple[float, float, float, float]]:
    """The boxes of the page's paths, those inside form objects too, read
    through pdfium's C API (its Python wrappers cost more than the reading)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    out = []
    todo = [(pdfium_c.FPDFPage_CountObjects(page.raw), lambda i: pdfium_c.FPDFPage_GetObject(page.raw, i), 0)]
    while todo:
        count, get, level = todo.pop()
        for i in range(count):
            obj = get(i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                if pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                    out.append((left.value, bottom.value, right.value, top.value))
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and level < depth:
                todo.append((pdfium_c.FPDFFormObj_CountObjects(obj),
                             lambda j, form=obj: pdfium_c.FPDFFormObj_GetObject(form, j), level + 1))
    return out


def _chars(textpage) -> list[tuple[float, float, str]]:
    text = textpage.get_text_range()
    out = []
    for i, ch in enumerate(text[: textpage.count_chars()]):
        if ch.isspace():
            continue
        x0, y0, x1, y1 = textpage.get_charbox(i, loose=True)  # the line's height: a comma sits on its line
        out.append(((y0 + y1) / 2, (x0 + x1) / 2, ch))
    return out


def _levels(values: list[float]) -> list[float]:
    """Distinct positions, those within _NEAR of each other taken as one."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _NEAR:
            out.append(v)
    return out


def _lines_at(segments: list[tuple[float, float, float]]) -> dict[float, list[tuple[float, float]]]:
    """The ruled lines: for each position (those within _NEAR taken as one),
    the stretches its segments cover, pieces that touch merged into one."""
    levels = _levels([s[0] for s in segments])
    pieces: dict[float, list[tuple[float, float]]] = {level: [] for level in levels}
    for pos, a, b in segments:
        pieces[levels[bisect_right(levels, pos) - 1]].append((a, b))
    lines = {}
    for level, spans in pieces.items():
        merged: list[list[float]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1] + _NEAR:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        lines[level] = [(a, b) for a, b in merged]
    return lines


def _tables(rows, columns) -> list[list[float]]:
    """The heights of each table's horizontal lines, top first: a table
    ends where no vertical line crosses from one height to the next (a
    line drawn in pieces, cell by cell, counts whole)."""
    ys = sorted(rows, reverse=True)
    groups = [[ys[0]]]
    for upper, lower in itertools.pairwise(ys):
        if any(a <= lower + _NEAR and b >= upper - _NEAR for spans in columns.values() for a, b in spans):
            groups[-1].append(lower)
        else:
            groups.append([lower])
    return [g for g in groups if len(g) >= 2]


def _covers(spans, lo: float, hi: float) -> bool:
    mid = (lo + hi) / 2
    return any(a - _NEAR <= mid <= b + _NEAR for a, b in spans)


def _grid(ys: list[float], h_lines, v_lines, chars) -> Grid | None:
    top, bottom = ys[0], ys[-1]
    xs = sorted(x for x, spans in v_lines.items() if any(b >= bottom - _NEAR and a <= top + _NEAR for a, b in spans))
    if len(xs) < 2:
        return None
    rows, cols = len(ys) - 1, len(xs) - 1
    if rows * cols > MAX_SLOTS:
        return None
    # a border between two slots, or none: then one cell over both
    v_spans = [v_lines[x] for x in xs]
    h_spans = [h_lines[y] for y in ys]
    parent = list(range(rows * cols))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not _covers(v_spans[c + 1], ys[r + 1], ys[r]):
                parent[root(r * cols + c + 1)] = root(r * cols + c)
            if r + 1 < rows and not _covers(h_spans[r + 1], xs[c], xs[c + 1]):
                parent[root((r + 1) * cols + c)] = root(r * cols + c)
    texts: dict[int, list[tuple[float, float, str]]] = {}
    neg_ys = [-y for y in ys]
    for y, x, ch in chars:
        if not (bottom <= y <= top and xs[0] <= x <= xs[-1]):
            continue
        r = min(bisect_right(neg_ys, -y) - 1, rows - 1)
        c = min(bisect_right(xs, x) - 1, cols - 1)
        texts.setdefault(root(r * cols + c), []).append((y, x, ch))
    joined = {k: _read(v) for k, v in texts.items()}
    cells = [[joined.get(root(r * cols + c), "") for c in range(cols)] for r in range(rows)]
    return Grid(cells, top, bottom)


def _read(chars: list[tuple[float, float, str]]) -> str:
    """A cell's characters in reading order: lines top down, each left to right."""
    return _lines(chars).replace("\n", "")


def caption(chars: list[tuple[float, float, str]], top: float, above: float) -> str:
    """The page's characters between `above` and a table's `top`, as lines."""
    return _lines([c for c in chars if top < c[0] < above])


def _lines(chars: list[tuple[float, float, str]]) -> str:
    lines: list[list[tuple[float, float, str]]] = []
    for y, x, ch in sorted(chars, key=lambda c: -c[0]):
        if lines and abs(lines[-1][0][0] - y) <= _NEAR * 2:
            lines[-1].append((y, x, ch))
        else:
            lines.append([(y, x, ch)])
    return "\n".join("".join(ch for _, _, ch in sorted(line, key=lambda c: c[1])) for line in lines)
