"""Rows of performance self-evaluation tables (项目支出绩效自评表) whose
deviation column (偏差原因分析及改进措施) holds a reason.

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


def _ends_table(line: str, filled: list[str]) -> bool:
    """A total row, or a line that is not a row, ends the table."""
    return bool(filled and filled[0].startswith("总分")) or bool("\t" not in line and line.strip())


def _row_reason(line: str, line_start: int, filled: list[str], project: str) -> TableReason | None:
    """The reason in a data row's deviation cell, None when it gives none."""
    row = _read_row(filled, project)
    if row is None:
        return None
    reason = row[1][:MAX_REASON]
    if _NO_REASON.match(reason):
        return None
    start = line_start + line.rfind(reason)
    return TableReason(row[0], reason, start, start + len(reason))


def _read_row(filled: list[str], project: str) -> tuple[PerformanceRow, str] | None:
    for j in range(len(filled) - 2, 2, -1):
        if _NUMBER.match(filled[j]) and _NUMBER.match(filled[j + 1]):
            reason = "".join(filled[j + 2 :])
            row = PerformanceRow(
                project=project,
                indicator=filled[j - 3],
                target=filled[j - 2],
                actual=filled[j - 1],
                weight=filled[j],
                score=filled[j + 1].rstrip("分"),
            )
            return row, reason
    return None
