"""Slots with no real reason are reported (issue 11, item 7), real reasons are not.

A reason slot that is blank, restates the figures, the components that moved
or the item, points back (原因同上), says nothing changed, gives what the money
is for or what it holds, or is a template placeholder, is reported: the change
is `missing`, or the explanation draws JS202 restated / JS203 non_explanation.
Every form is tried after each trigger form; forms that read as a reason are
also tried before the figures. Every sentence is invented.
"""
from __future__ import annotations

import pytest

from nlp import analyze

NO_REASON_RULES = {"missing", "restated", "non_explanation"}

TOTAL = "2024年度支出决算合计500.00万元，比上年决算增加50.00万元，增长11.11%"
INCOME = "2024年度收入决算合计500.00万元，比上年决算增加50.00万元，增长11.11%"
OFFICE = "办公费支出决算12.00万元，比上年决算增加6.00万元，增长100.00%"

TRIGGERS = ["主要原因是", "主要原因是：", "主要原因：", "原因是", "原因为", "主要是", "主要系", "增加的主要原因是", "变动的主要原因是："]

# (form, statement, what stands in the reason slot)
NO_REASON = [
    ("blank", TOTAL, ""),
    ("figures of the components", INCOME, "一般公共预算财政拨款收入增加42.00万元、事业收入增加8.00万元"),
    ("a line of the economic classification", TOTAL, "工资福利支出增加"),
    ("two kinds of spending", TOTAL, "基本支出和项目支出均有所增加"),
    ("the change itself", TOTAL, "支出增加"),
    ("the item", OFFICE, "办公费增加"),
    ("pointing back", TOTAL, "原因同上"),
    ("nothing changed", TOTAL, "与上年持平无增减变化"),
    ("purpose", TOTAL, "主要用于机关日常运转和业务工作"),
    ("use", TOTAL, "用于保障机关正常运转"),
    ("contents", TOTAL, "包括基本支出和项目支出"),
    ("placeholder XX", TOTAL, "XX"),
    ("placeholder 增加（减少）", TOTAL, "增加（减少）"),
    ("placeholder with 占 %", TOTAL, "XX项目支出增加，占 %"),
]
# Real reasons that mention an item or a line of the accounts.
REASONS = [
    ("people behind the pay", TOTAL, "人员增加导致工资福利支出增加"),
    ("a new project, still a placeholder name", TOTAL, "新增XX项目支出"),
    ("a named project", TOTAL, "新增社区养老服务站运营项目"),
    ("a named project's spending", TOTAL, "青禾路改造项目支出增加"),
    ("retirements", TOTAL, "退休人员增加3人"),
    ("contents that name a driver", TOTAL, "包括新增青禾镇污水管网维护项目"),
]


# Before the figures ("由于…，…增加"): every form that reads as a reason.
NO_REASON_BEFORE = [f for f in NO_REASON if f[2] and f[0] != "pointing back"]
# "由于人员增加导致工资福利支出增加，…" is read with its item cut at 导致.
REASONS_BEFORE = [f for f in REASONS if "导致" not in f[2]]


def reported(text: str) -> bool:
    report = analyze("invented", text=text, model=None)
    return bool(report.missing) or any(f.rule in NO_REASON_RULES for f in report.findings)


def _after(statement: str, trigger: str, slot: str) -> str:
    return f"{statement}，{trigger}{slot}。"


@pytest.mark.parametrize("trigger", TRIGGERS)
@pytest.mark.parametrize(("form", "statement", "slot"), NO_REASON, ids=[f[0] for f in NO_REASON])
def test_a_slot_with_no_real_reason_is_reported(form, statement, slot, trigger):
    assert reported(_after(statement, trigger, slot))


@pytest.mark.parametrize(("form", "statement", "slot"), NO_REASON_BEFORE, ids=[f[0] for f in NO_REASON_BEFORE])
def test_a_restatement_before_the_figures_is_reported(form, statement, slot):
    assert reported(f"由于{slot}，{statement}。")


@pytest.mark.parametrize("trigger", TRIGGERS)
@pytest.mark.parametrize(("form", "statement", "slot"), REASONS, ids=[f[0] for f in REASONS])
def test_a_real_reason_that_names_an_item_is_not_reported(form, statement, slot, trigger):
    assert not reported(_after(statement, trigger, slot))


@pytest.mark.parametrize(("form", "statement", "slot"), REASONS_BEFORE, ids=[f[0] for f in REASONS_BEFORE])
def test_a_real_reason_before_the_figures_is_not_a_repeat_of_itself(form, statement, slot):
    assert not reported(f"由于{slot}，{statement}。")


def test_a_placeholder_reason_is_called_a_placeholder_not_a_restatement():
    report = analyze("r.txt", text=f"{OFFICE}，主要原因是：XXXXXXXX。", model=None)
    (finding,) = [f for f in report.findings if f.rule == "restated"]
    assert finding.message == "办公费的原因栏只有模板占位符，未写原因：“XXXXXXXX”"


@pytest.mark.parametrize("slot", ["", "……", "⋯⋯", "无"])
def test_a_blank_or_an_ellipsis_left_in_the_slot_is_a_blank_slot(slot):
    report = analyze("r.txt", text=f"{TOTAL}，增加的主要原因是{slot}。", model=None)
    assert [e.reason for e in report.explanations] == []
    assert [m.flags for m in report.missing] == [["blank_slot"]]
