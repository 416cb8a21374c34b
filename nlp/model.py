"""Plain data passed between the stages of one report's analysis: the repaired
text with its way back to the input (built by nlp.repair), the statements,
explanations and findings read from it, and the JSON contract of a report."""
from __future__ import annotations

import bisect
from array import array
from dataclasses import asdict, dataclass, field

from nlp.normalize import GLOSS
from nlp.vocabulary import Basis, Direction, Kind, Severity, Status


@dataclass(frozen=True)
class Location:
    """Where something is in the *original* input: page (1-based, None for
    unpaged input) and character offsets into that page's original text."""

    page: int | None
    start: int
    end: int
    line: int | None = None  # 1-based line of `start` within the page


@dataclass(frozen=True)
class Cell:
    """A figure's place in a statement (决算报表), as a finding cites it: the
    table's title as written, the row (its number within the table, its
    code and name), the column's header, and where the row is in the input:
    its page (PDF), its line in the file (text), its sheet and cell (XLSX),
    or the table's number in the document (DOCX, HTML)."""

    table: str
    row: int  # 1-based within the table, headers included; 0: the table as a whole (an empty one)
    name: str = ""
    code: str = ""
    column: str | None = None
    page: int | None = None
    line: int | None = None
    sheet: str | None = None
    ref: str | None = None  # the cell in its sheet, "C7"
    number: int | None = None  # the table's number among the document's tables

    def where(self, lang: str = "zh") -> str:
        """Where the table's row is, in `lang`: "第12页", "文件第34行", "'Sheet1'!C7", "文档第3张表"."""
        if self.sheet is not None:
            return "'{}'!{}".format(self.sheet.replace("'", "''"), self.ref or f"{self.row}")
        zh = lang != "en"
        if self.page is not None:
            return f"第{self.page}页" if zh else f"page {self.page}"
        if self.line is not None:
            return f"文件第{self.line}行" if zh else f"line {self.line} of the file"
        if self.number is not None:
            return f"文档第{self.number}张表" if zh else f"table {self.number} of the document"
        return ""

    def columns(self, lang: str = "zh") -> dict:
        """The cell as the findings tables cite it (score's CSV, serve's exports)."""
        return {"table": self.table, "table_row": self.row, "table_column": self.column, "table_at": self.where(lang)}

    def describe(self, lang: str = "zh") -> str:
        """The cell as a finding cites it: "收入决算表第5行“2010601 行政运行”“本年收入合计”列（第12页）"."""
        label = " ".join(p for p in (self.code, self.name) if p)
        where = self.where(lang)
        if lang == "en":
            return (f"the {self.table}" + (f", row {self.row}" + (f" “{label}”" if label else "") if self.row else "")
                    + (f", column “{self.column}”" if self.column else "") + (f" ({where})" if where else ""))
        return (self.table + (f"第{self.row}行" + (f"“{label}”" if label else "") if self.row else "")
                + (f"“{self.column}”列" if self.column else "") + (f"（{where}）" if where else ""))


@dataclass
class RepairedText:
    """The repaired text of a whole document and the way back to the input.

    `text` is normalised (simplified script, no pinyin glosses); `written` is
    the same repaired text before that, in the report's own script, and
    `written_at` gives, per character of `text`, its offset in `written`
    (None: the identity, normalising changed nothing)."""

    text: str
    origin: array  # per character, its offset in the concatenated original pages
    page_starts: list[int]  # offset of each original page in that concatenation
    paged: bool
    line_starts: list[int]  # offsets of every original line in the concatenation
    written: str | None = None  # None: the same as text
    written_at: array | None = None

    def __post_init__(self) -> None:
        if self.written is None:
            self.written = self.text

    def quote(self, start: int, end: int) -> str:
        """text[start:end] as the report writes it: its script, its pinyin
        glosses (one right after the last character belongs to it), with
        repair's fixes, and line breaks and the spaces around them removed
        (a reason may run over lines that were kept apart)."""
        start, end = max(start, 0), min(end, len(self.text))
        if start >= end:
            return ""
        if self.written_at is None:
            piece = self.text[start:end]
        else:
            w_start = self.written_at[start]
            w_end = max(self.written_at[end - 1] + 1, w_start + 1)
            while m := GLOSS.match(self.written, w_end):
                w_end = m.end()
            piece = self.written[w_start:w_end]
        return _unbroken(piece)

    def locate(self, start: int, end: int) -> Location:
        """Page and page-relative original offsets of text[start:end]."""
        if not self.origin:
            return Location(1 if self.paged else None, 0, 0, 1)
        start = min(max(start, 0), len(self.origin) - 1)
        last = min(max(end - 1, start), len(self.origin) - 1)
        o_start, o_end = self.origin[start], self.origin[last] + 1
        page = bisect.bisect_right(self.page_starts, o_start) - 1
        base = self.page_starts[page]
        line = bisect.bisect_right(self.line_starts, o_start) - bisect.bisect_right(self.line_starts, base) + 1
        return Location(page + 1 if self.paged else None, o_start - base, o_end - base, line)


