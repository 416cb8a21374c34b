"""What tests/perturbations.py showed the extractor losing on reports written
another way, one invented sentence per mechanism (units, places and figures
made up); and the perturbed recall held to the floor measured on folds 1-4
(skipped where ../shared is absent)."""
from __future__ import annotations

import pytest

from nlp import analyze
from tests.real_patterns import RECORDS


def _run(text: str):
    return analyze("general.txt", text=text, model=None)


def _reasons(text: str) -> list[str]:
    return [e.reason for e in _run(text).explanations]


# A list after the trigger: its first item is not a bracket, its items go on.


def test_a_bracketed_list_after_the_trigger_is_the_whole_reason():
    text = "公务接待费比上年减少2.40万元，下降30.00%，主要原因是：（1）压减接待批次；（2）推行工作餐制度。"
    assert _reasons(text) == ["（1）压减接待批次；（2）推行工作餐制度"]


def test_the_next_item_of_the_reasons_list_goes_on_whatever_it_states():
    text = "项目支出比上年增加56.00万元，主要原因：一是新建松林村文化广场；二是由此项目支出较上年多出56.00万元。"
    assert _reasons(text) == ["一是新建松林村文化广场；二是由此项目支出较上年多出56.00万元"]


# A reason stops at ； where another item with its own reason starts.


def test_a_reason_stops_before_an_item_with_figures_and_its_own_weak_trigger():
    text = (
        "会议费比上年减少1.20万元，主要原因是改为视频会议；"
        "其中：培训费安排36万元，主要是新增青禾镇干部轮训。"
    )
    assert _reasons(text) == ["改为视频会议", "新增青禾镇干部轮训"]


def test_a_reason_stops_before_an_item_whose_reason_opens_the_next_sentence():
    text = (
        "因公出国（境）费较预算数减少3.00万元，主要原因是取消赴外考察；"
        "公务用车运行维护费较预算数减少1.85万元，下降12.50%。主要原因是车辆报废1辆。"
    )
    assert _reasons(text) == ["取消赴外考察", "车辆报废1辆"]


def test_a_reason_stops_before_a_numbered_heading_after_a_semicolon():
    text = "收入比上年增加18.00万元，主要原因是新增柳溪河巡查经费；2.支出情况：本年支出合计240.00万元。"
    assert _reasons(text) == ["新增柳溪河巡查经费"]


def test_a_reason_naming_components_with_their_comparisons_goes_on_over_a_semicolon():
    text = (
        "本单位收入合计980.00万元，比上年减少120.00万元，主要原因是项目收入中公交补贴较上年减少150.00万元；"
        "基本支出比上年增加30.00万元。"
    )
    assert _reasons(text) == ["项目收入中公交补贴较上年减少150.00万元；基本支出比上年增加30.00万元"]


def test_a_component_with_its_own_reason_after_the_semicolon_is_another_explanation():
    text = (
        "本单位收入合计980.00万元，比上年减少120.00万元，主要原因是项目收入中公交补贴较上年减少150.00万元；"
        "基本支出比上年增加30.00万元，主要原因是新增2名人员。"
    )
    assert _reasons(text) == ["项目收入中公交补贴较上年减少150.00万元", "新增2名人员"]


# A reason over 。: another component with its amount, or a connective.


def test_a_reason_goes_on_over_a_full_stop_with_another_component():
    text = "本年收入合计比上年减少30.50万元，主要原因是财政拨款收入减少20.00万元。事业收入减少10.50万元。"
    assert _reasons(text) == ["财政拨款收入减少20.00万元。事业收入减少10.50万元"]


def test_a_reason_goes_on_over_a_full_stop_after_a_connective():
    text = "本年支出比上年增加12.00万元，主要原因是新建档案室。此外由于人员增加，办公费有所上升。"
    assert _reasons(text) == ["新建档案室。此外由于人员增加，办公费有所上升"]


@pytest.mark.parametrize("cut", ["填报2025年会议费预算时", "依规定在年度终了后"])
def test_a_reason_cut_after_a_clause_of_time_goes_on_over_a_full_stop(cut):
    # The next sentence has a trigger word (由于) or starts with 将: the reason is still unfinished.
    rest = "由于系统故障，数据未能保存" if cut.endswith("时") else "将柳溪镇结转资金的30%调入一般公共预算"
    text = f"本年会议费比上年增加3.00万元，主要原因是{cut}。{rest}。"
    assert _reasons(text) == [f"{cut}。{rest}"]


def test_a_reason_goes_on_over_a_full_stop_with_a_joined_figure_that_compares_nothing():
    text = "年末结转和结余比上年减少22.00万元，主要原因是上年奖金在本年兑付。而本年仅结转了办案经费6.32万元。"
    assert _reasons(text) == ["上年奖金在本年兑付。而本年仅结转了办案经费6.32万元"]


def test_a_reason_goes_on_over_a_full_stop_into_what_it_consists_of():
    text = "本年支出比上年增加20.00万元，主要原因是人员经费增长。具体体现为青禾镇干部工资调整。"
    assert _reasons(text) == ["人员经费增长。具体体现为青禾镇干部工资调整"]


