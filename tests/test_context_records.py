"""juesuan on the context set: invented records in which ONE explanation slot
stands among text that gives no reason for any change — headings, totals and
shares, other items' figures, table rows flattened by PDF extraction, policy
boilerplate, notes, 下一步 measures, 主要用于 purposes, rankings, effects, page
headers and footers, the unit's name and year (tests/fixtures/context_records.jsonl,
fold 8; each record's `context` names the kinds put around the slot). Written
from ../shared/real_patterns/PHRASINGS.md and TAXONOMY.md without reading the
extractor (issue 11). The file is ours, so nothing here skips without ../shared.

The floors sit a little under what was measured when the set was written: a
drop below any of them is a regression. Raise them when the extractor improves;
never edit the records to fit the extractor.

    python -m tests.real_patterns --records tests/fixtures/context_records.jsonl --classes
    python -m tests.real_patterns --records tests/fixtures/context_records.jsonl --misses 8
"""
import re
from collections import Counter
from pathlib import Path

import pytest

from nlp.vocabulary import Basis, Direction
from tests.real_patterns import juesuan, load, measure, regex, total

CONTEXT = Path(__file__).parent / "fixtures" / "context_records.jsonl"
DIRECTIONS = {"increase", "decrease", "none"}
BASES = {"prior_year", "initial_budget", "full_year_budget", "target", "other"}
KINDS = {"heading", "unit_year", "footer", "total_share", "other_figures", "table_rows",
         "boilerplate", "note", "next_step", "purpose", "ranking", "effect"}


@pytest.fixture(scope="module")
def records():
    return load(None, CONTEXT)


@pytest.fixture(scope="module")
def tallies(records):
    return total(measure(records, juesuan)), total(measure(records, regex))


def test_the_file_is_in_the_statements_format(records):
    assert len(records) >= 150
    assert len({r["rid"] for r in records}) == len(records)
    for r in records:
        where = r["rid"]
        assert re.fullmatch(r"c\d{3}", r["rid"]) and r["fold"] == 8, where
        assert r["direction"] in DIRECTIONS and Direction(r["direction"]), where
        assert r["basis"] in BASES and Basis(r["basis"]), where
        assert r["reason"] is None or (r["reason"] and r["reason"] in r["text"]), where
        assert r["reason"] is None or r["text"].count(r["reason"]) == 1, where
        assert r["trigger"] == "" or r["trigger"] in r["text"], where
        assert r["reason"] is not None or r.get("no_reason"), where
        assert r["item"] and r["form"], where


def test_every_slot_stands_among_context_of_every_kind(records):
    kinds = Counter(kind for r in records for kind in r["context"].split("+"))
    assert set(kinds) == KINDS, set(kinds) ^ KINDS
    assert min(kinds.values()) >= 20, kinds.most_common()[-3:]
    for r in records:
        lines = [line for line in re.split(r"[。\n]", r["text"]) if line.strip()]
        assert 2 <= len(lines) <= 8, r["rid"]  # a passage, as a report has it
    assert sum(bool(r.get("traditional")) for r in records) >= 12
    assert sum(bool(r.get("no_reason")) for r in records) >= 25


def test_juesuan_holds_the_measured_figures(tallies):
    """Measured when written (issue 11): recall 0.638, precision 0.595,
    direction 0.979, basis 0.99, no-reason slots reported 0.483; the regex
    0.467 / 0.772. Most losses were reasons that ran on over 。 into the next
    sentence (a purpose, an effect, a ranking, a note) and a note's
    因四舍五入原因 read as the reason; since fixed (recall 0.928, precision
    0.887, no-reason reported 0.897): the floors sit a little under that."""
    ours, theirs = tallies
    figures, baseline = ours.figures(), theirs.figures()
    print("\ncontext set:", figures, "\nregex:", baseline)
    assert figures["recall"] >= 0.91
    assert figures["precision"] >= 0.87
    assert figures["direction"] >= 0.96
    assert figures["basis"] >= 0.97
    assert figures["no_reason_reported"] >= 0.88
    assert figures["precision"] >= baseline["precision"]
    assert figures["recall"] > baseline["recall"]
