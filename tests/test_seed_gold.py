"""The seed report against its gold file (skipped where ../shared is absent)."""
import pytest

from nlp import analyze
from tests.goldmatch import SHARED, load_gold, score

SEED = SHARED / "seeds" / "000_72d94d323a0f885e.txt"
GOLD = SHARED / "seeds" / "000_72d94d323a0f885e.gold.jsonl"

pytestmark = pytest.mark.skipif(not GOLD.exists(), reason="../shared/seeds is not here")


@pytest.fixture(scope="module")
def result():
    return load_gold(GOLD), analyze(SEED).to_dict()


def test_every_narrative_reason_is_found(result):
    gold, report = result
    s = score(gold, report, "narrative")
    print("\n" + s.line())
    assert s.recall >= 0.98, [g["statement"] for g in s.misses]
    assert s.precision >= 0.95, [f["statement"] for f in s.extras]
    assert s.basis_right / s.matched >= 0.95
    assert s.direction_right / s.matched >= 0.95


def test_every_performance_table_reason_is_found(result):
    gold, report = result
    s = score(gold, report, "performance_table")
    print("\n" + s.line())
    assert s.recall >= 0.98, [(g["indicator"], g["reason"]) for g in s.misses]
    assert s.precision >= 0.95, [(f["indicator"], f["reason"]) for f in s.extras]


def test_causes_are_split_as_in_the_gold(result):
    gold, report = result
    for kind in ("narrative", "performance_table"):
        s = score(gold, report, kind)
        print(f"\n{kind}: causes split as in gold for {s.causes_right}/{s.matched}")
        assert s.causes_right / s.matched >= 0.95