def test_a_reason_goes_on_over_a_full_stop_into_last_years_high_base():
    text = "全县培训费比上年下降8.0%，主要是上年集中开展轮训。上年培训费增长35.0%，基数偏高。"
    assert _reasons(text) == ["上年集中开展轮训。上年培训费增长35.0%，基数偏高"]


def test_a_joined_sentence_that_compares_is_not_part_of_the_reason():
    text = "本年支出比上年增加20.00万元，主要原因是新建档案室。而项目支出比上年减少6.00万元。"
    assert _reasons(text) == ["新建档案室"]


def test_a_sentence_of_shares_after_the_reason_is_not_part_of_it():
    text = "本年支出比上年增加12.00万元，主要原因是公用经费增加5.00万元。基本支出80.00万元，占66.67%。"
    assert _reasons(text) == ["公用经费增加5.00万元"]


def test_a_reason_stops_before_a_bare_figure_clause():
    text = "公务接待费2025年预算3.6万元，2024年预算5万元；对比减少1.4万元；由于压减陪餐人数，减少率28.00%。"
    assert _reasons(text) == ["压减陪餐人数"]


@pytest.mark.parametrize("trigger", ["主要因为", "是因为"])
def test_a_cause_given_for_a_level_after_a_weak_trigger(trigger):
    # "主要为" would name a purpose; "主要因为" and "是因为" give a cause.
    assert _reasons(f"2025年公务用车购置费安排0万元，{trigger}本年无车辆更新计划。") == ["本年无车辆更新计划"]


@pytest.mark.parametrize("trigger", ["这是由于", "主要是受", "系"])
def test_a_cause_given_for_a_level_the_sentence_before_states(trigger):
    close = {"主要是受": "影响", "系": "所致"}.get(trigger, "")
    text = f"2025年公务用车购置费安排0万元。{trigger}本年无车辆更新计划{close}。"
    (e,) = _run(text).explanations
    assert e.reason == "本年无车辆更新计划" and "statement_unparsed" in e.flags
    assert e.statement.direction == "none"


def test_what_a_level_is_made_of_is_no_reason():
    # "系" after a level names its parts; only "系……所致" gives a cause.
    assert _reasons("2025年财政拨款收入84.60万元，系在职人员工资及社区卫生资金。") == []


def test_a_level_with_a_reason_is_compared_with_nothing():
    (e,) = _run("2025年公务用车购置费安排0万元，主要是本年无车辆更新计划。").explanations
    assert (e.statement.direction, e.statement.basis) == ("none", "other")


def test_an_unclosed_affected_by_reason_runs_over_its_commas_after_the_change_before():
    text = "会议费较上年减少1.00万元。主要是受青禾镇压缩会议规模，改为视频召开，节约场地租金。"
    (e,) = _run(text).explanations
    assert e.reason == "青禾镇压缩会议规模，改为视频召开，节约场地租金" and e.statement.item == "会议费"


def test_an_affected_by_reason_for_a_change_named_without_figures():
    text = "全县培训费增速偏低，主要是受上年集中轮训，本年培训人数下降20%，基数偏高影响。"
    assert _reasons(text) == ["上年集中轮训，本年培训人数下降20%，基数偏高"]


def test_an_affected_by_reason_before_the_figures_of_the_next_sentence():
    text = "报告称，主要是受各部门精简出访团组影响。具体为：因公出国（境）费0.86亿元，减少0.23亿元。"
    (e,) = _run(text).explanations
    assert e.reason == "各部门精简出访团组" and e.statement.direction == "decrease"


# A shortfall and why, with no trigger word (performance paragraphs).


def test_why_money_is_left_unpaid_after_the_payment_rate():
    text = "青禾镇衔接资金支付860.00万元，未支40.00万元，支付率95.56%。未付资金属于个别项目尚未完成竣工决算审计，待审计完成后支付。"
    (e,) = _run(text).explanations
    assert e.reason == "个别项目尚未完成竣工决算审计" and e.statement.basis == "full_year_budget"
    assert e.statement.direction == "decrease" and {"no_trigger", "statement_unparsed"} <= set(e.flags)


def test_why_a_project_has_spent_nothing_stops_at_the_shortfall_itself():
    text = "本项目资金合计36.20万元，柳溪河护岸工程尚未开工，资金暂未支出。"
    assert _reasons(text) == ["柳溪河护岸工程尚未开工"]


def test_an_indicator_line_saying_what_is_not_done_yet():
    (e,) = _run("2.质量指标：松林村文化广场尚未竣工验收。").explanations
    assert e.reason == "松林村文化广场尚未竣工验收" and e.statement.basis == "target"


def test_an_indicator_with_its_target_and_actual_then_what_is_left_undone():
    text = "指标1：护岸工程资金金额\n\n42.5\n\n38.2\n\n10\n\n8\n\n已竣工，尚余5%尾款未支付，且中标价低于预算金额。下一步提高预算编制精准度。"
    (e,) = _run(text).explanations
    assert e.reason == "尚余5%尾款未支付，且中标价低于预算金额"
    assert (e.statement.direction, e.statement.basis) == ("decrease", "target")


