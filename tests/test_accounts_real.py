"""The statements of the five real PDFs (../shared/real_pdfs; skipped where
absent): each standard table read with its totals, and what the figures
rules find: the planted errors of the 测试问题版本 copy, the 0.3 万元 slip of
its clean twin, and nothing else but what is listed here with its reason."""
import pytest

from nlp import analyze
from nlp.config import Settings
from tests.goldmatch import SHARED

PDF_DIR = SHARED / "real_pdfs"
pytestmark = pytest.mark.skipif(not PDF_DIR.exists(), reason="../shared/real_pdfs is not here")

PLANTED = "24年普陀区财政局（测试问题版本）.pdf"
CLEAN = "上海市普陀区财政局2024年度部门决算.pdf"
PLANNING = "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"
SOCIAL = "中共上海市普陀区委社会工作部 2024 年度部门决算.pdf"
TEMPLATE = "附件2：部门决算模板.pdf"
FIGURES_RULES = ("JS504", "JS505", "JS506", "JS507")


@pytest.fixture(scope="module")
def reports():
    return {name: analyze(PDF_DIR / name, model=None, settings=Settings()) for name in (PLANTED, CLEAN, PLANNING, SOCIAL, TEMPLATE)}


# form: (row, side, column words), and per PDF (pages, the total); None: blank (an empty table)
# (the 财政局 PDF's 财政拨款收入支出决算总表 runs onto page 14 with one empty row)
TOTALS = {
    "summary": (("^总计$", 0, ()), {CLEAN: ([6, 7], 2995.39), PLANTED: ([7], 2995.39), PLANNING: ([7], 9859.38),
                                   SOCIAL: ([5], 307.82), TEMPLATE: ([5], None)}),
    "income": (("^合计$", None, ("本年收入合计",)), {CLEAN: ([8, 9], 2946.25), PLANTED: ([8, 9], 2946.25),
                                                PLANNING: ([8, 9], 9746.50), SOCIAL: ([6, 7], 307.82), TEMPLATE: ([6], None)}),
    "expenditure": (("^合计$", None, ("本年支出合计",)), {CLEAN: ([10, 11], 2940.05), PLANNING: ([10, 11], 9759.38),
                                                     SOCIAL: ([8, 9], 307.82), TEMPLATE: ([7], None)}),
    "appropriation_summary": (("^总计$", 0, ()), {CLEAN: ([12, 13, 14], 2961.68), PLANTED: ([10, 11], 2961.68),
                                                 PLANNING: ([12, 13], 9746.50), SOCIAL: ([10, 11], 307.82),
                                                 TEMPLATE: ([8, 9], None)}),
    "general_expenditure": (("^合计$", None, ("合计",)), {CLEAN: ([15], 2940.05), PLANTED: ([12], 2940.05),
                                                      PLANNING: ([14, 15], 9746.50), SOCIAL: ([12], 307.82),
                                                      TEMPLATE: ([10], None)}),
    "basic_expenditure": (("^人员经费合计$", 0, ()), {CLEAN: ([16, 17], 2152.26), PLANTED: ([13, 14], 2152.26),
                                                   PLANNING: ([16], 4884.09), SOCIAL: ([13], 95.36), TEMPLATE: ([11], None)}),
    "three_public": (("", None, ("合计", "预算")), {CLEAN: ([18], 0.95), PLANTED: ([15], None), PLANNING: ([17], 2.85),
                                                 SOCIAL: ([14], None), TEMPLATE: ([12], None)}),
    "government_fund": (("^合计$", None, ("本年收入",)), {CLEAN: ([19], None), PLANTED: ([16], None), PLANNING: ([18], None),
                                                     SOCIAL: ([15], None), TEMPLATE: ([13], None)}),
    "state_capital": (("^合计$", None, ("本年收入",)), {CLEAN: ([20], None), PLANTED: ([17], None), PLANNING: ([19], None),
                                                   SOCIAL: ([16], None), TEMPLATE: ([14], None)}),
}


@pytest.mark.parametrize("form", list(TOTALS))
def test_each_standard_table_is_read_with_its_total(reports, form):
    (pattern, side, words), expected = TOTALS[form]
    for name, report in reports.items():
        found = [t for t in report.tables if t.form == form]
        if name not in expected:
            assert found == [], f"{name}: {form} is not in it"
            continue
        pages, total = expected[name]
        (statement,) = found
        assert statement.pages == pages, name
        row = statement.find(pattern, side)
        value = None if row is None else row.values[statement.column(*words, side=side) if words else next(iter(row.values))]
        assert value == total, name


def test_the_other_side_of_a_summary_and_the_rows_of_a_table(reports):
    summary = next(t for t in reports[CLEAN].tables if t.form == "summary")
    assert summary.find("^总计$", side=1).values["支出/决算数"] == 2995.39
    assert summary.find("本年支出合计", side=1).values["支出/决算数"] == 2940.05
    expenditure = next(t for t in reports[CLEAN].tables if t.form == "expenditure")
    items = [r for r in expenditure.rows if r.level == 3]
    assert len(items) == 11 and items[0].code == "2010601" and items[-1].code == "2210203" and items[-1].page == 11
    assert sum(r.values["本年支出合计"] for r in items) == pytest.approx(2940.05, abs=0.011)  # the report rounds each item
    planning = next(t for t in reports[PLANNING].tables if t.form == "expenditure")
    assert planning.find("^行政运行$").code == "2120101"  # codes in one cell


def figures_findings(report):
    return [f for f in report.findings if f.code in FIGURES_RULES]


def test_the_planted_errors_are_found(reports):
    found = figures_findings(reports[PLANTED])
    messages = [f.message for f in found]
    assert len(messages) == 4, messages
    assert messages[0].startswith("缺少支出决算表：报告公开了其余 8 张标准决算报表，“收入决算表”之后没有这一张")
    # the emptied 三公 table, without the note the other empty tables of this report carry
    assert messages[1] == "财政拨款“三公”经费支出决算表（第15页）为空表，却没有空表说明（如“本部门无……，故本表无数据”）"
    total = found[2]
    assert f"“收入支出总计0万元”与收入支出决算总表第{total.cell.row}行“总计”“收入/决算数”列（第7页）所列 2,995.39 不符" in messages[2]
    assert "0.95" in messages[3] and "三公" in messages[3] and "空表" in messages[3]
    assert (total.location.page, total.location.line) == (18, 6)


def test_the_clean_twins_slip_is_found(reports):
    (finding,) = figures_findings(reports[CLEAN])
    assert finding.code == "JS505" and "“财政拨款收入支出总计0.3万元”" in finding.message and "2,961.68" in finding.message
    assert finding.location.page == 21


def test_on_the_others_only_what_is_wrong(reports):
    # 规划和自然资源局: section 六 states the 基本支出 and 人员经费 of all funds (5377.64 = the 支出决算表's
    # 基本支出; 4896.98) where its 一般公共预算财政拨款 tables say 5364.75 and 4884.09 (12.89 less, the
    # basic expenditure paid from other funds): the narrative names the wrong figure.
    planning = [f.message for f in figures_findings(reports[PLANNING])]
    assert len(planning) == 2 and "5,364.75" in planning[0] and "4,884.09" in planning[1]
    assert figures_findings(reports[SOCIAL]) == []
    # The template's tables are empty and its narrative states no figure: nothing to hold it to.
    assert figures_findings(reports[TEMPLATE]) == []
