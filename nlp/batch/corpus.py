"""Corpus rules: findings over all the explanations of a batch run.

    JS801 copied_across_units  the same or nearly the same reason in the
                               reports of different units
    JS802 sticky_across_years  a unit's reason for an item unchanged from its
                               previous year's report while the figures changed

Near-duplicates are found without comparing all pairs: every distinct
normalised reason (`nlp.similarity.normalise`, as the single-report rule
JS301 uses) is MinHashed over its character bigrams and put in a MinHash LSH
index (datasketch); only the candidates the index returns are compared, with
the same measure as JS301 (rapidfuzz ratio >= 90 by default), and matches
are joined into clusters (union-find).

Memory: the index is the only thing that grows with the corpus. Per
distinct reason it holds the LSH entry (16 band hashes and their buckets),
the normalised text and a union-find slot; per explanation ~60 bytes of
arrays (document, text, unit, year, item, four figures). Measured in
bench/bench_batch.py (about 3.5 KB per distinct reason). Documents' rows are
never held: they are streamed from the store and only the identity of each
explanation is kept.
"""
from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field
from typing import ClassVar

from nlp.similarity import normalise


class CorpusRule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str]
    summary: ClassVar[str]
    options: ClassVar[dict] = {}

    @property
    def rationale(self) -> str:
        return " ".join((type(self).__doc__ or "").split())


class CopiedAcrossUnits(CorpusRule):
    """The same or nearly the same reason appears in the reports of different
    units. Two units rarely change their spending for word-for-word the same
    reason; a reason copied from another unit's report (or from a template
    passed around) tells the reader nothing about this unit. Figures,
    punctuation, spaces and small edits do not hide a copy; reasons shorter
    than `min_chars` (after normalising) are too generic to call copies."""

    code = "JS801"
    name = "copied_across_units"
    severity = "warning"
    summary = "same reason as in another unit's report"
    options = {"similarity": 90.0, "min_chars": 10}


class StickyAcrossYears(CorpusRule):
    """A unit gives the same reason for an item as in its previous year's
    report although the figures changed. Explanations that stay the same
    while the numbers move are "sticky" (Dyer, Lang & Stice-Lawrence 2017):
    they were carried forward, not written for this year's change."""

    code = "JS802"
    name = "sticky_across_years"
    severity = "info"
    summary = "same reason as the unit's previous year, figures changed"
    options = {"similarity": 90.0}


CORPUS_RULES: list[CorpusRule] = [CopiedAcrossUnits(), StickyAcrossYears()]


def corpus_rules(settings=None) -> list[CorpusRule]:
    """The corpus rules the settings select (all by default)."""
    if settings is None:
        return list(CORPUS_RULES)
    return [r for r in CORPUS_RULES if settings.enabled(r)]


def rule_options(rule: CorpusRule, settings=None) -> dict:
    options = dict(rule.options)
    if settings is not None:
        options.update(settings.rule_options.get(rule.name, {}))
    return options


class NearDuplicateIndex:
    """Distinct normalised texts, joined into clusters of near-duplicates
    (rapidfuzz ratio >= `similarity`) found through MinHash LSH candidates.
    Texts shorter than `min_chars` join only identical texts."""

    # 64 permutations in 12 bands of 5: a pair of texts becomes a candidate
    # with probability 1-(1-J^5)^12 for bigram Jaccard J: 0.98 at J=0.8 (one
    # character changed in twenty), 0.83 at J=0.65 (two changed: ratio 90,
    # the threshold itself), 0.03 at J=0.3 (unrelated texts of one template).
    BANDS = (12, 5)

    def __init__(self, similarity: float = 90.0, min_chars: int = 10, num_perm: int = 64, bands: tuple[int, int] | None = None):
        from datasketch import MinHash, MinHashLSH

        self.similarity = similarity
        self.min_chars = min_chars
        self.num_perm = num_perm
        self._lsh = MinHashLSH(num_perm=num_perm, params=bands or self.BANDS)
        # One MinHash, cleared for each text: the LSH keeps only the band
        # hashes it computes at insert time, never the MinHash object. Its
        # shingles are hashed with CRC-32 (deterministic, ~20% faster than
        # the default SHA-1; the permutations that follow do the mixing).
        import zlib

        self._m = MinHash(num_perm=num_perm, seed=1, hashfunc=zlib.crc32)
        self.ids: dict[str, int] = {}
        self.texts: list[str] = []
        self.parent = array("i")
        self.candidates = 0  # pairs compared
        self.indexed = 0  # texts in the LSH

    def __len__(self) -> int:
        return len(self.texts)

    def add(self, key: str) -> int:
        """The id of normalised text `key`, joined to its near-duplicates."""
        tid = self.ids.get(key)
        if tid is not None:
            return tid
        tid = len(self.texts)
        self.ids[key] = tid
        self.texts.append(key)
        self.parent.append(tid)
        if len(key) >= self.min_chars:
            m = self._m
            m.clear()
            m.update_batch([key[i : i + 2].encode("utf-8") for i in range(len(key) - 1)])
            cands = self._lsh.query(m)
            if cands:
                self._join(tid, key, cands)
            self._lsh.insert(tid, m, check_duplication=False)
            self.indexed += 1
        return tid

    def _join(self, tid: int, key: str, cands: list[int]) -> None:
        from rapidfuzz import fuzz, process

        mine = self.find(tid)
        todo = [c for c in cands if self.find(c) != mine]
        self.candidates += len(todo)
        if not todo:
            return
        hits = process.extract(key, [self.texts[c] for c in todo], scorer=fuzz.ratio, score_cutoff=self.similarity, limit=None)
        for _, _, i in hits:
            self.union(tid, todo[i])

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the older text stays the root: clusters do not depend on
            # which member arrived last
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


