"""Issue 16, family 1: text the reader cannot see hides no figure and no
reason, and no report gets a verdict without evidence. The inputs are made
by tests/hostile_text.py; each is checked through `analyze` against its
clean twin (the same report without the trick: the score must not rise), and
through `juesuan score` and `juesuan batch`."""
from __future__ import annotations

import csv
import io
import json

import pytest

from nlp import analyze, read_results
from nlp.numerals import FIGURE_IN_WORDS, chinese_number
from nlp.repair import is_table_row
from tests.extract_helpers import run_cli
from tests.hostile_text import (
    HIDDEN,
    NO_EVIDENCE,
    NUMERALS,
    REASONED,
    SEPARATORS,
    UNEXPLAINED,
    bad_bytes,
    hidden,
    numerals,
    report,
    separated,
    tabbed,
)

REASON = "新增文化惠民演出经费"


def _analyze(text: str):
    return analyze("hostile.txt", text=text, model=None)


@pytest.fixture(scope="module")
def clean():
    """The clean twin: the unexplained 85 % change written plainly."""
    r = _analyze(report(UNEXPLAINED))
    assert [(m.statement.change, m.statement.change_pct) for m in r.unexplained_changes] == [(85.0, 85.0)]
    return r


def _unexplained(r) -> list[tuple]:
    return [(m.statement.change, m.statement.change_pct) for m in r.unexplained_changes]


# -- invisible characters -----------------------------------------------------


@pytest.mark.parametrize("mark", [c for _, c in HIDDEN], ids=[n for n, _ in HIDDEN])
def test_an_invisible_character_in_a_figure_hides_no_change(clean, mark):
    r = _analyze(hidden(mark))
    assert _unexplained(r) == [(85.0, 85.0)]
    assert r.score == clean.score  # not higher: the missing reason still costs
    assert "JS101" in {f.code for f in r.findings}


def test_a_hidden_character_keeps_the_map_to_the_input(clean):
    text = hidden("\u200c\u202e")
    m = _analyze(text).unexplained_changes[0]
    assert text[m.location.start : m.location.end].startswith("2.住房保障支出")
    assert "8\u200c\u202e5.00" in text[m.location.start : m.location.end]


# -- line and page separators --------------------------------------------------


@pytest.mark.parametrize("at", [1, 2, 3, 4])
@pytest.mark.parametrize("sep", [s for _, s in SEPARATORS], ids=[n for n, _ in SEPARATORS])
def test_a_separator_inside_the_trigger_loses_no_reason(clean, sep, at):
    r = _analyze(separated(sep, at))
    reasons = [e.reason for e in r.explanations if e.statement and e.statement.change == 120.3]
    assert reasons == [REASON]
    assert r.score == clean.score


# -- TAB ----------------------------------------------------------------------


@pytest.mark.parametrize("where", ["start", "inside", "after_item"])
def test_a_tab_in_a_statement_line_does_not_drop_it(clean, where):
    r = _analyze(tabbed(where))
    assert _unexplained(r) == [(85.0, 85.0)]
    assert r.score == clean.score


def test_a_tab_before_and_inside_a_reasoned_line_keeps_its_reason(clean):
    r = _analyze(tabbed("start_and_reason"))
    assert [e.reason for e in r.explanations if e.statement and e.statement.change == 120.3] == [REASON]
    assert r.score == clean.score


def test_real_table_rows_keep_their_tabs():
    assert is_table_row("产出指标\t数量指标\t演出场次\t20场\t18场\t10\t8\t受天气影响，两场演出取消。")
    assert is_table_row("\t\t受理率\t\t\t\t\t\t")
    assert is_table_row("项目名称\t文化惠民")
    assert not is_table_row("\t" + UNEXPLAINED)
    assert not is_table_row(UNEXPLAINED.replace("增加", "增加\t"))
    table = (
        "项目名称\t文化惠民\n一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施\n"
        "产出指标\t数量指标\t演出场次\t20场\t18场\t10\t8\t受天气影响，两场演出取消。\n"
    )
    r = _analyze(report(UNEXPLAINED) + table + "\t" + REASONED.replace("120.30", "3.00") + "\n")
    rows = [e for e in r.explanations if e.kind == "performance_table"]
    assert [e.reason for e in rows] == ["受天气影响，两场演出取消。"] and rows[0].row.project == "文化惠民"
    # the narrative line after the table, indented by a TAB, is read, not taken for a row
    assert any(e.statement and e.statement.change == 3.0 and e.reason == REASON for e in r.explanations)


