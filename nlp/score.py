"""The document score: 100 minus the materiality-weighted findings, scaled
by how much the report had to explain.

    materiality  m(x) = 1 + log10(1 + |change in 万元|)      (1 with no amount)
    weight       w = 3 when the report contradicts its own figures (arithmetic,
                 direction, unit, year, performance table, the statements and
                 the narrative held to them), 2 for a reason not
                 given (missing, restated, non-explanation, template left in),
                 1 for how reasons are written (vague, repeated, blanket)
    a finding costs w × m(x) once, x the most material explanation it names:
                 one problem is one charge, however many lines it touches;
    an explanation can lose at most 3 × m(x) in all (several findings on the
                 same explanation share that, in proportion);
    a finding about the document as a whole costs w × 1; a note (JS511
                 rounding) costs nothing;
    capacity     C = 3 × Σ m(x) over every explanation and unexplained change
    score        = 100 × max(0, 1 − Σ costs / C)
    not scored   when C = 0: no explanation and no change statement was
                 recognised, so there is no evidence for a verdict either way
                 (score None, status "not_scored"; never 100 by default)

So a vague reason for a 5,000 万元 change (m = 4.7) costs three times what
one for 3 万元 (m = 1.6) does, a figure that contradicts the report costs three
times what a vague reason does, one reason copied to thirty lines is one
charge, a report that explains more has more to lose before it reaches 0, and
two reports' scores compare. `score_parts` gives each rule's findings and the
points it took; they add up to 100 − score (before the floor at 0).
"""
from __future__ import annotations

import math
from collections import defaultdict

from nlp.model import Finding, Report
from nlp.rules import find_rule
from nlp.vocabulary import Evidence

_MAX = Evidence.FIGURES.weight


def materiality(statement) -> float:
    if statement is None or statement.change is None:
        return 1.0
    return 1.0 + math.log10(1.0 + abs(statement.change))


def evidence_of(finding: Finding) -> Evidence:
    rule = find_rule(finding.code)
    return rule.evidence if rule else Evidence.STYLE


def cost_of(finding: Finding) -> float:
    """The weight a finding is charged at: its evidence's, 0 for a note (a rule not scored)."""
    rule = find_rule(finding.code)
    return evidence_of(finding).weight if rule is None or rule.scored else 0.0


def worst_first(findings: list[Finding]) -> list[Finding]:
    """Findings as an auditor reads them: contradicted figures, then missing
    reasons, then style; within each, the costliest first."""
    return sorted(findings, key=lambda f: (evidence_of(f).rank, -f.penalty, f.code))


def score_report(report: Report, findings: list[Finding]) -> tuple[float | None, dict]:
    """The score (None: not scored), and its parts; sets each finding's
    materiality and penalty."""
    weight = {e.id: materiality(e.statement) for e in report.explanations}
    weight.update({m.id: materiality(m.statement) for m in report.missing})
    capacity = _MAX * sum(weight.values())
    _charge(findings, weight)
    by_rule = _by_rule(findings, capacity)
    lost = sum(f.penalty for f in findings)
    score = round(100 * max(0.0, 1 - lost / capacity), 1) if capacity else None
    return score, {"capacity": round(capacity, 3), "penalty": round(lost, 3), "by_rule": by_rule}


def _charge(findings: list[Finding], weight: dict[str, float]) -> None:
    """Each finding's materiality and penalty: charged once, to the most
    material explanation it names, each explanation capped at 3 × m(x)
    shared in proportion."""
    costs: dict[str, list[tuple[Finding, float]]] = defaultdict(list)
    for f in findings:
        named = [t for t in f.targets if t in weight]
        w = cost_of(f)
        if not named or not w:  # about the document as a whole, or a note
            f.materiality, f.penalty = 1.0, w
            continue
        charged = max(named, key=lambda t: weight[t])
        f.materiality, f.penalty = round(weight[charged], 3), 0.0
        costs[charged].append((f, w * weight[charged]))
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
