"""Build the final outputs from the store: two streaming passes.

Pass 1 reads every document's rows once and feeds the corpus index (only
each explanation's identity stays in memory); the corpus rules run; pass 2
reads the rows again and writes the tables with the corpus findings joined
in, gathering the few numbers the dashboard needs on the way.

Documents come out in a fixed order (by source path, then content hash), so
the outputs depend only on the inputs, not on which worker finished first,
nor on whether the run was interrupted and resumed.
"""
from __future__ import annotations

import heapq
import json
import os
import re
import time
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from nlp.batch import tables as T
from nlp.batch.corpus import Corpus, CorpusResult
from nlp.batch.tables import ExplanationRow, FindingRow, StoredFinding
from nlp.rules import CorpusFinding, Quoted, corpus_rules, find_rule, report_rules
from nlp.vocabulary import LABELS

WORST = 20
UNLABELLED = "unlabelled"  # the store's key for causes without a label
# The rules that hold a report to its statements: tables missing (JS504), a
# 项's budget gap unexplained (JS102); text, sums, tables, codes, the unit's
# name or shares that disagree (JS505–JS510). Rounding (JS511) is a note.
DISAGREE = {"JS505", "JS506", "JS507", "JS508", "JS509", "JS510"}
RECONCILIATION = {"JS102", "JS504", *DISAGREE}


@dataclass
class DocRef:
    sha256: str
    paths: list[str]  # every input path with these bytes; the first is the source
    entry: object  # store.Entry


@dataclass
class ErrorRow:
    path: str
    error: str
    message: str
    sha256: str = ""


@dataclass
class Built:
    paths: dict[str, str] = field(default_factory=dict)
    documents: int = 0
    not_scored: int = 0  # of the documents: no change statement recognised
    explanations: int = 0
    findings: int = 0
    corpus: dict = field(default_factory=dict)
    worst_pages: int = 0
    worst_pages_note: str = ""
    seconds: dict = field(default_factory=dict)  # per step: read, pages, corpus, tables, dashboard


@dataclass(frozen=True)
class Identity:
    """Whose report a document is: its source path, unit and year, and where
    the unit and year were read ("manifest", "text" or "")."""

    source: str
    unit: str | None
    year: int | None
    origin: str


@dataclass
class Document:
    """One stored document as pass 2 writes it, its rows named."""

    number: int  # in the run's fixed order
    ref: DocRef
    identity: Identity
    summary: dict  # the stored record's "document"
    rows: list[ExplanationRow]
    findings: list[StoredFinding]
    statements: list = field(default_factory=list)  # as stored: nlp.batch.work.statement_record
    corpus_rows: list[FindingRow] = field(default_factory=list)


class Worst(NamedTuple):
    """A low-scoring report, for the dashboard's table."""

    sha256: str
    identity: Identity
    findings: int
    score: float


def build_outputs(out: str, store, docs: list[DocRef], errors: list[ErrorRow], manifest, settings=None, *, render=None, progress=None) -> Built:
    """Write every output into `out`. `render(worst)` is given the worst
    reports [(sha256, paths)] and returns ({sha256: relative link}, note):
    their single-report pages (made by the engine's warm workers)."""
    from nlp.batch.dashboard import write_dashboard

    docs = sorted(docs, key=lambda d: (d.paths[0], d.sha256))
    built = Built()
    labels = [*LABELS, UNLABELLED]
    rules = _rule_columns(settings)
    corpus = Corpus(settings)

    clock = [time.perf_counter()]

    def lap(step: str) -> None:
        now = time.perf_counter()
        built.seconds[step] = round(now - clock[0], 3)
        clock[0] = now

    with store.reader() as reader:
        identities, worst_docs = _first_pass(reader, docs, manifest, corpus, progress)
        lap("index")
        links, note = render([(docs[n].sha256, docs[n].paths) for n in worst_docs]) if render else ({}, "")
        lap("pages")
        result = corpus.finish()
        lap("corpus_rules")
        book = T.open_workbook(os.path.join(out, "report.xlsx.part"))
        lang = settings.lang if settings else "zh"
        writer = _Writer(out, book, labels, rules, identities, _Aggregates(result, set(worst_docs)), lang)
        tables = _second_pass(reader, docs, writer, result, errors)
        book.close()
        os.replace(os.path.join(out, "report.xlsx.part"), os.path.join(out, "report.xlsx"))
        lap("tables")

    built.documents, built.explanations, built.findings = (t.rows for t in tables[:3])
    built.not_scored = writer.agg.not_scored
    for t in tables:
        for kind, path in t.paths.items():
            built.paths[f"{t.name}.{kind}"] = path
    built.paths["report.xlsx"] = os.path.join(out, "report.xlsx")
    built.corpus = dict(result.stats, **{r.name: result.count(r.code) for r in corpus_rules()})

    built.worst_pages, built.worst_pages_note = len(links), note
    path = os.path.join(out, "dashboard.html")
    write_dashboard(path, writer.agg, identities, links, errors=len(errors), rules=rules, labels=labels, note=note, lang=lang)
    built.paths["dashboard.html"] = path
    lap("dashboard")
    return built


