"""Quality rules, one per module, run like a linter's.

Each rule is a `Rule` subclass with a stable `code`, a `name`, a `severity`,
a one-line `summary`, a `rationale` (its docstring) and default `options`;
`check(report, options)` yields `Finding`s whose message quotes the evidence.
`run_rules` runs the rules that the settings select, in code order.
"""
from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import ClassVar

from nlp.model import Explanation, Finding, Location, MissingExplanation, Report

_MODULES = (
    "missing",
    "vague",
    "restated",
    "non_explanation",
    "repeated",
    "blanket",
    "direction_mismatch",
    "arithmetic",
    "unit",
    "contradiction",
    "template_leftover",
)


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str]  # error | warning | info
    summary: ClassVar[str]
    options: ClassVar[dict] = {}

    @property
    def rationale(self) -> str:
        return " ".join((type(self).__doc__ or "").split())

    def check(self, report: Report, options: dict) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(self, message: str, targets: Iterable[Explanation | MissingExplanation | str], location: Location | None = None, signal: str | None = None, severity: str | None = None) -> Finding:
        targets = list(targets)
        ids = [t if isinstance(t, str) else t.id for t in targets]
        if location is None and targets and not isinstance(targets[0], str):
            location = targets[0].location
        return Finding(self.code, self.name, severity or self.severity, message, ids, location, signal)


def all_rules() -> list[Rule]:
    rules = []
    for module in _MODULES:
        mod = importlib.import_module(f"nlp.rules.{module}")
        rules.extend(cls() for cls in vars(mod).values() if isinstance(cls, type) and issubclass(cls, Rule) and cls is not Rule and cls.__module__ == mod.__name__)
    return sorted(rules, key=lambda r: r.code)


def run_rules(report: Report, settings=None) -> list[Finding]:
    from nlp.config import Settings

    settings = settings or Settings()
    findings: list[Finding] = []
    for rule in all_rules():
        if settings.enabled(rule):
            findings.extend(rule.check(report, settings.options_for(rule)))
    return findings


def quote(text: str, limit: int = 40) -> str:
    """Evidence for a one-line message: the text, cut with … when long."""
    text = " ".join(text.split())
    return f"“{text[:limit]}…”" if len(text) > limit else f"“{text}”"
