"""The work done for one document, in a worker process (or on a Dask worker).

`analyse_task(task)` takes the bytes of one file (read and hashed by the
client, so a Dask worker on another machine needs no shared disk) and
returns a small result: one JSON line holding the document's rows, never the
`Report` itself. Every failure is caught and returned as an error result, so
one bad file never stops a run.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass

from nlp.frames import STORE_FORMAT

# Positional columns of the rows kept in the store (short lines, fast to
# write); `nlp.batch.tables` adds the document's identity when it builds the
# final tables.
EXPLANATION_FIELDS = [
    "explanation", "kind", "section", "item", "basis", "direction", "trigger",
    "amount", "compare_amount", "change", "change_pct", "statement", "reason",
    "cause_no", "cause", "label", "confidence", "vague", "flags", "findings",
    "page", "start", "end",
]
FINDING_FIELDS = [
    "code", "rule", "severity", "message", "targets", "page", "start", "end",
    "materiality", "penalty", "message_en",
    # the statement's cell it rests on (as `score --format csv` cites it), and
    # where that is, in Chinese and English; appended, so that the findings of
    # a store written before them (eleven fields) still load, uncited
    "table", "table_row", "table_column", "table_at", "table_at_en",
]
# A statement (决算报表) as the store keeps it: [form, title, pages, line,
# columns, rows], each row [code, name, side, row, page, cells] with cells
# [[column index, amount], ...] for the columns the row has (a two-sided
# table's sides have columns of their own; None: a blank cell).
# STORE_FORMAT (nlp.frames, where read_results checks it): bump it when the stored line changes
# (not for fields appended with defaults, as the findings' citation: an older store loads without them).
NO_MODEL = "none"  # the model identity of causes left unlabelled (--no-model)


@dataclass
class Task:
    sha256: str
    source: str
    data: bytes
    settings: object = None  # nlp.config.Settings
    budget: object = None  # nlp.limits.Budget; None: the defaults
    model: str | None = "default"  # nlp.classifier.DEFAULT, a model directory, or None: no labels


@dataclass
class Result:
    sha256: str
    source: str
    ok: bool
    line: bytes = b""  # the stored JSON line (ok)
    error: str = ""  # error class (not ok)
    message: str = ""  # one line (not ok)
    final: bool = True  # False: worth trying again on --resume
    seconds: float = 0.0


def analyse_task(task: Task) -> Result:
    t0 = time.perf_counter()
    from nlp.classifier import ModelError
    from nlp.errors import InputError
    from nlp.limits import BudgetExceeded

    try:
        line = _sandbox(_analyse, task)(task, name=task.source)
    except InputError as e:
        # Over budget is worth trying again on --resume (with a larger
        # --timeout or --max-memory), and so is a model that could not be
        # loaded here, or an analysis killed from outside (the OOM killer:
        # nlp.limits.AnalysisCrashed.killed); a bad file would fail the same way.
        final = not isinstance(e, (BudgetExceeded, ModelError)) and not getattr(e, "killed", False)
        return Result(task.sha256, task.source, False, error=type(e).__name__, message=one_line(e), final=final, seconds=time.perf_counter() - t0)
    except Exception as e:  # noqa: BLE001 - one bad file must not stop the run
        return Result(task.sha256, task.source, False, error=type(e).__name__, message=one_line(e), final=False, seconds=time.perf_counter() - t0)
    return Result(task.sha256, task.source, True, line=line, seconds=time.perf_counter() - t0)


_SANDBOXES = threading.local()  # a Dask worker runs tasks in threads


def _sandbox(fn, task: Task):
    """This thread's child process for `fn` under the task's budget
    (nlp.limits): kept from file to file, so each file costs no fork of its
    own. The task's model is loaded here first, so that the child shares it
    instead of loading it under the budget."""
    from nlp.limits import Budget, Sandbox

    budget = Budget() if task.budget is None else task.budget
    boxes = getattr(_SANDBOXES, "boxes", None)
    if boxes is None:
        boxes = _SANDBOXES.boxes = {}
    key = (fn, budget, task.model)
    if key not in boxes:
        if task.model is not None:
            from nlp.classifier import load_model

            load_model(task.model)
        boxes[key] = Sandbox(fn, budget)
    return boxes[key]


def model_identity(model) -> str:
    """What the store keeps of the model that labelled a document: its
    `nlp.classifier.model_hash` (both files), or NO_MODEL. `model` is a
    loaded nlp.classifier.Model or None."""
    if model is None:
        return NO_MODEL
    from nlp.classifier import model_hash

    return model_hash(model)


def one_line(e: BaseException, limit: int = 300) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _analyse(task: Task) -> bytes:
    from nlp.batch.identity import unit_and_year
    from nlp.pipeline import analyze
    from nlp.readers import read_bytes

    doc = read_bytes(task.data, task.source)
    unit, year = unit_and_year(doc.pages[0] if doc.pages else "")
    if unit is None and doc.paged and len(doc.pages) > 1:
        unit, year2 = unit_and_year("\n".join(doc.pages[:2]))
        year = year or year2
    report = analyze(doc, settings=task.settings, model=task.model)
    record = document_record(report, unit, year)
    record["sha256"] = task.sha256
    record["source"] = task.source
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"
    return line.encode("utf-8", "backslashreplace")  # a name that is not UTF-8: JSON \udcXX escapes, read back exactly


def document_record(report, unit: str | None, year: int | None) -> dict:
    """The stored form of one analysed report: its summary and its rows."""
    from nlp.report.tables import cause_rows

    explanations = explanation_rows(cause_rows(report))
    labels: dict[str, int] = {}
    for e in report.explanations:
        for c in e.causes:
            key = c.label or "unlabelled"
            labels[key] = labels.get(key, 0) + 1
    rules: dict[str, int] = {}
    for f in report.findings:
        rules[f.code] = rules.get(f.code, 0) + 1
    findings = [
        [f.code, f.rule, f.severity, f.message, " ".join(f.targets),
         f.location.page if f.location else None,
         f.location.start if f.location else None,
         f.location.end if f.location else None,
         _num(f.materiality), _num(f.penalty), f.message_en,
         *((*f.cell.columns("zh").values(), f.cell.where("en")) if f.cell else (None,) * 5)]
        for f in report.findings
    ]
    return {
        "format": STORE_FORMAT,
        "document": {
            "unit_text": unit,
            "year_text": year,
            "pages": report.pages,
            "score": _num(report.score),
            "status": str(report.status),
            "warnings": list(report.warnings),
            "explanations": len(report.explanations),
            "causes": sum(len(e.causes) for e in report.explanations),
            "missing": len(report.unexplained_changes),
            "findings": len(report.findings),
            "statements": len(report.tables),
            "labels": labels,
            "rules": rules,
            "settings": report.settings,
        },
        "explanations": explanations,
        "findings": findings,
        "statements": [statement_record(s) for s in report.tables],
    }


def statement_record(statement) -> list:
    """One nlp.accounts.Statement in the store's compact form (STORE_FORMAT)."""
    index = {name: i for i, name in enumerate(statement.columns)}
    rows = [[r.code, r.name, r.side, r.row, r.page, [[index[c], _num(v)] for c, v in r.values.items()]] for r in statement.rows]
    return [statement.form, statement.title, statement.pages, statement.line, statement.columns, rows]