# -- Chinese numerals ------------------------------------------------------------


@pytest.mark.parametrize(("words", "change", "pct"), [(w, c, p) for _, w, c, p in NUMERALS], ids=[n for n, *_ in NUMERALS])
def test_chinese_numerals_are_amounts_and_percentages(words, change, pct):
    r = _analyze(numerals(words))
    assert _unexplained(r) == [(change, pct)]
    m = r.unexplained_changes[0]
    assert "万元" in m.statement.text and any(c in m.statement.text for c in "八二两贰一")  # quoted as written
    assert "JS101" in {f.code for f in r.findings}


@pytest.mark.parametrize(("written", "value"), [
    ("八十五", "85"), ("一百二十点五", "120.5"), ("两千零三十", "2030"), ("壹佰", "100"), ("十二", "12"),
    ("一千二百零四", "1204"), ("十二万三千", "123000"), ("一亿二千万", "120000000"), ("零点五", "0.5"),
    ("贰仟零伍拾", "2050"), ("一二〇", "120"),
])
def test_the_converter(written, value):
    assert chinese_number(written) == value


@pytest.mark.parametrize("written", ["三百五", "一万五", "二二十", "八十五点"])
def test_the_converter_leaves_an_uncertain_numeral(written):
    assert chinese_number(written) is None


@pytest.mark.parametrize("text", [
    "二〇二四年度部门决算", "一、部门职责", "二、机构设置", "第三季度", "三万人次", "一元化管理", "数百万元", "单位：千元",
    "十几万元", "三百五万元",
])
def test_years_items_and_counts_are_not_amounts(text):
    from nlp.numerals import figure_for

    assert all(figure_for(m) is None for m in FIGURE_IN_WORDS.finditer(text))


def test_years_and_items_in_chinese_numerals_give_no_statement():
    r = _analyze(NO_EVIDENCE["year_and_items"])
    assert r.explanations == [] and r.missing == [] and r.score is None


# -- a few bad bytes ---------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_a_few_bad_bytes_are_read_and_reported(tmp_path, encoding):
    path = tmp_path / f"{encoding}_stray.txt"
    path.write_bytes(bad_bytes(encoding))
    assert 10_000 < path.stat().st_size < 12_500
    r = analyze(path, model=None)
    assert len(r.explanations) >= 3 and (85.0, 85.0) in _unexplained(r)
    assert len(r.warnings) == 1 and str(path) in r.warnings[0] and "无法解码" in r.warnings[0]


def test_many_bad_bytes_are_still_refused(tmp_path):
    from nlp.errors import InputError

    path = tmp_path / "gbk_broken.txt"
    path.write_bytes(bad_bytes("gbk", stray=200))
    with pytest.raises(InputError, match="unknown text encoding"):
        analyze(path, model=None)


def test_the_bad_bytes_warning_reaches_the_outputs(tmp_path):
    path = tmp_path / "gbk_stray.txt"
    path.write_bytes(bad_bytes("gbk"))
    text = run_cli("score", path, "--no-model", "--exit-zero")
    assert text.code == 0 and "无法解码" in text.stdout
    data = run_cli("score", path, "--no-model", "--format", "json", "--exit-zero").json()
    assert data["warnings"] and "无法解码" in data["warnings"][0]
    sarif = run_cli("score", path, "--no-model", "--format", "sarif", "--exit-zero").json()
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert "无法解码" in notes[0]["message"]["text"]
    table = run_cli("score", path, "--no-model", "--format", "csv", "--exit-zero")
    assert "无法解码" in table.stderr and "Traceback" not in table.stderr


# -- no verdict without evidence -------------------------------------------------


@pytest.mark.parametrize("name", list(NO_EVIDENCE))
def test_no_change_statement_is_not_scored(name):
    r = _analyze(NO_EVIDENCE[name])
    assert r.score is None and r.status == "not_scored"
    d = r.to_dict()
    assert d["score"] is None and d["status"] == "not_scored" and d["status_reason"] == "未识别到任何变动说明，不予评分"
    frame = r.to_frames().document
    assert frame["score"].isna().all() and list(frame["status"]) == ["not_scored"]


