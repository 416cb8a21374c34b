"""Plain data passed between the stages of one report's analysis."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nlp.repair import RepairedText


@dataclass(frozen=True)
class Location:
    """Where something is in the *original* input: page (1-based, None for
    unpaged input) and character offsets into that page's original text."""

    page: int | None
    start: int
    end: int
    line: int | None = None  # 1-based line of `start` within the page


@dataclass
class ChangeStatement:
    """A stated change: "X 比上年增加 18.94 万元，增长 9.78%" or a budget/actual pair.

    Amounts are in 万元; `change` is the stated size of the change (positive,
    the direction says which way); `change_pct` the stated percentage change.
    Where the statement could not be read (the explanation is flagged
    ``statement_unparsed``), basis and direction may be None.
    """

    item: str
    basis: str | None  # prior_year | initial_budget | full_year_budget | target | other
    direction: str | None  # increase | decrease | none
    text: str
    start: int  # offsets into the repaired text
    end: int
    amount: float | None = None
    compare_amount: float | None = None
    change: float | None = None
    change_pct: float | None = None
    completion_pct: float | None = None  # "完成年初预算的 98.20%"


@dataclass
class Cause:
    text: str
    label: str | None = None
    confidence: float | None = None
    vague: bool | None = None


@dataclass
class PerformanceRow:
    """One indicator row of a 项目支出绩效自评表 (fields as written)."""

    project: str
    indicator: str
    target: str
    actual: str
    weight: str
    score: str


@dataclass
class Explanation:
    id: str
    kind: str  # narrative | performance_table
    section: list[str]
    reason: str
    causes: list[Cause]
    location: Location
    statement: ChangeStatement | None = None
    row: PerformanceRow | None = None
    flags: list[str] = field(default_factory=list)
    span: tuple[int, int] = (0, 0)  # from the statement or reason, whichever is first, to the end of the other
    trigger: str = ""  # the trigger form (nlp.triggers), "" for a reason with no trigger word


@dataclass
class Finding:
    """One problem a quality rule found, with the evidence quoted."""

    code: str  # stable, e.g. "JS301"
    rule: str  # name, e.g. "repeated"
    severity: str  # error | warning | info
    message: str  # one line quoting the evidence
    targets: list[str]  # ids of the explanations (E…) or missing statements (M…) concerned
    location: Location | None = None
    signal: str | None = None  # which signal fired, where a rule has several
    materiality: float = 1.0  # set by the scorer from the amounts involved
    penalty: float = 0.0  # this finding's part in the score


@dataclass
class MissingExplanation:
    """A change statement followed by no reason at all (flag "blank_slot":
    a trigger or heading asked for one and the slot was left blank)."""

    id: str
    statement: ChangeStatement
    section: list[str]
    location: Location
    flags: list[str] = field(default_factory=list)


@dataclass
class Report:
    source: str
    pages: int | None
    explanations: list[Explanation]
    missing: list[MissingExplanation]
    findings: list[Finding] = field(default_factory=list)
    score: float | None = None
    score_parts: dict | None = None
    # The repaired text and its map back to the input, for rules that scan
    # the text and for the HTML report; not part of the JSON contract.
    repaired: "RepairedText | None" = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        return self.repaired.text if self.repaired else ""

    def locate(self, start: int, end: int | None = None) -> Location | None:
        if not self.repaired:
            return None
        return self.repaired.locate(start, start + 1 if end is None else end)

    def explanation(self, id: str) -> "Explanation | MissingExplanation | None":
        for e in self.explanations:
            if e.id == id:
                return e
        return next((m for m in self.missing if m.id == id), None)

    def to_dict(self) -> dict:
        """The JSON contract of `juesuan score --format json`."""
        return {
            "source": self.source,
            "pages": self.pages,
            "explanations": [_explanation_dict(e) for e in self.explanations],
            "missing": [
                {"id": m.id, "section": m.section, **_statement_dict(m.statement), "location": _location_dict(m.location), "flags": m.flags}
                for m in self.missing
            ],
            "findings": [_finding_dict(f) for f in self.findings],
            "score": self.score,
            "score_parts": self.score_parts,
        }


_STATEMENT_KEYS = ("item", "basis", "direction", "amount", "compare_amount", "change", "change_pct")


def _statement_dict(s: ChangeStatement | None) -> dict:
    d = {k: getattr(s, k) if s else None for k in _STATEMENT_KEYS}
    d["statement"] = s.text if s else None
    if s and s.completion_pct is not None:
        d["completion_pct"] = s.completion_pct
    return d


def _explanation_dict(e: Explanation) -> dict:
    d = {"id": e.id, "kind": e.kind, "section": e.section, **_statement_dict(e.statement)}
    if e.row:
        d["item"] = e.row.indicator
        d.update(asdict(e.row))
    d.update(
        trigger=e.trigger,
        reason=e.reason,
        causes=[asdict(c) for c in e.causes],
        location=_location_dict(e.location),
        flags=e.flags,
    )
    return d


def _finding_dict(f: Finding) -> dict:
    d = asdict(f)
    d["location"] = _location_dict(f.location) if f.location else None
    return d


def _location_dict(loc: Location) -> dict:
    """The contract's location: page and offsets (the line is for people)."""
    return {"page": loc.page, "start": loc.start, "end": loc.end}
