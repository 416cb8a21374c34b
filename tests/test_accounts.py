"""The statements (决算报表) read from a report's tables: raw tables found in
text (tab-separated lines, as the text, DOCX and HTML readers write them),
recognised by title among the nine standard forms, read into typed rows."""
import pytest

from nlp import analyze
from nlp.accounts import BY_KEY, FORMS, amount, read_statements, text_tables
from nlp.accounts.forms import form_of
from nlp.config import Settings

T = "\t"


def lines(*rows):
    return "\n".join(T.join(r) for r in rows)


EXPENDITURE = "二、部门决算表\n表三 部门 支出决算表（公开表）\n单位：万元\n" + lines(
    ["项目", "项目", "项目", "项目", "本年支出合计", "基本支出", "项目支出"],
    ["科目编码", "科目编码", "科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"],
    ["类", "款", "项", "合计", "2,940.05", "2,336.91", "603.14"],
    ["201", "", "", "一般公共服务支出", "2,106.66", "1,503.52", "603.14"],
    ["201", "06", "", "财政事务", "2,106.66", "1,503.52", "603.14"],
    ["201", "06", "01", "行政运行", "1,511.89", "1,503.52", "8.37"],
    ["201", "06", "02", "一般行政管理事务", "10.00", "-", "10.00"],
) + "\n说明：本表反映部门本年度各项支出情况。\n"


def test_a_statement_is_read_into_typed_rows():
    (statement,) = read_statements(text_tables(EXPENDITURE))
    assert statement.form == "expenditure" and statement.title == "表三 部门 支出决算表（公开表）"
    assert statement.columns == ["本年支出合计", "基本支出", "项目支出"]
    total, kind, section, item, other = statement.rows
    assert (total.code, total.name, total.values["本年支出合计"]) == ("", "合计", 2940.05)
    assert (kind.code, kind.level, section.code, section.level, item.code, item.level) == ("201", 1, "20106", 2, "2010601", 3)
    assert other.values == {"本年支出合计": 10.0, "基本支出": None, "项目支出": 10.0}
    assert statement.line == 4 and item.row == 6


def test_a_two_sided_statement_gives_a_row_per_side():
    text = "收入支出决算总表\n" + lines(
        ["收入", "决算数", "支出", "决算数"],
        ["一、一般公共预算财政拨款收入", "100.00", "一、一般公共服务支出", "90.00"],
        ["", "", "二、教育支出", "10.00"],
        ["总计", "100.00", "总计", "100.00"],
    )
    (statement,) = read_statements(text_tables(text))
    assert [(r.side, r.name, r.values["决算数"]) for r in statement.rows] == [
        (0, "一、一般公共预算财政拨款收入", 100.0), (1, "一、一般公共服务支出", 90.0), (1, "二、教育支出", 10.0),
        (0, "总计", 100.0), (1, "总计", 100.0)]
    assert statement.find("^总计$", side=1).values["决算数"] == 100.0


@pytest.mark.parametrize("caption, key", [
    ("收入支出决算总表", "summary"),
    ("部门财政拨款收入支出决算总表", "appropriation_summary"),  # holds 收入支出决算总表: the longest wins
    ("附表1-7 单位财政拨款 “三公” 经费支出决算表", "three_public"),
    ("表六\n一般公共预算财政拨款 基本支出决算表（公开表）", "basic_expenditure"),
    ("第二部分 某局2024年度部门决算表\n收入决算表\n单位：万元", "income"),
    ("收入支出决算总\n表", "summary"),  # a title broken over lines
    ("国有资本经营预算财政拨款收入支出决算表\n本表为空表\n政府性基金预算财政拨款收入支出决算表", "government_fund"),
])
def test_titles_with_provincial_variants_are_recognised(caption, key):
    form, _ = form_of(caption)
    assert form.key == key


def test_a_table_of_no_standard_form_is_left_out():
    text = "项目支出绩效自评表\n" + lines(["一级指标", "二级指标", "指标值"], ["产出指标", "数量指标", "3个"])
    assert read_statements(text_tables(text)) == []
    assert len(FORMS) == 9 and all(f.required for f in FORMS) and BY_KEY["three_public"].title.startswith("财政拨款")


@pytest.mark.parametrize("cell, value", [("2,940.05", 2940.05), ("0.95", 0.95), ("", None), ("-", None), ("—", None),
                                         ("12", 12.0), ("-3.50", -3.5), ("合计", None)])
def test_amounts(cell, value):
    assert amount(cell) == value