@dataclass
class CorpusFinding:
    code: str
    explanation: str  # "E12"
    related: list[int]  # document numbers of the other reports concerned
    others: int = 0  # JS801: how many other units
    prior: tuple | None = None  # JS802: (year, amount, change, change_pct) of the previous report


@dataclass
class Cluster:
    """A group of near-identical reasons spread over several reports."""

    documents: int
    units: int
    explanations: int
    years: list[int]
    first: tuple[int, str]  # (document number, explanation id) of its first member
    sample: list[int]  # a few document numbers


@dataclass
class CorpusResult:
    findings: dict[int, list[CorpusFinding]] = field(default_factory=dict)
    top: list[Cluster] = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    def count(self, code: str) -> int:
        return sum(1 for fs in self.findings.values() for f in fs if f.code == code)


# Positions in the stored explanation rows (nlp.batch.work.EXPLANATION_FIELDS)
def _positions():
    from nlp.batch.work import EXPLANATION_FIELDS as F

    return {k: F.index(k) for k in ("explanation", "item", "basis", "amount", "compare_amount", "change", "change_pct", "reason", "cause_no")}


class Corpus:
    """Feed it every document's explanation rows (`add`), then `finish`."""

    TOP = 20

    def __init__(self, settings=None):
        self.rules = {r.code: rule_options(r, settings) for r in corpus_rules(settings)}
        copied = self.rules.get("JS801", CopiedAcrossUnits.options)
        sticky = self.rules.get("JS802", StickyAcrossYears.options)
        self.min_chars = int(copied.get("min_chars", 10))
        self.index = NearDuplicateIndex(similarity=float(copied.get("similarity", sticky.get("similarity", 90.0))), min_chars=self.min_chars)
        self._pos = _positions()
        self._units: dict[str, int] = {}
        self._items: dict[str, int] = {}
        self.doc_years = array("h")  # per document: year or 0
        self.doc_units = array("i")  # per document: unit number or -1
        # per explanation
        self.e_doc, self.e_text, self.e_item, self.e_no = array("i"), array("i"), array("i"), array("i")
        self.e_fig = array("d")  # amount, compare_amount, change, change_pct (nan: none)

    def add(self, doc_no: int, unit: str | None, year: int | None, rows: list[list]) -> None:
        from nlp.batch.identity import unit_key

        assert doc_no == len(self.doc_years), "documents are numbered in order"
        key = unit_key(unit)
        self.doc_units.append(self._units.setdefault(key, len(self._units)) if key else -1)
        self.doc_years.append(year or 0)
        p = self._pos
        for r in rows:
            if (r[p["cause_no"]] or 0) > 1:
                continue  # one row per explanation is enough: the reason is the same
            reason = r[p["reason"]]
            text = normalise(reason) if reason else ""
            if not text:
                continue
            self.e_doc.append(doc_no)
            self.e_text.append(self.index.add(text))
            item = normalise(r[p["item"]] or "") + "|" + (r[p["basis"]] or "")
            self.e_item.append(self._items.setdefault(item, len(self._items)))
            self.e_no.append(_explanation_number(r[p["explanation"]]))
            for k in ("amount", "compare_amount", "change", "change_pct"):
                v = r[p[k]]
                self.e_fig.append(math.nan if v is None else float(v))

    def finish(self) -> CorpusResult:
        import heapq

        import numpy as np

        result = CorpusResult()
        n = len(self.e_doc)
        index = self.index
        result.stats = {
            "explanations": n,
            "distinct_reasons": len(index),
            "indexed": index.indexed,
            "compared_pairs": index.candidates,
            "units": len(self._units),
        }
        if not n:
            return result
        roots = np.fromiter((index.find(t) for t in self.e_text), dtype=np.int64, count=n)
        order = np.argsort(roots, kind="stable")
        cuts = np.flatnonzero(np.diff(roots[order])) + 1
        copied_on, sticky_on = "JS801" in self.rules, "JS802" in self.rules
        top: list = []
        clusters = 0
        for group in np.split(order, cuts):
            if len(group) < 2:
                continue
            members = sorted(int(i) for i in group)
            docs = {self.e_doc[i] for i in members}
            if len(docs) < 2:
                continue  # repeated within one report: JS301's business
            units = {self.doc_units[self.e_doc[i]] for i in members} - {-1}
            years = sorted({self.doc_years[self.e_doc[i]] for i in members} - {0})
            clusters += 1
            cluster = Cluster(len(docs), len(units), len(members), years, (self.e_doc[members[0]], f"E{self.e_no[members[0]]}"), sorted(docs)[:5])
            top.append(((cluster.documents, cluster.units, -members[0]), cluster))
            if len(top) > 4 * self.TOP:
                top = heapq.nlargest(self.TOP, top, key=lambda t: t[0])
            if copied_on and len(units) >= 2:
                self._copied(members, result)
            if sticky_on:
                self._sticky(members, result)
        result.top = [c for _, c in heapq.nlargest(self.TOP, top, key=lambda t: t[0])]
        for fs in result.findings.values():
            fs.sort(key=lambda f: (f.code, _explanation_number(f.explanation)))
        result.stats["clusters"] = clusters  # reasons shared by several reports
        return result

    def _copied(self, members: list[int], result: CorpusResult) -> None:
        long = [i for i in members if len(self.index.texts[self.e_text[i]]) >= self.min_chars and self.doc_units[self.e_doc[i]] >= 0]
        by_unit: dict[int, list[int]] = {}
        for i in long:
            by_unit.setdefault(self.doc_units[self.e_doc[i]], []).append(self.e_doc[i])
        if len(by_unit) < 2:
            return
        listed = sorted(by_unit, key=lambda u: min(by_unit[u]))[:11]
        for i in long:
            unit = self.doc_units[self.e_doc[i]]
            related = sorted({by_unit[u][0] for u in listed if u != unit})[:10]
            result.findings.setdefault(self.e_doc[i], []).append(
                CorpusFinding("JS801", f"E{self.e_no[i]}", related, others=len(by_unit) - 1)
            )

    def _sticky(self, members: list[int], result: CorpusResult) -> None:
        buckets: dict[tuple[int, int], dict[int, list[int]]] = {}
        for i in members:
            unit = self.doc_units[self.e_doc[i]]
            year = self.doc_years[self.e_doc[i]]
            if unit >= 0 and year:
                buckets.setdefault((unit, self.e_item[i]), {}).setdefault(year, []).append(i)
        for by_year in buckets.values():
            if len(by_year) < 2:
                continue
            for year, now in by_year.items():
                before = by_year.get(year - 1)
                if not before:
                    continue
                for i in now:
                    for j in before:
                        if self._figures_changed(j, i):
                            f = self.e_fig
                            prior = (year - 1, *(None if math.isnan(f[4 * j + k]) else f[4 * j + k] for k in (0, 2, 3)))
                            result.findings.setdefault(self.e_doc[i], []).append(
                                CorpusFinding("JS802", f"E{self.e_no[i]}", [self.e_doc[j]], prior=prior)
                            )
                            break

    def _figures_changed(self, a: int, b: int) -> bool:
        fa = self.e_fig[4 * a : 4 * a + 4]
        fb = self.e_fig[4 * b : 4 * b + 4]
        both = [(x, y) for x, y in zip(fa, fb) if not (math.isnan(x) or math.isnan(y))]
        if not both:
            return False  # nothing to compare (e.g. a performance-table row)
        return any(abs(x - y) > 0.005 for x, y in both)


def _explanation_number(eid: str | None) -> int:
    try:
        return int((eid or "E0")[1:])
    except ValueError:
        return 0
