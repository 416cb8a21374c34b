"""The document score: 100 minus the materiality-weighted findings, scaled
by how much the report had to explain.

    materiality  m(x) = 1 + log10(1 + |change in 万元|)      (1 with no amount)
    a finding costs each explanation x it names  w(severity) × m(x)
                 with w = 3 for an error, 2 for a warning, 1 for info;
    an explanation can lose at most 3 × m(x) in all (several findings on the
                 same explanation share that, in proportion);
    a finding about the document as a whole costs w(severity) × 1;
    capacity     C = 3 × Σ m(x) over every explanation and unexplained change
    score        = 100 × max(0, 1 − Σ costs / C)

So a vague reason for a 5,000 万元 change (m = 4.7) costs three times what
one for 3 万元 (m = 1.6) does, a report that explains more has more to lose
before it reaches 0, and two reports' scores compare. `score_parts` gives
each rule's findings and the points it took; they add up to 100 − score
(before the floor at 0).
"""
from __future__ import annotations

import math
from collections import defaultdict

from nlp.model import Finding, Report
from nlp.vocabulary import Severity

SEVERITY_WEIGHT = {Severity.ERROR: 3.0, Severity.WARNING: 2.0, Severity.INFO: 1.0}
_MAX = SEVERITY_WEIGHT[Severity.ERROR]


def materiality(statement) -> float:
    if statement is None or statement.change is None:
        return 1.0
    return 1.0 + math.log10(1.0 + abs(statement.change))


def score_report(report: Report, findings: list[Finding]) -> tuple[float, dict]:
    """The score, and its parts; sets each finding's materiality and penalty."""
    weight = {e.id: materiality(e.statement) for e in report.explanations}
    weight.update({m.id: materiality(m.statement) for m in report.missing})
    capacity = _MAX * sum(weight.values())
    _charge(findings, weight)
    by_rule = _by_rule(findings, capacity)
    lost = sum(f.penalty for f in findings)
    score = round(100 * max(0.0, 1 - lost / capacity), 1) if capacity else (0.0 if findings else 100.0)
    return score, {"capacity": round(capacity, 3), "penalty": round(lost, 3), "by_rule": by_rule}


def _charge(findings: list[Finding], weight: dict[str, float]) -> None:
    """Each finding's materiality and penalty: what it costs the explanations
    it names, each capped at 3 × m(x) shared in proportion."""
    costs: dict[str, list[tuple[Finding, float]]] = defaultdict(list)
    for f in findings:
        named = [t for t in f.targets if t in weight]
        f.materiality = round(max([weight[t] for t in named] or [1.0]), 3)
        f.penalty = 0.0 if named else SEVERITY_WEIGHT[f.severity]
        for t in named:
            costs[t].append((f, SEVERITY_WEIGHT[f.severity] * weight[t]))
    for t, charged in costs.items():
        _share(charged, _MAX * weight[t])
    for f in findings:
        f.penalty = round(f.penalty, 3)


def _share(charged: list[tuple[Finding, float]], cap: float) -> None:
    """Charge the findings on one explanation, scaled down to share `cap` when they add up to more."""
    scale = min(1.0, cap / sum(c for _, c in charged))
    for f, c in charged:
        f.penalty += c * scale


def _by_rule(findings: list[Finding], capacity: float) -> dict[str, dict]:
    """Each rule's findings, penalty and the points of the score it took."""
    by_rule: dict[str, dict] = {}
    for f in findings:
        part = by_rule.setdefault(f.rule, {"code": f.code, "findings": 0, "penalty": 0.0})
        part["findings"] += 1
        part["penalty"] = round(part["penalty"] + f.penalty, 3)
    for part in by_rule.values():
        part["points"] = round(100 * part["penalty"] / capacity, 1) if capacity else 0.0
    return by_rule