def _unbroken(text: str) -> str:
    """`text` without its line breaks and the whitespace around them: what
    re.sub(r"\\s*\\n\\s*", "", text) does, without that pattern's quadratic
    time on a long run of spaces with no line break."""
    if "\n" not in text:
        return text
    lines = text.split("\n")
    return "".join([lines[0].rstrip(), *(ln.strip() for ln in lines[1:-1]), lines[-1].lstrip()])


@dataclass
class ChangeStatement:
    """A stated change: "X 比上年增加 18.94 万元，增长 9.78%" or a budget/actual pair.

    Amounts are in 万元; `change` is the stated size of the change (positive,
    the direction says which way); `change_pct` the stated percentage change.
    Where the statement could not be read (the explanation is flagged
    ``statement_unparsed``), basis and direction may be None.
    """

    item: str
    basis: Basis | None
    direction: Direction | None
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
    kind: Kind
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
    severity: Severity
    message: str  # one line quoting the evidence, in Chinese
    message_en: str  # the same in English, the same figures and evidence
    targets: list[str]  # ids of the explanations (E…) or missing statements (M…) concerned
    location: Location | None = None
    signal: str | None = None  # which signal fired, where a rule has several
    materiality: float = 1.0  # set by the scorer from the amounts involved
    penalty: float = 0.0  # this finding's part in the score
    cell: Cell | None = None  # the statement's cell it rests on (the figures rules)

    def text(self, lang: str = "zh") -> str:
        """The message in `lang` ("zh" or "en")."""
        return self.message_en if lang == "en" else self.message


@dataclass
class MissingExplanation:
    """A change statement followed by no reason at all (flag "blank_slot":
    a trigger or heading asked for one and the slot was left blank)."""

    id: str
    statement: ChangeStatement
    section: list[str]
    location: Location
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class HiddenText:
    """Text in the input that a reader of the rendered report never sees: left
    out of the text analysed, and reported (rule JS901).

    `why` says what hides it: HTML "display:none", "visibility:hidden",
    "opacity:0", "hidden" (the attribute), "template", "svg"; DOCX "w:vanish";
    PDF "Tr 3" / "Tr 7" (invisible render modes), "transparent", "background"
    (the colour of what lies under it), "off-page"; DOCX and PDF "white";
    all three "tiny" (under 1 pt)."""

    text: str
    why: str
    page: int | None = None  # 1-based, for paged input
    where: str = ""  # a short pointer into the input: "<div>", "第 12 段"
    at: int | None = None  # offset into its page's text as read, where it would have been


@dataclass
class Report:
    source: str
    pages: int | None
    explanations: list[Explanation]
    missing: list[MissingExplanation]
    findings: list[Finding] = field(default_factory=list)
    score: float | None = None  # None: not scored (see `status`)
    score_parts: dict | None = None
    # What the reader skipped or could not read (one line each, Chinese first),
    # and the text it found hidden: from `nlp.readers.Source`.
    warnings: list[str] = field(default_factory=list)
    hidden: list[HiddenText] = field(default_factory=list)
    settings: dict | None = None  # the settings that judged it: {"files", "sha256"} (nlp.config.Settings.applied)
    # The statements (决算报表) read from its tables: nlp.accounts.Statement
    tables: list = field(default_factory=list)
    # The repaired text and its map back to the input, for rules that scan
    # the text and for the HTML report; not part of the JSON contract.
    repaired: RepairedText | None = field(default=None, repr=False, compare=False)
    # Readings of the report that several rules share, made by the first that
    # needs them and kept here: nlp.accounts.figures.narrative_totals.
    shared: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def text(self) -> str:
        return self.repaired.text if self.repaired else ""

    @property
    def status(self) -> Status:
        """Scored, or not: a report in which no change statement was
        recognised has no evidence to score (nlp.score)."""
        return Status.SCORED if self.score is not None else Status.NOT_SCORED

    def locate(self, start: int, end: int | None = None) -> Location | None:
        if not self.repaired:
            return None
        return self.repaired.locate(start, start + 1 if end is None else end)

    @property
    def unexplained_changes(self) -> list[MissingExplanation]:
        """The changes stated without a reason: `missing` less the items stated
        as unchanged (flag `unchanged`), which need none."""
        return [m for m in self.missing if "unchanged" not in m.flags]

    def explanation(self, id: str) -> Explanation | MissingExplanation | None:
        for e in self.explanations:
            if e.id == id:
                return e
        return next((m for m in self.missing if m.id == id), None)

    def to_frames(self):
        """Its explanations, causes, findings and missing reasons as pandas
        DataFrames with typed columns (`nlp.frames`)."""
        from nlp.frames import report_frames

        return report_frames(self)

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
            "status": str(self.status),
            "status_reason": self.status.reason(),
            "score_parts": self.score_parts,
            "warnings": self.warnings,
            "settings": self.settings,
            "hidden": [asdict(h) for h in self.hidden],
            "tables": [t.to_dict() for t in self.tables],
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
    """The contract's location: page, offsets, and the line of `start` in the page."""
    return {"page": loc.page, "start": loc.start, "end": loc.end, "line": loc.line}
