"""Reports and batch results as pandas DataFrames with typed columns.

    report.to_frames().causes              # one report: explanations, causes, findings, missing
    nlp.read_results("results/").causes    # a batch: documents, explanations, causes, findings, errors, statements

Both give the same columns the same dtypes, so that code written on one
report runs on a corpus: `category` for the closed vocabularies (kind, basis,
direction, label, code, rule, severity, scope, error; their categories fixed
where the vocabulary is, so that frames of several reports concatenate
without turning into objects), `Float64` for amounts, percentages,
confidences and scores, `Int64` for counts, years and offsets, `boolean` for
`vague` and for each flag (one column per flag instead of the space-joined
`flags` of the CSV tables), `string` for text; every column nullable.

pandas is imported inside these functions: it costs about a second at start-up
(`python -X importtime`), five times `import nlp`, which `juesuan score`
should not pay.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from nlp.accounts import BY_KEY
from nlp.errors import InputError
from nlp.vocabulary import LABELS, Basis, Direction, Kind, Severity, Status

# Explanations' flags (README, "flags of an explanation"), and the missing reasons' one.
FLAGS = ("statement_unparsed", "reason_before_figures", "no_trigger", "same_as_above", "low_confidence")
MISSING_FLAGS = ("blank_slot",)

# Closed vocabularies: their known categories (None: the values found), in the order they sort.
CATEGORIES: dict[str, tuple[str, ...] | None] = {
    "kind": tuple(Kind), "basis": tuple(Basis), "direction": tuple(Direction), "label": LABELS,
    "severity": tuple(Severity), "scope": ("report", "corpus"), "identity_from": ("manifest", "text"),
    "code": None, "rule": None, "error": None, "status": tuple(Status), "form": tuple(BY_KEY),
}
# Columns of a table that share a name with a vocabulary but are text there:
# a statement row's `code` is an account code (2010601), not a rule's.
TEXT_IN = {"statements": {"code"}}
FLOATS = {"amount", "compare_amount", "change", "change_pct", "completion_pct", "confidence", "score", "materiality", "penalty"}
INTS = {"year", "pages", "page", "start", "end", "cause_no"}
BOOLS = {"vague", *FLAGS, *MISSING_FLAGS}

STATEMENT = ["section", "item", "basis", "direction", "amount", "compare_amount", "change", "change_pct", "completion_pct", "statement"]
EXPLANATION_COLUMNS = ["source", "explanation", "kind", *STATEMENT, "trigger", "reason", "findings", "page", "start", "end", *FLAGS]
CAUSE_COLUMNS = ["source", "explanation", "cause_no", "cause", "label", "confidence", "vague"]
FINDING_COLUMNS = ["source", "code", "rule", "severity", "message", "message_en", "targets", "signal", "page", "start", "end", "materiality", "penalty"]
MISSING_COLUMNS = ["source", "id", *STATEMENT, "page", "start", "end", *MISSING_FLAGS]
DOCUMENT_COLUMNS = ["source", "pages", "score", "status", "status_reason", "warnings"]
CAUSE_ONLY = ["cause_no", "cause", "label", "confidence", "vague"]  # of a batch's explanations table, one row per cause


@dataclass
class Frames:
    """One report's tables (`Report.to_frames()`)."""

    explanations: object  # pandas.DataFrame, one row per explanation
    causes: object  # one row per cause
    findings: object
    missing: object  # one row per change without a reason
    document: object = None  # one row: its score, or status not_scored (score <NA>), and the reader's warnings


@dataclass
class Results:
    """A batch run's tables (`nlp.read_results(out)`), with the document's
    unit, year, source and sha256 on every row."""

    documents: object
    explanations: object
    causes: object
    findings: object
    errors: object
    statements: object  # one row per statement cell (决算报表; docs/batch.md)


def report_frames(report) -> Frames:
    """The frames of one `nlp.model.Report`."""
    codes: dict[str, set[str]] = {}
    for f in report.findings:
        for t in f.targets:
            codes.setdefault(t, set()).add(f.code)
    explanations, causes = [], []
    for e in report.explanations:
        item = e.row and f"{e.row.project} / {e.row.indicator}"
        explanations.append({
            "source": report.source, "explanation": e.id, "kind": e.kind, **_statement(e.statement, e.section, item),
            "trigger": e.trigger, "reason": e.reason, "findings": " ".join(sorted(codes.get(e.id, ()))) or None,
            **_location(e.location), **{flag: flag in e.flags for flag in FLAGS},
        })
        causes.extend(
            {"source": report.source, "explanation": e.id, "cause_no": n, "cause": c.text, "label": c.label,
             "confidence": c.confidence, "vague": c.vague}
            for n, c in enumerate(e.causes, 1)
        )
    findings = [
        {"source": report.source, "code": f.code, "rule": f.rule, "severity": f.severity, "message": f.message, "message_en": f.message_en,
         "targets": " ".join(f.targets), "signal": f.signal, **_location(f.location),
         "materiality": f.materiality, "penalty": f.penalty}
        for f in report.findings
    ]
    missing = [
        {"source": report.source, "id": m.id, **_statement(m.statement, m.section), **_location(m.location),
         **{flag: flag in m.flags for flag in MISSING_FLAGS}}
        for m in report.missing
    ]
    document = {"source": report.source, "pages": report.pages, "score": report.score, "status": str(report.status),
                "status_reason": report.status.reason(), "warnings": " | ".join(report.warnings) or None}
    return Frames(
        _frame(explanations, EXPLANATION_COLUMNS), _frame(causes, CAUSE_COLUMNS),
        _frame(findings, FINDING_COLUMNS), _frame(missing, MISSING_COLUMNS), _frame([document], DOCUMENT_COLUMNS),
    )


