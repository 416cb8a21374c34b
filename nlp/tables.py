"""Reasons in table columns: rows of performance self-evaluation tables
(项目支出绩效自评表) whose deviation column (偏差原因分析及改进措施) holds a
reason, under their header or (plainly such a row) copied without it; and
rows of change tables (项目 | 2023年决算数 | 2024年决算数 | 增减额 | 增减率 |
增减原因) whose reason column explains the change the row states.

Readers give table rows as lines of tab-separated cells (repair keeps a tab
only in a row: nlp.repair.is_table_row). A data row ends
with: indicator, target, actual, weight, score, reason; cells before the
indicator (一级/二级指标) are often empty or merged, so the row is read from
the weight/score pair of numbers, not by column position.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.model import ChangeStatement, PerformanceRow
from nlp.reasons import MAX_REASON
from nlp.statements import number
from nlp.vocabulary import Basis, Direction

_NUMBER = re.compile(r"^\d+(?:\.\d+)?分?$")
_NO_REASON = re.compile(r"^[\s无/—\-－.。、]*$|^(?:无偏差|无|不适用|未发生偏差)$")


@dataclass
class TableReason:
    row: PerformanceRow
    reason: str
    start: int  # offsets of the reason in the repaired text
    end: int


def find_table_reasons(text: str) -> tuple[list[TableReason], list[tuple[int, int]]]:
    """Reasons in deviation columns, and the spans of the tables (for the
    narrative parser to skip)."""
    reasons: list[TableReason] = []
    spans: list[tuple[int, int]] = []
    project = ""
    in_table = False
    table_start = 0
    offset = 0
    for line in text.split("\n"):
        line_start, offset = offset, offset + len(line) + 1
        cells = [c.strip() for c in line.split("\t")]
        filled = [c for c in cells if c]
        if filled and filled[0].startswith("项目名称") and len(filled) > 1:
            project = filled[1]
        if "偏差原因" in line and "\t" in line:
            in_table, table_start = True, line_start
            continue
        if not in_table:
            # A row copied without its header: read it only when it is plainly
            # one (an indicator named in words, a figure for its target or
            # actual, one cell of reason in words after the weight and score).
            reason = _row_reason(line, line_start, filled, project) if "\t" in line else None
            if reason is not None and reason.reason == filled[-1] and _plainly_a_row(reason):
                reasons.append(reason)
                spans.append((line_start, line_start + len(line)))
            continue
        if _ends_table(line, filled):
            in_table = False
            spans.append((table_start, line_start))
            continue
        reason = _row_reason(line, line_start, filled, project)
        if reason is not None:
            reasons.append(reason)
    if in_table:
        spans.append((table_start, len(text)))
    return reasons, spans


_WORDS = re.compile(r"[\u4e00-\u9fff]")


def _plainly_a_row(found: TableReason) -> bool:
    row = found.row
    return (
        bool(_WORDS.search(row.indicator)) and not _NUMBER.match(row.indicator)
        and any(re.search(r"\d", cell) for cell in (row.target, row.actual))
        and len(_WORDS.findall(found.reason)) >= 4
    )


def _ends_table(line: str, filled: list[str]) -> bool:
    """A total row, or a line that is not a row, ends the table."""
    return bool(filled and filled[0].startswith("总分")) or bool("\t" not in line and line.strip())


def _row_reason(line: str, line_start: int, filled: list[str], project: str) -> TableReason | None:
    """The reason in a data row's deviation cell (the cells after the score,
    as one span), None when it gives none."""
    read = _read_row(filled, project)
    if read is None:
        return None
    row, first = read
    reason = "".join(filled[first:])
    if _NO_REASON.match(reason):
        return None
    cell = [m for m in re.finditer(r"[^\t]+", line) if m.group().strip()][first]
    start = line_start + cell.start() + len(cell.group()) - len(cell.group().lstrip())
    end = min(line_start + len(line.rstrip(" \t")), start + MAX_REASON)
    return TableReason(row, reason[:MAX_REASON], start, end)


def _read_row(filled: list[str], project: str) -> tuple[PerformanceRow, int] | None:
    """The row's figures, and the index in `filled` of its first reason cell."""
    for j in range(len(filled) - 2, 2, -1):
        if _NUMBER.match(filled[j]) and _NUMBER.match(filled[j + 1]):
            row = PerformanceRow(
                project=project,
                indicator=filled[j - 3],
                target=filled[j - 2],
                actual=filled[j - 1],
                weight=filled[j],
                score=filled[j + 1].rstrip("分"),
            )
            return row, j + 2
    return None


# ------------------------------------------------------------ change tables

