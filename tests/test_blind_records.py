"""juesuan on the blind set: invented explanation records written from
../shared/real_patterns/PHRASINGS.md and TAXONOMY.md without reading the
extractor (tests/fixtures/blind_records.jsonl, fold 9). The file is ours, so
nothing here skips without ../shared.

The floors sit a little under what was measured when the set was written
(issue 11): a drop below any of them is a regression. Raise them when the
extractor improves; never edit the records to fit the extractor.

    python -m tests.real_patterns --records tests/fixtures/blind_records.jsonl --classes
"""
import re
from collections import Counter

import pytest

from nlp.vocabulary import Basis, Direction
from tests.real_patterns import BLIND, by_class, form, juesuan, load, measure, regex, total

DIRECTIONS = {"increase", "decrease", "none"}
BASES = {"prior_year", "initial_budget", "full_year_budget", "target", "other"}

# Misses per form as last measured (recall 0.99, precision 0.914, direction
# 0.99, basis 0.987, no-reason slots reported 1.0; the regex 0.54 / 0.823).
# When written: recall 0.911, precision 0.862, with 8 misses each in a table
# column and over 。, 6 after and 5 before the figures with no trigger.
MEASURED_MISSES = {
    "no trigger: before the figures": 3,
}


@pytest.fixture(scope="module")
def records():
    return load(None, BLIND)


@pytest.fixture(scope="module")
def tallies(records):
    return total(measure(records, juesuan)), total(measure(records, regex))


def test_the_file_is_in_the_statements_format(records):
    assert len(records) >= 200
    assert len({r["rid"] for r in records}) == len(records)
    for r in records:
        where = r["rid"]
        assert re.fullmatch(r"b\d{3}", r["rid"]) and r["fold"] == 9, where
        assert r["direction"] in DIRECTIONS and Direction(r["direction"]), where
        assert r["basis"] in BASES and Basis(r["basis"]), where
        assert r["reason"] is None or (r["reason"] and r["reason"] in r["text"]), where
        assert r["trigger"] == "" or r["trigger"] in r["text"], where
        assert r["reason"] is not None or r.get("no_reason"), where
        assert r["item"] and r["form"], where


def test_every_form_has_at_least_eight_records(records):
    counts = Counter(r["form"] for r in records if not r["form"].startswith("register:"))
    assert len(counts) >= 30
    assert min(counts.values()) >= 8, counts.most_common()[-3:]
    assert sum(bool(r.get("traditional")) for r in records) >= len(records) // 12
    assert sum(bool(r.get("no_reason")) for r in records) >= 40


def test_juesuan_holds_the_measured_figures(tallies):
    ours, theirs = tallies
    figures, baseline = ours.figures(), theirs.figures()
    print("\nblind set:", figures, "\nregex:", baseline)
    assert figures["recall"] >= 0.98
    assert figures["precision"] >= 0.90
    assert figures["direction"] >= 0.98
    assert figures["basis"] >= 0.97
    assert figures["no_reason_reported"] >= 0.98
    assert figures["recall"] > baseline["recall"] and figures["precision"] >= baseline["precision"]


def test_no_form_loses_more_than_one_record(records):
    for name, (n, handled) in by_class(records, juesuan, key=form).items():
        assert n - handled <= MEASURED_MISSES.get(name, 0) + 1, (name, handled, n)
