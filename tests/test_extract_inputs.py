"""Every input format gives the same explanations: text in GBK, GB18030 and
UTF-16 (with and without BOM), DOCX (with a performance table), HTML (with a
table and a script, also GBK-encoded with a meta charset) and PDF (with a
ruled performance table). Binary inputs are made here, in tmp_path."""
from __future__ import annotations

import re

import pytest

from nlp import analyze
from tests.extract_helpers import make_table_pdf, run_cli

NARRATIVE = (
    "城北区体育局2024年度部门决算公开说明\n"
    "第二部分 部门决算情况说明\n"
    "一、收入支出决算总体情况说明\n"
    "2024年度收入总计 2,150.60 万元，比上年决算增加 210.60 万元，增长 10.86%，主要原因是：一、承办全区第十届运动会；二、新建 3 处社区健身驿站。\n"
    "二、财政拨款“三公”经费支出决算情况说明\n"
    "公务接待费支出 1.80 万元，比上年减少 0.60 万元，下降 25.00%，主要原因是严控接待批次。\n"
)
GB18030_ONLY = "㐀"  # outside GBK, inside GB18030 (CJK extension A)

TABLE_HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
TABLE_ROWS = [
    ["产出指标", "数量指标", "全民健身赛事场次", ">=12场", "=9场", "10", "7.50", "两场赛事因场馆检修改期至次年"],
    ["产出指标", "质量指标", "赛事安全事故数", "=0起", "=0起", "10", "10.00", ""],
    ["效益指标", "满意度指标", "参赛群众满意度", ">=90%", "=93%", "10", "10.00", "无"],
]


def _check_narrative(report: dict) -> None:
    exps = [e for e in report["explanations"] if e["kind"] == "narrative"]
    assert [e["item"] for e in exps] == ["收入总计", "公务接待费"]
    total, reception = exps
    assert (total["basis"], total["direction"]) == ("prior_year", "increase")
    assert total["amount"] == pytest.approx(2150.60)
    assert total["change"] == pytest.approx(210.60)
    assert total["change_pct"] == pytest.approx(10.86)
    assert [c["text"] for c in total["causes"]] == ["承办全区第十届运动会", "新建3处社区健身驿站"]
    assert reception["direction"] == "decrease"
    assert reception["reason"] == "严控接待批次"
    assert report["missing"] == []


def _check_table(report: dict) -> None:
    rows = [e for e in report["explanations"] if e["kind"] == "performance_table"]
    assert len(rows) == 1, rows
    row = rows[0]
    assert row["indicator"] == "全民健身赛事场次"
    assert (row["target"], row["actual"], row["weight"], row["score"]) == (">=12场", "=9场", "10", "7.50")
    assert row["reason"] == "两场赛事因场馆检修改期至次年"


# -- text encodings ----------------------------------------------------------


@pytest.mark.parametrize(
    "encoding,prefix",
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("gbk", b""),
        ("gb18030", b""),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030", "utf-16le-bom", "utf-16be-bom", "utf-16le-nobom", "utf-16be-nobom"],
)
def test_text_encodings(tmp_path, encoding, prefix):
    text = NARRATIVE
    if encoding == "gb18030":
        text = text.replace("新建 3 处", f"新建 3 处{GB18030_ONLY}")
    path = tmp_path / "report.txt"
    path.write_bytes(prefix + text.encode(encoding))
    report = analyze(path).to_dict()
    if encoding == "gb18030":
        total = report["explanations"][0]
        assert total["causes"][1]["text"] == f"新建3处{GB18030_ONLY}社区健身驿站"
        report["explanations"][0]["causes"][1]["text"] = "新建3处社区健身驿站"
    _check_narrative(report)
    assert report["source"] == str(path)


