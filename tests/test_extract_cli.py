"""`juesuan score FILE [--format json]` gives what `analyze(FILE).to_dict()`
gives, and a readable summary by default."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from nlp import analyze
from tests.extract_helpers import FIXTURES, run_cli


@pytest.mark.parametrize("name", ["triggers.txt", "missing_reason.txt", "perf_table.txt", "messy_extraction.txt"])
def test_json_output_is_the_api_result(name):
    path = FIXTURES / name
    result = run_cli("score", path, "--format", "json", "--exit-zero")
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    assert result.json() == analyze(path).to_dict()
    assert result.json()["source"] == str(path)


def test_text_output_counts_explanations_and_missing():
    """The default (terminal) format is for people and may change; it names
    the file and says how many explanations and unexplained changes it found."""
    result = run_cli("score", FIXTURES / "missing_reason.txt", "--exit-zero")
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    head = "\n".join(result.stdout.splitlines()[:3])
    assert "missing_reason.txt" in head
    assert re.search(r"(?<!\d)3 条说明", head), head
    assert re.search(r"(?<!\d)2 处变动未说明原因", head), head


def test_help_exits_0():
    result = run_cli("score", "--help")
    assert result.code == 0
    assert "--format" in result.stdout


def test_installed_console_script():
    exe = shutil.which("juesuan")
    if exe is None:
        pytest.skip("juesuan is not installed (pip install -e .)")
    proc = subprocess.run([exe, "score", str(FIXTURES / "triggers.txt"), "--format", "json", "--exit-zero"], capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    assert '"explanations"' in proc.stdout


def test_every_command_has_its_options():
    """The options each command takes (what the snapshot of `--help` holds
    in words): the shared ones where they belong."""
    gate = ["--fail-on", "--fail-under", "--exit-zero"]
    shared = {"score": ["--select", "--ignore", "--model", "--no-model", "--timeout", "--max-memory", "--color", "--table", *gate],
              "classify": ["--model"],
              "label-export": ["--model", "--timeout", "--max-memory", "--output"],
              "batch": ["--out", "--workers", "--resume", "--engine", "--scheduler", "--manifest", "--model", "--no-model",
                        "--timeout", "--max-memory", "--progress", "--no-progress", *gate],
              "rules": ["--color"]}
    top = run_cli("--help")
    assert top.code == 0 and all(name in top.stdout for name in shared) and "--version" in top.stdout
    for command, options in shared.items():
        result = run_cli(command, "--help")
        assert result.code == 0, result.stderr
        assert [o for o in options if o not in result.stdout] == [], command
    assert "--no-model" not in run_cli("classify", "--help").stdout


def test_label_export_over_budget_says_so_in_one_line_as_score_does():
    """label-export analyses each file in the same sandbox as score: over
    its time budget, the file is the same one line, not a traceback."""
    from tests.extract_helpers import EXAMPLE

    score = run_cli("score", EXAMPLE, "--timeout", "0.001")
    assert score.code == 2
    assert score.stderr.startswith("juesuan: error: ") and score.stderr.count("\n") == 1
    message = score.stderr.removeprefix("juesuan: error: ")
    assert "the time limit per file (raise it with --timeout); skipped" in message

    export = run_cli("label-export", EXAMPLE, "--timeout", "0.001")
    assert export.code == 2 and export.stdout == ""
    assert "Traceback" not in export.stderr
    assert export.stderr.splitlines() == ["juesuan: warning: " + message.rstrip("\n"), "juesuan: error: no report could be read"]

    bad = run_cli("label-export", EXAMPLE, "--max-memory", "lots")
    assert bad.code == 2 and bad.stderr == "juesuan: error: --max-memory: 'lots' is not a number\n"