def test_a_report_with_evidence_is_scored(clean):
    assert clean.status == "scored" and clean.score is not None and clean.to_dict()["status_reason"] is None


@pytest.fixture(scope="module")
def not_scored_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("no_evidence") / "prose_only.txt"
    path.write_text(NO_EVIDENCE["prose_only"], encoding="utf-8")
    return path


def test_not_scored_in_every_output_of_score(not_scored_file, tmp_path):
    path, html = not_scored_file, tmp_path / "page.html"
    text = run_cli("score", path, "--no-model", "--html", html)
    assert text.code == 0 and "未评分：未识别到任何变动说明，不予评分" in text.stdout and "100" not in text.stdout
    assert "未评分" in html.read_text(encoding="utf-8") and "100.0" not in html.read_text(encoding="utf-8")
    english = run_cli("score", path, "--no-model", "--lang", "en")
    assert "not scored: no change statement recognised" in english.stdout
    data = run_cli("score", path, "--no-model", "--format", "json").json()
    assert (data["score"], data["status"]) == (None, "not_scored")
    sarif = run_cli("score", path, "--no-model", "--format", "sarif").json()
    assert sarif["runs"][0]["properties"] == {"score": None, "status": "not_scored", "status_reason": "未识别到任何变动说明，不予评分"}
    table = run_cli("score", path, "--no-model", "--format", "csv")
    assert "未评分" in table.stderr and str(path) in table.stderr
    assert table.stdout.lstrip("\ufeff").count("\n") == 1  # the causes table: its header, no row (no cause to list)
    scored = tmp_path / "scored.txt"
    scored.write_text(report(UNEXPLAINED), encoding="utf-8")
    documents = run_cli("score", path, scored, "--no-model", "--format", "csv", "--table", "documents", "--lang", "en", "--exit-zero")
    row, other = list(csv.DictReader(io.StringIO(documents.stdout.lstrip("\ufeff"))))
    assert (row["source"], row["score"], row["status"], row["status_reason"]) == (str(path), "", "not_scored", "no change statement recognised")
    assert other["status"] == "scored" and float(other["score"]) < 100 and other["status_reason"] == ""
    assert documents.code == 0 and documents.stderr == ""  # the table says it: nothing beside it


def test_not_scored_fails_fail_under(not_scored_file):
    """No evidence that it passes: with --fail-under, a report not scored exits 1."""
    assert run_cli("score", not_scored_file, "--no-model", "--fail-under", "0").code == 1
    assert run_cli("score", not_scored_file, "--no-model").code == 0  # no gate asked, no finding


def test_not_scored_in_the_batch_outputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in NO_EVIDENCE.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / "with_evidence.txt").write_text(report(UNEXPLAINED), encoding="utf-8")
    (folder / "gbk_stray.txt").write_bytes(bad_bytes("gbk"))
    out = tmp_path / "out"
    run = run_cli("batch", folder, "--out", out, "--no-progress", "-j", "1", "--fail-under", "0", timeout=180)
    assert run.code == 1 and "3 份报告未评分" in run.stderr, run.stderr
    with open(out / "documents.csv", encoding="utf-8-sig") as f:
        rows = {r["source"].rsplit("/", 1)[-1]: r for r in csv.DictReader(f)}
    for name in NO_EVIDENCE:
        assert rows[f"{name}.txt"]["score"] == "" and rows[f"{name}.txt"]["status"] == "not_scored"
    assert rows["with_evidence.txt"]["status"] == "scored" and float(rows["with_evidence.txt"]["score"]) < 100
    assert "无法解码" in rows["gbk_stray.txt"]["warnings"]
    dashboard = (out / "dashboard.html").read_text(encoding="utf-8")
    assert "未评分的报告" in dashboard and "prose_only.txt" in dashboard
    documents = read_results(out).documents
    assert set(documents.loc[documents["score"].isna(), "status"]) == {"not_scored"}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["documents"], summary["not_scored"]) == (5, 3)
    assert "5 份报告中 3 份未评分" in run.stderr