def explanation_rows(rows: list[dict]) -> list[list]:
    """The rows of `nlp.report.tables.cause_rows` (one per cause; an
    explanation without causes keeps one row with cause_no 0) as the store
    keeps them."""
    return [[_cell(r[k]) for k in EXPLANATION_FIELDS] for r in rows]


def _cell(v):
    """'' (an empty text cell) becomes None so typed columns stay typed."""
    if v == "":
        return None
    if isinstance(v, float):
        return _num(v)
    return v


def _num(v):
    if v is None:
        return None
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return None
    return v


def render_task(task: Task) -> Result:
    """The single-report HTML page of one document (for the worst reports
    of the dashboard), made where the model is already loaded."""
    t0 = time.perf_counter()
    try:
        page = _sandbox(_render, task)(task, name=task.source)
    except Exception as e:  # noqa: BLE001 - a page that cannot be made is just not linked
        return Result(task.sha256, task.source, False, error=type(e).__name__, message=one_line(e), seconds=time.perf_counter() - t0)
    return Result(task.sha256, task.source, True, line=page, seconds=time.perf_counter() - t0)


def _render(task: Task) -> bytes:
    from nlp.batch.inputs import shown
    from nlp.pipeline import analyze
    from nlp.readers import read_bytes
    from nlp.report.html import render_html

    report = analyze(read_bytes(task.data, shown(task.source)), settings=task.settings, model=task.model)
    return render_html(report, lang=task.settings.lang if task.settings else "zh").encode("utf-8")
