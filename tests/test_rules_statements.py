"""The figures rules on the statements (JS504–JS507), each on the invented
report of tests/fixtures/rules/statements_report.py and its near misses."""
import pytest

from nlp import analyze
from nlp.config import Settings
from tests.fixtures.rules.statements_report import report


def findings(tmp_path, text, code):
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    return [f for f in analyze(str(path), model=None, settings=Settings()).findings if f.code == code]


def test_the_whole_report_passes_every_figures_rule(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(report(), encoding="utf-8")
    result = analyze(str(path), model=None, settings=Settings())
    assert len(result.tables) == 8  # the 政府性基金 table is its note
    assert [f.message for f in result.findings if f.code in ("JS504", "JS505", "JS506", "JS507")] == []


def test_a_missing_statement_is_named(tmp_path):
    (finding,) = findings(tmp_path, report(leave_out=("three_public",)), "JS504")
    assert finding.message.startswith("缺少财政拨款三公经费支出决算表") and finding.severity == "error"


def test_a_missing_statement_with_its_empty_note_passes(tmp_path):
    text = report(leave_out=("state_capital",)) + "国有资本经营预算财政拨款收入支出决算表\n本表为空表。\n"
    assert findings(tmp_path, text, "JS504") == []


def test_a_report_without_statements_is_not_judged(tmp_path):
    assert findings(tmp_path, "某局2024年度部门决算\n本年支出合计100.00万元。\n", "JS504") == []


WHOLE = "示例局2024年度部门决算\n\n第一部分 示例局概况\n一、部门概况\n主要职能是……\n\n"
NARRATIVE_ONLY = report().split("第二部分")[0]  # the 情况说明, no statement


def test_a_whole_report_that_publishes_no_statement(tmp_path):
    (finding,) = findings(tmp_path, WHOLE + NARRATIVE_ONLY, "JS504")
    assert finding.message.startswith("没有决算报表：报告有部门概况和决算情况说明，是完整的决算报告，却没有九张标准决算报表中的任何一张")
    assert finding.signal == "none" and finding.message_en.startswith("no statements:")


def test_a_report_that_announces_its_statements_and_has_none(tmp_path):
    text = NARRATIVE_ONLY + "\n第二部分 示例局2024年度部门决算表\n（无）\n"
    (finding,) = findings(tmp_path, text, "JS504")
    assert "报告列有“第二部分示例局2024年度部门决算表”" in finding.message  # quoted as repaired
    assert finding.location.line == text.split("\n").index("第二部分 示例局2024年度部门决算表") + 1
    listed = NARRATIVE_ONLY + "\n附表\n收入支出决算总表\n收入决算表\n支出决算表\n"
    (finding,) = findings(tmp_path, listed, "JS504")
    assert "报告列出了 3 张标准报表的名称" in finding.message


@pytest.mark.parametrize("text", [
    WHOLE + NARRATIVE_ONLY + "\n第四部分 部门决算报表（见附表）\n",  # published apart
    WHOLE + NARRATIVE_ONLY + "\n收入支出决算总表\n单位：万元\n收入 决算数 支出 决算数\n",  # there, not as a table
    NARRATIVE_ONLY,  # an excerpt: the 情况说明 alone
])
def test_statements_apart_unreadable_or_an_excerpt_are_not_judged(tmp_path, text):
    assert findings(tmp_path, text, "JS504") == []


def test_an_empty_statement_without_its_note(tmp_path):
    text = report(change=("\n注：本部门无国有资本经营预算财政拨款收入和支出，故本表无数据。", ""))
    (finding,) = findings(tmp_path, text, "JS504")
    line = text.split("\n").index("\t合计\t\t\t\t") + 1
    assert finding.message == f"国有资本经营预算财政拨款收入支出决算表（文件第{line}行）为空表，却没有空表说明（如“本部门无……，故本表无数据”）"
    assert (finding.cell.table, finding.cell.line, finding.signal) == ("国有资本经营预算财政拨款收入支出决算表", line, "state_capital")
    # noted in the narrative instead, or every statement empty (a blank form): nothing
    noted = text.replace("七、财政拨款", "本部门无国有资本经营预算财政拨款收入，国有资本经营预算财政拨款收入支出决算表为空表。\n七、财政拨款")
    assert findings(tmp_path, noted, "JS504") == []
    blank = "\n".join(ln if "\t" not in ln else "\t".join("" if c[:1].isdigit() else c for c in ln.split("\t"))
                      for ln in text.split("\n"))
    assert findings(tmp_path, blank, "JS504") == []


def test_a_total_in_the_narrative_is_held_to_its_cell(tmp_path):
    (finding,) = findings(tmp_path, report(total="0"), "JS505")
    assert finding.message == ("正文（第5行）“收入支出总计0万元”与收入支出决算总表第5行“总计”“决算数”列（文件第26行）所列 110.00 不符，"
                               "收入支出总计相差 110.00 万元")
    assert finding.location.line == 5  # the narrative's line; the cell's is the row's own line in the file
    assert (finding.cell.table, finding.cell.row, finding.cell.name, finding.cell.column, finding.cell.line) == (
        "收入支出决算总表", 5, "总计", "决算数", 26)
    assert report(total="0").split("\n")[25].startswith("总计\t110.00")


@pytest.mark.parametrize("stated, fires", [("110.01", False), ("109.99", False), ("110.02", True), ("1,100.00", True)])
def test_a_cent_is_rounding(tmp_path, stated, fires):
    assert bool(findings(tmp_path, report(total=stated), "JS505")) is fires


def test_a_budget_stated_for_an_emptied_table(tmp_path):
    empty = "财政拨款“三公”经费支出决算表\n单位：万元\n" + "\t".join(["合计", "合计", "公务接待费", "公务接待费"]) + "\n" + \
        "\t".join(["预算数", "决算数", "预算数", "决算数"]) + "\n" + "\t".join([""] * 4) + "\n"
    text = report(leave_out=("three_public",)) + empty
    messages = [f.message for f in findings(tmp_path, text, "JS505")]
    assert len(messages) == 2 and "空表（0）" in messages[0] and "1.00" in messages[0]  # budget 1.00, actual 0.50


def test_a_sum_that_fails_names_its_cell_and_parts(tmp_path):
    text = report(change=("20106\t财政事务\t100.00\t100.00", "20106\t财政事务\t101.00\t100.00"))
    messages = [f.message for f in findings(tmp_path, text, "JS506")]
    assert messages[0].startswith("收入决算表第3行“201 一般公共服务支出”“本年收入合计”列（文件第32行）为 100.00，"
                                  "而下级科目（20106）之和为 101.00")
    assert any("第4行“20106 财政事务”“本年收入合计”列（文件第33行）" in m and "下级科目（2010601、2010607）之和为 100.00" in m for m in messages)


def test_a_three_public_total_is_its_three_items(tmp_path):
    text = report(change=("\n1.00\t0.50\t0.00\t0.00\t0.00\t0.00\t1.00\t0.50", "\n1.00\t0.50\t0.00\t0.00\t0.00\t0.00\t1.00\t0.40"))
    (finding,) = findings(tmp_path, text, "JS506")
    assert "“合计/决算数”列" in finding.message and "公务接待费之和为 0.40" in finding.message


def test_two_statements_that_disagree(tmp_path):
    text = report(change=("人员经费合计\t\t70.00", "人员经费合计\t\t60.00"))
    messages = [f.message for f in findings(tmp_path, text, "JS507")]
    assert messages == ["一般公共预算财政拨款支出决算表第6行“合计”“基本支出”列（文件第60行）为 80.00，与一般公共预算财政拨款基本支出决算表"
                        "第4行“人员经费合计”“决算数”列（文件第67行）与一般公共预算财政拨款基本支出决算表第4行“公用经费合计”“决算数”列"
                        "（文件第67行）之和所列 70.00 不符，相差 10.00 万元"]


def test_an_item_named_by_its_codes_is_held_to_its_row(tmp_path):
    text = report().replace("支出决算为80.00万元", "支出决算为82.00万元")
    (finding,) = [f for f in findings(tmp_path, text, "JS505") if f.signal == "item"]
    assert finding.message.startswith("正文（第13行）“一般公共服务支出（类）财政事务（款）行政运行（项）”决算数 82.00 万元"
                                      "与一般公共预算财政拨款支出决算表第4行“2010601 行政运行”“合计”列（文件第58行）所列 80.00 不符")
    assert finding.targets == ["E2"] and finding.location.line == 13


def test_a_table_contradiction_is_hard_evidence_shown_first(tmp_path):
    """Issue 17: a statement that does not add up ranks with the figures,
    above a change left unexplained (which costs more here) and a vague
    reason, in the terminal report as in the ranking."""
    from nlp.report.terminal import render
    from nlp.score import evidence_of

    text = report(change=("20106\t财政事务\t100.00\t100.00", "20106\t财政事务\t101.00\t100.00"))
    text = text.replace("主要原因是新增信息化建设项目。", "主要原因是工作需要。")
    text = text.replace("七、财政拨款", "（二）其他支出比上年增加5.00万元，增长5.00%。\n七、财政拨款")
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    result = analyze(str(path))
    codes = {f.code: f for f in result.findings}
    assert {"JS506", "JS101", "JS201"} <= set(codes)
    assert str(evidence_of(codes["JS506"])) == "figures" and codes["JS101"].penalty > codes["JS506"].penalty
    shown = render(result, width=400)
    assert shown.index("JS506") < shown.index("JS101") < shown.index("JS201")
