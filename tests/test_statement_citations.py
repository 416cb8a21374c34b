"""Where a figures rule's finding points in the statements (issue 17): the
table's title as written, the row (its number in the table, code and name),
the column, and where the row is in the input — its page (PDF), its own line
in the file (text), its sheet and cell (XLSX), its table's number (DOCX,
HTML, whose lines are the reader's). The cell travels with the finding to
JSON, SARIF (a second location), CSV and HTML."""
import csv
import io
import json

import pytest

from nlp import analyze
from nlp.config import Settings
from nlp.report.html import render_html
from nlp.report.sarif import to_sarif
from nlp.report.tables import to_csv
from tests.fixtures.rules.statements_report import report
from tests.goldmatch import SHARED

SUMMARY = [["收入", "决算数", "支出", "决算数"], ["一、一般公共预算财政拨款收入", "5.00", "一、一般公共服务支出", "5.00"],
           ["本年收入合计", "6.00", "本年支出合计", "5.00"]]  # 本年收入合计 6.00 is not its one item, 5.00


def sums(path):
    result = analyze(str(path), model=None, settings=Settings(select=["JS506"]))
    return result, [f for f in result.findings if f.code == "JS506"]


def test_a_text_report_cites_the_rows_own_line(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(report(change=("2010601\t行政运行\t80.00\t80.00", "2010601\t行政运行\t70.00\t80.00")), encoding="utf-8")
    _, found = sums(path)
    cell = next(f.cell for f in found if f.cell.code == "2010601")
    line = path.read_text(encoding="utf-8").split("\n")[cell.line - 1]
    assert line.startswith("2010601\t行政运行\t70.00")
    assert (cell.table, cell.row, cell.name, cell.column, cell.page, cell.sheet) == ("收入决算表", 5, "行政运行", "本年收入合计", None, None)
    message = next(f.message for f in found if f.cell.code == "2010601")
    assert message.startswith(f"收入决算表第5行“2010601 行政运行”“本年收入合计”列（文件第{cell.line}行）为 70.00")


def test_a_docx_report_cites_the_tables_number(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("某局2024年度部门决算")
    document.add_paragraph("表1 其他情况")
    first = document.add_table(rows=1, cols=2)
    first.cell(0, 0).text, first.cell(0, 1).text = "项目", "说明"
    document.add_paragraph("收入支出决算总表")
    table = document.add_table(rows=len(SUMMARY), cols=4)
    for r, row in enumerate(SUMMARY):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    path = tmp_path / "r.docx"
    document.save(str(path))
    _, (finding,) = sums(path)
    assert (finding.cell.number, finding.cell.line, finding.cell.row, finding.cell.name) == (2, None, 3, "本年收入合计")
    assert finding.message.startswith("收入支出决算总表第3行“本年收入合计”“决算数”列（文档第2张表）为 6.00")
    assert "(table 2 of the document)" in finding.message_en


def test_an_html_report_cites_the_tables_number(tmp_path):
    rows = "".join(f"<tr>{''.join(f'<td>{c}</td>' for c in row)}</tr>" for row in SUMMARY)
    path = tmp_path / "r.html"
    path.write_text(f"<html><body><p>某局2024年度部门决算</p><p>收入支出决算总表</p><table>{rows}</table></body></html>",
                    encoding="utf-8")
    _, (finding,) = sums(path)
    assert (finding.cell.number, finding.cell.row, finding.cell.column) == (1, 3, "决算数")
    assert "（文档第1张表）" in finding.message


def _workbook(path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "表1"
    book.create_sheet("收支总表")
    sheet = book["收支总表"]
    for row in [["收入支出决算总表"], ["单位：万元"], *[[float(c) if c[0].isdigit() else c for c in r] for r in SUMMARY]]:
        sheet.append(row)
    book.save(str(path))


def test_a_workbook_cites_the_sheet_and_cell(tmp_path):
    path = tmp_path / "statements.xlsx"
    _workbook(path)
    _, (finding,) = sums(path)
    assert (finding.cell.sheet, finding.cell.ref) == ("收支总表", "B5")  # row 5 of the sheet, the 决算数 of the income side
    assert "（'收支总表'!B5）" in finding.message and "('收支总表'!B5)" in finding.message_en


def test_the_cell_travels_to_json_sarif_and_csv(tmp_path):
    path = tmp_path / "statements.xlsx"
    _workbook(path)
    result, _ = sums(path)
    (finding,) = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))["findings"]
    assert finding["cell"] == {"table": "收入支出决算总表", "row": 3, "name": "本年收入合计", "code": "", "column": "决算数",
                               "page": None, "line": None, "sheet": "收支总表", "ref": "B5", "number": None}
    (sarif,) = to_sarif(result)["runs"][0]["results"]
    (where,) = sarif["locations"]  # no narrative location: the cell is the one
    assert where["logicalLocations"][0]["fullyQualifiedName"] == "'收支总表'!B5"
    assert where["physicalLocation"]["artifactLocation"]["uri"] == str(path)
    (row,) = csv.DictReader(io.StringIO(to_csv(result, "findings")))
    assert (row["table"], row["table_row"], row["table_column"], row["table_at"]) == ("收入支出决算总表", "3", "决算数", "'收支总表'!B5")
    page = render_html(result)
    assert 'data-cell="收入支出决算总表第3行“本年收入合计”“决算数”列（&#39;收支总表&#39;!B5）"' in page
    assert '<div class="cell muted">报表：收入支出决算总表第3行“本年收入合计”“决算数”列（&#39;收支总表&#39;!B5）</div>' in page  # shown, not only kept
    assert "<span class=\"where\" title=" in page and "&#39;收支总表&#39;!B5</span>" in page  # where the finding is: the cell


def test_a_narrative_total_has_two_locations_in_sarif(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(report(total="0"), encoding="utf-8")
    result = analyze(str(path), model=None, settings=Settings(select=["JS505"]))
    (sarif,) = to_sarif(result, lang="en")["runs"][0]["results"]
    text, cell = sarif["locations"]
    assert text["physicalLocation"]["region"]["startLine"] == 5  # the narrative's words
    assert cell["physicalLocation"]["region"] == {"startLine": 26}  # the 总计 row
    assert cell["message"]["text"] == "the 收入支出决算总表, row 5 “总计”, column “决算数” (line 26 of the file)"


PLANTED = next((SHARED / "real_pdfs").glob("*测试问题版本*.pdf"), None) if (SHARED / "real_pdfs").exists() else None


@pytest.mark.skipif(PLANTED is None, reason="../shared/real_pdfs is not here")
def test_a_pdf_cites_the_page_of_the_row():
    result = analyze(str(PLANTED), model=None, settings=Settings(select=["JS505"]))
    total = next(f for f in result.findings if "收入支出总计0万元" in f.message)
    assert (total.cell.table, total.cell.name, total.cell.column, total.cell.page) == ("收入支出决算总表", "总计", "收入/决算数", 7)
    assert (total.location.page, total.location.line) == (18, 6)  # the narrative's page and line
    assert f"收入支出决算总表第{total.cell.row}行“总计”“收入/决算数”列（第7页）" in total.message
