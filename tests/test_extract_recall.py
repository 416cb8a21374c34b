"""Recall first: every place a report gives, or should give, a reason — one
test per class of real phrasing that issue 11 lists. All texts are invented
(units, places and figures), written in the shapes real reports use."""
from __future__ import annotations

import json

import pytest

from nlp import analyze


def _run(text: str):
    return analyze("recall.txt", text=text, model=None)


def _one(report):
    assert len(report.explanations) == 1, [(e.trigger, e.reason) for e in report.explanations]
    return report.explanations[0]


# 1. Traditional script with pinyin glosses: found in the normalised text,
#    quoted as the report writes it, located in the original.

TRADITIONAL = "2.收入情況。本單位2024年度收入合計(jì)1268.40萬(wàn)元，比上年決算增加(jiā)96.30萬(wàn)元，增長(zhǎng)8.22%，主要原 因是新增(zēng)青禾河治理項(xiàng)目經(jīng)費(fèi)。"


def test_traditional_script_with_glosses():
    report = _run(TRADITIONAL)
    e = _one(report)
    s = e.statement
    assert (s.basis, s.direction, s.amount, s.change, s.change_pct) == ("prior_year", "increase", 1268.40, 96.30, 8.22)
    assert e.reason == "新增(zēng)青禾河治理項(xiàng)目經(jīng)費(fèi)"  # as written
    assert s.item == "收入"  # "本單位2024年度收入合計": the unit, the year and 合计 are not the item
    located = TRADITIONAL[e.location.start : e.location.end]
    assert located.startswith("本單位2024年度收入合計(jì)1268.40萬(wàn)元") and "項(xiàng)目經(jīng)費" in located


# 3. Budget against actual, and several items in one sentence, each with its reason.


def test_several_items_in_one_sentence_each_with_its_reason():
    text = (
        "公务用车运行维护费年初预算为8.00万元，支出决算为6.20万元，完成预算的77.50%，决算数小于预算数的主要原因是车辆报废1辆；"
        "公务接待费年初预算为3.00万元，支出决算为3.60万元，决算数大于预算数的主要原因是承办全省现场会。"
    )
    report = _run(text)
    assert [(e.statement.item, e.statement.direction, e.statement.basis, e.reason) for e in report.explanations] == [
        ("公务用车运行维护费", "decrease", "initial_budget", "车辆报废1辆"),
        ("公务接待费", "increase", "initial_budget", "承办全省现场会"),
    ]
    assert [e.statement.compare_amount for e in report.explanations] == [8.00, 3.00]


def test_two_bases_one_reason_is_read_on_last_year():
    e = _one(_run("公务接待费比上年减少1.80万元，比年初预算数减少0.60万元，主要是严格执行公务接待标准。"))
    assert (e.statement.basis, e.statement.direction, e.statement.change) == ("prior_year", "decrease", 1.80)


def test_budget_against_last_years_budget_has_basis_other():
    e = _one(_run("2025年公务接待费预算安排9.80万元，较上年预算数减少2.35万元，原因：压缩接待批次。"))
    assert (e.statement.basis, e.statement.direction) == ("other", "decrease")


# 4. Reasons before the figures, bare 因 in performance paragraphs.


@pytest.mark.parametrize(
    "text, reason, direction, basis",
    [
        ("受青禾路改造工程完工影响，本年项目支出比上年减少45.00万元，下降18.75%。", "青禾路改造工程完工", "decrease", "prior_year"),
        ("由于石桥小学操场改造工程延期开工，故项目支出较年初预算减少60.00万元。", "石桥小学操场改造工程延期开工", "decrease", "initial_budget"),
        ("数量指标：道路修缮里程目标值为3公里，实际完成值为0，因项目尚处建设期，未到验收环节。", "项目尚处建设期，未到验收环节", "decrease", "target"),
    ],
    ids=["affected-by", "due-to-so", "performance-yin"],
)
def test_reason_before_figures_and_bare_yin(text, reason, direction, basis):
    e = _one(_run(text))
    assert (e.reason, e.statement.direction, e.statement.basis) == (reason, direction, basis)


def test_policy_paragraph_before_the_figures_is_the_reason():
    text = (
        "我局认真落实中央八项规定精神，严格执行《青禾区党政机关公务接待管理办法》，从严控制一般性支出。\n"
        "2024年公务接待费支出3.20万元，比上年减少1.10万元，下降25.58%。"
    )
    e = _one(_run(text))
    assert e.reason.startswith("我局认真落实中央八项规定精神")
    assert e.trigger == "" and set(e.flags) >= {"no_trigger", "reason_before_figures"}


def test_clause_after_the_figures_with_no_trigger_word():
    e = _one(_run("2025年度因公出国（境）费安排预算15.00万元，比2024年预算增加15.00万元，赴境外开展青禾茶叶经贸洽谈。"))
    assert e.reason == "赴境外开展青禾茶叶经贸洽谈" and "no_trigger" in e.flags
    assert e.statement.basis == "other"


# 5. Units: 元, 千元, 亿元 and 万 without 元 are read in 万元; a slip is a finding.


@pytest.mark.parametrize(
    "text, amount, change",
    [
        ("本年收入合计1,850,000元，比上年减少120,000元，主要原因是事业收入减少。", 185.0, 12.0),
        ("资本性支出120千元，比上年增加30千元，主要原因是购置执法记录仪40台。", 12.0, 3.0),
        ("本年支出合计28.5亿元，比上年增加1.2亿元，主要原因是新增专项债券项目。", 285000.0, 12000.0),
        ("一般公共预算收入8600万，比上年短收3534万，主要原因是部分企业缓缴税款。", 8600.0, 3534.0),
    ],
    ids=["yuan", "qianyuan", "yiyuan", "wan-without-yuan"],
)
def test_amounts_in_any_unit_are_read_in_wan(text, amount, change):
    s = _one(_run(text)).statement
    assert (s.amount, s.change) == (pytest.approx(amount), pytest.approx(change))


