"""Family 2 of issue 16: the report's folder must not control the verdict or
the sandbox. Each case goes through `juesuan score` and `juesuan batch`:

- settings_limits: a project file's `[limits]` (timeout = 0, max_memory = 0)
  is ignored with one warning line naming it; only the user's file and the
  command line set the budget;
- settings_discovery: the search for a project file stops at the working
  directory; a report outside it gets the working directory's settings only;
- settings_batch: one set of settings per batch, from its root; a
  department's own juesuan.toml is never read; each document records the
  settings files and their hash;
- settings_types: every wrong type or value of every key, and settings that
  leave no rule enabled, are exit 2 with one line naming the file;
- settings_files: a settings file that is a FIFO, a folder, a link to
  /dev/zero, too large, not UTF-8 or nested too deeply neither hangs nor
  gives a traceback;
- settings_resume: `--resume` analyses again what other settings judged.

The user's own file is isolated: every run here gets XDG_CONFIG_HOME of its
own (an empty folder unless the test writes one).
"""
from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nlp.cli import main
from nlp.config import load_settings
from nlp.limits import Budget, budget_from
from nlp.rules import registry
from tests.extract_helpers import EXAMPLE, REPO

RULES = REPO / "tests" / "fixtures" / "rules"
ERROR = RULES / "JS101_fires.txt"  # JS101 fires: an error, score 0
NO_RULE = "没有启用任何规则"