# A change table's header: a reason column, and columns of figures by year,
# budget or change.
_REASON_COLUMN = re.compile(r"^(?:增减|变动|变化|差异|增长|减少|增加)?(?:的)?(?:主要)?(?:原因|理由)(?:说明|分析)?$|^(?:情况)?说明$|^备注[（(]原因[)）]$")
_FIGURES_COLUMN = re.compile(r"决算|预算|本年|上年|\d{4}\s*年|增减|变动|差额")
_CHANGE_COLUMN = re.compile(r"增减额|增减(?:数|金额)?$|变动额|差额|增(?:加|长)额|变动(?:数|金额)?$")
_PCT_COLUMN = re.compile(r"增减率|增减幅度|增幅|增长率|变动率|变化率|幅度|%")
_YEAR = re.compile(r"(\d{4})\s*年")
_AMOUNT_CELL = re.compile(r"^[+\-－]?\d+(?:\.\d+)?%?$")


@dataclass
class ColumnReason:
    """A reason in a change table's reason column, and the change its row states."""

    statement: ChangeStatement
    start: int  # offsets of the reason in the repaired text
    end: int


def find_column_reasons(text: str) -> tuple[list[ColumnReason], list[tuple[int, int]]]:
    """Reasons in the reason column of change tables, and the tables' spans
    (for the narrative parser to skip)."""
    found: list[ColumnReason] = []
    spans: list[tuple[int, int]] = []
    header = None
    table_start = offset = 0
    for line in text.split("\n"):
        line_start, offset = offset, offset + len(line) + 1
        cells = line.split("\t")
        if header is None:
            header = _change_header(cells) if "\t" in line else None
            table_start = line_start
            continue
        if "\t" not in line:
            spans.append((table_start, line_start))
            header = None
            continue
        reason = _column_reason(cells, line_start, header)
        if reason is not None:
            found.append(reason)
    if header is not None:
        spans.append((table_start, len(text)))
    return found, [s for s in spans if s[1] > s[0]]


@dataclass(frozen=True)
class _Header:
    reason: int  # the reason column
    this_year: int | None
    last_year: int | None
    change: int | None
    pct: int | None
    basis: Basis


def _change_header(cells: list[str]) -> _Header | None:
    names = [c.strip() for c in cells]
    reason = next((i for i, n in enumerate(names) if _REASON_COLUMN.match(n)), None)
    if reason is None or not any(_FIGURES_COLUMN.search(n) for n in names[:reason]):
        return None
    change = next((i for i, n in enumerate(names) if i != reason and _CHANGE_COLUMN.search(n)), None)
    pct = next((i for i, n in enumerate(names) if i not in (reason, change) and _PCT_COLUMN.search(n)), None)
    years = sorted(((int(m.group(1)), i) for i, n in enumerate(names) if (m := _YEAR.search(n))), reverse=True)
    this_year = last_year = None
    basis = Basis.PRIOR_YEAR
    if len(years) >= 2:
        (_, this_year), (_, last_year) = years[:2]
    else:
        this_year = next((i for i, n in enumerate(names) if re.search(r"本年|今年|决算", n)), None)
        last_year = next((i for i, n in enumerate(names) if re.search(r"上年|去年", n)), None)
        if last_year is None:
            last_year = next((i for i, n in enumerate(names) if "预算" in n and i != this_year), None)
            basis = Basis.FULL_YEAR_BUDGET if last_year is not None and re.search(r"调整|全年", names[last_year]) else (
                Basis.INITIAL_BUDGET if last_year is not None else Basis.PRIOR_YEAR)
    return _Header(reason, this_year, last_year, change, pct, basis)


def _column_reason(cells: list[str], line_start: int, h: _Header) -> ColumnReason | None:
    """The reason cell of a data row, with the change the row states; None
    for a row with no item, no figures or no reason."""
    if h.reason >= len(cells):
        return None
    reason = cells[h.reason].strip()
    item = next((c.strip() for c in cells[: h.reason] if c.strip() and not _AMOUNT_CELL.match(c.strip())), "")
    if not item or _NO_REASON.match(reason) or len(_WORDS.findall(reason)) < 2:
        return None
    value = lambda i: _number(cells[i]) if i is not None and i < len(cells) else None  # noqa: E731
    amount, compare, change, pct = value(h.this_year), value(h.last_year), value(h.change), value(h.pct)
    if amount is None and change is None and pct is None:
        return None
    signed = change if change is not None else pct if pct is not None else (
        amount - compare if amount is not None and compare is not None else None)
    direction = None if signed is None else (
        Direction.INCREASE if signed > 0 else Direction.DECREASE if signed < 0 else Direction.NONE)
    at = line_start + sum(len(c) + 1 for c in cells[: h.reason])
    start = at + len(cells[h.reason]) - len(cells[h.reason].lstrip())
    row = "\t".join(cells[: h.reason]).strip()
    statement = ChangeStatement(
        item=item, basis=h.basis, direction=direction, text=row, start=line_start, end=line_start + len(row),
        amount=amount, compare_amount=compare, change=abs(change) if change is not None else None,
        change_pct=abs(pct) if pct is not None else None,
    )
    return ColumnReason(statement, start, start + min(len(reason), MAX_REASON))


def _number(cell: str) -> float | None:
    return number(cell.strip().replace("－", "-").rstrip("%"))