def test_an_impossible_unit_is_a_finding_not_a_guess():
    report = analyze("unit.txt", text="本年支出合计2.70元，比上年减少0.30万元，下降10.00%，主要原因是压减会议费。", model=None)
    e = _one(report)
    assert e.statement.amount == pytest.approx(0.00027)  # read as written
    assert [f.signal for f in report.findings if f.code == "JS502"] == ["slip"]


# 6. Reasons that run over 。, and reasons in brackets.


def test_reason_runs_over_a_full_stop():
    e = _one(_run("本年支出合计540.00万元，比上年增加40.00万元，主要原因是新招录人员5名。其人员经费相应增加，社保缴费基数随之提高。"))
    assert e.reason == "新招录人员5名。其人员经费相应增加，社保缴费基数随之提高"
    assert [c.text for c in e.causes] == ["新招录人员5名", "其人员经费相应增加，社保缴费基数随之提高"]


def test_reason_in_brackets_after_the_percentage():
    e = _one(_run("公务用车购置费28.60万元，同比增长45.2%（主要是县（区）执法执勤车辆更新）。"))
    assert (e.reason, e.trigger, e.statement.direction) == ("县（区）执法执勤车辆更新", "bracketed", "increase")


def test_the_next_step_is_not_part_of_the_reason():
    text = "三、偏离绩效目标的原因和下一步改进措施\n因由于工程尚未竣工验收，下一步将督促施工单位加快建设进度。"
    e = _one(_run(text))
    assert e.reason == "工程尚未竣工验收" and e.statement.basis == "target"


# 7. Slots with no real reason are reported, never counted as explained.


def _reported(report) -> set[str]:
    return {f.rule for f in report.findings if f.rule in ("missing", "restated", "non_explanation")}


def test_blank_slot_is_a_missing_reason():
    report = _run("本年收入合计300.00万元，比上年增加20.00万元，主要原因是：")
    assert report.explanations == []
    assert [m.flags for m in report.missing] == [["blank_slot"]]
    assert _reported(report) == {"missing"}


def test_heading_that_asks_for_a_reason_and_gets_none():
    report = _run("（三）偏离绩效目标原因及下一步改进举措\n\n（四）绩效自评结果应用及公开情况")
    assert report.explanations == [] and [m.flags for m in report.missing] == [["blank_slot"]]


@pytest.mark.parametrize(
    "text, rule",
    [
        ("本年收入合计300.00万元，比上年增加20.00万元，主要原因是和上年一致，无增减变化。", "non_explanation"),
        ("本年支出合计320.00万元，比上年增加20.00万元，原因同上。", "non_explanation"),
        ("本年支出合计384.60万元，比上年减少61.80万元，下降13.84%，主要原因是本年基本支出增加5.40万元、项目支出减少67.20万元。", "restated"),
        ("一般公共服务支出150.00万元，比上年增加12.00万元，增长8.70%，主要用于机关日常运转。", "missing"),
    ],
    ids=["no-change", "same-as-above", "components-restated", "purpose-clause"],
)
def test_slots_with_no_real_reason_are_reported(text, rule):
    assert rule in _reported(_run(text))


def test_same_as_above_is_flagged():
    e = _one(_run("本年支出合计320.00万元，比上年增加20.00万元，原因同上。"))
    assert e.reason == "原因同上" and "same_as_above" in e.flags


# 8. Enumerations past ten.


def test_enumeration_past_ten_stays_one_reason():
    items = "一二三四五六七八九十"
    numerals = [*items, "十一", "十二"]
    reason = "".join(f"{n}是青禾第{k}号项目完工。" for k, n in enumerate(numerals, 1))
    e = _one(_run(f"本年支出合计900.00万元，比上年减少120.00万元，主要原因：{reason}"))
    assert len(e.causes) == 12
    assert e.causes[-1].text == "青禾第12号项目完工"


# Recall first: a strong trigger keeps its reason when the statement cannot be read.


def test_unparsed_statement_keeps_the_reason():
    report = _run("“三公”经费明显减少的主要原因，是各单位严格执行过紧日子要求，暂停出访团组2个。")
    e = _one(report)
    assert e.reason == "各单位严格执行过紧日子要求，暂停出访团组2个"
    assert "statement_unparsed" in e.flags
    assert (e.statement.item, e.statement.direction, e.statement.amount) == ("“三公”经费", "decrease", None)
    d = report.to_dict()["explanations"][0]
    assert d["trigger"] == "direction_reason" and d["amount"] is None and d["flags"] == ["statement_unparsed"]
    json.dumps(report.to_dict(), ensure_ascii=False)


def test_a_reason_for_no_change_at_all_is_not_an_explanation():
    # A discrepancy of counts, not a change of money: no explanation, no gap.
    report = _run("国有资产占用情况中固定资产车辆12辆，与公务用车保有量差异原因是：部分车辆尚未完成资产划拨。")
    assert report.explanations == [] and report.missing == []


def test_two_changes_in_one_sentence_each_with_its_reason_and_no_full_stop():
    text = "本年收入合计520万元，比上年增加40万元，主要原因是新增防汛补助，本年支出合计500万元，比上年增加35万元，主要原因是防汛物资采购增加"
    report = _run(text)
    assert [(e.statement.item, e.reason) for e in report.explanations] == [("本年收入", "新增防汛补助"), ("本年支出", "防汛物资采购增加")]