@pytest.fixture(autouse=True)
def own_user_folder(tmp_path, monkeypatch):
    """No test reads the real ~/.config/juesuan/juesuan.toml."""
    home = tmp_path / "xdg"
    (home / "juesuan").mkdir(parents=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home / "juesuan" / "juesuan.toml"


def cli(*args, cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess:
    """`python -m nlp ARGS` in `cwd`, as a user runs it."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
           "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, "-m", "nlp", *map(str, args)], input=stdin, capture_output=True, env=env, cwd=cwd, timeout=120)
    proc.stdout, proc.stderr = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    return proc


def in_process(args, cwd: Path, monkeypatch, capsys) -> tuple[int, str, str]:
    """`juesuan ARGS` in this process (fast, for the many-case tables)."""
    monkeypatch.chdir(cwd)
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(code: int, err: str, *words) -> None:
    assert code == 2, err
    assert err.startswith("juesuan: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for w in words:
        assert w in err, (w, err)


def place(folder: Path, source: Path = ERROR, name: str = "report.txt", extra: bytes = b"") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_bytes(source.read_bytes() + extra)
    return target


def documents(out: Path) -> list[dict]:
    with open(out / "documents.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def batch_line(stderr: str) -> tuple[int, int]:
    """(analysed, skipped) from the summary line of `juesuan batch`."""
    m = re.search(r"分析 (\d+) 份，跳过 (\d+) 份", stderr)
    assert m, stderr
    return int(m.group(1)), int(m.group(2))


# ------------------------------------------------------------ settings_limits

LIMITS_OFF = "[limits]\ntimeout = 0\nmax_memory = 0\n"


def test_a_project_limits_table_is_ignored_with_one_warning_naming_it(tmp_path, monkeypatch):
    folder = tmp_path / "reports"
    report = place(folder)
    (folder / "juesuan.toml").write_text(LIMITS_OFF, encoding="utf-8")
    for args in (["score", report.name, "--no-model", "--exit-zero"],
                 ["batch", ".", "-o", tmp_path / "out", "--no-model", "--no-progress", "--exit-zero", "-j", "1"]):
        proc = cli(*args, cwd=folder)
        assert proc.returncode == 0, proc.stderr
        warnings = [line for line in proc.stderr.splitlines() if line.startswith("juesuan: warning:")]
        assert len(warnings) == 1, proc.stderr
        assert str(folder / "juesuan.toml") in warnings[0] and "[limits]" in warnings[0] and "已忽略" in warnings[0]
    # The budget in force is the default one, not "no limit".
    monkeypatch.chdir(folder)
    with pytest.warns(UserWarning, match="已忽略"):
        settings = load_settings(report, rules=registry())
    assert budget_from(settings) == Budget(120, 2048)


def test_a_project_file_cannot_unbound_the_users_limit(tmp_path, own_user_folder):
    """The user's file bounds each file to 0.01 s; a project file beside the
    report turning every limit off changes nothing: the file is still over
    budget, in score and in batch."""
    own_user_folder.write_text("[limits]\ntimeout = 0.01\n", encoding="utf-8")
    folder = tmp_path / "reports"
    place(folder, EXAMPLE, "example.txt")
    (folder / "juesuan.toml").write_text(LIMITS_OFF, encoding="utf-8")
    score = cli("score", "example.txt", "--no-model", cwd=folder)
    assert score.returncode == 2 and "0.01 s" in score.stderr and "Traceback" not in score.stderr, score.stderr
    out = tmp_path / "out"
    batch = cli("batch", ".", "-o", out, "--no-model", "--no-progress", "-j", "1", cwd=folder)
    assert batch.returncode == 1, batch.stderr
    with open(out / "errors.csv", encoding="utf-8-sig", newline="") as f:
        errors = list(csv.DictReader(f))
    assert [e["error"] for e in errors] == ["BudgetExceeded"] and "0.01 s" in errors[0]["message"]
    # and the command line is over the user's file
    assert cli("score", "example.txt", "--no-model", "--exit-zero", "--timeout", "60", cwd=folder).returncode == 0


# --------------------------------------------------------- settings_discovery

SELECT_VAGUE = 'select = ["JS201"]\n'  # JS101 (the fixture's finding) off: a higher score


@pytest.fixture
def tree(tmp_path):
    """tmp/juesuan.toml (above everything), tmp/work (a working directory
    without settings), tmp/reports/report.txt with its own juesuan.toml."""
    (tmp_path / "juesuan.toml").write_text(SELECT_VAGUE, encoding="utf-8")
    (tmp_path / "work").mkdir()
    report = place(tmp_path / "reports")
    (tmp_path / "reports" / "juesuan.toml").write_text(SELECT_VAGUE, encoding="utf-8")
    return tmp_path, report


def _scored(code: int, out: str, err: str) -> tuple[set[str], list[str]]:
    assert code in (0, 1), err
    data = json.loads(out)
    return {f["code"] for f in data["findings"]}, data["settings"]["files"]


def test_a_report_outside_the_working_directory_gets_the_working_directorys_settings(tree, monkeypatch, capsys):
    root, report = tree
    codes, files = _scored(*in_process(["score", report, "--no-model", "--format", "json"], root / "work", monkeypatch, capsys))
    assert "JS101" in codes and files == []  # neither reports/juesuan.toml nor the one above
    (root / "work" / "juesuan.toml").write_text('select = ["JS101"]\n', encoding="utf-8")
    codes, files = _scored(*in_process(["score", report, "--no-model", "--format", "json"], root / "work", monkeypatch, capsys))
    assert codes == {"JS101"} and files == [str(root / "work" / "juesuan.toml")]


def test_the_search_stops_at_the_working_directory(tree, monkeypatch, capsys):
    root, report = tree
    (root / "reports" / "juesuan.toml").unlink()
    # From the report's own folder: tmp/juesuan.toml is above the working directory.
    codes, files = _scored(*in_process(["score", report.name, "--no-model", "--format", "json"], report.parent, monkeypatch, capsys))
    assert "JS101" in codes and files == []
    # From tmp: the report is below, the file at tmp is found.
    codes, files = _scored(*in_process(["score", report, "--no-model", "--format", "json"], root, monkeypatch, capsys))
    assert codes <= {"JS201"} and files == [str(root / "juesuan.toml")]


def test_stdin_gets_the_working_directorys_settings(tree):
    root, report = tree
    proc = cli("score", "-", "--no-model", "--format", "json", cwd=root / "work", stdin=report.read_bytes())
    assert proc.returncode == 1 and json.loads(proc.stdout)["settings"]["files"] == [], proc.stderr
    proc = cli("score", "-", "--no-model", "--format", "json", cwd=root, stdin=report.read_bytes())
    assert json.loads(proc.stdout)["settings"]["files"] == [str(root / "juesuan.toml")], proc.stderr


def test_a_batch_root_outside_the_working_directory_is_not_a_settings_folder(tree):
    root, report = tree
    (root / "reports" / "juesuan.toml").write_text("select = []\n", encoding="utf-8")  # read, it would stop the run
    out = root / "out"
    proc = cli("batch", report.parent, "-o", out, "--no-model", "--no-progress", "-j", "1", cwd=root / "work")
    assert proc.returncode == 1, proc.stderr  # JS101: the default settings judged it
    [doc] = documents(out)
    assert doc["settings"] == "" and int(doc["JS101_missing"]) > 0


# ------------------------------------------------------------- settings_batch


def test_a_department_cannot_score_itself(tmp_path, monkeypatch, capsys):
    """One department's folder holds a juesuan.toml that would give it 100
    (and turn its sandbox off); the batch is judged by the root's settings."""
    root = tmp_path / "root"
    place(root / "dept_a")
    place(root / "dept_b", extra=b"\n\n")  # other bytes, the same findings
    (root / "dept_a" / "juesuan.toml").write_text('select = ["JS701"]\n' + LIMITS_OFF, encoding="utf-8")
    (root / "juesuan.toml").write_text("[missing]\nmin_change = 1.0\n", encoding="utf-8")
    proc = cli("batch", ".", "-o", "out", "--no-model", "--no-progress", "-j", "1", cwd=root)
    assert proc.returncode == 1 and "warning" not in proc.stderr, proc.stderr  # dept_a's file is not even read
    docs = documents(root / "out")
    assert len(docs) == 2
    assert [int(d["JS101_missing"]) > 0 for d in docs] == [True, True] and docs[0]["score"] == docs[1]["score"]
    assert {d["settings"] for d in docs} == {str(root / "juesuan.toml")}
    assert len({d["settings_sha256"] for d in docs}) == 1 and docs[0]["settings_sha256"].startswith("sha256:")
    # the same settings, the same hash, in score's JSON
    _, out, _ = in_process(["score", root / "dept_b" / "report.txt", "--no-model", "--format", "json"], root, monkeypatch, capsys)
    assert json.loads(out)["settings"] == {"files": [str(root / "juesuan.toml")], "sha256": docs[0]["settings_sha256"]}


def test_the_documents_table_names_its_settings_columns_in_chinese(tmp_path):
    from nlp.batch.tables import header_zh

    assert header_zh("documents", "settings") == "设置文件" and header_zh("documents", "settings_sha256") == "设置摘要"


# ------------------------------------------------------------- settings_types


def _wrong_settings() -> list[tuple[str, tuple[str, ...]]]:
    """(juesuan.toml, words of the error) for every key: wrong types, wrong
    values, and settings that leave no rule enabled."""
    rows: list[tuple[str, tuple[str, ...]]] = []
    for key in ("select", "ignore"):
        for value in ('"JS701"', "1", "true", "1.5", '["JS701", 1]', '[["JS701"]]', "{a = 1}", "1979-05-27", '["nope"]', '["js7O1"]'):
            rows.append((f"{key} = {value}\n", (key,)))
    for toml in ("select = []\n", 'ignore = ["ALL"]\n', 'ignore = ["JS"]\n', 'select = ["JS8"]\n',
                 'select = ["JS101"]\nignore = ["missing"]\n'):
        rows.append((toml, (NO_RULE,)))
    for value in ("1", "true", "[]", "{a = 1}", '"fr"', '""', '"ZH"', "1979-05-27"):
        rows.append((f"lang = {value}\n", ("lang",)))
    for option in ("timeout", "max_memory"):
        for value in ('"5"', "true", "[]", "{a = 1}", "-1", "-0.5", "nan", "inf", "-inf", "1979-05-27"):
            rows.append((f"[limits]\n{option} = {value}\n", ("[limits]", option)))
    rows += [("limits = 1\n", ("limits",)), ("[limits]\ntimeuot = 5\n", ("timeuot", "'timeout'"))]
    for rule in registry():
        rows += [(f"{rule.name} = 1\n", (rule.name,)), (f"[{rule.name}]\nno_such_option = 1\n", (rule.name, "no_such_option")),
                 (f"[{rule.code}]\nx = 1\n", (rule.code,))]
        for option, default in rule.options.items():
            wrong = {float: ['"x"', "true", "[]", "nan", "inf", "-inf", "{a = 1}"], int: ["2.5", '"3"', "true", "[]", "nan"]}[type(default)]
            rows += [(f"[{rule.name}]\n{option} = {value}\n", (f"[{rule.name}] {option}",)) for value in wrong]
    rows += [("unknown_key = 1\n", ("unknown_key",)), ("[unknown_table]\n", ("unknown_table",)), ("select = [\n", ("bad settings file",))]
    return rows


WRONG = _wrong_settings()


def test_the_table_of_wrong_settings_is_large():
    assert len(WRONG) > 150


@pytest.mark.parametrize("toml, words", WRONG, ids=[t.replace("\n", "|") for t, _ in WRONG])
def test_every_wrong_setting_is_one_line_exit_2(tmp_path, monkeypatch, capsys, toml, words):
    report = place(tmp_path / "reports")
    (tmp_path / "reports" / "juesuan.toml").write_text(toml, encoding="utf-8")
    code, out, err = in_process(["score", report.name, "--no-model"], report.parent, monkeypatch, capsys)
    one_error_line(code, err, str(report.parent / "juesuan.toml"), *words)
    assert out == ""


@pytest.mark.parametrize("toml, words", [(t, w) for t, w in WRONG if t.startswith(("ignore = \"", "select = []", "[limits]\ntimeout = nan", "[missing]\nmin_pct = \"x\""))])
def test_wrong_settings_stop_a_batch_before_it_starts(tmp_path, monkeypatch, capsys, toml, words):
    root = tmp_path / "root"
    place(root / "dept")
    (root / "juesuan.toml").write_text(toml, encoding="utf-8")
    code, _, err = in_process(["batch", ".", "-o", tmp_path / "out", "--no-model", "--no-progress"], root, monkeypatch, capsys)
    one_error_line(code, err, str(root / "juesuan.toml"), *words)
    assert not (tmp_path / "out" / "documents.csv").exists()


@pytest.mark.parametrize("toml, words", [
    ('ignore = "JS701"\n', ["ignore = 'JS701'", "列表", "a list"]),
    ("select = []\n", [NO_RULE, "score 100"]),
    ('[tool.juesuan]\nignore = ["ALL"]\n', [NO_RULE]),
    ("[limits]\ntimeout = nan\n", ["timeout = nan", "finite"]),
])
def test_the_real_command_line_gives_one_line_and_no_traceback(tmp_path, toml, words):
    name = "pyproject.toml" if toml.startswith("[tool") else "juesuan.toml"
    place(tmp_path)
    (tmp_path / name).write_text(toml, encoding="utf-8")
    for args in (["score", "report.txt", "--no-model"], ["batch", ".", "-o", "out", "--no-model", "--no-progress"]):
        proc = cli(*args, cwd=tmp_path)
        one_error_line(proc.returncode, proc.stderr, name, *words)


def test_the_users_file_is_checked_by_the_same_schema(tmp_path, own_user_folder, monkeypatch, capsys):
    report = place(tmp_path / "reports")
    own_user_folder.write_text('ignore = "JS701"\n', encoding="utf-8")
    code, _, err = in_process(["score", report, "--no-model"], tmp_path, monkeypatch, capsys)
    one_error_line(code, err, str(own_user_folder), "ignore = 'JS701'")
    own_user_folder.write_text('ignore = ["JS1"]\n', encoding="utf-8")
    (tmp_path / "juesuan.toml").write_text('ignore = ["JS2", "JS3", "JS4", "JS5", "JS6", "JS7", "JS9"]\n', encoding="utf-8")
    code, _, err = in_process(["score", report, "--no-model"], tmp_path, monkeypatch, capsys)
    one_error_line(code, err, str(own_user_folder), str(tmp_path / "juesuan.toml"), NO_RULE)  # both files named


@pytest.mark.parametrize("pyproject, words", [
    ("tool = 1\n", None),  # no [tool.juesuan]: not a settings file
    ("[tool]\njuesuan = 1\n", ["[tool.juesuan] must be a table"]),
    ('[tool.juesuan]\nignore = "JS701"\n', ["ignore = 'JS701'"]),
])
def test_a_pyproject_of_the_wrong_shape(tmp_path, monkeypatch, capsys, pyproject, words):
    report = place(tmp_path)
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    code, _, err = in_process(["score", report.name, "--no-model", "--exit-zero"], tmp_path, monkeypatch, capsys)
    if words is None:
        assert code == 0, err
    else:
        one_error_line(code, err, "pyproject.toml", *words)


# ------------------------------------------------------------- settings_files


def _fifo(path: Path) -> None:
    os.mkfifo(path)


@pytest.mark.parametrize("make, words", [
    (_fifo, None),  # never opened: no hang
    (lambda p: p.mkdir(), None),
    (lambda p: p.symlink_to("/dev/zero"), None),
    (lambda p: p.write_bytes(b"# " + b"x" * (2 << 20) + b"\n"), ["too large"]),
    (lambda p: p.write_bytes('lang = "zh"\n# \xff\xfe\n'.encode("latin-1")), ["bad settings file"]),
    (lambda p: p.write_text("select = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8"), ["bad settings file"]),
])
def test_a_settings_file_that_is_not_one(tmp_path, monkeypatch, capsys, make, words):
    report = place(tmp_path)
    make(tmp_path / "juesuan.toml")
    code, out, err = in_process(["score", report.name, "--no-model", "--format", "json"], tmp_path, monkeypatch, capsys)
    if words is None:
        assert code == 1 and json.loads(out)["settings"]["files"] == [], err
    else:
        one_error_line(code, err, str(tmp_path / "juesuan.toml"), *words)


# ------------------------------------------------------------ settings_resume


def test_resume_analyses_again_what_other_settings_judged(tmp_path):
    root = tmp_path / "root"
    place(root / "dept", name="a.txt")
    place(root / "dept", name="b.txt", extra=b"\n\n")
    (root / "juesuan.toml").write_text("[missing]\nmin_change = 5.0\n", encoding="utf-8")
    args = ["batch", ".", "-o", "out", "--no-model", "--no-progress", "-j", "1", "--exit-zero"]
    first = cli(*args, cwd=root)
    assert batch_line(first.stderr) == (2, 0), first.stderr
    before = documents(root / "out")

    (root / "juesuan.toml").write_text("# a comment changes nothing\n[missing]\nmin_change = 5.0\n", encoding="utf-8")
    same = cli(*args, "--resume", cwd=root)
    assert batch_line(same.stderr) == (0, 2), same.stderr

    (root / "juesuan.toml").write_text('ignore = ["JS1"]\n', encoding="utf-8")
    changed = cli(*args, "--resume", cwd=root)
    assert batch_line(changed.stderr) == (2, 0) and "other settings" in changed.stderr, changed.stderr
    after = documents(root / "out")
    assert {d["settings_sha256"] for d in after} != {d["settings_sha256"] for d in before}
    assert all(int(d["JS101_missing"]) == 0 for d in after) and all(int(d["JS101_missing"]) > 0 for d in before)
    assert all(float(a["score"]) > float(b["score"]) for a, b in zip(after, before, strict=True))
    ledger = [json.loads(line) for line in (root / "out" / ".juesuan-batch" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len({line["settings"] for line in ledger}) == 2 and all(line["settings"].startswith("sha256:") for line in ledger)
