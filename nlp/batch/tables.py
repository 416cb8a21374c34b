"""The final tables of a batch run, written as they stream from the store.

Each table goes at once to CSV (UTF-8 with BOM, so that Excel reads Chinese
right), to Parquet (typed columns, written in row groups) and to a sheet of
report.xlsx (nlp.sheets, streaming; Chinese headers, `header_zh`).
Nothing is held but the current row group.

Formula safety: in report.xlsx every text cell is an inline string, never
a formula (nlp.sheets writes no formula cells at all); in the CSV files a text cell starting with = + - @ (or a
tab or carriage return) gets a leading apostrophe (nlp.sheets.csv_cell). Parquet keeps the text as it is.
"""
from __future__ import annotations

import csv
import os
import re
from collections import namedtuple

from nlp.accounts import BY_KEY, Row
from nlp.batch.work import EXPLANATION_FIELDS, FINDING_FIELDS
from nlp.rules import find_rule
from nlp.sheets import csv_cell
from nlp.vocabulary import UNLABELLED_ZH, label_zh

ROW_GROUP = 5_000

# Column types: str, int, float, bool. Every table starts with whose report
# a row is (unit, year, file) and ends with the file's sha256, the key that
# joins the tables.
IDENTITY = [("unit", "str"), ("year", "int"), ("source", "str")]
SHA256 = ("sha256", "str")
DOCUMENT_COUNTS = [
    ("duplicates", "str"), ("identity_from", "str"), ("pages", "int"), ("score", "float"), ("status", "str"),
    ("explanations", "int"), ("causes", "int"), ("missing", "int"), ("findings", "int"), ("corpus_findings", "int"),
    ("statements", "int"),  # the statements (决算报表) read: 0 shows a report that had none
    ("warnings", "str"),
    ("settings", "str"), ("settings_sha256", "str"),  # the settings files that judged it, and their digest
]
EXPLANATION_TYPES = {
    "amount": "float", "compare_amount": "float", "change": "float", "change_pct": "float",
    "cause_no": "int", "confidence": "float", "vague": "bool", "page": "int", "start": "int", "end": "int",
}
FINDING_COLUMNS = [
    *IDENTITY, ("scope", "str"), ("code", "str"), ("rule", "str"), ("severity", "str"), ("message", "str"),
    ("targets", "str"), ("related", "str"), ("page", "int"), ("start", "int"), ("end", "int"),
    ("materiality", "float"), ("penalty", "float"),
    # the statement's cell a finding rests on: title, row number, column, where ("第12页", "'表1'!D5")
    ("table", "str"), ("table_row", "int"), ("table_column", "str"), ("table_at", "str"), SHA256,
]
# The statements (决算报表), long: one row per cell (a statement row and one of
# its amount columns). Each form has columns of its own (决算数; 合计/基本支出/
# 项目支出; twelve 三公 columns named by stacked headers) and provinces vary
# them, so a fixed set would drop or misplace columns; long keeps every
# header as written in one table, and pandas pivots a form back
# (`pivot(index=[..., "row", "side"], columns="column", values="value")`).
# A row without amount columns keeps one line with column and value empty.
STATEMENT_COLUMNS = [
    *IDENTITY, ("form", "str"), ("form_zh", "str"), ("title", "str"), ("code", "str"), ("level", "int"),
    ("name", "str"), ("side", "int"), ("page", "int"), ("line", "int"), ("row", "int"),
    ("column", "str"), ("value", "float"), SHA256,
]
ERROR_COLUMNS = [("path", "str"), ("error", "str"), ("message", "str"), SHA256]

