"""Findings on the seed report and on the finance bureau's report with
planted errors (skipped where ../shared is absent)."""
import pytest

from nlp import analyze
from tests.goldmatch import SHARED

SEED = SHARED / "seeds" / "000_72d94d323a0f885e.txt"
FINANCE = SHARED / "real_pdfs" / "上海市普陀区财政局2024年度部门决算.pdf"
PLANTED = SHARED / "real_pdfs" / "24年普陀区财政局（测试问题版本）.pdf"


@pytest.fixture(scope="module")
def seed():
    if not SEED.exists():
        pytest.skip("../shared/seeds is not here")
    return analyze(SEED)


def _by(report, code):
    return [f for f in report.findings if f.code == code]


def test_restructuring_reason_is_one_blanket_finding(seed):
    """One reason for ~30 items is one problem: a blanket finding, not also a repeated one."""
    blanket = _by(seed, "JS302")
    assert len(blanket) == 1 and "预算级次调整" in seed.explanation(blanket[0].targets[0]).reason
    assert 25 <= len(blanket[0].targets) <= 35
    assert [f for f in _by(seed, "JS301") if set(f.targets) == set(blanket[0].targets)] == []


def test_boilerplate_given_where_target_was_met(seed):
    met = [f for f in _by(seed, "JS601") if "target met" in f.message_en and "已达到指标" in f.message and "规划阶段缺乏" in f.message]
    indicators = {seed.explanation(f.targets[0]).row.indicator for f in met}
    assert {"政府采购率", "维修项目资金支付率", "接待工作完成完成率"} <= indicators


def test_budget_too_small_where_spending_exceeded_target(seed):
    over = [f for f in _by(seed, "JS601") if "lack of money" in f.message_en and "资金不足" in f.message]
    rows = [seed.explanation(f.targets[0]).row for f in over]
    assert [(r.indicator, r.target, r.actual) for r in rows] == [("维修费", "<=45万元", "=47.1万元")]


def test_satisfaction_is_no_explanation(seed):
    reasons = {seed.explanation(f.targets[0]).reason for f in _by(seed, "JS203")}
    assert "满意度100%满意" in reasons


def test_no_arithmetic_finding_where_the_seed_agrees(seed):
    # Every prior-year statement with amount, change and % in the seed is
    # consistent to rounding (checked by the rule with 0.01 tolerances).
    checked = [e for e in seed.explanations if e.statement and e.statement.change_pct is not None]
    assert len(checked) >= 40
    assert _by(seed, "JS501") == []


@pytest.mark.skipif(not PLANTED.exists(), reason="../shared/real_pdfs is not here")
def test_planted_errors_are_reported_and_the_original_is_clean():
    original, planted = analyze(FINANCE), analyze(PLANTED)
    assert _by(original, "JS501") == [] and _by(original, "JS701") == []
    arithmetic = [f.message_en for f in _by(planted, "JS501")]
    print("\n" + "\n".join(arithmetic))
    assert any("收入支出总计" in m and "1.87%" in m for m in arithmetic)  # total changed to 0 万元
    assert sum("budget" in m for m in arithmetic) == 3  # 小于 -> 大于 twice, 小于 -> 等于 once
    assert sum("预算数" in f.message for f in _by(planted, "JS501")) == 3
    assert any("XX局" in f.message for f in _by(planted, "JS701"))