def test_statements_are_on_the_report_and_in_its_json(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("某局2024年度部门决算\n" + EXPENDITURE, encoding="utf-8")
    report = analyze(str(path), model=None)
    assert [t.form for t in report.tables] == ["expenditure"]
    (table,) = report.to_dict()["tables"]
    assert table["rows"][0] == {"code": "", "name": "合计", "side": 0, "row": 3, "page": None, "at": {"line": 7},
                                "values": {"本年支出合计": 2940.05, "基本支出": 2336.91, "项目支出": 603.14}}


def test_docx_tables_are_read(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("某局2024年度部门决算")
    document.add_paragraph("一般公共预算财政拨款支出决算表")
    rows = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"], ["201", "一般公共服务支出", "10.00", "8.00", "2.00"],
            ["合计", "合计", "10.00", "8.00", "2.00"]]
    table = document.add_table(rows=len(rows), cols=5)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    path = tmp_path / "r.docx"
    document.save(str(path))
    (statement,) = analyze(str(path), model=None).tables
    assert statement.form == "general_expenditure"
    assert statement.find("^合计$").values == {"合计": 10.0, "基本支出": 8.0, "项目支出": 2.0}


def test_html_tables_are_read(tmp_path):
    rows = "".join(f"<tr>{''.join(f'<td>{c}</td>' for c in row)}</tr>" for row in
                   [["收入", "决算数", "支出", "决算数"], ["本年收入合计", "5.00", "本年支出合计", "5.00"]])
    path = tmp_path / "r.html"
    path.write_text(f"<html><body><p>某局2024年度部门决算</p><p>收入支出决算总表</p><table>{rows}</table></body></html>",
                    encoding="utf-8")
    (statement,) = analyze(str(path), model=None).tables
    assert statement.form == "summary" and statement.find("本年支出合计").values == {"决算数": 5.0}


def _workbook(path, sheets):
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows, merges in sheets:
        sheet = book.create_sheet(title[:31])
        for row in rows:
            sheet.append(row)
        for cells in merges:
            sheet.merge_cells(cells)
    book.save(str(path))


def test_xlsx_statements_are_read_alone(tmp_path):
    path = tmp_path / "statements.xlsx"
    _workbook(path, [
        ("表1", [["收入支出决算总表", None, None, None], ["单位：万元"], ["收入", None, "支出", None],
                 ["项目", "决算数", "项目", "决算数"], ["一、一般公共预算财政拨款收入", 100.0, "一、一般公共服务支出", 100],
                 ["本年收入合计", 100.0, "本年支出合计", 100.0], ["总计", 100.0, "总计", 100.0]], ["A1:D1", "A3:B3", "C3:D3"]),
        ("国有资本经营预算", [["国有资本经营预算财政拨款收入支出决算表"], ["科目编码", "科目名称", "本年收入", "本年支出"],
                      [None, "合计", None, None]], []),
    ])
    report = analyze(str(path), model=None)
    summary, capital = report.tables
    assert (summary.form, summary.title, summary.columns) == ("summary", "收入支出决算总表", ["收入/决算数", "支出/决算数"])
    assert summary.find("^总计$", side=1).values == {"支出/决算数": 100.0}
    assert capital.form == "state_capital" and capital.empty and capital.find("^合计$") is not None


def test_a_workbook_that_is_not_one_is_refused(tmp_path):
    from nlp.errors import InputError
    from nlp.readers import read_bytes

    with pytest.raises(InputError, match=r"spreadsheet|zip"):
        read_bytes(b"PK\x03\x04" + b"xl/workbook.xml" + b"\x00" * 200, "broken.xlsx")


def test_a_workbook_beside_the_report_gives_its_statements(tmp_path):
    (tmp_path / "某局.txt").write_text("某局2024年度部门决算\n本年收入合计90.00万元。\n", encoding="utf-8")
    _workbook(tmp_path / "某局.xlsx", [("表1", [["收入支出决算总表"], ["收入", "决算数", "支出", "决算数"],
                                             ["本年收入合计", 100.0, "本年支出合计", 100.0]], [])])
    report = analyze(str(tmp_path / "某局.txt"), model=None, settings=Settings())
    assert [t.form for t in report.tables] == ["summary"]
    assert [f.code for f in report.findings if f.code == "JS505"] == ["JS505"]  # 90.00 in the text, 100.00 beside it



def test_the_narrative_totals_are_read_once_per_report():
    """JS505, JS510 and JS511 all check the totals the narrative states: they
    share one reading of them (`nlp.accounts.figures.narrative_totals`), not one each."""
    from pathlib import Path
    from unittest import mock

    from nlp.accounts import figures

    fixture = Path(__file__).parent / "fixtures" / "rules" / "JS505_fires.txt"
    with mock.patch.object(figures, "stated_totals", wraps=figures.stated_totals) as totals, \
            mock.patch.object(figures, "stated_items", wraps=figures.stated_items) as items:
        report = analyze(str(fixture), model=None, settings=Settings())
    assert totals.call_count == 1 and items.call_count == 1
    assert report.shared["stated_totals"] and "JS505" in {f.code for f in report.findings}
