"""Quality rules, one per module, run like a linter's.

Every module of this package holds one rule: a `Rule` subclass with a stable
`code`, a `name` and its Chinese name `zh`, a `severity`, a one-line
`summary` and its Chinese `summary_zh`, a `rationale` (its docstring), an `example` of what it flags and
default `options`. The registry finds the rules by walking the package, so a
new rule is a new module and its tests, nothing else: tests/test_rule_registry.py
asks every rule for a fixture that fires and one that does not
(tests/fixtures/rules/JS101_fires.txt, JS101_passes.txt; a corpus rule's are
folders of reports).

Rules have one of two scopes:

- `report`: `check(report, options)` yields the `Finding`s of one analysed
  report, each message quoting its evidence, worded in Chinese (`message`)
  and in English (`message_en`), the same figures in both. `run_rules` runs those the
  settings select, in code order.
- `corpus`: rules over a batch run. `check(shared, options)` is given the
  explanations of several reports whose reasons are near-identical (a list of
  `Sharer`s, found by the batch's near-duplicate index) and yields
  `CorpusFinding`s; `message(finding, quoted, related)` words one, as a
  (Chinese, English) pair, when the
  batch writes its tables, where the reason is read again (a batch does not
  hold the texts of its explanations between its two passes).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

from nlp.config import Settings
from nlp.model import Cell, Explanation, Finding, Location, MissingExplanation, Report
from nlp.vocabulary import Evidence, Severity


class Rule:
    code: ClassVar[str]  # stable: JS + three digits
    name: ClassVar[str]
    zh: ClassVar[str]  # the rule's Chinese name, shown on the HTML pages
    severity: ClassVar[Severity]
    evidence: ClassVar[Evidence]  # what the finding rests on: weighs and orders it
    summary: ClassVar[str]
    summary_zh: ClassVar[str]  # the summary in Chinese, shown by `juesuan rules`
    rationale_zh: ClassVar[str]  # the rationale (the docstring) in Chinese, shown by `juesuan rules CODE`
    example: ClassVar[str]  # what the rule flags, in the words of a report
    options: ClassVar[dict] = {}
    scope: ClassVar[str] = "report"  # or "corpus"
    scored: ClassVar[bool] = True  # False: a note that costs the score nothing (JS511 rounding)
    # Codes of rules whose finding on the same explanations this one's replaces
    # (one problem, one finding: a blanket reason is not also a repeated one).
    supersedes: ClassVar[tuple[str, ...]] = ()

    @property
    def rationale(self) -> str:
        return " ".join((type(self).__doc__ or "").split())

    def check(self, data, options: dict) -> Iterable:
        """A report rule's findings on a `Report`; a corpus rule's on a list of `Sharer`s."""
        raise NotImplementedError

    def finding(
        self,
        message: str,
        message_en: str,
        targets: Iterable[Explanation | MissingExplanation | str],
        location: Location | None = None,
        signal: str | None = None,
        cell: Cell | None = None,
    ) -> Finding:
        """A finding of this rule, worded in Chinese (`message`) and English
        (`message_en`); `cell`: the statement's cell it rests on."""
        targets = list(targets)
        ids = [t if isinstance(t, str) else t.id for t in targets]
        if location is None and targets and not isinstance(targets[0], str):
            location = targets[0].location
        return Finding(self.code, self.name, self.severity, message, message_en, ids, location, signal, cell=cell)


# ------------------------------------------------------------------ corpus data


@dataclass(frozen=True)
class Sharer:
    """One explanation of a batch run whose reason other explanations share."""

    document: int  # the report's number in the run
    explanation: str  # "E12"
    unit: int | None  # the unit's number in the run; None when not known
    year: int | None
    item: int  # the number of its (normalised item, basis)
    chars: int  # length of the normalised reason
    figures: tuple[float | None, float | None, float | None, float | None]  # amount, compare_amount, change, change_pct


@dataclass
class CorpusFinding:
    code: str
    document: int  # the report's number in the run
    explanation: str  # "E12"
    related: list[int]  # document numbers of the other reports concerned
    others: int = 0  # how many other units share the reason
    prior: tuple | None = None  # (year, amount, change, change_pct) of the previous report


@dataclass(frozen=True)
class Quoted:
    """What a corpus finding's message quotes of its explanation."""

    item: str | None
    reason: str
    amount: float | None
    change: float | None
    change_pct: float | None


# -------------------------------------------------------------------- registry


@lru_cache(maxsize=1)
def registry() -> tuple[Rule, ...]:
    """Every rule of every module in this package, in code order."""
    found = []
    for info in pkgutil.iter_modules(__path__, prefix=f"{__name__}."):
        module = importlib.import_module(info.name)
        found += [cls() for cls in vars(module).values() if _defined_in(cls, module.__name__)]
    return tuple(sorted(found, key=lambda r: r.code))


def _defined_in(cls, module: str) -> bool:
    return isinstance(cls, type) and issubclass(cls, Rule) and cls.__module__ == module


def report_rules() -> list[Rule]:
    return [r for r in registry() if r.scope == "report"]


def corpus_rules(settings: Settings | None = None) -> list[Rule]:
    """The corpus rules the settings select (all without settings)."""
    return [r for r in registry() if r.scope == "corpus" and (settings is None or settings.enabled(r))]


def find_rule(key: str) -> Rule | None:
    """The rule with this code or name."""
    return next((r for r in registry() if key in (r.code, r.name)), None)


def run_rules(report: Report, settings: Settings | None = None) -> list[Finding]:
    settings = settings or Settings()
    findings: list[Finding] = []
    for rule in report_rules():
        if settings.enabled(rule):
            findings.extend(rule.check(report, settings.options_for(rule)))
    return _without_superseded(findings)


def _without_superseded(findings: list[Finding]) -> list[Finding]:
    """Drop a finding that a stronger rule's finding on the same explanations replaces."""
    replaced = {
        (code, frozenset(f.targets))
        for f in findings
        for code in getattr(find_rule(f.code), "supersedes", ())
    }
    return [f for f in findings if (f.code, frozenset(f.targets)) not in replaced]


def quote(text: str, limit: int = 40) -> str:
    """Evidence for a one-line message: the text, cut with … when long."""
    text = " ".join(text.split())
    return f"“{text[:limit]}…”" if len(text) > limit else f"“{text}”"
