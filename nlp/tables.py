"""Rows of performance self-evaluation tables (项目支出绩效自评表) whose
deviation column (偏差原因分析及改进措施) holds a reason, under their header or
(plainly such a row) copied without it.

Readers give table rows as lines of tab-separated cells (repair keeps a tab
only in a row: nlp.repair.is_table_row). A data row ends
with: indicator, target, actual, weight, score, reason; cells before the
indicator (一级/二级指标) are often empty or merged, so the row is read from
the weight/score pair of numbers, not by column position.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.model import PerformanceRow
from nlp.reasons import MAX_REASON

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
