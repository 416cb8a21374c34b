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
from array import array
from collections import Counter
from dataclasses import dataclass, field

from nlp.batch import tables as T
from nlp.batch.corpus import CORPUS_RULES, Corpus, CorpusResult, corpus_rules
from nlp.batch.work import EXPLANATION_FIELDS

WORST = 20


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
    explanations: int = 0
    findings: int = 0
    corpus: dict = field(default_factory=dict)
    worst_pages: int = 0
    worst_pages_note: str = ""
    seconds: dict = field(default_factory=dict)  # per step: read, pages, corpus, tables, dashboard


def build_outputs(out: str, store, docs: list[DocRef], errors: list[ErrorRow], manifest, settings=None, *, render=None, progress=None) -> Built:
    """Write every output into `out`. `render(worst)` is given the worst
    reports [(sha256, paths)] and returns ({sha256: relative link}, note):
    their single-report pages (made by the engine's warm workers)."""
    from nlp.batch.dashboard import write_dashboard

    docs = sorted(docs, key=lambda d: (d.paths[0], d.sha256))
    built = Built()
    labels = _labels()
    rules = _rule_columns(settings)
    corpus = Corpus(settings)
    metas: list[tuple[str, str | None, int | None, str]] = []
    worst: list = []  # heap of the WORST lowest scores

    import time

    clock = [time.perf_counter()]

    def lap(step: str) -> None:
        now = time.perf_counter()
        built.seconds[step] = round(now - clock[0], 3)
        clock[0] = now

    with store.reader() as reader:
        # Pass 1: identities into the corpus index.
        for n, d in enumerate(docs):
            rec = reader.read(d.entry)
            unit, year, origin = _identity(rec, d, manifest)
            metas.append((d.paths[0], unit, year, origin))
            corpus.add(n, unit, year, rec["explanations"])
            score = rec["document"].get("score")
            if score is not None:
                item = (-score, -n)
                if len(worst) < WORST:
                    heapq.heappush(worst, item)
                else:
                    heapq.heappushpop(worst, item)
            if progress:
                progress(n + 1, len(docs))
        lap("index")
        worst_docs = [-n for _, n in sorted(worst, reverse=True)]  # lowest score first, then input order
        links, note = render([(docs[n].sha256, docs[n].paths) for n in worst_docs]) if render else ({}, "")
        lap("pages")
        result = corpus.finish()
        lap("corpus_rules")

        # Pass 2: the tables.
        book = T.open_workbook(os.path.join(out, "report.xlsx.part"))
        doc_cols = T.DOCUMENT_BASE + [(f"label_{l}", "int") for l in labels] + [(f"{code}_{name}", "int") for code, name in rules]
        t_docs = T.Table(out, "documents", doc_cols, book)
        t_expl = T.Table(out, "explanations", T.explanation_columns(), book)
        t_find = T.Table(out, "findings", T.FINDING_COLUMNS, book)
        agg = _Aggregates(result, set(worst_docs))
        for n, d in enumerate(docs):
            rec = reader.read(d.entry)
            _write_document(t_docs, t_expl, t_find, rec, d, metas, n, result.findings.get(n, []), labels, rules, agg)
        t_err = T.Table(out, "errors", T.ERROR_COLUMNS, book)
        for e in sorted(errors, key=lambda e: (e.path, e.sha256)):
            t_err.write([e.path, e.error, e.message, e.sha256 or None])
        for t in (t_docs, t_expl, t_find, t_err):
            t.close()
        book.close()
        os.replace(os.path.join(out, "report.xlsx.part"), os.path.join(out, "report.xlsx"))
        lap("tables")

    built.documents, built.explanations, built.findings = t_docs.rows, t_expl.rows, t_find.rows
    for t in (t_docs, t_expl, t_find, t_err):
        for kind, path in t.paths.items():
            built.paths[f"{t.name}.{kind}"] = path
    built.paths["report.xlsx"] = os.path.join(out, "report.xlsx")
    built.corpus = dict(result.stats, **{r.name: result.count(r.code) for r in CORPUS_RULES})

    built.worst_pages, built.worst_pages_note = len(links), note
    path = os.path.join(out, "dashboard.html")
    write_dashboard(path, agg, metas, links, errors=len(errors), rules=rules, labels=labels, note=note)
    built.paths["dashboard.html"] = path
    lap("dashboard")
    return built


def _identity(rec: dict, d: DocRef, manifest) -> tuple[str | None, int | None, str]:
    doc = rec["document"]
    unit, year = doc.get("unit_text"), doc.get("year_text")
    origin = "text" if unit or year else ""
    if manifest:
        m_unit, m_year = manifest.lookup(d.sha256, d.paths)
        if m_unit or m_year:
            unit, year = m_unit or unit, m_year or year
            origin = "manifest"
    return unit, year, origin


def _labels() -> list[str]:
    try:
        from nlp.classifier import LABELS
    except Exception:  # noqa: BLE001 - the classifier is optional here
        LABELS = ()
    return list(LABELS) + ["unlabelled"]


