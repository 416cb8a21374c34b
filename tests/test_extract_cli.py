"""`juesuan score FILE [--format json]` gives what `analyze(FILE).to_dict()`
gives, and a readable summary by default."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from nlp import analyze
from tests.extract_helpers import FIXTURES, run_cli


@pytest.mark.parametrize("name", ["triggers.txt", "missing_reason.txt", "perf_table.txt", "messy_extraction.txt"])
def test_json_output_is_the_api_result(name):
    path = FIXTURES / name
    result = run_cli("score", path, "--format", "json")
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    assert result.json() == analyze(path).to_dict()
    assert result.json()["source"] == str(path)


def test_text_output_lists_explanations_and_missing():
    result = run_cli("score", FIXTURES / "missing_reason.txt")
    assert result.code == 0, result.stderr
    out = result.stdout
    assert "3 explanations, 2 changes without a reason" in out.splitlines()[0]
    assert "E1 " in out and "E3 " in out
    assert "落实过紧日子要求，压减公务接待批次" in out
    assert "Changes without a reason:" in out
    assert "M1 " in out and "公务用车购置及运行维护费" in out and "M2 " in out


def test_help_exits_0():
    result = run_cli("score", "--help")
    assert result.code == 0
    assert "--format" in result.stdout


def test_installed_console_script():
    exe = shutil.which("juesuan")
    if exe is None:
        pytest.skip("juesuan is not installed (pip install -e .)")
    proc = subprocess.run([exe, "score", str(FIXTURES / "triggers.txt"), "--format", "json"], capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    assert '"explanations"' in proc.stdout
