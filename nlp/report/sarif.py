"""`--format sarif`: SARIF 2.1.0, for tools that read linter output; one
run per report, its score a property of the run."""
from __future__ import annotations

from nlp.model import Report
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
        if f.location:
            region = {"charOffset": f.location.start, "charLength": max(f.location.end - f.location.start, 1)}
            if f.location.line is not None:
                region["startLine"] = f.location.line  # of the page, for a PDF (its page is a property)
            result["locations"] = [{
                "physicalLocation": {"artifactLocation": {"uri": report.source}, "region": region},
                "properties": {"page": f.location.page},
            }]
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
