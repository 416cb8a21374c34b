"""`--format sarif`: SARIF 2.1.0, for tools that read linter output; one
run per report, its score a property of the run."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import PurePath

from nlp.model import Cell, Report
from nlp.rules import report_rules

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def to_sarif(reports: Report | list[Report], lang: str = "zh") -> dict:
    """The reports as SARIF, messages and rule descriptions in `lang` ("zh" or "en")."""
    reports = [reports] if isinstance(reports, Report) else reports
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [_run(report, lang) for report in reports],
    }


def _run(report: Report, lang: str) -> dict:
    from nlp import __version__

    rules = report_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    results = []
    for f in report.findings:
        result = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _LEVEL[f.severity],
            "message": {"text": f.text(lang)},
            "properties": {"targets": f.targets, "penalty": f.penalty},
        }
        locations = []
        if f.location:
            region = {"charOffset": f.location.start, "charLength": max(f.location.end - f.location.start, 1)}
            if f.location.line is not None:
                region["startLine"] = f.location.line  # of the page, for a PDF (its page is a property)
            locations.append({
                "physicalLocation": {"artifactLocation": {"uri": report.source}, "region": region},
                "properties": {"page": f.location.page},
            })
        if f.cell:
            locations.append(_cell_location(f.cell, report.source, lang))
        if locations:
            result["locations"] = locations
        results.append(result)
    run = {
        "tool": {"driver": {
            "name": "juesuan",
            "version": __version__,
            "rules": [{
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary if lang == "en" else r.summary_zh},
                "fullDescription": {"text": r.rationale if lang == "en" else r.rationale_zh},
                "defaultConfiguration": {"level": _LEVEL[r.severity]},
            } for r in rules],
        }},
        "artifacts": [{"location": {"uri": report.source}}],
        "results": results,
        "properties": {"score": report.score, "status": str(report.status), "status_reason": report.status.reason(lang)},
    }
    if report.warnings:  # what the reader could not read as it is
        run["invocations"] = [{
            "executionSuccessful": True,
            "toolExecutionNotifications": [{"level": "warning", "message": {"text": w}} for w in report.warnings],
        }]
    return run


def _cell_location(cell: Cell, source: str, lang: str) -> dict:
    """The statement's cell a finding rests on: its line in a text file, its
    sheet and cell in a workbook (the one beside the report, for a report
    whose statements are published apart), its page or table as properties."""
    uri = source
    if cell.sheet is not None and PurePath(source).suffix.lower() != ".xlsx":
        uri = str(PurePath(source).with_suffix(".xlsx"))
    physical: dict = {"artifactLocation": {"uri": uri}}
    if cell.line is not None:
        physical["region"] = {"startLine": cell.line}
    name = cell.where(lang) if cell.sheet is not None else "/".join(str(p) for p in (cell.table, cell.row, cell.column) if p)
    return {
        "physicalLocation": physical,
        "logicalLocations": [{"fullyQualifiedName": name, "kind": "element"}],
        "message": {"text": cell.describe(lang)},
        "properties": {k: v for k, v in asdict(cell).items() if v not in (None, "")},
    }
