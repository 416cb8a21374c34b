"""`juesuan batch --model DIR` and `--no-model`, and what `--resume` does
when the model changed: results of another model are done again, never
mixed into one run's tables."""
from __future__ import annotations

import csv
import dataclasses
import json
import shutil

import pytest

from nlp.classifier import load_model, save_model
from tests.extract_helpers import EXAMPLE, REPO, run_cli


@pytest.fixture
def reports(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    return folder


def _labels(out) -> list[str]:
    with open(out / "explanations.csv", encoding="utf-8-sig", newline="") as f:
        return [row["label"] for row in csv.DictReader(f) if row["cause"]]


def _ledger(out) -> list[dict]:
    lines = (out / ".juesuan-batch" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_batch_labels_with_the_model_given_and_not_at_all_with_no_model(reports, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(REPO / "models", model)
    labelled = run_cli("batch", reports, "--out", tmp_path / "labelled", "--model", model, "-j", "1", "--no-progress", "--exit-zero", timeout=180)
    assert labelled.code == 0, labelled.stderr
    labels = _labels(tmp_path / "labelled")
    assert labels and all(labels), "every cause gets a label"

    bare = run_cli("batch", reports, "--out", tmp_path / "bare", "--no-model", "-j", "1", "--no-progress", "--exit-zero", timeout=180)
    assert bare.code == 0, bare.stderr
    assert len(_labels(tmp_path / "bare")) == len(labels)
    assert not any(_labels(tmp_path / "bare")), "--no-model leaves every cause unlabelled"


def test_batch_refuses_a_model_it_cannot_load_in_one_line(reports, tmp_path):
    result = run_cli("batch", reports, "--out", tmp_path / "out", "--model", tmp_path / "nowhere", "--no-progress")
    assert result.code == 2
    assert result.stderr.startswith("juesuan: error: ") and result.stderr.count("\n") == 1
    assert "no model there" in result.stderr


def test_resume_with_another_model_does_the_files_again(reports, tmp_path):
    from nlp.batch import run_batch

    bundled = load_model(REPO / "models")
    other = save_model(dataclasses.replace(bundled, info={**bundled.info, "note": "retrained"}), tmp_path / "other")
    out = tmp_path / "out"

    first = run_batch([str(reports)], str(out), workers=1, progress=False, model=str(REPO / "models"))
    assert (first.done, first.skipped) == (1, 0)
    same = run_batch([str(reports)], str(out), workers=1, progress=False, resume=True, model=str(REPO / "models"))
    assert (same.done, same.skipped) == (0, 1) and not same.note

    changed = run_batch([str(reports)], str(out), workers=1, progress=False, resume=True, model=str(other))
    assert (changed.done, changed.skipped) == (1, 0)
    assert "another model" in changed.note
    models = [line["model"] for line in _ledger(out)]
    assert len(models) == 2 and models[0] != models[1] and all(m.startswith("sha256:") for m in models)

    unlabelled = run_batch([str(reports)], str(out), workers=1, progress=False, resume=True, model=None)
    assert (unlabelled.done, unlabelled.skipped) == (1, 0)
    assert _ledger(out)[-1]["model"] == "none"
    assert not any(_labels(out)), "the tables hold the last model's results only"


def test_a_dask_worker_with_another_model_stops_the_run():
    from nlp.batch.engines import DaskEngine
    from nlp.errors import InputError

    engine = DaskEngine(model="default", identity="sha256:aaa")
    engine._check_models({"tcp://10.0.0.1:4000": "sha256:aaa"})
    with pytest.raises(InputError, match=r"tcp://10\.0\.0\.2:4000 cannot label with this machine's default model: another model") as e:
        engine._check_models({"tcp://10.0.0.1:4000": "sha256:aaa", "tcp://10.0.0.2:4000": "sha256:bbb"})
    assert "\n" not in str(e.value)
    with pytest.raises(InputError, match="cannot label with /m: /m: no model there"):
        DaskEngine(model="/m", identity="sha256:aaa")._check_models({"tcp://w:1": "error: /m: no model there"})
