"""juesuan on the rewritten real explanations of ../shared/real_patterns,
development folds 1-4 only (fold 0 is held out for the final figures; see
tests/real_patterns.py), and the ten-minute regex measured beside it.
Skipped where ../shared is absent."""
import pytest

from tests.real_patterns import RECORDS, juesuan, load, measure, regex, total

pytestmark = pytest.mark.skipif(not RECORDS.exists(), reason="../shared/real_patterns is not here")


@pytest.fixture(scope="module")
def tallies():
    records = load()
    return measure(records, juesuan), measure(records, regex)


def test_development_folds_reach_the_floors(tallies):
    ours, _ = tallies
    figures = total(ours).figures()
    print("\nfolds 1-4:", figures)
    # Floors a little under what is measured (see the issue 11 note): a drop
    # below any of them is a regression of recall, precision or reading.
    # Measured 0.991 / 0.982 / 0.967 / 0.878 / 0.901 (issue 11, the misses still left).
    assert figures["recall"] >= 0.98
    assert figures["precision"] >= 0.97
    assert figures["direction"] >= 0.95
    assert figures["basis"] >= 0.86
    assert figures["no_reason_reported"] >= 0.88


def test_above_the_regex_on_every_fold(tallies):
    ours, theirs = tallies
    for fold in ours:
        a, b = ours[fold].figures(), theirs[fold].figures()
        print(f"\nfold {fold}: juesuan recall {a['recall']} precision {a['precision']}; regex recall {b['recall']} precision {b['precision']}")
        assert a["recall"] > b["recall"] and a["precision"] >= b["precision"], fold