# The column headers of report.xlsx (the CSV and Parquet files keep the
# English names, stable for programs); see `header_zh`.
HEADERS_ZH = {
    "unit": "单位", "year": "年度", "source": "文件", "sha256": "SHA-256",
    "duplicates": "相同内容的其他文件", "identity_from": "单位年度来源", "pages": "页数", "score": "得分",
    "status": "评分状态", "warnings": "读取注意",
    "explanation": "说明编号", "kind": "类型", "section": "章节", "item": "项目", "basis": "比较基准",
    "direction": "增减", "trigger": "引导语", "amount": "金额（万元）", "compare_amount": "比较金额（万元）",
    "change": "变动额（万元）", "change_pct": "变动率（%）", "statement": "变动表述", "reason": "原因说明",
    "cause_no": "原因序号", "cause": "原因", "label": "原因类别", "confidence": "置信度", "vague": "笼统",
    "flags": "标记", "page": "页", "start": "起", "end": "止",
    "scope": "范围", "code": "规则代码", "rule": "规则", "severity": "严重程度", "message": "问题描述",
    "targets": "涉及说明", "related": "相关报告", "materiality": "重要性", "penalty": "扣分",
    "settings": "设置文件", "settings_sha256": "设置摘要",
    "path": "文件", "error": "错误类型",
    "form": "报表", "form_zh": "报表名称", "title": "报表标题", "level": "级次", "name": "科目名称", "side": "栏",
    "line": "文本行", "row": "表内行", "column": "列", "value": "金额（万元）",
    "table": "报表", "table_row": "报表行", "table_column": "报表列", "table_at": "报表位置",
}
# Names that mean another thing in another table.
HEADERS_ZH_BY_TABLE = {
    "documents": {"explanations": "说明数", "causes": "原因数", "missing": "缺少说明数", "findings": "问题数",
                  "corpus_findings": "跨报告问题数", "statements": "报表数"},
    "statements": {"code": "科目编码"},
    "explanations": {"findings": "本报告问题", "corpus_findings": "跨报告问题"},
    "errors": {"message": "错误信息"},
}


def header_zh(table: str, column: str) -> str:
    """The Chinese header of a column of `table`: label_staffing -> 原因：人员与薪酬,
    JS101_missing -> JS101 <the rule's Chinese name>; its English name if it has none."""
    named = HEADERS_ZH_BY_TABLE.get(table, {}).get(column) or HEADERS_ZH.get(column)
    if named:
        return named
    if column.startswith("label_"):
        label = column.removeprefix("label_")
        return "原因：" + (UNLABELLED_ZH if label == "unlabelled" else label_zh(label))
    code, _, name = column.partition("_")
    rule = find_rule(code) if re.fullmatch(r"JS\d+", code) and name else None
    return f"{code} {rule.zh}" if rule else column


def document_columns(labels: list[str], rules: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [*IDENTITY, *DOCUMENT_COUNTS, *((f"label_{label}", "int") for label in labels),
            *((f"{code}_{name}", "int") for code, name in rules), SHA256]


def explanation_columns() -> list[tuple[str, str]]:
    return [*IDENTITY, *((k, EXPLANATION_TYPES.get(k, "str")) for k in EXPLANATION_FIELDS), ("corpus_findings", "str"), SHA256]


# The store keeps its rows as plain lists (short JSON lines); these give them names.
ExplanationRow = namedtuple("ExplanationRow", EXPLANATION_FIELDS)
# A stored finding without the citation fields (a store written before them) loads with them None.
StoredFinding = namedtuple("StoredFinding", FINDING_FIELDS, defaults=(None,) * 5)
# A row of findings.csv.
FindingRow = namedtuple("FindingRow", [name for name, _ in FINDING_COLUMNS])


def statement_rows(stored: list) -> list[list]:
    """The cells of one stored statement (nlp.batch.work.statement_record)
    as rows of STATEMENT_COLUMNS, without the identity and sha256."""
    form, title, pages, line, columns, rows = stored
    known = BY_KEY.get(form)
    head = [form, known.title if known else None, title]
    out = []
    for code, name, side, row, page, cells in rows:
        page = page if page is not None else (pages[0] if pages else None)
        at = [code or None, Row(code, name, {}, page, row, side).level, name or None, side, page, line, row]
        out.extend([*head, *at, columns[i], value] for i, value in cells)
        if not cells:
            out.append([*head, *at, None, None])
    return out


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
        self.headers = [header_zh(name, c) for c, _ in columns]  # of its sheet
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
            self._sheet = self._book.add_sheet(title, self.headers)
        self._sheet.append(row)

    def _write_xlsx_header(self) -> None:
        self._sheet_no = 1
        self._sheet = self._book.add_sheet(self.name, self.headers)

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