def test_what_is_not_done_yet_with_no_shortfall_beside_it_is_no_reason():
    assert _reasons("本年支出合计120.00万元。松林村文化广场尚未竣工验收，下一步将加快进度。") == []


# Repair: a half-width full stop, a figure cut at a line's end.


def test_a_half_width_full_stop_ends_the_sentence_and_its_paragraph():
    text = "我局严格执行公务接待管理办法,从严控制一般性支出.\n2024年公务接待费支出3.20万元,比上年减少1.10万元,下降25.58%."
    report = _run(text)
    assert report.text.endswith("下降25.58%。") and "支出。\n2024年" in report.text
    assert [e.reason for e in report.explanations] == ["我局严格执行公务接待管理办法，从严控制一般性支出"]


def test_a_full_stop_before_a_figure_or_a_letter_stays():
    report = _run("报告附件.docx中列明：本年支出比上年增加2.5万元，主要原因是新增水质检测。")
    assert "附件.docx" in report.text and "2.5" in report.text


def test_a_figure_cut_at_the_end_of_a_heading_like_line_is_joined():
    text = "二、2025年度因公出国(境)费安排预算16万\n元,比2024年预算增加16万元,积极赴境外开展\n茶叶经贸洽谈,"
    e = _run(text).explanations[0]
    assert e.statement.change == 16.0 and e.reason == "积极赴境外开展茶叶经贸洽谈"


def test_a_percentage_cut_at_the_end_of_a_heading_like_line_is_joined():
    e = _run("二、公务接待费比上年下降1\n6.3%,主要原因是压减接待批次。").explanations[0]
    assert e.statement.change_pct == 16.3


# The floor: recall on the rewritten development records, so that it cannot
# silently fall (measured 0.987 / 0.978 overall, 0.941 at worst: over_full_stop;
# 0.972 and 0.882 before the last misses of issue 11 were fixed, 0.951 and 0.0
# before its perturbation work).


@pytest.mark.skipif(not RECORDS.exists(), reason="../shared/real_patterns is not here")
def test_perturbed_recall_holds_its_floor():
    from tests.perturbations import measure, overall
    from tests.real_patterns import load

    tallies = measure(load())
    figures = overall(tallies).figures()
    print("\nperturbed:", figures)
    assert figures["recall"] >= 0.98 and figures["precision"] >= 0.97
    assert figures["direction"] >= 0.97 and figures["basis"] >= 0.88
    # No single transformation may lose much more than the others.
    worst = min((t.figures()["recall"], name) for name, t in tallies.items() if t.gold)
    assert worst[0] >= 0.92, worst


def test_a_reason_goes_on_over_a_full_stop_with_同时_but_not_into_a_measure():
    said = "会议费较上年减少2.4万元，主要原因是部分会议改为视频召开。同时严格控制参会人数。"
    (e,) = analyze("r.txt", text=said, model=None).explanations
    assert e.reason == "部分会议改为视频召开。同时严格控制参会人数"
    said = "会议费较上年减少2.4万元，主要原因是部分会议改为视频召开。同时，我单位将进一步压减会议数量。"
    (e,) = analyze("r.txt", text=said, model=None).explanations
    assert e.reason == "部分会议改为视频召开"


@pytest.mark.parametrize("aside", [
    "有效提升了辖区群众的满意度。",
    "该项经费主要用于日常办公和水电支出。",
    "本单位部门整体绩效自评得分95分。",
    "在全市同类单位评比中位列第3名。",
    "说明：本表无数据，故公开空表。",
])
def test_a_reason_does_not_go_on_into_an_aside(aside):
    """What the money did or bought, a rating, a rank or a note after the
    reason is no more of it."""
    said = "会议费较上年减少2.4万元，主要原因是部分会议改为视频召开。" + aside
    (e,) = analyze("r.txt", text=said, model=None).explanations
    assert e.reason == "部分会议改为视频召开"


@pytest.mark.parametrize("slot", ["：\n具体情况详见附表3。", "：\n注：本表金额单位为万元。", "。说明：本表无数据。"])
def test_a_slot_holding_only_a_note_is_blank(slot):
    report = analyze("r.txt", text="会议费较上年减少2.4万元，主要原因是" + slot, model=None)
    assert [e.reason for e in report.explanations] == [] and [m.flags for m in report.missing] == [["blank_slot"]]


def test_a_note_under_a_table_gives_no_reason():
    said = "注：本表金额单位为万元，因四舍五入原因，合计数与分项之和可能存在尾差。办公费较上年增加3.05万元。"
    report = analyze("r.txt", text=said, model=None)
    assert [e.reason for e in report.explanations] == [] and report.missing


def test_an_action_after_the_figures_is_a_reason_not_a_change():
    (e,) = analyze("r.txt", text="水费1.80万元，较上年增加0.40万元，新增绿化带喷灌用水。", model=None).explanations
    assert e.reason == "新增绿化带喷灌用水"
