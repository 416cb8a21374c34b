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
    result = run_cli("score", path, "--format", "json")
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    assert result.json() == analyze(path).to_dict()
    assert result.json()["source"] == str(path)


def test_text_output_counts_explanations_and_missing():
    """The default (terminal) format is for people and may change; it names
    the file and says how many explanations and unexplained changes it found."""
    result = run_cli("score", FIXTURES / "missing_reason.txt")
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    head = "\n".join(result.stdout.splitlines()[:3])
    assert "missing_reason.txt" in head
    assert re.search(r"\b3 explanations\b", head), head
    assert re.search(r"\b2 changes without a reason\b", head), head


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
