"""The judgement an auditor would sign (issue 14), pinned on the real reports.

Findings weigh by what they rest on (the report's own figures, then a reason
not given, then style) and one problem is charged once (nlp/score.py). On the
real PDFs and the seed (../shared, skipped where absent):

- the copy of the finance bureau's report with planted errors scores at least
  MARGIN points below its clean twin: the plants juesuan reads are figures
  that do not add up, a year left from 2023 and a placeholder — each a reason
  for an auditor to return the report — while most of the twin's findings are
  style;
- no report's first finding is a repeat of one reason for its nested totals;
- in the seed the performance-table contradictions come before the blanket
  reason.
"""

import json
from pathlib import Path

import pytest

from nlp import analyze
from nlp.score import worst_first
from tests.goldmatch import SHARED

PDF_DIR = SHARED / "real_pdfs"
INDEX = json.loads((Path(__file__).parent / "gold" / "real_pdfs" / "index.json").read_text(encoding="utf-8"))
SEED = SHARED / "seeds" / "000_72d94d323a0f885e.txt"
MARGIN = 15.0  # points; measured 36.7 with the shipped model (planted 39.2, clean 75.9; issue 17)

pytestmark = pytest.mark.skipif(not PDF_DIR.exists(), reason="../shared/real_pdfs is not here")


@pytest.fixture(scope="module")
def reports():
    out = {short_id: analyze(PDF_DIR / meta["file"]) for short_id, meta in INDEX.items()}
    out["seed"] = analyze(SEED)
    return out


def test_the_planted_errors_score_clearly_below_the_clean_twin(reports):
    clean, planted = reports["finance_bureau_2024"].score, reports["finance_bureau_2024_planted"].score
    assert planted <= clean - MARGIN, (planted, clean)


@pytest.mark.parametrize("short_id", [*INDEX, "seed"])
def test_no_report_leads_with_a_repeat_of_its_totals(reports, short_id):
    findings = worst_first(reports[short_id].findings)
    assert findings and findings[0].code not in ("JS301", "JS302"), findings[0].message


def test_the_seeds_contradictions_come_before_its_blanket_reason(reports):
    order = [f.code for f in worst_first(reports["seed"].findings)]
    assert "JS601" in order and "JS302" in order
    assert max(i for i, c in enumerate(order) if c == "JS601") < order.index("JS302")


def test_a_report_with_planted_contradictions_scores_below_a_short_specific_one(reports):
    specific = analyze("x.txt", text="1.一般公共服务支出（类）人大事务（款）行政运行（项）：支出决算数为120.50万元，"
                       "比上年决算增加20.50万元，增长20.50%，主要原因是：新录用公务员3名。")
    assert reports["finance_bureau_2024_planted"].score < specific.score
