"""Labelled rows in and out: reading CSV/JSONL/XLSX files of text,label[,vague]
for training, and exporting the causes of reports for people to label.

A label-export file goes straight back into `train.py --data`: its rows keep
the columns `read_labelled` looks for, and the apostrophe that `write_rows`
puts before a formula start is taken off again when it is read.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from nlp.classifier.store import DEFAULT, load_model
from nlp.errors import InputError
from nlp.readers.text import decode
from nlp.readers.zipguard import check_zip
from nlp.sheets import Workbook, csv_cell, header_columns, unguarded
from nlp.xlsx import read_xlsx

_ALIASES = {
    "text": ("text", "cause", "原因", "文本"),
    "label": ("label", "标签", "类别"),
    "vague": ("vague", "模糊", "是否模糊"),
    "item": ("item", "事项", "科目"),  # the item whose change the cause explains (optional)
    "section": ("section", "章节"),
}
_TRUE = {"true", "1", "1.0", "yes", "y", "t", "是", "模糊", "vague"}
_FALSE = {"false", "0", "0.0", "no", "n", "f", "否", "具体", "specific"}
_LABEL_RE = re.compile(r"^[\w\-.]{1,64}$")


@dataclass
class LabelledRow:
    text: str
    label: str
    vague: bool | None
    where: str  # "file:line"
    item: str | None = None  # the item (and section heading) whose change the cause explains, when given
    section: str | None = None

    @property
    def cause(self):
        """What the estimators take: the text, or (text, item, section) when there is context."""
        return (self.text, self.item, self.section) if self.item or self.section else self.text


@dataclass
class LabelledData:
    """Rows read from labelled files, with every row that was not used and why."""

    rows: list[LabelledRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "file:line: reason" — bad rows
    unlabelled: list[str] = field(default_factory=list)  # "file:line" rows with neither label nor vague
    duplicates: list[str] = field(default_factory=list)  # "file:line: same text and label as file:line"


def read_labelled(paths, into: LabelledData | None = None) -> LabelledData:
    """Read CSV, JSONL or XLSX files with columns text,label[,vague].

    Nothing is dropped silently: bad rows go to `errors`, rows with neither
    label nor vague (e.g. not yet labelled in a label-export file) to
    `unlabelled`, repeated texts with the same label to `duplicates`; each with
    its file and line (spreadsheet row) number. Raises `InputError` when a file
    cannot be read at all.
    """
    data = into or LabelledData()
    seen: dict[tuple, LabelledRow] = {(r.text, r.item, r.section): r for r in data.rows}
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for path in paths:
        path = Path(path)
        for where, record in _records(path):
            _check_row(data, seen, where, record)
    return data


MAX_FILE_BYTES = 64 * 1024 * 1024  # a labelled file of 100,000 causes is ~20 MB


def _records(path: Path):
    name = str(path)
    try:
        info = path.stat()
    except OSError:
        raise InputError(f"{name}: 没有这个文件 / no such file") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{name}: 不是普通文件（目录、管道或设备）/ not a regular file; refused")
    if info.st_size > MAX_FILE_BYTES:
        raise InputError(f"{name}: 文件过大（{info.st_size} 字节，上限 {MAX_FILE_BYTES // 2**20} MB）/ "
                         "too large for a labelled-data file; refused")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        yield from _jsonl_records(path, name)
    elif suffix in (".csv", ".tsv"):
        yield from _table_records(_csv_rows(path, name), name)
    elif suffix in (".xlsx", ".xlsm"):
        yield from _table_records(_xlsx_rows(path, name), name)
    else:
        raise InputError(f"{name}: unsupported labelled-data format {suffix or '(none)'} (use .csv, .jsonl or .xlsx)")


def _jsonl_records(path: Path, name: str):
    for n, line in enumerate(decode(path.read_bytes(), name).splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield f"{name}:{n}", f"invalid JSON ({e.msg})"
            continue
        if not isinstance(obj, dict):
            yield f"{name}:{n}", "not a JSON object"
            continue
        yield f"{name}:{n}", {k: obj.get(k) for k in ("text", "label", "vague", "item", "section")}


def _csv_rows(path: Path, name: str):
    text = decode(path.read_bytes(), name)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def _xlsx_rows(path: Path, name: str):
    check_zip(path, name, kind="zip/XLSX")  # bombs and ../ paths, before the sheet is read
    yield from read_xlsx(path, name)


def _table_records(rows, name: str):
    columns = width = None
    for n, row in rows:
        cells = [unguarded(c.strip()) if isinstance(c, str) else c for c in row]  # undo write_rows' apostrophe
        if not any(str(c).strip() for c in cells):
            continue  # blank line: not a row
        if columns is None:
            columns, width = _header(cells, name, n)
            continue
        if any(str(c).strip() for c in cells[width:]):
            yield f"{name}:{n}", f"{len(cells)} fields but the header has {width} (unquoted comma in the text?)"
            continue
        cells = list(cells) + [""] * max(0, width - len(cells))
        yield f"{name}:{n}", {k: cells[i] for k, i in columns.items()}


def _header(cells, name: str, n: int) -> tuple[dict[str, int], int]:
    """(column of each field, number of columns up to the last named one)."""
    columns = header_columns(cells, _ALIASES)
    if "text" not in columns or "label" not in columns:
        shown = ",".join(map(str, cells))[:120]
        raise InputError(f"{name}:{n}: the header needs columns text,label[,vague][,item][,section]; found: {shown}")
    width = len(cells)
    while width and not str(cells[width - 1]).strip():
        width -= 1
    return columns, width


def _check_row(data: LabelledData, seen: dict, where: str, record) -> None:
    if isinstance(record, str):
        data.errors.append(f"{where}: {record}")
        return
    text = record.get("text")
    label = record.get("label")
    vague = record.get("vague")
    text = "" if text is None else str(text).strip()
    label = "" if label is None else str(label).strip()
    vague_s = "" if vague is None else str(vague).strip()
    if not text:
        if label or vague_s:
            data.errors.append(f"{where}: empty text")
        return
    if not label and not vague_s:
        data.unlabelled.append(where)
        return
    if not label:
        data.errors.append(f"{where}: no label")
        return
    if not _LABEL_RE.match(label):
        data.errors.append(f"{where}: label {label[:40]!r} is not a name (letters, digits, _ - . only)")
        return
    if isinstance(vague, bool):
        v = vague
    elif not vague_s:
        v = None
    elif vague_s.lower() in _TRUE:
        v = True
    elif vague_s.lower() in _FALSE:
        v = False
    else:
        data.errors.append(f"{where}: vague must be true/false (or 1/0, yes/no, 是/否), got {vague_s[:20]!r}")
        return
    item, section = (str(record.get(k) or "").strip() or None for k in ("item", "section"))
    first = seen.get((text, item, section))
    if first is not None:
        if first.label != label or (v is not None and first.vague is not None and first.vague != v):
            data.errors.append(
                f"{where}: same text as {first.where} but labelled {label}/{v} there {first.label}/{first.vague}"
            )
        else:
            data.duplicates.append(f"{where}: same text and label as {first.where}")
        return
    row = LabelledRow(text, label, v, where, item, section)
    seen[(text, item, section)] = row
    data.rows.append(row)


# ----------------------------------------------------- exporting for labelling

EXPORT_COLUMNS = (
    "text",
    "label",
    "vague",
    "suggested_label",
    "confidence",
    "suggested_vague",
    "vague_confidence",
    "occurrences",
    "report",
    "explanation",
    "page",
    "item",
)


def export_rows(reports) -> list[dict]:
    """Distinct causes of labelled reports as rows for people to label, least
    confident first (active learning). `label`/`vague` are left empty for the
    labeller; the model's guesses are in `suggested_*`."""
    rows: dict[str, dict] = {}
    for report in reports:
        for e in report.explanations:
            for c in e.causes:
                if c.text in rows:
                    rows[c.text]["occurrences"] += 1
                    continue
                item = e.statement.item if e.statement else (e.row.indicator if e.row else "")
                rows[c.text] = {
                    "text": c.text,
                    "label": "",
                    "vague": "",
                    "suggested_label": c.label,
                    "confidence": c.confidence,
                    "suggested_vague": c.vague,
                    "vague_confidence": None,
                    "occurrences": 1,
                    "report": report.source,
                    "explanation": e.id,
                    "page": e.location.page,
                    "item": item,
                }
    return list(rows.values())


