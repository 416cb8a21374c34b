"""The statements (决算报表) in a batch run: `juesuan batch` on a folder with
the example (seven statements) and a report without any; the statements
table, the documents' count, the dashboard's section, `--resume`, and
`nlp.read_results`."""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import nlp

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "城西区文化和旅游局2024年度部门决算.txt"
PLAIN = REPO / "tests" / "fixtures" / "missing_reason.txt"  # no statements


def _batch(*args: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "nlp", "batch", *args, "--no-model", "--no-progress", "-j", "1"],
                          capture_output=True, text=True, env=env, cwd=REPO)
    assert done.returncode == 1, done.stderr  # 1: the example has findings at error (--fail-on error)


def _rows(out: Path, name: str) -> list[dict]:
    with open(out / f"{name}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("statements")
    (root / "in").mkdir()
    shutil.copy(EXAMPLE, root / "in" / EXAMPLE.name)
    shutil.copy(PLAIN, root / "in" / PLAIN.name)
    _batch(str(root / "in"), "--out", str(root / "out"))
    return root


def _cell(rows, form, name, column, side="0"):
    found = [r for r in rows if r["form"] == form and r["name"] == name and r["column"] == column and r["side"] == side]
    assert len(found) == 1, (form, name, column, found)
    return float(found[0]["value"]) if found[0]["value"] else None


def test_the_statements_table_holds_every_cell_of_the_example(run):
    rows = _rows(run / "out", "statements")
    assert {r["source"] for r in rows} == {str(run / "in" / EXAMPLE.name)}  # the plain report has none
    assert list(rows[0])[:3] == ["unit", "year", "source"] and list(rows[0])[-1] == "sha256"
    assert {(r["unit"], r["year"]) for r in rows} == {("城西区文化和旅游局", "2024")}
    # the totals, as the tables state them (万元)
    assert _cell(rows, "summary", "总计", "决算数") == _cell(rows, "summary", "总计", "决算数", side="1") == 6842.35
    assert _cell(rows, "income", "合计", "本年收入合计") == 6512.35
    assert _cell(rows, "general_expenditure", "合计", "合计") == 6146.55
    assert _cell(rows, "general_expenditure", "合计", "基本支出") == 3356.90
    assert _cell(rows, "general_expenditure", "合计", "项目支出") == 2789.65
    assert _cell(rows, "general_expenditure", "社会保障和就业支出", "项目支出") is None  # a blank cell is kept, empty
    assert _cell(rows, "three_public", "", "合计/决算数") == 24.6
    code = next(r for r in rows if r["form"] == "general_expenditure" and r["name"] == "文化旅游体育与传媒支出")
    assert (code["code"], code["level"], code["form_zh"]) == ("207", "1", "一般公共预算财政拨款支出决算表")
    # cell for cell what `juesuan score` reads
    report = nlp.analyze(str(EXAMPLE), model=None)
    assert len(report.tables) == 7
    expected = sorted((s.form, r.row, r.side, r.code, r.name, c, v) for s in report.tables for r in s.rows for c, v in r.values.items())
    got = sorted((r["form"], int(r["row"]), int(r["side"]), r["code"], r["name"], r["column"], float(r["value"]) if r["value"] else None)
                 for r in rows)
    assert got == expected


def test_the_documents_table_counts_the_statements(run):
    counts = {Path(r["source"]).name: r["statements"] for r in _rows(run / "out", "documents")}
    assert counts == {EXAMPLE.name: "7", PLAIN.name: "0"}


def test_the_dashboard_counts_the_reports_at_odds_with_their_statements(run):
    page = (run / "out" / "dashboard.html").read_text(encoding="utf-8")
    section = page[page.index('id="statements"'):]
    section = section[: section.index("</section>")]
    findings = _rows(run / "out", "findings")
    at_odds = {r["source"] for r in findings if r["code"] in ("JS505", "JS506", "JS507", "JS508", "JS509", "JS510")}
    missing = {r["source"] for r in findings if r["code"] == "JS504"}
    assert section.index("报表核对") < section.index("Statements")  # Chinese first
    assert 'reports with statements read</td><td class="n">1<' in section
    assert f"(JS505–JS510)</td><td class=\"n low\">{len(at_odds)}<" in section and at_odds
    assert f"决算报表缺失)</td><td class=\"n low\">{len(missing)}<" in section and missing


def test_resume_keeps_the_statements(run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(run / "out", out)
    _batch(str(run / "in"), "--out", str(out), "--resume")
    for name in ("statements", "documents"):
        assert (out / f"{name}.csv").read_bytes() == (run / "out" / f"{name}.csv").read_bytes()


def test_read_results_gives_the_statements_frame(run):
    pd = pytest.importorskip("pandas")
    frame = nlp.read_results(run / "out").statements
    assert len(frame) == len(_rows(run / "out", "statements"))
    assert str(frame["value"].dtype) == "Float64" and str(frame["code"].dtype) == "string"
    assert str(frame["form"].dtype) == "category" and str(frame["level"].dtype) == "Int64"
    wide = frame[frame.form == "general_expenditure"].pivot(index="name", columns="column", values="value")
    assert wide.loc["合计", "基本支出"] == 3356.90 and pd.isna(wide.loc["卫生健康支出", "项目支出"])


def test_the_findings_table_cites_the_statement_cell_as_score_does(run):
    """findings.csv (and report.xlsx, parquet) carry the columns `score --format csv --table findings`
    has for the statement's cell a finding rests on: table, table_row, table_column, table_at."""
    rows = [r for r in _rows(run / "out", "findings") if r["source"] == str(run / "in" / EXAMPLE.name)]
    assert list(rows[0])[-5:] == ["table", "table_row", "table_column", "table_at", "sha256"]
    report = nlp.analyze(str(EXAMPLE), model=None)
    expected = sorted((f.code, f.cell.table, str(f.cell.row), f.cell.column or "", f.cell.where("zh"))
                      for f in report.findings if f.cell)
    got = sorted((r["code"], r["table"], r["table_row"], r["table_column"], r["table_at"]) for r in rows if r["table"])
    assert got == expected and any(code == "JS505" for code, *_ in got)
    assert all(not r["table_at"] for r in rows if not r["table"])
    from openpyxl import load_workbook

    sheet = load_workbook(run / "out" / "report.xlsx", read_only=True)["findings"]
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    assert header[-5:-1] == ("报表", "报表行", "报表列", "报表位置")


def test_a_store_written_before_the_citation_columns_still_loads(run, tmp_path):
    """A store whose findings have the eleven fields they had before the
    citation (same store format) is read back on --resume: its findings are
    in the tables, with the citation columns empty."""
    import json

    out = tmp_path / "out"
    shutil.copytree(run / "out", out)
    store = out / ".juesuan-batch"
    lines = (store / "documents.jsonl").read_bytes().splitlines(keepends=True)
    ledger = [json.loads(line) for line in (store / "ledger.jsonl").read_bytes().splitlines()]
    old, at = b"", {}  # the lines cut back to eleven fields a finding, and where each now is
    for line in lines:
        rec = json.loads(line)
        rec["findings"] = [f[:11] for f in rec["findings"]]
        cut = (json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        at[rec["sha256"]] = (len(old), len(cut))
        old += cut
    for entry in ledger:
        entry["offset"], entry["length"] = at[entry["sha256"]]
    (store / "documents.jsonl").write_bytes(old)
    (store / "ledger.jsonl").write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in ledger), encoding="utf-8")
    _batch(str(run / "in"), "--out", str(out), "--resume")
    before, after = _rows(run / "out", "findings"), _rows(out, "findings")
    citation = ("table", "table_row", "table_column", "table_at")
    assert [{k: v for k, v in r.items() if k not in citation} for r in after] == \
           [{k: v for k, v in r.items() if k not in citation} for r in before]
    assert any(r["table"] for r in before) and not any(r[k] for r in after for k in citation)