def _first_pass(reader, docs: list[DocRef], manifest, corpus: Corpus, progress) -> tuple[list[Identity], list[int]]:
    """Every document's identity, its explanations into the corpus index; and
    the numbers of the WORST lowest-scoring documents, lowest first."""
    identities: list[Identity] = []
    worst: list[tuple[float, int]] = []  # a heap of (-score, -number)
    for n, d in enumerate(docs):
        rec = reader.read(d.entry)
        identity = _identity(rec, d, manifest)
        identities.append(identity)
        corpus.add(n, identity.unit, identity.year, rec["explanations"])
        score = rec["document"].get("score")
        if score is not None and len(worst) < WORST:
            heapq.heappush(worst, (-score, -n))
        elif score is not None:
            heapq.heappushpop(worst, (-score, -n))
        if progress:
            progress(n + 1, len(docs))
    return identities, [-n for _, n in sorted(worst, reverse=True)]  # lowest score first, then input order


def _second_pass(reader, docs: list[DocRef], writer: _Writer, result: CorpusResult, errors: list[ErrorRow]) -> tuple:
    """The tables, closed: documents, explanations, findings, statements, errors."""
    for n, d in enumerate(docs):
        rec = reader.read(d.entry)
        document = Document(
            n, d, writer.identities[n], rec["document"],
            [ExplanationRow._make(r) for r in rec["explanations"]],
            [StoredFinding(*f) for f in rec["findings"]],
            rec["statements"],
        )
        writer.write(document, result.findings.get(n, []))
    t_err = T.Table(writer.out, "errors", T.ERROR_COLUMNS, writer.book)
    for e in sorted(errors, key=lambda e: (e.path, e.sha256)):
        t_err.write([e.path, e.error, e.message, e.sha256 or None])
    tables = (writer.documents, writer.explanations, writer.findings, writer.statements, t_err)
    for t in tables:
        t.close()
    return tables


def _identity(rec: dict, d: DocRef, manifest) -> Identity:
    doc = rec["document"]
    unit, year = doc.get("unit_text"), doc.get("year_text")
    origin = "text" if unit or year else ""
    if manifest:
        m_unit, m_year = manifest.lookup(d.sha256, d.paths)
        if m_unit or m_year:
            unit, year = m_unit or unit, m_year or year
            origin = "manifest"
    return Identity(d.paths[0], unit, year, origin)


def _rule_columns(settings) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in report_rules()] + [(r.code, r.name) for r in corpus_rules(settings)]


class _Writer:
    """Pass 2: each document's rows into the four tables, with its corpus
    findings joined in, and the dashboard's numbers gathered on the way."""

    def __init__(self, out: str, book, labels: list[str], rules: list[tuple[str, str]], identities: list[Identity], agg: _Aggregates,
                 lang: str = "zh"):
        self.documents = T.Table(out, "documents", T.document_columns(labels, rules), book)
        self.explanations = T.Table(out, "explanations", T.explanation_columns(), book)
        self.findings = T.Table(out, "findings", T.FINDING_COLUMNS, book)
        self.statements = T.Table(out, "statements", T.STATEMENT_COLUMNS, book)
        self.out, self.book = out, book
        self.labels, self.rules, self.identities, self.agg = labels, rules, identities, agg
        self.lang = lang  # the language of the findings' messages

    def write(self, doc: Document, corpus_findings: list[CorpusFinding]) -> None:
        first_rows: dict[str, ExplanationRow] = {}
        for r in doc.rows:
            first_rows.setdefault(r.explanation, r)
        corpus_codes: dict[str, list[str]] = {}
        for f in corpus_findings:
            r = first_rows.get(f.explanation)
            if r is not None:
                corpus_codes.setdefault(f.explanation, []).append(f.code)
                doc.corpus_rows.append(self._corpus_row(doc, f, r))
        self.documents.write(self._document_row(doc, corpus_findings))
        ident = doc.identity
        for r in doc.rows:
            self.explanations.write([ident.unit, ident.year, ident.source, *r, " ".join(sorted(set(corpus_codes.get(r.explanation, [])))) or None, doc.ref.sha256])
        for f in doc.findings:
            message, at = (f.message_en, f.table_at_en) if self.lang == "en" else (f.message, f.table_at)
            self.findings.write(FindingRow(ident.unit, ident.year, ident.source, "report", f.code, f.rule, f.severity, message,
                                           f.targets, None, f.page, f.start, f.end, f.materiality, f.penalty,
                                           f.table, f.table_row, f.table_column, at, doc.ref.sha256))
        for row in doc.corpus_rows:
            self.findings.write(row)
        for stored in doc.statements:
            for cells in T.statement_rows(stored):
                self.statements.write([ident.unit, ident.year, ident.source, *cells, doc.ref.sha256])
        self.agg.add(doc)

    def _corpus_row(self, doc: Document, f: CorpusFinding, r: ExplanationRow) -> FindingRow:
        rule = find_rule(f.code)
        related = [self.identities[j] for j in f.related]
        zh, en = rule.message(f, Quoted(r.item, r.reason or "", r.amount, r.change, r.change_pct), [_who(i) for i in related])
        message = en if self.lang == "en" else zh
        ident = doc.identity
        return FindingRow(
            ident.unit, ident.year, ident.source, "corpus", f.code, rule.name, str(rule.severity), message,
            f.explanation, " | ".join(i.source for i in related), r.page, r.start, r.end, None, None,
            None, None, None, None, doc.ref.sha256,
        )

    def _document_row(self, doc: Document, corpus_findings: list[CorpusFinding]) -> list:
        s, ident = doc.summary, doc.identity
        rule_counts = Counter(s.get("rules", {}))
        rule_counts.update(f.code for f in corpus_findings)
        label_counts = s.get("labels", {})
        applied = s.get("settings") or {}
        return (
            [ident.unit, ident.year, ident.source, " | ".join(doc.ref.paths[1:]) or None, ident.origin or None,
             s.get("pages"), s.get("score"), s.get("status"), s.get("explanations"), s.get("causes"), s.get("missing"),
             s.get("findings"), len(doc.corpus_rows), s.get("statements"), " | ".join(s.get("warnings", [])) or None,
             " | ".join(applied.get("files", [])) or None, applied.get("sha256")]
            + [label_counts.get(label, 0) for label in self.labels]
            + [rule_counts.get(code, 0) for code, _ in self.rules]
            + [doc.ref.sha256]
        )


