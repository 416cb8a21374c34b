"""JS508 (a row's code against the national chart of accounts) and JS102 (a
项's budget-versus-actual gap the narrative never explains), through
`analyze` and the command line, on invented reports."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nlp import analyze
from nlp.config import Settings
from tests.fixtures.rules.budget_report import BUDGETED, UNEXPLAINED, budgeted
from tests.fixtures.rules.statements_report import report

REPO = Path(__file__).resolve().parent.parent


def findings(tmp_path, text, code, name="r.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return [f for f in analyze(str(path), model=None, settings=Settings()).findings if f.code == code]


def expenditure(*rows):
    """A report of one 支出决算表 with these (code, name) rows, 1.00 each."""
    lines = ["某局2024年度部门决算", "", "支出决算表", "单位：万元", "科目编码\t科目名称\t本年支出合计"]
    return "\n".join(lines + [f"{code}\t{name}\t1.00" for code, name in rows]) + "\n"


# ---------------------------------------------------------------- JS508


def test_the_statements_report_agrees_with_the_chart(tmp_path):
    assert findings(tmp_path, report(), "JS508") == []


def test_a_name_that_is_its_siblings_names_the_right_code(tmp_path):
    (finding,) = findings(tmp_path, expenditure(("2080505", "机关事业单位职业年金缴费支出")), "JS508")
    assert finding.message == ("支出决算表第2行“2080505 机关事业单位职业年金缴费支出”（文件第6行）科目编码 2080505 写作“机关事业单位职业年金缴费支出”，"
                               "按科目表应为 2080506（2080505 为“机关事业单位基本养老保险缴费支出”）")
    assert "which the chart of accounts numbers 2080506" in finding.message_en
    assert finding.severity == "warning" and finding.signal == "expenditure"
    assert (finding.cell.code, finding.cell.line) == ("2080505", 6)


def test_a_name_unlike_its_codes(tmp_path):
    (finding,) = findings(tmp_path, expenditure(("2101101", "离退休人员活动经费")), "JS508")
    assert finding.message.endswith("科目编码 2101101 写作“离退休人员活动经费”，而科目表中 2101101 为“行政单位医疗”")


@pytest.mark.parametrize("code, name", [
    ("2010601", "行 政 运 行"),  # spaces
    ("21002", "公立医院(款)"),  # a level marker, half-width brackets
    ("2100202", "中医(民族)医院"),
    ("2010608", "财政委托业务"),  # 支出 left off
    ("2080599", "其他行政事业单位养老"),
    ("2013899", "其他市场监督管理事务支出"),  # the chart has no 支出 here
    ("2080505", "机关事业单位基本养老保险缴"),  # a wrapped cell cut short
    ("2010688", "区级增设科目"),  # a code the chart does not have
    ("2013950", "事业运行"),
])
def test_wordings_of_the_same_name_pass(tmp_path, code, name):
    assert findings(tmp_path, expenditure(("201", "一般公共服务支出"), (code, name)), "JS508") == []


def test_the_economic_classification_of_the_basic_table(tmp_path):
    text = report(change=("30101\t基本工资", "30101\t职业年金缴费"))
    (finding,) = findings(tmp_path, text, "JS508")
    assert "一般公共预算财政拨款基本支出决算表" in finding.message and "按科目表应为 30109" in finding.message


def test_a_row_repeated_in_three_tables_is_one_finding(tmp_path):
    text = report().replace("2010607\t信息化建设", "2010602\t信息化建设")
    (finding,) = findings(tmp_path, text, "JS508")
    assert finding.message.startswith("收入决算表第6行“2010602 信息化建设”") and finding.message.endswith("；另有 2 张报表重复该行")


# ---------------------------------------------------------------- JS102


def test_a_gap_the_narrative_explains_passes(tmp_path):
    assert findings(tmp_path, budgeted(), "JS102") == []


def test_an_unexplained_gap_cites_its_row_and_columns(tmp_path):
    (finding,) = findings(tmp_path, budgeted(UNEXPLAINED), "JS102")
    assert finding.message == ("一般公共预算财政拨款支出决算表第6行“2010607 信息化建设”“决算数/合计”列（文件第60行）为 20.00，“年初预算数”列为 25.00，"
                               "相差 5.00 万元；正文未对照预算说明该项（2010607 信息化建设）")
    assert finding.severity == "warning" and "never explains against the budget" in finding.message_en


ITEM = "1.一般公共服务支出（类）财政事务（款）行政运行（项）。"
SENTENCE = ITEM + "年初预算为85.00万元，支出决算为80.00万元，决算数小于预算数的主要原"


@pytest.mark.parametrize("old, new, fires", [
    (ITEM, "1.财政事务（款）行政运行（项）。", False),  # 款 and 项
    (ITEM, "1.行政运行（2010601）。", False),  # its code
    (ITEM, "1.一般公共服务支出（类）财政事务（款）信息化建设（项）。", True),  # another 项
    (SENTENCE, ITEM[:-1] + "支出80.00万元，比上年减少5.00万元，下降5.88%。原", True),  # against last year
])
def test_how_the_narrative_names_the_item(tmp_path, old, new, fires):
    hits = findings(tmp_path, budgeted(narrative=[(old, new)]), "JS102")
    assert bool(hits) is fires and all("行政运行" in f.message for f in hits)


@pytest.mark.parametrize("budget, fires", [("80.01", False), ("79.99", False), ("80.02", True)])
def test_a_cent_is_rounding(tmp_path, budget, fires):
    table = BUDGETED.replace("行政运行\t85.00", f"行政运行\t{budget}")
    hits = findings(tmp_path, budgeted(table, narrative=[(ITEM, "1.")]), "JS102")
    assert bool(hits) is fires


def test_statements_without_budget_columns_give_nothing(tmp_path):
    text = report().replace("1.一般公共服务支出（类）财政事务（款）行政运行（项）。", "1.")
    assert findings(tmp_path, text, "JS102") == []


def test_min_gap_in_juesuan_toml(tmp_path):
    (tmp_path / "r.txt").write_text(budgeted(UNEXPLAINED), encoding="utf-8")

    def codes(settings):
        (tmp_path / "juesuan.toml").write_text(settings, encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CONFIG_HOME": str(tmp_path / "home")}
        done = subprocess.run([sys.executable, "-m", "nlp", "score", "r.txt", "--format", "json", "--all"],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        return [f["code"] for f in json.loads(done.stdout)["findings"]]

    assert "JS102" in codes("[budget_gap_unexplained]\nmin_gap = 4.99\n")
    assert "JS102" not in codes("[budget_gap_unexplained]\nmin_gap = 5.0\n")


def test_a_workbook_of_budgeted_statements(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in [["一般公共预算财政拨款支出决算表"], ["单位：万元"],
                ["科目编码", "科目名称", "年初预算数", "调整预算数", "决算数"],
                ["201", "一般公共服务支出", 105.0, 105.0, 100.0], ["20106", "财政事务", 105.0, 105.0, 100.0],
                ["2010601", "行政运行", 85.0, 85.0, 80.0], ["2010607", "信息化建设", 20.0, 20.0, 20.0],
                [None, "合计", 105.0, 105.0, 100.0]]:
        sheet.append(row)
    book.save(str(tmp_path / "某局.xlsx"))
    (tmp_path / "某局.txt").write_text("某局2024年度部门决算\n本年支出合计100.00万元。\n", encoding="utf-8")
    report_ = analyze(str(tmp_path / "某局.txt"), model=None, settings=Settings())
    (finding,) = [f for f in report_.findings if f.code == "JS102"]
    assert finding.message.startswith("一般公共预算财政拨款支出决算表第4行“2010601 行政运行”“决算数”列（'Sheet'!E6）") and "“年初预算数”列为 85.00" in finding.message


def test_the_rules_are_listed():
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200", "NO_COLOR": "1"}
    out = subprocess.run([sys.executable, "-m", "nlp", "rules"], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=120).stdout
    assert "JS102" in out and "budget_gap_unexplained" in out and "JS508" in out and "function_code" in out
