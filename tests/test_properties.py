"""Property-based tests (hypothesis) of the text repair, the change-statement
parser, the explanation finder and the cause splitter: on any input, no
exception, every offset inside the text, and repair idempotent on its own
output.

Inputs are drawn from two sources mixed: arbitrary Unicode, and the words,
figures, punctuation and layout of the reports (比上年, 增加, 万元, 主要原因是,
一、, tabs, line breaks, full-width forms, ...), so that the parser's
paths are reached, not only its refusals. Hypothesis shrinks a failure to
a minimal input, printed with the failure.
"""
from __future__ import annotations

import json

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from nlp import InputError, analyze  # noqa: E402
from nlp.explanations import find_explanations  # noqa: E402
from nlp.reasons import split_causes  # noqa: E402
from nlp.repair import repair  # noqa: E402
from nlp.statements import find_cues, parse_statement  # noqa: E402

TOKENS = [
    "比上年", "较上年", "与上年相比", "同比", "比2023年度", "年初预算", "全年预算", "调整预算", "决算数", "支出决算为", "预算为",
    "增加", "减少", "增长", "下降", "持平", "基本持平", "大于", "小于", "完成年初预算的", "差异率",
    "万元", "元", "亿元", "%", "XX", "××",
    "主要原因是", "主要原因：", "原因：", "原因是", "增加的主要原因是", "决算数小于预算数的主要原因",
    "一是", "二是", "一、", "二、", "（一）", "（二）", "1.", "2、", "(1)", "①", "②", "首先", "其次", "第一部分",
    "其中：", "其中", "主要用于", "（如持平作持平表述）", "项目名称", "偏差原因分析及改进措施", "总分",
    "，", "。", "；", "：", ",", ".", ";", ":", "(", ")", "（", "）", "、", "“", "”", "《", "》",
    " ", "\u3000", "\t", "\n", "\n\n", "\r\n", "\u00a0", "\u200b", "\ufeff", "**",
    "0", "1", "12", "3.5", "1,234.56", "１２３", "-3", "100", "2024年度",
    "公务接待费", "一般公共服务支出（类）", "行政运行（项）", "人员", "新录用公务员2名", "工作需要", "的",
]

report_text = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=4)), max_size=60).map("".join)
any_text = st.one_of(report_text, st.text(max_size=300))
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _total(pages: list[str]) -> int:
    return sum(len(p) for p in pages) + max(0, len(pages) - 1)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_text, min_size=1, max_size=4))
def test_repair_maps_every_character_back_into_the_input(pages):
    r = repair(pages, paged=len(pages) > 1)
    assert len(r.origin) == len(r.text)
    total = _total(pages)
    assert all(0 <= o < total for o in r.origin)
    for a in range(0, len(r.text) + 1, max(1, len(r.text) // 7)):
        loc = r.locate(a, min(len(r.text), a + 5))
        if r.paged:
            # A span may run on past its page's end (across a page break): the
            # offsets count from the start of the page the span starts on.
            assert 1 <= loc.page <= len(pages)
            assert 0 <= loc.start <= len(pages[loc.page - 1])
            assert loc.start <= loc.end <= total - r.page_starts[loc.page - 1] + 1
        else:
            assert 0 <= loc.start <= loc.end <= total + 1


@SETTINGS
@given(any_text)
@example("（\n")
@example("1,000,000 元")
@example("主要原\n\n因是")
@example("(,册)")  # found by the fuzzer: -> "（,册）" -> "（，册）"
@example("(" + "a" * 40 + "中" + " " * 5 + "，" + "b" * 36 + ")")  # fuzzer: spaces removed bring the pair within reach
@example("(中\n文)")  # a line joined closes a bracket pair
@example(":\t比上年")  # a half-width colon: the tab was a table's on the first pass, a space on the second
def test_repair_is_idempotent(text):
    once = repair([text], paged=False).text
    assert repair([once], paged=False).text == once


@SETTINGS
@given(any_text, st.data())
def test_parse_statement_any_span(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    hint = data.draw(st.sampled_from(["", "主要原因是", "决算数小于预算数的主要原因", "减少的主要原因", "大于全年预算的原因"]))
    s = parse_statement(text, start, end, hint, data.draw(st.booleans()))
    if s is not None:
        assert (s.start, s.end) == (start, end)
        assert 0 <= s.start <= s.end <= len(text)
        assert s.text == text[start:end].strip()
        assert s.item in text[start:end]
        assert s.basis in ("prior_year", "initial_budget", "full_year_budget", "target", "other")
        assert s.direction in ("increase", "decrease", "none", None)
        for v in (s.amount, s.compare_amount, s.change, s.change_pct, s.completion_pct):
            assert v is None or v == v  # no NaN


@SETTINGS
@given(any_text)
def test_find_cues_and_explanations_stay_inside_the_text(text):
    for m in find_cues(text):
        assert 0 <= m.start() <= m.end() <= len(text)
    found, gaps = find_explanations(text)
    for f in found:
        assert 0 <= f.statement.start <= f.statement.end <= len(text)
        assert 0 <= f.reason_start < f.reason_end <= len(text)
        assert f.start <= f.end and not (f.statement.start < f.reason_start < f.statement.end)
        for a, b in f.causes:
            assert f.reason_start <= a < b <= f.reason_end
    for g in gaps:
        assert 0 <= g.statement.start <= g.statement.end <= len(text)


@SETTINGS
@given(any_text)
@example("一、二、")
@example("1.2.3.")
def test_split_causes_gives_non_empty_parts_of_the_reason(reason):
    text = "主要原因是" + reason
    for a, b in split_causes(text, 5, len(text)):
        assert 5 <= a < b <= len(text)
        assert text[a:b].strip()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_text, min_size=1, max_size=3))
def test_analyze_any_text(pages):
    text = "\n".join(pages)
    try:
        report = analyze("property.txt", text=text, model=None)
    except InputError as e:
        assert "\n" not in str(e)
        return
    n = len(report.repaired.text)
    for e in report.explanations:
        assert 0 <= e.span[0] <= e.span[1] <= n
        assert 0 <= e.location.start <= e.location.end <= len(text) + 1
    for m in report.missing:
        assert 0 <= m.statement.start <= m.statement.end <= n
    json.dumps(report.to_dict(), ensure_ascii=False)