def _who(identity: Identity) -> str:
    return f"{identity.unit} {identity.year}" if identity.year else (identity.unit or "?")


_NUMBERING = re.compile(r"^\s*(?:第[一二三四五六七八九十]+部分|[（(]?[一二三四五六七八九十\d]+[)）]?[、.．]?)\s*")


def section_key(section: str | None) -> str:
    """The section an explanation is in, without its numbering, so that the
    same section of two reports numbered differently counts as one."""
    if not section:
        return "(none)"
    parts = [p.strip() for p in section.split(" > ") if p.strip()]
    part = parts[1] if len(parts) > 1 else parts[0]
    part = _NUMBERING.sub("", part) or part
    return part[:30]


class _Aggregates:
    """What the dashboard shows, gathered while the tables are written."""

    def __init__(self, result: CorpusResult, worst: set[int]):
        self.result = result
        self._worst_docs = worst
        self.scores = array("d")
        self.by_section: Counter = Counter()
        self.rules: Counter = Counter()
        self.severity: Counter = Counter()
        self._worst: list[tuple[float, int, Worst]] = []
        # Reports with no change statement recognised: counted apart, never averaged.
        self.not_scored = 0
        self.not_scored_shown: list[Worst] = []
        self.explanations = 0
        first = {}
        for k, c in enumerate(result.top):
            first.setdefault(c.first[0], []).append((k, c.first[1]))
        self._first = first
        self.quotes: dict[int, str] = {}
        # The statements (决算报表): reports with any read, and reports by what
        # the reconciliation rules found (code: reports with it).
        self.with_statements = 0
        self.reconciled: Counter = Counter()

    def add(self, doc: Document) -> None:
        score = doc.summary.get("score")
        if score is not None:
            self.scores.append(score)
        else:
            self.not_scored += 1
            if len(self.not_scored_shown) < WORST:
                findings = doc.summary.get("findings", 0) + len(doc.corpus_rows)
                self.not_scored_shown.append(Worst(doc.ref.sha256, doc.identity, findings, None))
        if doc.number in self._worst_docs:
            findings = doc.summary.get("findings", 0) + len(doc.corpus_rows)
            self._worst.append((score, doc.number, Worst(doc.ref.sha256, doc.identity, findings, score)))
        for r in doc.rows:
            self.explanations += 1
            self.by_section[(section_key(r.section), r.label or UNLABELLED)] += 1
        for f in [*doc.findings, *doc.corpus_rows]:
            self.rules[(f.code, f.rule)] += 1
            self.severity[f.severity] += 1
        self.with_statements += bool(doc.summary.get("statements"))
        codes = {f.code for f in doc.findings}
        self.reconciled.update(codes & RECONCILIATION)
        self.reconciled["disagree"] += bool(codes & DISAGREE)
        for k, eid in self._first.get(doc.number, []):
            r = next((r for r in doc.rows if r.explanation == eid), None)
            if r is not None:
                self.quotes[k] = r.reason or ""

    def worst_sorted(self) -> list[Worst]:
        """The worst reports, lowest score first."""
        return [w for _, _, w in sorted(self._worst, key=lambda t: (t[0], t[1]))]


def write_summary(path: str, summary: dict) -> None:
    with open(path + ".part", "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=1)
    os.replace(path + ".part", path)
