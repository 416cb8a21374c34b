"""pandas: Report.to_frames(), nlp.read_results() on a batch run, and the
code of docs/pandas.md run on a small batch (so that the page cannot rot)."""
from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import nlp
from tests.synthetic import write_corpus

pd = pytest.importorskip("pandas")

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "城西区文化和旅游局2024年度部门决算.txt"
KINDS = {
    "category": {"kind", "basis", "direction", "label", "code", "rule", "severity", "scope", "identity_from", "error", "status"},
    "Float64": {"amount", "compare_amount", "change", "change_pct", "completion_pct", "confidence", "score", "materiality", "penalty"},
    "Int64": {"year", "pages", "page", "start", "end", "cause_no"},
    "boolean": {"vague", "statement_unparsed", "reason_before_figures", "no_trigger", "same_as_above", "low_confidence", "blank_slot"},
}


@pytest.fixture(scope="module")
def report():
    return nlp.analyze(str(EXAMPLE))


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory):
    """A batch run over 6 units × 2 years of generated reports (with planted
    copies) and the bundled example, in <tmp>/results."""
    from nlp.batch import run_batch

    root = tmp_path_factory.mktemp("frames")
    write_corpus(str(root / "reports"), units=6, years=(2023, 2024), seed=3, copies=4, sticky=2, bad=0)
    shutil.copy(EXAMPLE, root / "reports" / EXAMPLE.name)
    run_batch([str(root / "reports")], str(root / "results"), workers=2, progress=False)
    return root


def _expected(column: str, dtype) -> None:
    for kind, columns in KINDS.items():
        if column in columns:
            assert str(dtype) == kind, (column, dtype)
            return
    assert str(dtype) in ("string", "Int64"), (column, dtype)  # text, or the documents' counts


def test_to_frames_has_a_row_per_thing_and_typed_columns(report):
    frames = report.to_frames()
    assert len(frames.explanations) == len(report.explanations)
    assert len(frames.causes) == sum(len(e.causes) for e in report.explanations)
    assert len(frames.findings) == len(report.findings)
    assert len(frames.missing) == len(report.missing) > 0
    for frame in (frames.explanations, frames.causes, frames.findings, frames.missing):
        for column, dtype in frame.dtypes.items():
            _expected(column, dtype)
    # values as in the report, nothing lost to a category it did not know
    e = frames.explanations.set_index("explanation")
    for x in report.explanations:
        row = e.loc[x.id]
        assert row["kind"] == x.kind and row["reason"] == x.reason
        assert all(row[flag] == (flag in x.flags) for flag in ("no_trigger", "low_confidence", "statement_unparsed"))
        if x.statement and x.statement.change is not None:
            assert row["change"] == x.statement.change and row["basis"] == x.statement.basis
    causes = [c for x in report.explanations for c in x.causes]
    assert frames.causes["label"].tolist() == [c.label for c in causes]
    assert frames.causes["vague"].tolist() == [c.vague for c in causes]
    assert frames.missing["amount"].isna().sum() < len(frames.missing) and frames.missing["blank_slot"].dtype == "boolean"
    assert frames.findings["severity"].cat.categories.tolist() == ["error", "warning", "info"]
    # an unstated figure is <NA>, not NaN in a float column nor None in an object one
    assert frames.explanations["compare_amount"].isna().any()


def test_frames_of_several_reports_concatenate_as_categories(report):
    other = nlp.analyze("甲", text="支出决算为10万元，比上年决算增加5万元，增长100%，主要原因是新增设备采购。")
    causes = pd.concat([report.to_frames().causes, other.to_frames().causes], ignore_index=True)
    assert causes["label"].dtype == "category" and causes["vague"].dtype == "boolean"
    empty = nlp.analyze("乙", text="没有说明。").to_frames()
    assert len(empty.explanations) == 0 and str(empty.explanations["amount"].dtype) == "Float64"


def test_read_results_types_like_to_frames(report, results_dir):
    results = nlp.read_results(results_dir / "results")
    frames = report.to_frames()
    for name in ("explanations", "causes", "findings"):
        mine, batch = getattr(frames, name), getattr(results, name)
        for column in set(mine.columns) & set(batch.columns):
            assert str(mine[column].dtype) == str(batch[column].dtype), (name, column)
            if mine[column].dtype == "category" and column in ("label", "basis", "severity"):
                assert list(mine[column].cat.categories) == list(batch[column].cat.categories)
    for name in ("documents", "explanations", "causes", "findings", "errors"):
        for column, dtype in getattr(results, name).dtypes.items():
            _expected(column, dtype)
    # the example's rows in the batch are its own report's
    ours = results.causes[results.causes["source"].str.endswith(EXAMPLE.name)]
    assert ours["cause"].tolist() == frames.causes["cause"].tolist()
    assert ours["label"].astype("string").tolist() == frames.causes["label"].astype("string").tolist()
    # the split keeps one row per explanation and one per cause
    assert not results.explanations.duplicated(["sha256", "explanation"]).any()
    assert len(results.causes) == results.documents["causes"].sum()
    assert len(results.explanations) == results.documents["explanations"].sum()
    assert results.documents.columns[:3].tolist() == ["unit", "year", "source"]


def test_read_results_of_a_folder_that_is_not_one(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a batch's results folder"):
        nlp.read_results(tmp_path)


def test_read_results_of_a_folder_an_older_juesuan_wrote(tmp_path, results_dir):
    import json
    import shutil

    from nlp.errors import InputError
    from nlp.frames import STORE_FORMAT

    older = STORE_FORMAT - 1
    old = tmp_path / "old"
    shutil.copytree(results_dir / "results", old)
    (old / "statements.parquet").unlink()  # as format 4 wrote no statements table
    meta = old / ".juesuan-batch" / "meta.json"
    meta.write_text(json.dumps({**json.loads(meta.read_text(encoding="utf-8")), "format": older}), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        nlp.read_results(old)
    message = str(caught.value)
    assert f"由较早版本的 juesuan 写出（存储格式 {older}，本版本读取 {STORE_FORMAT}）" in message and "不加 --resume" in message
    assert f"written by an older juesuan (store format {older}; this one reads {STORE_FORMAT})" in message
    assert f"--out {old} again" in message and "not a batch's results folder" not in message


def test_import_nlp_does_not_import_pandas():
    code = "import sys, nlp; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "False"


def test_the_pandas_page_runs(results_dir, monkeypatch):
    """Every ```python block of docs/pandas.md, run where `results/` is a
    batch's results folder and `report.txt` a report."""
    page = (REPO / "docs" / "pandas.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, flags=re.S)
    assert len(blocks) == 2
    shutil.copy(EXAMPLE, results_dir / "report.txt")
    monkeypatch.chdir(results_dir)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for block in blocks:
            exec(compile(block, "docs/pandas.md", "exec"), {"__name__": "docs_pandas"})
    out = printed.getvalue()
    print(out)
    # the vague shares: one line per unit, a column per year
    assert re.search(r"^year\s+2023\s+2024$", out, flags=re.M)
    assert "城西区文化和旅游局" in out
    # the copies JS801 found are listed with their reasons
    assert re.search(r"^\s*unit\s+year\s+units\s+reason$", out, flags=re.M)