# A batch run's store, in its results folder (nlp.batch.store), and the
# format of its lines: the batch writes it, read_results reads no other.
STORE_DIR = ".juesuan-batch"
STORE_FORMAT = 5  # bump when the stored line changes


def read_results(out: str | os.PathLike) -> Results:
    """The tables a batch run wrote to `out` (its .parquet files), typed as
    `Report.to_frames()`; the explanations table (one row per cause) is split
    into explanations and causes. A folder written by another juesuan (its
    store in another format) is an InputError saying how to redo it."""
    import pyarrow.parquet as pq

    _check_format(out)
    tables = {}
    for name in ("documents", "explanations", "findings", "errors", "statements"):
        path = os.path.join(out, f"{name}.parquet")
        if not os.path.exists(path):
            raise FileNotFoundError(f"{path}: not a batch's results folder (juesuan batch --out)")
        tables[name] = _typed(pq.read_table(path), TEXT_IN.get(name, set()))
    rows = _with_flags(tables["explanations"])
    explanations = rows[rows["cause_no"] <= 1].drop(columns=CAUSE_ONLY).reset_index(drop=True)
    causes = rows.loc[rows["cause_no"] >= 1, ["unit", "year", "source", "explanation", *CAUSE_ONLY, "sha256"]].reset_index(drop=True)
    return Results(tables["documents"], explanations, causes, tables["findings"], tables["errors"], tables["statements"])


def _check_format(out: str | os.PathLike) -> None:
    import json

    try:
        with open(os.path.join(out, STORE_DIR, "meta.json"), encoding="utf-8") as f:
            found = json.load(f).get("format")
    except (OSError, ValueError, AttributeError):
        return  # no store: the tables say whether this is a results folder
    if found == STORE_FORMAT:
        return
    older = not isinstance(found, int) or found < STORE_FORMAT
    zh, en = ("较早", "an older") if older else ("较新", "a newer")
    raise InputError(
        f"{out}: 由{zh}版本的 juesuan 写出（存储格式 {found}，本版本读取 {STORE_FORMAT}），请用本版本重跑 "
        f"juesuan batch 报告… --out {out}（不加 --resume）；written by {en} juesuan (store format {found}; "
        f"this one reads {STORE_FORMAT}): run juesuan batch REPORTS… --out {out} again, without --resume")


def _statement(s, section: list[str], item: str | None = None) -> dict:
    return {
        "section": " > ".join(section), "item": s.item if s else item,
        "basis": s and s.basis, "direction": s and s.direction,
        "amount": s and s.amount, "compare_amount": s and s.compare_amount,
        "change": s and s.change, "change_pct": s and s.change_pct,
        "completion_pct": s and s.completion_pct, "statement": s and s.text,
    }


def _location(loc) -> dict:
    return {"page": loc.page, "start": loc.start, "end": loc.end} if loc else {"page": None, "start": None, "end": None}


def _frame(rows: list[dict], columns: list[str]):
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    return frame.astype({c: _dtype(c, frame[c]) for c in columns})


def _dtype(name: str, values):
    if name in CATEGORIES:
        return _category(name, values)
    if name in FLOATS:
        return "Float64"
    if name in INTS:
        return "Int64"
    if name in BOOLS:
        return "boolean"
    return "string"


def _category(name: str, values):
    """The column's categories: the vocabulary's, then any other value found
    (a label of a user's own model), sorted."""
    import pandas as pd

    known = [str(v) for v in CATEGORIES[name] or ()]
    found = {str(v) for v in values.dropna().unique()}
    return pd.CategoricalDtype([*known, *sorted(found - set(known))])


def _typed(table, text: set[str] = frozenset()):
    """An Arrow table of the batch as a DataFrame: its storage types (int64,
    double, bool, string) as the nullable dtypes, its vocabularies as
    categories (but the columns in `text`)."""
    import pandas as pd
    import pyarrow as pa

    frame = table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(), pa.bool_(): pd.BooleanDtype()}.get)
    for field in table.schema:
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            column = frame[field.name].astype("string")
            frame[field.name] = column.astype(_category(field.name, column)) if field.name in CATEGORIES and field.name not in text else column
    return frame


def _with_flags(rows):
    """The space-joined `flags` of a batch table as one boolean column per
    flag, where `flags` was."""
    flags = rows["flags"].fillna("").str.split()
    at = rows.columns.get_loc("flags")
    rows = rows.drop(columns="flags")
    for n, flag in enumerate(FLAGS):
        rows.insert(at + n, flag, flags.map(lambda fs, flag=flag: flag in fs).astype("boolean"))
    return rows
