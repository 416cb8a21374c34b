"""`--format csv`: one table of one or more reports, UTF-8 with a BOM (so
that Excel reads the Chinese), chosen with `--table`:

    causes     one row per cause, with its explanation's columns (default;
               an explanation with no cause is one row, cause_no 0)
    findings   one row per finding, the document's own (no location) included
    missing    one row per change stated without a reason
    documents  one row per report: its score, or status not_scored (score
               blank) and why, and what the reader left out (the columns of
               `Report.to_frames().document` and of a batch's documents table)

Booleans are `true`/`false`, as label-export writes them; no cell can become
a formula in a spreadsheet (`nlp.sheets.csv_cell`)."""
from __future__ import annotations

import csv
import io

from nlp.frames import DOCUMENT_COLUMNS
from nlp.model import Cause, Report
from nlp.sheets import csv_cell

_STATEMENT = ["item", "basis", "direction", "amount", "compare_amount", "change", "change_pct", "statement"]
# The causes table has the columns of a batch's explanations table (nlp.batch.work), in its order.
COLUMNS = {
    "causes": ["source", "explanation", "kind", "section", "item", "basis", "direction", "trigger", "amount",
               "compare_amount", "change", "change_pct", "statement", "reason", "cause_no", "cause", "label",
               "confidence", "vague", "flags", "findings", "page", "start", "end"],
    "findings": ["source", "code", "rule", "severity", "message", "targets", "signal", "page", "line", "start", "end",
                 "materiality", "penalty", "table", "table_row", "table_column", "table_at"],
    "missing": ["source", "id", "section", *_STATEMENT, "flags", "page", "line", "start", "end"],
    "documents": DOCUMENT_COLUMNS,
}
TABLES = tuple(COLUMNS)


def to_csv(reports: Report | list[Report], table: str = "causes", lang: str = "zh") -> str:
    """The table; a finding's message in `lang` ("zh" or "en")."""
    reports = [reports] if isinstance(reports, Report) else reports
    rows = {"causes": cause_rows, "findings": lambda r: finding_rows(r, lang), "missing": missing_rows,
            "documents": lambda r: [document_row(r, lang)]}[table]
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS[table])
    for report in reports:
        for row in rows(report):
            writer.writerow([_cell(row[k]) for k in COLUMNS[table]])
    return out.getvalue()


def cause_rows(report: Report) -> list[dict]:
    """One row per cause with its explanation's columns; an explanation with
    no cause is one row with cause_no 0 and the cause blank."""
    codes: dict[str, set[str]] = {}
    for f in report.findings:
        for t in f.targets:
            codes.setdefault(t, set()).add(f.code)
    rows = []
    for e in report.explanations:
        explanation = {
            "source": report.source,
            "explanation": e.id,
            "kind": e.kind,
            "section": " > ".join(e.section),
            **_statement(e.statement),
            "trigger": e.trigger,
            "reason": e.reason,
            "flags": " ".join(e.flags),
            "findings": " ".join(sorted(codes.get(e.id, ()))),
            **_location(e.location),
        }
        if e.row and not e.statement:
            explanation["item"] = f"{e.row.project} / {e.row.indicator}"
        for n, c in enumerate(e.causes or [Cause("")], 1):
            rows.append({
                **explanation,
                "cause_no": n if e.causes else 0,
                "cause": c.text,
                "label": c.label,
                "confidence": None if c.confidence is None else round(c.confidence, 3),
                "vague": c.vague,
            })
    return rows


def finding_rows(report: Report, lang: str = "zh") -> list[dict]:
    return [{
        "source": report.source,
        "code": f.code,
        "rule": f.rule,
        "severity": f.severity,
        "message": f.text(lang),
        "targets": " ".join(f.targets),
        "signal": f.signal,
        "materiality": round(f.materiality, 3),
        "penalty": round(f.penalty, 3),
        **_location(f.location),
        # the statement's cell it rests on: title, row number, column, where ("第12页", "'表1'!D5")
        **(f.cell.columns(lang) if f.cell else dict.fromkeys(("table", "table_row", "table_column", "table_at"))),
    } for f in report.findings]


def missing_rows(report: Report) -> list[dict]:
    return [{
        "source": report.source,
        "id": m.id,
        "section": " > ".join(m.section),
        **_statement(m.statement),
        "flags": " ".join(m.flags),
        **_location(m.location),
    } for m in report.missing]


def document_row(report: Report, lang: str = "zh") -> dict:
    return {"source": report.source, "pages": report.pages,
            "score": report.score, "status": report.status,
            "status_reason": report.status.reason(lang), "warnings": " | ".join(report.warnings) or None}


def _statement(s) -> dict:
    return {k: getattr(s, k) if s else None for k in _STATEMENT[:-1]} | {"statement": s.text if s else None}


def _location(loc) -> dict:
    if loc is None:
        return {"page": None, "line": None, "start": None, "end": None}
    return {"page": loc.page, "line": loc.line, "start": loc.start, "end": loc.end}


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return csv_cell(value)
