"""Change statements read more fully, through the public API: two levels with
no change word (this year beside last year, a budget beside its spending), a
bracket that restates the change after it, a change named by degree with no
figure (有所增加), the subject before a fronted 因 / 由于, the sentence after a
shortfall with no trigger, and a weak trigger after a figureless change that is
no money or count. Each with what must not be read. Every sentence is invented:
units, places and figures are made up."""
from __future__ import annotations

import pytest

from nlp import analyze


def _report(text: str):
    return analyze("statements_read.txt", text=text, model=None)


def _explained(text: str):
    return [e for e in _report(text).explanations if e.reason]


def _one(text: str):
    found = _explained(text)
    assert len(found) == 1, [(e.reason, e.statement) for e in found]
    return found[0]


# (text, reason, item, basis, direction, amount, compare_amount, change)
TWO_LEVELS = [
    ("项目支出2024年决算数为580.5万元，2023年决算数为500万元，主要原因是新增防汛物资采购。",
     "新增防汛物资采购", "项目支出", "prior_year", "increase", 580.5, 500.0, 80.5),
    ("本年支出决算580.5万元，上年决算500万元，主要是新增防汛物资采购。",
     "新增防汛物资采购", "本年支出", "prior_year", "increase", 580.5, 500.0, 80.5),
    # last year first, and a fall
    ("培训费上年决算12万元，本年决算9.5万元，主要是线上培训增多。",
     "线上培训增多", "培训费", "prior_year", "decrease", 9.5, 12.0, 2.5),
    # a written year beside a relative one: 2024 is this year, 上年 the last
    ("会议费2024年决算数为3万元，上年决算数为4.2万元，原因是压减会议数量。",
     "压减会议数量", "会议费", "prior_year", "decrease", 3.0, 4.2, 1.2),
    # 亿元 in a county's report
    ("全县一般公共预算支出2024年决算数为25.3亿元，2023年决算数为23.1亿元，主要是教育投入增加。",
     "教育投入增加", "全县一般公共预算支出", "prior_year", "increase", 253000.0, 231000.0, 22000.0),
    # the year right before the figure, or 上年数
    ("项目支出580.5万元，上年500万元，主要是新增防汛物资采购。",
     "新增防汛物资采购", "项目支出", "prior_year", "increase", 580.5, 500.0, 80.5),
    ("项目支出本年数580.5万元，上年数500万元，主要是新增防汛物资采购。",
     "新增防汛物资采购", "项目支出", "prior_year", "increase", 580.5, 500.0, 80.5),
    # last year's level after the cue, with no change word
    ("2024年决算580.5万元，较2023年决算500万元，主要是新增防汛物资采购。",
     "新增防汛物资采购", "", "prior_year", "increase", 580.5, 500.0, 80.5),
    # a budget and the year's spending
    ("项目支出预算安排500万元，实际支出580.5万元，主要是追加防汛物资采购。",
     "追加防汛物资采购", "项目支出", "initial_budget", "increase", 580.5, 500.0, 80.5),
    ("年初预算500万元，全年支出580.5万元，系追加防汛物资采购。",
     "追加防汛物资采购", "", "initial_budget", "increase", 580.5, 500.0, 80.5),
    ("年初预算数为100万元，实际支出62.5万元，主要是部分设备采购延至下年。",
     "部分设备采购延至下年", "", "initial_budget", "decrease", 62.5, 100.0, 37.5),
]


@pytest.mark.parametrize(("text", "reason", "item", "basis", "direction", "amount", "compare", "change"), TWO_LEVELS)
def test_two_levels_with_no_change_word_are_read_as_a_change(text, reason, item, basis, direction, amount, compare, change):
    e = _one(text)
    s = e.statement
    assert e.reason == reason
    assert "statement_unparsed" not in e.flags
    assert (s.item, s.basis, s.direction) == (item, basis, direction)
    assert (s.amount, s.compare_amount, s.change) == pytest.approx((amount, compare, change))


@pytest.mark.parametrize(
    "text",
    [
        # the same year twice: two parts, not a change
        "本年收入决算580.5万元，本年支出决算500万元，主要是新增防汛物资采购。",
        # a part of the budget, not its spending
        "年初预算为100万元，其中基本支出60万元，主要是人员增加。",
        # last year's carry-over is a part of this year's income
        "2024年收入1200万元，其中2023年结转100万元，主要是财政拨款增加。",
    ],
)
def test_two_amounts_that_are_no_change_give_no_figures_of_one(text):
    for e in _explained(text):
        assert e.statement.change is None
        assert e.statement.direction in (None, "none")