def _rule_columns(settings) -> list[tuple[str, str]]:
    from nlp.rules import all_rules

    return [(r.code, r.name) for r in all_rules()] + [(r.code, r.name) for r in corpus_rules(settings)]


def _write_document(t_docs, t_expl, t_find, rec, d: DocRef, metas, n, corpus_findings, labels, rules, agg) -> None:
    from nlp.rules import quote

    source, unit, year, origin = metas[n]
    doc = rec["document"]
    sha = d.sha256
    fi = {k: i for i, k in enumerate(EXPLANATION_FIELDS)}
    rows = rec["explanations"]
    by_expl: dict[str, list] = {}
    for r in rows:
        by_expl.setdefault(r[fi["explanation"]], r)
    corpus_codes: dict[str, list[str]] = {}
    corpus_rows = []
    for f in corpus_findings:
        r = by_expl.get(f.explanation)
        if r is None:
            continue
        corpus_codes.setdefault(f.explanation, []).append(f.code)
        reason = r[fi["reason"]] or ""
        related = [metas[j] for j in f.related]
        if f.code == "JS801":
            named = "、".join(_who(m) for m in related[:3])
            more = f" and {f.others - 3} more" if f.others > 3 else ""
            message = f"the same reason is in the reports of {f.others} other unit{'s' if f.others > 1 else ''} ({named}{more}): {quote(reason)}"
            rule, severity = "copied_across_units", "warning"
        else:
            prior_year, p_amount, p_change, p_pct = f.prior
            now = (r[fi["amount"]], r[fi["change"]], r[fi["change_pct"]])
            message = f"the reason for {r[fi['item']] or f.explanation} is the same as in the {prior_year} report while the figures changed ({_figures(p_amount, p_change, p_pct)} → {_figures(*now)}): {quote(reason)}"
            rule, severity = "sticky_across_years", "info"
        corpus_rows.append([sha, source, unit, year, "corpus", f.code, rule, severity, message, f.explanation,
                            " | ".join(m[0] for m in related), r[fi["page"]], r[fi["start"]], r[fi["end"]], None, None])
    rule_counts = Counter(doc.get("rules", {}))
    for f in corpus_findings:
        rule_counts[f.code] += 1
    label_counts = doc.get("labels", {})
    t_docs.write(
        [sha, source, " | ".join(d.paths[1:]) or None, unit, year, origin or None, doc.get("pages"), doc.get("score"),
         doc.get("explanations"), doc.get("causes"), doc.get("missing"), doc.get("findings"), len(corpus_rows)]
        + [label_counts.get(l, 0) for l in labels]
        + [rule_counts.get(code, 0) for code, _ in rules]
    )
    for r in rows:
        eid = r[fi["explanation"]]
        t_expl.write([sha, source, unit, year, *r, " ".join(sorted(set(corpus_codes.get(eid, [])))) or None])
    for f in rec["findings"]:
        t_find.write([sha, source, unit, year, "report", *f[:5], None, *f[5:]])
    for row in corpus_rows:
        t_find.write(row)
    agg.add(n, sha, source, unit, year, doc, rows, fi, rec["findings"], corpus_rows)


def _who(meta) -> str:
    _, unit, year, _ = meta
    return f"{unit} {year}" if year else (unit or "?")


def _figures(amount, change, pct) -> str:
    if change is not None:
        return f"change {change:,.2f} 万元"
    if amount is not None:
        return f"{amount:,.2f} 万元"
    return f"{pct}%" if pct is not None else "—"


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
        self._worst: list = []
        self.explanations = 0
        first = {}
        for k, c in enumerate(result.top):
            first.setdefault(c.first[0], []).append((k, c.first[1]))
        self._first = first
        self.quotes: dict[int, str] = {}

    def add(self, n, sha, source, unit, year, doc, rows, fi, findings, corpus_rows) -> None:
        score = doc.get("score")
        if score is not None:
            self.scores.append(score)
        if n in self._worst_docs:
            self._worst.append((score, n, (sha, source, unit, year, doc.get("findings", 0) + len(corpus_rows), n)))
        for r in rows:
            self.explanations += 1
            self.by_section[(section_key(r[fi["section"]]), r[fi["label"]] or "unlabelled")] += 1
        for f in findings:
            self.rules[(f[0], f[1])] += 1
            self.severity[f[2]] += 1
        for f in corpus_rows:
            self.rules[(f[5], f[6])] += 1
            self.severity[f[7]] += 1
        for k, eid in self._first.get(n, []):
            r = next((r for r in rows if r[fi["explanation"]] == eid), None)
            if r is not None:
                self.quotes[k] = r[fi["reason"]] or ""

    def worst_sorted(self) -> list[tuple]:
        """(sha, source, unit, year, findings, doc_no, score), worst first."""
        return [(*v, s) for s, _, v in sorted(self._worst, key=lambda t: (t[0], t[1]))]


def write_summary(path: str, summary: dict) -> None:
    with open(path + ".part", "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=1)
    os.replace(path + ".part", path)