def rank_for_labelling(rows: list[dict], model=DEFAULT) -> list[dict]:
    """Fill the suggestions with `model` and sort least confident first
    (label confidence, then vague confidence, then text)."""
    preds = load_model(model).predict([r["text"] for r in rows], [r.get("item") or None for r in rows])
    for r, p in zip(rows, preds, strict=True):
        r.update(suggested_label=p["label"], confidence=p["confidence"], suggested_vague=p["vague"],
                 vague_confidence=p["vague_confidence"])
    return sorted(rows, key=lambda r: (r["confidence"], r["vague_confidence"] or 0, r["text"]))


def write_rows(rows: list[dict], out, fmt: str) -> None:
    """Write rows as CSV (UTF-8 with BOM, so spreadsheet programs read the
    Chinese right) to a path or text stream, or as XLSX to a path. No cell
    can become a formula: XLSX text is always a string cell, and a CSV text
    starting with = + - @ gets a leading apostrophe (read back by
    `read_labelled`)."""
    if fmt == "xlsx":
        with Workbook(str(out)) as book:
            sheet = book.add_sheet("causes", list(EXPORT_COLUMNS))
            for r in rows:
                sheet.append([_cell(r.get(k)) for k in EXPORT_COLUMNS])
        return
    if isinstance(out, (str, os.PathLike)):
        with open(out, "w", encoding="utf-8-sig", newline="") as f:
            _write_csv(rows, f)
    else:
        _write_csv(rows, out)


def _write_csv(rows, f) -> None:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(EXPORT_COLUMNS)
    for r in rows:
        w.writerow([csv_cell(_cell(r.get(k))) for k in EXPORT_COLUMNS])


def _cell(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return v