def test_windows_line_endings_in_gbk(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(NARRATIVE.replace("\n", "\r\n").encode("gbk"))
    _check_narrative(analyze(path).to_dict())


def test_utf16_through_the_cli(tmp_path):
    path = tmp_path / "报告.txt"
    path.write_bytes(NARRATIVE.encode("utf-16"))
    result = run_cli("score", path, "--format", "json", "--exit-zero")
    assert result.code == 0, result.stderr
    _check_narrative(result.json())


def test_gbk_through_the_cli_text_format(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(NARRATIVE.encode("gbk"))
    result = run_cli("score", path, "--exit-zero")
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    assert re.search(r"(?<!\d)2 条说明", result.stdout)


# -- DOCX ----------------------------------------------------------------------


def _docx(path, paragraphs_before, rows, paragraphs_after) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for p in paragraphs_before:
        document.add_paragraph(p)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    # 一级指标 merged down two rows, as real tables have it
    table.cell(1, 0).merge(table.cell(2, 0))
    for p in paragraphs_after:
        document.add_paragraph(p)
    document.save(str(path))


def test_docx_with_a_deviation_table(tmp_path):
    path = tmp_path / "report.docx"
    before = [line for line in NARRATIVE.split("\n") if line]
    before += ["三、预算绩效情况说明", "项目支出绩效自评表"]
    rows = [["项目名称", "社区健身驿站建设项目", "", "", "", "", "", ""], TABLE_HEADER, *TABLE_ROWS, ["总分", "", "", "", "", "100", "97.50", ""]]
    _docx(path, before, rows, ["四、其他需说明的事项", "无。"])
    report = analyze(path).to_dict()
    _check_narrative(report)
    _check_table(report)
    row = next(e for e in report["explanations"] if e["kind"] == "performance_table")
    assert row["project"] == "社区健身驿站建设项目"
    assert report["pages"] is None


def test_docx_renamed_to_txt_is_still_read_as_docx(tmp_path):
    path = tmp_path / "report.txt"
    _docx(path, [line for line in NARRATIVE.split("\n") if line], [TABLE_HEADER, *TABLE_ROWS], [])
    result = run_cli("score", path, "--format", "json", "--exit-zero")
    assert result.code == 0, result.stderr
    _check_narrative(result.json())


# -- HTML ----------------------------------------------------------------------

HTML = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>城北区体育局2024年度部门决算</title>
<script>var note = "主要原因是：脚本里的文字不是报告内容"; document.title = "比上年增加 99.00 万元";</script>
<style>td {{ border: 1px solid #000; }}</style>
</head><body>
<h3>第二部分 部门决算情况说明</h3>
<h4>一、收入支出决算总体情况说明</h4>
<p>2024年度收入总计 2,150.60 万元，比上年决算增加 210.60 万元，增长 10.86%，主要原因是：一、承办全区第十届运动会；二、新建 3 处社区健身驿站。</p>
<h4>二、财政拨款“三公”经费支出决算情况说明</h4>
<p>公务接待费支出 1.80 万元，比上年减少 0.60 万元，下降 25.00%，<span>主要原因是严控接待批次。</span></p>
<h4>三、预算绩效情况说明</h4>
<table>
<tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>年度指标值</th><th>实际完成值</th><th>分值</th><th>得分</th><th>偏差原因分析及改进措施</th></tr>
<tr><td>产出指标</td><td>数量指标</td><td>全民健身赛事场次</td><td>&gt;=12场</td><td>=9场</td><td>10</td><td>7.50</td><td>两场赛事因场馆检修改期至次年</td></tr>
<tr><td>产出指标</td><td>质量指标</td><td>赛事安全事故数</td><td>=0起</td><td>=0起</td><td>10</td><td>10.00</td><td></td></tr>
<tr><td>效益指标</td><td>满意度指标</td><td>参赛群众满意度</td><td>&gt;=90%</td><td>=93%</td><td>10</td><td>10.00</td><td>无</td></tr>
<tr><td>总分</td><td></td><td></td><td></td><td></td><td>100</td><td>97.50</td><td></td></tr>
</table>
<p>四、其他需说明的事项</p><p>无。</p>
</body></html>
"""


@pytest.mark.parametrize("charset,encoding", [("utf-8", "utf-8"), ("gbk", "gbk"), ("gb2312", "gb18030")])
def test_html_with_table_and_script(tmp_path, charset, encoding):
    path = tmp_path / "report.html"
    path.write_bytes(HTML.format(charset=charset).encode(encoding))
    report = analyze(path).to_dict()
    _check_narrative(report)
    _check_table(report)
    dumped = str(report)
    assert "脚本里的文字" not in dumped and "99.00" not in dumped and "border" not in dumped


def test_html_through_the_cli_has_no_script_text(tmp_path):
    path = tmp_path / "page.htm"
    path.write_bytes(HTML.format(charset="gbk").encode("gbk"))
    result = run_cli("score", path, "--format", "json", "--exit-zero")
    assert result.code == 0, result.stderr
    assert "脚本里的文字" not in result.stdout
    _check_narrative(result.json())
    _check_table(result.json())


# -- PDF with a ruled table ----------------------------------------------------


def test_pdf_with_a_ruled_deviation_table(tmp_path):
    path = tmp_path / "table.pdf"
    path.write_bytes(
        make_table_pdf(
            ["三、预算绩效情况说明", "项目支出绩效自评表"],
            [TABLE_HEADER, *TABLE_ROWS, ["总分", "", "", "", "", "100", "97.50", ""]],
            ["四、其他需说明的事项", "无。"],
        )
    )
    report = analyze(path).to_dict()
    assert report["pages"] == 1
    _check_table(report)
    row = next(e for e in report["explanations"] if e["kind"] == "performance_table")
    assert row["location"]["page"] == 1
    assert report["missing"] == []
