"""JS509 unit_name, JS510 structure_shares and JS511 rounding, on the invented
report of tests/fixtures/rules/statements_report.py and its near misses."""
import pytest

from nlp import analyze
from nlp.config import Settings
from tests.fixtures.rules.notes_report import with_classes
from tests.fixtures.rules.statements_report import report

HEADER = "第二部分 示例局2024年度部门决算表\n"


def analysed(tmp_path, text):
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    return analyze(str(path), model=None, settings=Settings())


def findings(tmp_path, text, code):
    return [f for f in analysed(tmp_path, text).findings if f.code == code]


def named(name: str, header: str, extra: str = "") -> str:
    """The report under the unit `name`, its statements headed by `header`."""
    text = report().replace(HEADER, f"第二部分 {header}2024年度部门决算表\n").replace("示例局2024", f"{name}2024")
    return text.replace("第三部分", extra + "第三部分", 1)


# ---------------------------------------------------------------- JS509


def test_a_placeholder_in_a_statement_header_is_another_unit(tmp_path):
    (finding,) = findings(tmp_path, named("上海市普陀区财政局", "上海市普陀区XX局"), "JS509")
    assert finding.severity == "warning" and finding.location.line == 19
    assert finding.message == ("收入支出决算总表的表头（第19行）写“上海市普陀区XX局”，是未填写的占位名称：本报告单位为“上海市普陀区财政局”")
    assert "placeholder" in finding.message_en


@pytest.mark.parametrize("header, why", [
    ("上海市规划和自然资源局", "另一地区或另一级"),  # the city's bureau above a district's statements
    ("上海市普陀区民政局", "另一单位"),
])
def test_another_units_name_in_a_header(tmp_path, header, why):
    (finding,) = findings(tmp_path, named("上海市普陀区规划和自然资源局", header), "JS509")
    assert f"写“{header}”，是{why}" in finding.message


@pytest.mark.parametrize("header, extra", [
    ("普陀区规划和自然资源局", ""),  # a short form
    ("区规划和自然资源局", ""),
    ("上海市普陀区规划和自然资源局（本级）", ""),  # a note in brackets
    ("上海市普陀区规划与自然资源局", ""),  # a slip of a character
    ("上海市普陀区规划和自然资源局执法大队", ""),  # a unit named after the department
    ("上海市普陀区土地发展中心", "纳入上海市普陀区规划和自然资源局2024年度部门决算编制范围的单位包括：1.上海市普陀区土地发展中心\n"),
])
def test_what_legitimately_differs_passes(tmp_path, header, extra):
    assert findings(tmp_path, named("上海市普陀区规划和自然资源局", header, extra), "JS509") == []


def test_a_sentence_that_opens_with_another_unit(tmp_path):
    text = named("上海市普陀区财政局", "上海市普陀区财政局").replace("上海市普陀区财政局2024年度财政拨款", "上海市普陀区民政局2024年度财政拨款")
    (finding,) = findings(tmp_path, text, "JS509")
    assert finding.message.startswith("正文（第11行）写“上海市普陀区民政局”")


def test_a_sentence_about_another_unit_is_not_a_name_for_the_report(tmp_path):
    text = named("上海市普陀区财政局", "上海市普陀区财政局").replace(
        "二、收入决算情况说明\n", "二、收入决算情况说明\n上海市财政局2024年度追加下达补助资金。\n")
    assert findings(tmp_path, text, "JS509") == []


def test_a_template_named_by_its_placeholder_throughout_is_left_to_js701(tmp_path):
    assert findings(tmp_path, named("上海市XX局", "上海市XX局"), "JS509") == []


# ---------------------------------------------------------------- JS510


def test_a_share_the_cells_do_not_give(tmp_path):
    (finding,) = findings(tmp_path, with_classes("90.00"), "JS510")
    assert finding.severity == "error" and finding.location.line == 13
    assert finding.message == ("正文（第13行）“一般公共服务支出（类）100.00万元，占90.00%”与报表不符：一般公共预算财政拨款支出决算表"
                               "第2行“201 一般公共服务支出”“合计”列（文件第57行） 100.00 占一般公共预算财政拨款支出决算表第6行“合计”“合计”列（文件第61行） "
                               "100.00 的 100.00%，相差 10.00 个百分点")


@pytest.mark.parametrize("pct, fires", [("100.00", False), ("99.98", False), ("99.96", True), ("100", False), ("98", False), ("97", True)])
def test_a_share_within_its_precision_passes(tmp_path, pct, fires):
    assert bool(findings(tmp_path, with_classes(pct), "JS510")) is fires


