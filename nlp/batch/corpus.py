"""The corpus rules' side of a batch run: which explanations of the run share
a reason.

The rules themselves (JS801 copied_across_units, JS802 sticky_across_years)
are rule modules of `nlp.rules` with scope "corpus"; here the batch gathers
what they judge. `Corpus` is fed every document's explanation rows (`add`)
and, at `finish`, hands each cluster of near-identical reasons spread over
several reports to the selected corpus rules as plain `Sharer`s.

Near-duplicates are found without comparing all pairs: every distinct
normalised reason (`nlp.similarity.normalise`, as the single-report rule
JS301 uses) is MinHashed over its character bigrams and put in a MinHash LSH
index (datasketch); only the candidates the index returns are compared, with
the same measure as JS301 (rapidfuzz ratio >= 90 by default), and matches
are joined into clusters (`nlp.grouping.Groups`).

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

from nlp.batch.tables import ExplanationRow
from nlp.config import Settings
from nlp.grouping import Groups
from nlp.rules import CorpusFinding, Sharer, corpus_rules
from nlp.similarity import normalise

# One index serves every corpus rule: it is built with these options of the
# selected rules that have them (copied_across_units), else with its defaults.
_INDEX_OPTIONS = {"similarity": float, "min_chars": int}


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
        import zlib

        from datasketch import MinHash, MinHashLSH

        self.similarity = similarity
        self.min_chars = min_chars
        self.num_perm = num_perm
        self._lsh = MinHashLSH(num_perm=num_perm, params=bands or self.BANDS)
        # One MinHash, cleared for each text: the LSH keeps only the band
        # hashes it computes at insert time, never the MinHash object. Its
        # shingles are hashed with CRC-32 (deterministic, ~20% faster than
        # the default SHA-1; the permutations that follow do the mixing).
        self._m = MinHash(num_perm=num_perm, seed=1, hashfunc=zlib.crc32)
        self.ids: dict[str, int] = {}
        self.texts: list[str] = []
        # The older text stays a cluster's root, so clusters do not depend on
        # which member arrived last.
        self.groups = Groups()
        self.candidates = 0  # pairs compared
        self.indexed = 0  # texts in the LSH

    def __len__(self) -> int:
        return len(self.texts)

    def add(self, key: str) -> int:
        """The id of normalised text `key`, joined to its near-duplicates."""
        tid = self.ids.get(key)
        if tid is not None:
            return tid
        tid = self.groups.add()
        self.ids[key] = tid
        self.texts.append(key)
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
            self.groups.union(tid, todo[i])

    def find(self, i: int) -> int:
        return self.groups.find(i)


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


class Corpus:
    """Feed it every document's explanation rows (`add`), then `finish`."""

    TOP = 20

    def __init__(self, settings: Settings | None = None):
        settings = settings or Settings()
        self.rules = [(rule, settings.options_for(rule)) for rule in corpus_rules(settings)]
        index_options = {}
        for _, options in self.rules:
            index_options.update({k: kind(options[k]) for k, kind in _INDEX_OPTIONS.items() if k in options})
        self.index = NearDuplicateIndex(**index_options)
        self._units: dict[str, int] = {}
        self._items: dict[str, int] = {}
        self.doc_years = array("h")  # per document: year or 0
        self.doc_units = array("i")  # per document: unit number or -1
        # per explanation
        self.e_doc, self.e_text, self.e_item, self.e_no = array("i"), array("i"), array("i"), array("i")
        self.e_fig = array("d")  # amount, compare_amount, change, change_pct (nan: none)

    def add(self, doc_no: int, unit: str | None, year: int | None, rows: list[list]) -> None:
        """One document's explanation rows, as the store keeps them."""
        from nlp.batch.identity import unit_key

        assert doc_no == len(self.doc_years), "documents are numbered in order"
        key = unit_key(unit)
        self.doc_units.append(self._units.setdefault(key, len(self._units)) if key else -1)
        self.doc_years.append(year or 0)
        for r in map(ExplanationRow._make, rows):
            if (r.cause_no or 0) > 1:
                continue  # one row per explanation is enough: the reason is the same
            text = normalise(r.reason) if r.reason else ""
            if not text:
                continue
            self.e_doc.append(doc_no)
            self.e_text.append(self.index.add(text))
            item = normalise(r.item or "") + "|" + (r.basis or "")
            self.e_item.append(self._items.setdefault(item, len(self._items)))
            self.e_no.append(_explanation_number(r.explanation))
            self.e_fig.extend(math.nan if v is None else float(v) for v in (r.amount, r.compare_amount, r.change, r.change_pct))

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
        top: list = []
        clusters = 0
        for group in np.split(order, cuts):
            members = sorted(int(i) for i in group)
            docs = {self.e_doc[i] for i in members}
            if len(docs) < 2:
                continue  # one report's own (JS301's business), or no one else's
            clusters += 1
            cluster = self._cluster(members, docs)
            top.append(((cluster.documents, cluster.units, -members[0]), cluster))
            if len(top) > 4 * self.TOP:
                top = heapq.nlargest(self.TOP, top, key=lambda t: t[0])
            shared = [self._sharer(i) for i in members]
            for rule, options in self.rules:
                for f in rule.check(shared, options):
                    result.findings.setdefault(f.document, []).append(f)
        result.top = [c for _, c in heapq.nlargest(self.TOP, top, key=lambda t: t[0])]
        for fs in result.findings.values():
            fs.sort(key=lambda f: (f.code, _explanation_number(f.explanation)))
        result.stats["clusters"] = clusters  # reasons shared by several reports
        return result

    def _cluster(self, members: list[int], docs: set[int]) -> Cluster:
        units = {self.doc_units[self.e_doc[i]] for i in members} - {-1}
        years = sorted({self.doc_years[self.e_doc[i]] for i in members} - {0})
        first = (self.e_doc[members[0]], f"E{self.e_no[members[0]]}")
        return Cluster(len(docs), len(units), len(members), years, first, sorted(docs)[:5])

    def _sharer(self, i: int) -> Sharer:
        doc = self.e_doc[i]
        unit = self.doc_units[doc]
        figures = tuple(None if math.isnan(v) else v for v in self.e_fig[4 * i : 4 * i + 4])
        return Sharer(
            document=doc,
            explanation=f"E{self.e_no[i]}",
            unit=None if unit < 0 else unit,
            year=self.doc_years[doc] or None,
            item=self.e_item[i],
            chars=len(self.index.texts[self.e_text[i]]),
            figures=figures,
        )


def _explanation_number(eid: str | None) -> int:
    try:
        return int((eid or "E0")[1:])
    except ValueError:
        return 0