@pytest.mark.parametrize(
    ("text", "direction", "change", "pct"),
    [
        ("项目支出增加80.5万元（较上年增长15.2%），主要原因是新增防汛物资采购。", "increase", 80.5, 15.2),
        ("项目支出减少80.5万元（比上年下降15.2%），主要是部分项目完工。", "decrease", 80.5, 15.2),
    ],
)
def test_a_bracket_that_compares_restates_the_change_before_it(text, direction, change, pct):
    s = _one(text).statement
    assert (s.item, s.basis, s.direction) == ("项目支出", "prior_year", direction)
    assert s.amount is None  # 80.5 is the change, not this year's level
    assert (s.change, s.change_pct) == pytest.approx((change, pct))


def test_a_bracket_after_a_level_still_gives_the_level():
    s = _one("项目支出580.5万元（较上年增加80.5万元），主要原因是新增防汛物资采购。").statement
    assert (s.item, s.amount, s.change, s.direction) == ("项目支出", 580.5, 80.5, "increase")


@pytest.mark.parametrize(
    ("text", "item", "direction"),
    [
        ("项目支出有所增加，主要是新增防汛物资采购。", "项目支出", "increase"),
        ("项目支出有所增加，主要原因是新增防汛物资采购。", "项目支出", "increase"),
        ("公务接待费有所减少。主要是严格控制接待标准。", "公务接待费", "decrease"),
        ("接待批次明显减少。主要是严格控制接待标准。", "接待批次", "decrease"),
    ],
)
def test_a_change_named_by_degree_with_no_figure_is_read(text, item, direction):
    e = _one(text)
    assert "statement_unparsed" not in e.flags
    assert (e.statement.item, e.statement.basis, e.statement.direction) == (item, "prior_year", direction)


@pytest.mark.parametrize(
    "text",
    [
        "收入有所增加的单位，主要是新增防汛物资采购。",  # a noun phrase: the units whose income rose
        "一、支出有所增加的项目\n主要是新增防汛物资采购。",  # a heading
        "（二）项目支出有所增加\n主要是新增防汛物资采购。",
        "水电费有所增加。主要为保障新办公区运行。",  # a purpose, not a cause
    ],
)
def test_a_change_named_by_degree_is_not_read_in_a_noun_phrase_a_heading_or_for_a_purpose(text):
    assert _explained(text) == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("部分工程因雨季停工，致使项目支出减少30万元。", "部分工程因雨季停工"),
        ("部分工程由于雨季停工，导致项目支出较上年减少30万元。", "部分工程由于雨季停工"),
        ("1、部分工程因雨季停工，致使项目支出减少30万元。", "部分工程因雨季停工"),
        ("部分工程因雨季停工，项目支出较上年减少30万元。", "部分工程因雨季停工"),
        # a time or the report's own unit before 因 is no subject of the reason
        ("本年因雨季停工，致使项目支出减少30万元。", "雨季停工"),
    ],
)
def test_the_subject_before_a_fronted_cause_belongs_to_the_reason(text, reason):
    e = _one(text)
    assert e.reason == reason
    assert (e.statement.item, e.statement.direction, e.statement.change) == ("项目支出", "decrease", 30.0)


SHORTFALL = "设备采购数量年度目标20台，实际完成12台，完成率60%。"


@pytest.mark.parametrize(
    ("text", "basis"),
    [
        (SHORTFALL + "部分设备采购延至下年。", "target"),
        ("全年预算数100万元，执行数62.5万元，执行率62.5%。部分设备采购延至下年。", "full_year_budget"),
        ("本年支出决算62.5万元，完成年初预算的62.5%。部分设备采购延至下年。", "initial_budget"),
    ],
)
def test_the_sentence_after_a_shortfall_is_its_reason(text, basis):
    e = _one(text)
    assert e.reason == "部分设备采购延至下年"
    assert "no_trigger" in e.flags
    assert (e.statement.basis, e.statement.direction) == (basis, "decrease")


@pytest.mark.parametrize(
    "after",
    [
        "下一步将加快采购进度。",  # a measure to come
        "今后将加强预算执行管理。",
        "注：完成率按台数计算。",  # a template's note
        "办公费较上年减少2万元。",  # another change
        "其余8台已签订合同。",  # figures of its own
        "\n部分设备采购延至下年。",  # another paragraph
        "二、绩效目标完成情况",  # a heading
    ],
)
def test_the_sentence_after_a_shortfall_is_no_reason_when_it_is_something_else(after):
    report = _report(SHORTFALL + after)
    assert not any(e.reason and e.reason in after for e in report.explanations)


def test_the_sentence_after_a_target_met_is_no_reason_for_a_shortfall():
    assert _explained("设备采购数量年度目标20台，实际完成22台，完成率110%。部分设备采购提前完成。") == []


