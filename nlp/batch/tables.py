"""The final tables of a batch run, written as they stream from the store.

Each table goes at once to CSV (UTF-8 with BOM, so that Excel reads Chinese
right), to Parquet (typed columns, written in row groups) and to a sheet of
report.xlsx (nlp.sheets, streaming). Nothing is held but the
current row group.

Formula safety: in report.xlsx every text cell is an inline string, never
a formula (nlp.sheets writes no formula cells at all); in the CSV files a text cell starting with = + - @ (or a
tab or carriage return) gets a leading apostrophe (nlp.sheets.csv_cell). Parquet keeps the text as it is.
"""
from __future__ import annotations

import csv
import os
from collections import namedtuple

from nlp.batch.work import EXPLANATION_FIELDS, FINDING_FIELDS
from nlp.sheets import csv_cell

ROW_GROUP = 5_000

# Column types: str, int, float, bool
DOCUMENT_BASE = [
    ("sha256", "str"), ("source", "str"), ("duplicates", "str"), ("unit", "str"), ("year", "int"),
    ("identity_from", "str"), ("pages", "int"), ("score", "float"), ("explanations", "int"),
    ("causes", "int"), ("missing", "int"), ("findings", "int"), ("corpus_findings", "int"),
]
EXPLANATION_TYPES = {
    "amount": "float", "compare_amount": "float", "change": "float", "change_pct": "float",
    "cause_no": "int", "confidence": "float", "vague": "bool", "page": "int", "start": "int", "end": "int",
}
FINDING_COLUMNS = [
    ("sha256", "str"), ("source", "str"), ("unit", "str"), ("year", "int"), ("scope", "str"),
    ("code", "str"), ("rule", "str"), ("severity", "str"), ("message", "str"), ("targets", "str"),
    ("related", "str"), ("page", "int"), ("start", "int"), ("end", "int"),
    ("materiality", "float"), ("penalty", "float"),
]
ERROR_COLUMNS = [("path", "str"), ("error", "str"), ("message", "str"), ("sha256", "str")]

# The store keeps its rows as plain lists (short JSON lines); these give them names.
ExplanationRow = namedtuple("ExplanationRow", EXPLANATION_FIELDS)
StoredFinding = namedtuple("StoredFinding", FINDING_FIELDS)
# A row of findings.csv.
FindingRow = namedtuple("FindingRow", [name for name, _ in FINDING_COLUMNS])


def explanation_columns() -> list[tuple[str, str]]:
    head = [("sha256", "str"), ("source", "str"), ("unit", "str"), ("year", "int")]
    return head + [(k, EXPLANATION_TYPES.get(k, "str")) for k in EXPLANATION_FIELDS] + [("corpus_findings", "str")]


def _to_str(v):
    if v is None:
        return None
    return v if isinstance(v, str) else str(v)


def _to_int(v):
    if v is None or v == "":
        return None
    return int(v)


def _to_float(v):
    if v is None or v == "":
        return None
    return float(v)


def _to_bool(v):
    if v is None or v == "":
        return None
    if isinstance(v, str):
        return v.lower() in ("true", "1")
    return bool(v)


_CONVERT = {"str": _to_str, "int": _to_int, "float": _to_float, "bool": _to_bool}


class Table:
    """One table written to <out>/<name>.csv, <name>.parquet and a sheet."""

    def __init__(self, out: str, name: str, columns: list[tuple[str, str]], workbook=None, parquet: bool = True):
        import pyarrow as pa

        self.name = name
        self.columns = columns
        self.paths = {"csv": os.path.join(out, f"{name}.csv")}
        self._convert = [_CONVERT[t] for _, t in columns]
        self._csv_file = open(self.paths["csv"] + ".part", "w", encoding="utf-8-sig", newline="")  # noqa: SIM115 - open until close()
        self._csv = csv.writer(self._csv_file, lineterminator="\r\n")
        self._csv.writerow([c for c, _ in columns])
        self.rows = 0
        self._parquet = None
        if parquet:
            import pyarrow.parquet as pq

            types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
            self.schema = pa.schema([(c, types[t]) for c, t in columns])
            self.paths["parquet"] = os.path.join(out, f"{name}.parquet")
            self._parquet = pq.ParquetWriter(self.paths["parquet"] + ".part", self.schema, compression="zstd")
            self._buffer = [[] for _ in columns]
        self._book = workbook
        self._sheet = None
        self._sheet_no = 0
        if workbook is not None:  # every table gets its sheet, even an empty one
            self._write_xlsx_header()

    def write(self, row: list) -> None:
        row = [conv(v) for conv, v in zip(self._convert, row, strict=True)]
        self._csv.writerow([csv_cell(v) for v in row])
        if self._parquet is not None:
            for buf, v in zip(self._buffer, row, strict=True):
                buf.append(v)
            if len(self._buffer[0]) >= ROW_GROUP:
                self._flush_parquet()
        if self._book is not None:
            self._write_xlsx(row)
        self.rows += 1

    def _flush_parquet(self) -> None:
        import pyarrow as pa

        if self._buffer[0]:
            arrays = [pa.array(col, type=self.schema.field(i).type) for i, col in enumerate(self._buffer)]
            self._parquet.write_table(pa.Table.from_arrays(arrays, schema=self.schema))
            self._buffer = [[] for _ in self.columns]

    def _write_xlsx(self, row: list) -> None:
        if self._sheet is None or self._sheet.full:
            self._sheet_no += 1
            title = self.name if self._sheet_no == 1 else f"{self.name} ({self._sheet_no})"
            self._sheet = self._book.add_sheet(title, [c for c, _ in self.columns])
        self._sheet.append(row)

    def _write_xlsx_header(self) -> None:
        self._sheet_no = 1
        self._sheet = self._book.add_sheet(self.name, [c for c, _ in self.columns])

    def close(self) -> None:
        self._csv_file.close()
        if self._parquet is not None:
            self._flush_parquet()
            self._parquet.close()
        for path in self.paths.values():
            os.replace(path + ".part", path)


def open_workbook(path: str):
    from nlp.sheets import Workbook

    return Workbook(path)
