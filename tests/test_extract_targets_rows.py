"""Performance indicators as reports write them: a target and an actual under
many names, and deviation reasons in rows given with bars or without their
header. Every sentence is invented."""
import pytest

from nlp import analyze

REASON = "部分设备采购延至下年"


def reasons(text: str) -> list[tuple[str, object]]:
    report = analyze("r.txt", text=text, model=None)
    return [(e.reason, e.statement) for e in report.explanations if e.reason]


@pytest.mark.parametrize("stated", [
    "设备采购数量年度目标20台，实际完成12台，完成率60%",
    "设备采购数量计划数20台，实际完成数12台",
    "设备采购数量年度指标值为20台，实际达到12台",
    "设备采购数量预期值20台，实际值12台",
    "设备采购数量目标值20台，实际完成值12台",  # the form known before
])
@pytest.mark.parametrize("trigger", ["，主要是", "，主要原因是", "，原因为"])
def test_a_target_and_an_actual_under_other_names(stated, trigger):
    ((reason, statement),) = reasons(stated + trigger + REASON + "。")
    assert reason == REASON
    assert statement.basis == "target" and statement.direction == "decrease"


def test_a_target_word_without_figures_states_no_target():
    """"完成年度目标" names no figures: it is no performance statement."""
    assert reasons("全面完成年度目标，主要是" + REASON + "。") == []


HEADER = "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施\n"


def test_a_row_given_with_bars_is_a_row():
    ((reason, _),) = reasons(HEADER + f"产出指标 | 数量指标 | 设备采购数量 | 20台 | 12台 | 8 | 5 | {REASON}")
    assert reason == REASON


def test_a_barred_row_is_quoted_in_its_own_script():
    report = analyze("r.txt", text=HEADER + "產出指標 ｜ 數量指標 ｜ 設備採購數量 ｜ 20臺 ｜ 12臺 ｜ 8 ｜ 5 ｜ 部分設備採購延至下年", model=None)
    (e,) = report.explanations
    assert e.reason == "部分設備採購延至下年" and e.location.line == 2


@pytest.mark.parametrize("sep", ["\t", " | "])
def test_a_row_without_its_header_is_read_when_plainly_one(sep):
    row = sep.join(["产出指标", "数量指标", "设备采购数量", "20台", "12台", "8", "5", REASON])
    ((reason, _),) = reasons(row)
    assert reason == REASON


@pytest.mark.parametrize("row", [
    "年度资金总额\t100.00\t100.00\t62.50\t10\t62.5%\t6.25\t" + REASON,  # a funds row: figures after the pair
    "2010101\t行政运行\t100.00\t80.00\t20.00\t" + REASON,  # a statement's row with a note
    "总额\t0\t5.72\t5.72\t100%\t10.00\t10.00\t执行率低于90%的应说明原因",  # no indicator in words
    "产出指标\t数量指标\t设备采购数量\t达标\t达标\t8\t8\t无",  # no reason given
])
def test_what_is_not_plainly_a_row_gives_no_reason(row):
    assert reasons(row) == []


def test_bars_in_a_sentence_are_left_alone():
    text = "第1页 | 共3页\n公用经费较上年增加5万元，主要是办公楼维修。"
    assert [r for r, _ in reasons(text)] == ["办公楼维修"]


@pytest.mark.parametrize("stated", [
    "设备采购数量指标值20台，实际完成12台",
    "项目预算执行率62.5%",
    "全年预算数100万元，执行数62.5万元，执行率62.5%",
    "年初预算100万元，决算62.5万元",
    "本年支出决算62.5万元，为年初预算的62.5%",
    "本年支出决算62.5万元，与年初预算相比减少37.5万元",
])
def test_after_a_budget_or_a_target_the_clause_after_the_figures_is_why(stated):
    """With no trigger word, what follows a shortfall against a budget or a
    target in its sentence says why, whatever its words."""
    report = analyze("r.txt", text=stated + "，" + REASON + "。", model=None)
    (e,) = report.explanations
    assert e.reason == REASON and "no_trigger" in e.flags and not report.missing


@pytest.mark.parametrize("after", ["其中基本支出40万元", "详见附表3", "占总支出的12%"])
def test_after_a_budget_what_only_goes_on_with_the_figures_is_no_reason(after):
    report = analyze("r.txt", text="年初预算100万元，决算62.5万元，" + after + "。", model=None)
    assert [e.reason for e in report.explanations] == [] and report.missing


# ------------------------------------------------------------ change tables

CHANGE_HEADER = "项目\t2023年决算数（万元）\t2024年决算数（万元）\t增减额\t增减率\t增减原因\n"


@pytest.mark.parametrize("table", [
    CHANGE_HEADER + "公用经费\t172.79\t147.91\t-24.88\t-14.4%\t" + REASON,
    CHANGE_HEADER.replace("\t", " | ") + " | ".join(["公用经费", "172.79", "147.91", "-24.88", "-14.4%", REASON]),
    # the later year first, no change columns: the two years say which is this year's
    "项目\t2024年\t2023年\t变动原因\n公用经费\t147.91\t172.79\t" + REASON,
])
def test_a_change_tables_reason_column_explains_its_row(table):
    report = analyze("r.txt", text=table, model=None)
    (e,) = report.explanations
    s = e.statement
    assert (e.reason, e.trigger, e.flags) == (REASON, "reason_column", ["no_trigger"])
    assert (s.item, s.direction, s.basis, s.amount, s.compare_amount) == ("公用经费", "decrease", "prior_year", 147.91, 172.79)


def test_a_change_table_against_the_budget_has_that_basis():
    table = "项目\t年初预算数\t决算数\t差异原因\n培训费\t12.00\t8.50\t" + REASON
    (e,) = analyze("r.txt", text=table, model=None).explanations
    assert (e.statement.basis, e.statement.direction, e.reason) == ("initial_budget", "decrease", REASON)


@pytest.mark.parametrize("table", [
    CHANGE_HEADER + "合计\t172.79\t147.91\t-24.88\t-14.4%\t",  # no reason given
    CHANGE_HEADER + "公用经费\t172.79\t147.91\t-24.88\t-14.4%\t无",
    "项目\t2023年决算数\t2024年决算数\t增减额\n公用经费\t172.79\t147.91\t-24.88",  # no reason column
    "姓名\t原因\n张三\t病假两天",  # no figures in the header
])
def test_what_gives_no_reason_in_a_change_table(table):
    assert reasons(table) == []