@pytest.mark.parametrize(
    "text",
    [
        "人员有所增加。主要是负责全县防汛抗旱工作。",  # a duty, not why money changed
        "业务量明显增加。主要是承担全县防汛抗旱工作。",
    ],
)
def test_a_weak_trigger_after_a_figureless_change_of_no_money_reads_no_reason(text):
    assert _explained(text) == []


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("办公经费有所增加。主要是新增办公场所。", "办公经费"),
        ("培训人次明显减少。主要是培训改为线上。", "培训人次"),
    ],
)
def test_a_weak_trigger_after_a_figureless_change_of_money_or_a_count_reads_its_reason(text, item):
    assert _one(text).statement.item == item


# -- several items in a sentence, 三公 paragraphs, a county's report in 亿元 with 执行数


def test_two_changes_named_by_degree_each_keep_their_own_reason():
    found = _explained("公务接待费有所减少，主要是严格控制接待标准；公务用车运行维护费有所增加，主要是车辆老化维修增多。")
    assert [(e.reason, e.statement.item, e.statement.direction) for e in found] == [
        ("严格控制接待标准", "公务接待费", "decrease"),
        ("车辆老化维修增多", "公务用车运行维护费", "increase"),
    ]


def test_two_items_by_levels_each_keep_their_own_reason():
    found = _explained(
        "其中：公务接待费本年决算0.8万元，上年决算1.5万元，主要是接待批次减少；"
        "公务用车运行维护费本年决算4.2万元，上年决算3.9万元，主要是车辆维修费用增加。"
    )
    assert [(e.reason, e.statement.item, e.statement.direction) for e in found] == [
        ("接待批次减少", "公务接待费", "decrease"),
        ("车辆维修费用增加", "公务用车运行维护费", "increase"),
    ]


def test_the_last_of_two_bracketed_changes_is_the_one_explained():
    s = _one("办公费增加5.2万元（较上年增长18.6%），印刷费减少1.1万元（较上年下降20.0%），主要是推行无纸化办公。").statement
    assert (s.item, s.direction, s.change, s.change_pct) == ("印刷费", "decrease", 1.1, 20.0)


def test_the_final_account_beside_the_execution_reviewed_is_a_change_on_it():
    s = _one("教育支出执行数为8.5亿元，决算数为8.6亿元，决算数大于执行数，主要是年底追加教师绩效工资。").statement
    assert (s.item, s.basis, s.direction) == ("教育支出", "other", "increase")
    assert (s.amount, s.compare_amount, s.change) == pytest.approx((86000.0, 85000.0, 1000.0))


def test_an_execution_rate_said_to_be_only_so_much_is_a_shortfall_on_the_budget():
    e = _one("部分项目由于招标推迟，故项目支出执行率仅为65%。")
    assert e.reason == "部分项目由于招标推迟"
    assert (e.statement.item, e.statement.basis, e.statement.direction) == ("项目支出", "full_year_budget", "decrease")


def test_an_amount_then_last_years_in_a_three_public_paragraph_is_a_change():
    found = _explained(
        "2024年度“三公”经费支出决算数为12.3万元，2023年度决算数为15.8万元，主要是严格落实过紧日子要求。"
        "其中：因公出国（境）费0万元，与上年持平；公务接待费2.1万元，上年决算3.5万元，主要是接待批次减少。"
    )
    got = [(e.reason, e.statement.item, e.statement.direction, e.statement.amount, e.statement.compare_amount) for e in found]
    assert got == [
        ("严格落实过紧日子要求", "“三公”经费", "decrease", 12.3, 15.8),
        ("接待批次减少", "公务接待费", "decrease", 2.1, 3.5),
    ]


def test_a_county_revenue_completed_is_named_without_the_verb():
    found = _explained(
        "全县一般公共预算收入完成18.6亿元，为预算的101.2%，比上年增长5.3%，主要是税收收入增加；"
        "政府性基金预算收入完成9.2亿元，为预算的82.1%，比上年下降31.5%，主要是土地出让收入减少。"
    )
    assert [(e.statement.item, e.statement.direction, e.statement.amount) for e in found] == [
        ("全县一般公共预算收入", "increase", 186000.0),
        ("政府性基金预算收入", "decrease", 92000.0),
    ]


def test_a_sentence_after_a_shortfall_that_says_nothing_held_up_is_no_reason():
    assert _explained(SHORTFALL + "该项目资金由县财政全额保障。") == []


def test_one_years_income_beside_another_years_spending_is_no_change():
    for e in _explained("2024年收入决算1200万元，2023年支出决算1100万元，主要是财政拨款增加。"):
        assert e.statement.change is None
