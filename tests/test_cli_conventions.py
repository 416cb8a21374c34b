"""The command line behaves as users of ruff and pytest expect: strict
settings and selectors, a linter's exit codes, --version, `juesuan rules`,
--color with NO_COLOR and FORCE_COLOR, the terminal's width, several files and
stdin, CSV tables Excel reads, and a mistyped path that is an error."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

import nlp
from nlp import analyze
from nlp.rules import find_rule, registry
from tests.extract_helpers import EXAMPLE, REPO

RULES = REPO / "tests" / "fixtures" / "rules"
CLEAN = RULES / "JS101_passes.txt"  # no finding
ERROR = RULES / "JS101_fires.txt"  # one error (JS101), score 0
WARNING = RULES / "JS201_fires.txt"  # one warning (JS201, style), score 66.7
ESC = "\x1b["


def juesuan(*args, env: dict | None = None, stdin: bytes | None = None, cwd: Path = REPO):
    """`python -m nlp ARGS` with an environment of our choosing (none of the
    caller's colour or width settings leak in)."""
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "TERM")}
    base["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    base["PYTHONIOENCODING"] = "utf-8"
    proc = subprocess.run([sys.executable, "-m", "nlp", *map(str, args)], input=stdin or b"", capture_output=True,
                          env={**base, **(env or {})}, cwd=cwd, timeout=120)
    proc.stdout, proc.stderr = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    return proc


def one_error_line(proc, *words) -> None:
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("juesuan: error: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert all(w in proc.stderr for w in words), proc.stderr


def chinese_first(proc) -> None:
    """The message in Chinese, then " — " and the same in English."""
    chinese, _, english = proc.stderr.partition(" — ")
    assert english and re.search(r"[\u4e00-\u9fff]", chinese) and not re.search(r"[\u4e00-\u9fff]", english), proc.stderr


# ------------------------------------------------------------ strict settings


@pytest.mark.parametrize("option, value, words", [
    ("--select", "vauge", ["--select", "'vauge'", "did you mean 'vague'"]),
    ("--select", "JS999", ["--select", "'JS999'"]),
    ("--ignore", "JS201,js301", ["--ignore", "'js301'", "'JS301'"]),
    ("--ignore", "ALL,template_leftvoer", ["'template_leftvoer'", "'template_leftover'"]),
])
def test_unknown_rule_on_the_command_line_is_exit_2(option, value, words):
    proc = juesuan("score", CLEAN, option, value, "--no-model")
    one_error_line(proc, *words)
    chinese_first(proc)
    assert proc.stdout == ""


@pytest.mark.parametrize("toml, words", [
    ('ignore = ["vauge"]\n', ["ignore", "'vauge'", "'vague'"]),
    ("selcet = ['JS1']\n", ["unknown key 'selcet'", "'select'"]),
    ("select = 'JS1'\n", ["select = 'JS1'", "a list"]),
    ("[missing]\nmin_chagne = 10\n", ["[missing]", "'min_chagne'", "'min_change'"]),
    ("[missing]\nmin_change = 'ten'\n", ["[missing] min_change = 'ten'", "a number"]),
    ("[missnig]\nmin_change = 10\n", ["unknown table 'missnig'", "'missing'"]),
    ("[JS101]\nmin_change = 10\n", ["'JS101'", "[missing]"]),
    ("[repeated]\nmin_items = 2.5\n", ["min_items = 2.5", "a whole number"]),
    ("[limits]\ntimeuot = 5\n", ["[limits]", "'timeuot'", "'timeout'"]),
    ("[limits]\ntimeout = true\n", ["[limits] timeout = True", "a number"]),
])
def test_unknown_or_mistyped_setting_is_exit_2(tmp_path, monkeypatch, toml, words):
    report = tmp_path / "report.txt"
    report.write_bytes(CLEAN.read_bytes())
    (tmp_path / "juesuan.toml").write_text(toml, encoding="utf-8")
    proc = juesuan("score", report, "--no-model", cwd=tmp_path)
    one_error_line(proc, str(tmp_path / "juesuan.toml"), *words)
    chinese_first(proc)
    monkeypatch.chdir(tmp_path)  # the library looks for settings up to the working directory, as the CLI does
    with pytest.raises(nlp.InputError, match=r"juesuan\.toml"):
        analyze(report, model=None)


def test_pyproject_settings_are_checked_by_score_label_export_and_batch(tmp_path):
    report = tmp_path / "in" / "report.txt"
    report.parent.mkdir()
    report.write_bytes(CLEAN.read_bytes())
    (tmp_path / "in" / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.juesuan]\nignore = ["vauge"]\n', encoding="utf-8")
    for args in (["score", report, "--no-model"], ["label-export", report], ["batch", report.parent, "-o", tmp_path / "out"]):
        one_error_line(juesuan(*args, cwd=tmp_path), "pyproject.toml", "'vauge'", "'vague'")
    assert not (tmp_path / "out" / "documents.csv").exists()


def test_valid_settings_still_tune_the_rules(tmp_path):
    report = tmp_path / "report.txt"
    report.write_bytes(ERROR.read_bytes())
    (tmp_path / "juesuan.toml").write_text('select = ["JS1"]\n[missing]\nmin_change = 1000.0\nmin_pct = 1000\n', encoding="utf-8")
    proc = juesuan("score", report, "--no-model", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["findings"] == []


# ------------------------------------------------------------------ exit codes


@pytest.mark.parametrize("path, args, code", [
    (CLEAN, [], 0),
    (ERROR, [], 1),
    (WARNING, [], 1),  # the default --fail-on is warning
    (WARNING, ["--fail-on", "error"], 0),
    (WARNING, ["--fail-on", "info"], 1),
    (ERROR, ["--exit-zero"], 0),
    (WARNING, ["--fail-on", "never", "--fail-under", "60"], 0),  # scores 66.7
    (WARNING, ["--fail-on", "never", "--fail-under", "70"], 1),
    (CLEAN, ["--fail-under", "101"], 2),  # not a score: a usage error
    (RULES / "nowhere.txt", ["--exit-zero"], 2),  # an input error stays 2
])
def test_score_exits_like_a_linter(path, args, code):
    proc = juesuan("score", path, "--no-model", *args)
    assert proc.returncode == code, proc.stderr


def test_exit_codes_are_in_the_help():
    for command in ("score", "batch"):
        text = " ".join(juesuan(command, "--help").stdout.split())
        assert "--fail-on {error,warning,info,never}" in text and "--fail-under" in text and "--exit-zero" in text
        assert "0 clean (no finding at or above --fail-on" in text and "2 usage or input error" in text


def test_batch_exit_codes_over_the_run(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "warning.txt").write_bytes(WARNING.read_bytes())
    run = ["batch", inputs, "-o", tmp_path / "out", "--no-model", "--no-progress", "-j", "1"]
    assert juesuan(*run).returncode == 1
    assert juesuan(*run, "--resume", "--fail-on", "error").returncode == 0
    assert juesuan(*run, "--resume", "--fail-on", "never", "--fail-under", "70").returncode == 1
    (inputs / "empty.txt").write_bytes(b"")  # fails: a row of errors.csv, exit 1 however lenient the threshold
    assert juesuan(*run, "--resume", "--fail-on", "never").returncode == 1
    assert juesuan(*run, "--resume", "--exit-zero").returncode == 0


@pytest.mark.parametrize("given", ["no/such/folder", "no/such/report.pdf"])
def test_batch_mistyped_path_is_exit_2(tmp_path, given):
    proc = juesuan("batch", str(CLEAN), given, "-o", tmp_path / "out", "--no-model")
    one_error_line(proc, f"{given}: no such file or folder")
    assert not (tmp_path / "out").exists()


# -------------------------------------------------------- --version and rules


def test_version_names_the_package_and_the_model():
    proc = juesuan("--version")
    assert proc.returncode == 0, proc.stderr
    checksum = json.loads((REPO / "models" / "model.json").read_text(encoding="utf-8"))["checksum"]
    assert proc.stdout.startswith(f"juesuan {nlp.__version__}\n")
    assert checksum[:15] in proc.stdout


def test_rules_lists_every_rule_chinese_first():
    proc = juesuan("rules")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("规则")
    for rule in registry():
        row = next(line for line in lines if line.startswith(rule.code))
        cells = row.split()
        assert cells[:5] == [rule.code, rule.zh, rule.name, rule.severity.zh, str(rule.severity)], row
        assert "开 on" in row


def test_rules_summaries_follow_the_language(tmp_path):
    wide = {"COLUMNS": "250"}
    zh, en = juesuan("rules", env=wide), juesuan("rules", "--lang", "en", env=wide)
    assert zh.returncode == en.returncode == 0, zh.stderr + en.stderr
    for rule in registry():
        assert rule.summary_zh in zh.stdout and rule.summary not in zh.stdout
        assert rule.summary in en.stdout
    assert juesuan("rules", "JS501").stdout.splitlines()[2] == find_rule("JS501").summary_zh
    (tmp_path / "juesuan.toml").write_text('lang = "en"\n', encoding="utf-8")
    assert find_rule("JS501").summary in juesuan("rules", cwd=tmp_path, env=wide).stdout


@pytest.mark.parametrize("key", ["JS301", "repeated"])
def test_rules_explains_one_rule_and_how_to_tune_it(key):
    proc = juesuan("rules", key)
    assert proc.returncode == 0, proc.stderr
    rule = next(r for r in registry() if r.code == "JS301")
    text = proc.stdout
    assert text.startswith("JS301 原因重复")
    assert "".join(rule.rationale_zh.split())[:30] in "".join(text.split())  # Chinese first
    english = juesuan("rules", key, "--lang", "en").stdout
    assert " ".join(rule.rationale.split()[:8]) in " ".join(english.split())
    assert rule.example in text
    assert "[repeated]" in text and "similarity = 90.0" in text and "min_items = 3" in text
    assert 'ignore = ["JS301"]' in text


def test_rules_unknown_rule_is_exit_2():
    one_error_line(juesuan("rules", "JS3O1"), "'JS3O1'", "'JS301'")


# ------------------------------------------------------------ colour and width


@pytest.mark.parametrize("env, args, coloured", [
    ({}, [], False),  # not a terminal
    ({"FORCE_COLOR": "1"}, [], True),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, [], False),
    ({"NO_COLOR": "1"}, ["--color", "always"], True),
    ({"FORCE_COLOR": "1"}, ["--color", "never"], False),
])
def test_color_option_and_environment(env, args, coloured):
    proc = juesuan("rules", *args, env=env)
    assert proc.returncode == 0, proc.stderr
    assert (ESC in proc.stdout) is coloured


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")
@pytest.mark.parametrize("env, coloured", [({}, True), ({"NO_COLOR": "1"}, False), ({"TERM": "dumb"}, False)])
def test_on_a_terminal_color_unless_no_color(env, coloured):
    import pty

    leader, follower = pty.openpty()
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    base.update({"PYTHONPATH": str(REPO), "TERM": "xterm", **env})
    proc = subprocess.Popen([sys.executable, "-m", "nlp", "rules"], stdout=follower, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, env=base, cwd=REPO)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    assert proc.wait(timeout=60) == 0
    assert (ESC.encode() in out) is coloured


def display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def test_text_fits_the_terminal_width():
    narrow = juesuan("score", EXAMPLE, "--no-model", "--all", env={"COLUMNS": "80"})
    assert narrow.returncode == 1, narrow.stderr
    assert max(map(display_width, narrow.stdout.splitlines())) <= 80
    assert max(map(display_width, juesuan("rules", env={"COLUMNS": "80"}).stdout.splitlines())) <= 80
    piped = juesuan("score", EXAMPLE, "--no-model")  # not a terminal, no $COLUMNS: 120 columns, as before
    assert max(map(display_width, piped.stdout.splitlines())) == 120


# ------------------------------------------------------ several files, stdin


def test_several_files_text_blocks_and_a_summary_line():
    proc = juesuan("score", WARNING, CLEAN, "--no-model")
    assert proc.returncode == 1, proc.stderr
    assert str(WARNING) in proc.stdout and str(CLEAN) in proc.stdout
    assert proc.stdout.rstrip().splitlines()[-1].startswith("2 份报告中 2 份已评分；平均 83.3，最低 66.7")
    english = juesuan("score", WARNING, CLEAN, "--no-model", "--lang", "en")
    assert english.stdout.rstrip().splitlines()[-1].startswith("2 of 2 reports scored; mean 83.3, lowest 66.7")


def test_several_files_json_is_a_list_one_file_is_unchanged():
    many = juesuan("score", WARNING, CLEAN, "--no-model", "--format", "json")
    assert json.loads(many.stdout) == [analyze(p, model=None).to_dict() for p in (WARNING, CLEAN)]
    one = juesuan("score", WARNING, "--no-model", "--format", "json")
    assert json.loads(one.stdout) == analyze(WARNING, model=None).to_dict()
    sarif = json.loads(juesuan("score", WARNING, ERROR, "--no-model", "--format", "sarif").stdout)
    assert [run["artifacts"][0]["location"]["uri"] for run in sarif["runs"]] == [str(WARNING), str(ERROR)]
    rows = read_csv(juesuan("score", WARNING, ERROR, "--no-model", "--format", "csv", "--table", "findings").stdout)
    assert [(r["source"], r["code"]) for r in rows] == [(str(WARNING), "JS201"), (str(ERROR), "JS101")]


def test_a_missing_file_among_several_is_exit_2_the_rest_is_scored():
    proc = juesuan("score", CLEAN, RULES / "nowhere.txt", "--no-model", "--format", "json")
    one_error_line(proc, "nowhere.txt")
    assert [r["source"] for r in json.loads(proc.stdout)] == [str(CLEAN)]


def test_stdin_is_read_and_sniffed_like_a_file():
    expected = analyze(EXAMPLE, model=None).to_dict()
    gbk = EXAMPLE.read_text(encoding="utf-8").encode("gb18030")
    proc = juesuan("score", "-", "--no-model", "--format", "json", stdin=gbk)
    assert proc.returncode == 1, proc.stderr
    got = json.loads(proc.stdout)
    assert got["source"] == "<stdin>"
    assert got["findings"] == expected["findings"] and got["score"] == expected["score"]
    one_error_line(juesuan("score", "-", "--no-model", stdin=b""), "<stdin>: empty file")


@pytest.mark.parametrize("command", [["score", EXAMPLE, "--html"], ["label-export", EXAMPLE, "-o"]])
def test_output_paths_are_checked_before_any_work(tmp_path, command):
    for target in (tmp_path / "no" / "such" / "out.html", tmp_path):
        proc = juesuan(*command, target)
        one_error_line(proc, f"cannot write {target}")
        assert proc.stdout == ""


def test_batch_results_folder_is_checked_before_any_work(tmp_path):
    a_file = tmp_path / "results"
    a_file.write_text("x", encoding="utf-8")
    for target, words in ((a_file, "not a folder"), (a_file / "out", f"{a_file} is not a folder")):
        one_error_line(juesuan("batch", CLEAN, "--no-model", "-o", target), f"cannot write {target}", words)


# ----------------------------------------------------------------------- CSV


def read_csv(text: str) -> list[dict]:
    assert text.startswith("\ufeff")  # Excel reads the Chinese
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_tables_causes_findings_missing():
    report = analyze(EXAMPLE, model="default")
    causes = read_csv(juesuan("score", EXAMPLE, "--format", "csv", "--exit-zero").stdout)
    assert len(causes) == sum(max(1, len(e.causes)) for e in report.explanations)
    first = report.explanations[0]
    row = causes[0]
    assert (row["explanation"], row["cause"], row["reason"]) == (first.id, first.causes[0].text, first.reason)
    assert row["statement"] == first.statement.text
    assert {r["vague"] for r in causes} <= {"true", "false", ""} and "false" in {r["vague"] for r in causes}

    findings = read_csv(juesuan("score", EXAMPLE, "--format", "csv", "--table", "findings", "--exit-zero").stdout)
    assert [(r["code"], r["severity"], r["message"]) for r in findings] == [(f.code, f.severity, f.message) for f in report.findings]

    missing = read_csv(juesuan("score", EXAMPLE, "--format", "csv", "--table", "missing", "--exit-zero").stdout)
    assert [(r["id"], r["item"]) for r in missing] == [(m.id, m.statement.item) for m in report.missing]

    one_error_line(juesuan("score", CLEAN, "--format", "json", "--table", "findings"), "--table")


# ------------------------------------------------------------------ lines


def test_findings_carry_their_line_in_json_sarif_and_csv():
    """The stale date planted on line 212 of the example is found on line 212
    in every output that a person or a tool locates it by."""
    example = EXAMPLE
    report = json.loads(juesuan("score", example, "--no-model", "--format", "json").stdout)
    year = [f for f in report["findings"] if f["code"] == "JS503"]
    assert [f["location"]["line"] for f in year] == [212]
    assert all(e["location"]["line"] >= 1 for e in report["explanations"])
    sarif = json.loads(juesuan("score", example, "--no-model", "--format", "sarif").stdout)
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in sarif["runs"][0]["results"] if r["ruleId"] == "JS503"]
    assert lines == [212]
    rows = list(csv.DictReader(io.StringIO(juesuan("score", example, "--no-model", "--format", "csv", "--table", "findings").stdout.lstrip("\ufeff"))))
    assert [r["line"] for r in rows if r["code"] == "JS503"] == ["212"]


# ------------------------------------------------------------------ language


def test_messages_are_chinese_by_default_english_with_lang_en():
    """The terminal, the CSV findings table and SARIF speak the chosen
    language; the JSON carries both messages whatever the choice."""
    finding = analyze(WARNING, model=None).findings[0]
    assert finding.message != finding.message_en
    zh, en = juesuan("score", WARNING, "--no-model"), juesuan("score", WARNING, "--no-model", "--lang", "en")
    flat = [" ".join(p.stdout.split()) for p in (zh, en)]
    assert "问题（从重到轻）" in zh.stdout and "原因含糊" in zh.stdout and "Findings, worst first" not in zh.stdout
    assert finding.message.split("（")[0] in flat[0]  # "E1的原因含糊"
    assert "Findings, worst first" in en.stdout and "vague cause" in flat[1] and "问题（从重到轻）" not in en.stdout
    for lang, message in (("zh", finding.message), ("en", finding.message_en)):
        data = json.loads(juesuan("score", WARNING, "--no-model", "--format", "json", "--lang", lang).stdout)
        assert [(f["message"], f["message_en"]) for f in data["findings"]] == [(finding.message, finding.message_en)]
        rows = read_csv(juesuan("score", WARNING, "--no-model", "--format", "csv", "--table", "findings", "--lang", lang).stdout)
        assert [r["message"] for r in rows] == [message]
        sarif = json.loads(juesuan("score", WARNING, "--no-model", "--format", "sarif", "--lang", lang).stdout)
        assert [r["message"]["text"] for r in sarif["runs"][0]["results"]] == [message]


def test_lang_in_the_settings_and_the_command_line_over_it(tmp_path):
    report = tmp_path / WARNING.name
    report.write_bytes(WARNING.read_bytes())
    (tmp_path / "juesuan.toml").write_text('lang = "en"\n', encoding="utf-8")
    english = juesuan("score", report, "--no-model", cwd=tmp_path)
    assert "Findings, worst first" in english.stdout and "vague cause" in english.stdout, english.stderr
    assert "问题（从重到轻）" in juesuan("score", report, "--no-model", "--lang", "zh", cwd=tmp_path).stdout
    (tmp_path / "juesuan.toml").write_text('lang = "fr"\n', encoding="utf-8")
    one_error_line(juesuan("score", report, "--no-model", cwd=tmp_path), "lang", "'fr'", "'zh' or 'en'")
    bad = juesuan("score", report, "--no-model", "--lang", "fr")
    assert bad.returncode == 2 and "--lang: invalid choice: 'fr'" in bad.stderr
