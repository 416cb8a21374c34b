"""`--format csv`: one row per cause, with its statement, label and findings.

No cell can become a formula in a spreadsheet (`nlp.sheets.csv_cell`)."""
from __future__ import annotations

import csv
import io

from nlp.model import Report
from nlp.sheets import csv_cell

COLUMNS = [
    "source", "explanation", "kind", "section", "item", "basis", "direction", "trigger",
    "amount", "compare_amount", "change", "change_pct", "cause_no", "cause",
    "label", "confidence", "vague", "flags", "findings", "page", "start", "end",
]


def cause_rows(report: Report) -> list[dict]:
    codes: dict[str, list[str]] = {}
    for f in report.findings:
        for t in f.targets:
            codes.setdefault(t, []).append(f.code)
    rows = []
    for e in report.explanations:
        s = e.statement
        for n, c in enumerate(e.causes, 1):
            rows.append({
                "source": report.source,
                "explanation": e.id,
                "kind": e.kind,
                "section": " > ".join(e.section),
                "item": s.item if s else f"{e.row.project} / {e.row.indicator}",
                "basis": s.basis if s else "",
                "direction": s.direction if s else "",
                "trigger": e.trigger,
                "amount": s.amount if s else "",
                "compare_amount": s.compare_amount if s else "",
                "change": s.change if s else "",
                "change_pct": s.change_pct if s else "",
                "cause_no": n,
                "cause": c.text,
                "label": c.label or "",
                "confidence": "" if c.confidence is None else round(c.confidence, 3),
                "vague": "" if c.vague is None else c.vague,
                "flags": " ".join(e.flags),
                "findings": " ".join(sorted(set(codes.get(e.id, [])))),
                "page": e.location.page or "",
                "start": e.location.start,
                "end": e.location.end,
            })
    return rows


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in cause_rows(report):
        writer.writerow([csv_cell(row[k]) for k in COLUMNS])
    return out.getvalue()