@pytest.mark.parametrize("gap", ["", " ", "  ", "\u3000"])
def test_a_share_is_read_back_from_its_figure_over_spaces(tmp_path, gap):
    """The part's name is read backwards from its figure, over the spaces
    between (a text repaired by nlp.repair has none; another caller's may)."""
    from nlp.accounts.shares import stated_shares

    result = analysed(tmp_path, with_classes("90.00"))
    sentence = f"一般公共预算财政拨款支出100.00万元，主要用于以下方面：一般公共服务支出（类）{gap}100.00万元，占90.00%。"
    (share,) = stated_shares(sentence, result.tables)
    assert (share.label, share.whole_label, share.stated, share.amount) == ("一般公共服务支出（类）", "一般公共预算财政拨款支出", 90.0, 100.0)
    assert sentence[share.start : share.end] == f"一般公共服务支出（类）{gap}100.00万元，占90.00%"
    assert sentence[share.amount_at :].startswith("100.00万元，占90.00%")


def test_a_share_js501_reports_is_not_reported_again(tmp_path):
    result = analysed(tmp_path, report().replace("基本支出80.00万元，占80.00%", "基本支出80.00万元，占82.00%"))
    assert [f.code for f in result.findings if f.code in ("JS501", "JS510")] == ["JS501"]


def test_a_share_whose_figure_js505_reports_is_not_reported_again(tmp_path):
    text = report(change=("\t合计\t100.00\t80.00\t20.00", "\t合计\t100.00\t70.00\t30.00"))
    codes = [f.code for f in analysed(tmp_path, text).findings]
    assert "JS505" in codes and "JS510" not in codes


# ---------------------------------------------------------------- JS511


def test_a_narrative_figure_a_cent_off_is_rounding_and_costs_nothing(tmp_path):
    result = analysed(tmp_path, report(total="110.01"))
    (finding,) = [f for f in result.findings if f.code == "JS511"]
    assert finding.severity == "info" and finding.penalty == 0.0
    assert finding.message == "正文（第5行）“收入支出总计110.01万元”与收入支出决算总表第5行“总计”“决算数”列（文件第26行）所列 110.00 仅在四舍五入范围内相符，尾差 0.01 万元"
    assert result.score == analysed(tmp_path, report()).score
    assert not [f for f in result.findings if f.code == "JS505"]


@pytest.mark.parametrize("total, code", [("约100", "JS511"), ("110.0", None), ("109.96", "JS505"), ("109", "JS505")])
def test_a_figure_is_compared_at_its_stated_precision(tmp_path, total, code):
    codes = {f.code for f in analysed(tmp_path, report(total=total)).findings} & {"JS505", "JS511"}
    assert codes == ({code} if code else set())


def test_a_total_a_cent_off_its_parts_is_rounding_not_an_error(tmp_path):
    text = report(change=("2010607\t信息化建设\t20.00\t\t20.00", "2010607\t信息化建设\t20.01\t\t20.00"))
    result = analysed(tmp_path, text)
    notes = [f.message for f in result.findings if f.code == "JS511"]
    assert [f for f in result.findings if f.code == "JS506"] == []
    assert any(m.startswith("支出决算表第4行“20106 财政事务”“本年支出合计”列（文件第42行）为 100.00，下级科目（2010601、2010607）之和为 100.01") for m in notes)


def test_a_cell_is_an_error_or_rounding_never_both(tmp_path):
    text = report(change=("2010607\t信息化建设\t20.00\t\t20.00", "2010607\t信息化建设\t20.05\t\t20.00"))
    result = analysed(tmp_path, text)
    cells = {code: {f.message.split("为")[0] for f in result.findings if f.code == code} for code in ("JS506", "JS511")}
    assert cells["JS506"] and not cells["JS506"] & cells["JS511"]


@pytest.mark.parametrize("total, code", [("110.01", "JS511"), ("109", "JS505")])
def test_a_figure_is_quoted_as_the_report_writes_it(tmp_path, total, code):
    """JS505 and JS511 quote the narrative in its own script, not as normalised."""
    text = report(total=total).replace(f"收入支出总计{total}万元", f"收入支出總計{total}萬元")
    (finding,) = [f for f in analysed(tmp_path, text).findings if f.code == code]
    assert f"“收入支出總計{total}萬元”" in finding.message
