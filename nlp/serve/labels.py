"""Cause labels corrected by reviewers, for retraining.

A reviewer sets the label (and whether it is vague) of a cause on the
report's page; the office's corrections are exported in `juesuan
label-export`'s columns (nlp.classifier.labelled.EXPORT_COLUMNS), label and
vague filled in, so that `python train.py --data labels.xlsx` reads them.
"""
from __future__ import annotations

import os
import tempfile

from sqlalchemy import select

from nlp.serve.db import LabelRow, Report, now, record
from nlp.serve.reports import Refused, report_of, result_of

VAGUE = {"": None, "true": True, "false": False}


def causes_of(data: dict) -> list[dict]:
    """Every cause of an analysed report (its Report.to_dict()), in order."""
    found = []
    for e in data.get("explanations", []):
        for n, c in enumerate(e.get("causes", [])):
            found.append({"explanation": e["id"], "cause": n, "text": c.get("text", ""), "label": c.get("label"),
                          "confidence": c.get("confidence"), "vague": c.get("vague"), "item": e.get("item"),
                          "section": " / ".join(e.get("section") or []) or None})
    return found


def corrections(db, report_id: int) -> dict[tuple[str, int], LabelRow]:
    rows = db.scalars(select(LabelRow).where(LabelRow.report_id == report_id))
    return {(r.explanation, r.cause): r for r in rows}


def correct(db, caller, report_id: int, explanation: str, cause: int, label: str, vague: str) -> LabelRow:
    from nlp.vocabulary import LABELS

    report = report_of(db, caller, report_id)
    result = result_of(db, report)
    found = next((c for c in causes_of(result.report_json if result else {})
                  if c["explanation"] == explanation and c["cause"] == cause), None)
    if found is None:
        raise Refused(404, "没有这条原因 no such cause")
    if label not in LABELS or vague not in VAGUE:
        raise Refused(400, f"类别须为 {', '.join(LABELS)}；含糊须为 true/false/空 bad label or vague")
    row = corrections(db, report.id).get((explanation, cause))
    if row is None:
        row = LabelRow(report_id=report.id, explanation=explanation, cause=cause, text=found["text"],
                       item=found["item"], section=found["section"], label=label, vague=VAGUE[vague],
                       by_id=caller.user.id, at=now())
        db.add(row)
    else:
        row.label, row.vague, row.by_id, row.at = label, VAGUE[vague], caller.user.id, now()
    record(db, caller.name, "label", f"report {report.id} {explanation}#{cause}",
           f"{found['label']} -> {label} vague {vague or '-'}", caller.office_id)
    return row


def export_rows(db, caller) -> list[dict]:
    """The office's corrected causes as label-export rows (label and vague given, the model's guess kept)."""
    query = (select(LabelRow, Report.file).join(Report, Report.id == LabelRow.report_id)
             .where(Report.office_id == caller.office_id).order_by(LabelRow.id))
    rows, guesses = [], {}
    for row, file in db.execute(query):
        if row.report_id not in guesses:
            result = result_of(db, db.get(Report, row.report_id))
            guesses[row.report_id] = {(c["explanation"], c["cause"]): c for c in causes_of(result.report_json if result else {})}
        guess = guesses[row.report_id].get((row.explanation, row.cause), {})
        rows.append({"text": row.text, "label": row.label, "vague": "" if row.vague is None else row.vague,
                     "suggested_label": guess.get("label"), "confidence": guess.get("confidence"),
                     "suggested_vague": guess.get("vague"), "vague_confidence": None, "occurrences": 1,
                     "report": file, "explanation": row.explanation, "page": None, "item": row.item})
    return rows


def export_file(db, caller, fmt: str) -> bytes:
    """The rows as CSV or XLSX bytes, written by label-export's own writer."""
    from nlp.classifier.labelled import write_rows

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"labels.{fmt}")
        write_rows(export_rows(db, caller), path, fmt)
        with open(path, "rb") as f:
            return f.read()
