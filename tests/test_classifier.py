"""The cause classifier: estimators, training script, labelled-data input,
model files, the classify / label-export commands and the real-text check
(training/, imported from the repository root)."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

from nlp import analyze, classify
from nlp import classifier as clf
from nlp.errors import InputError
from tests.test_classifier_tiny import ROWS
from training import evaluate as ev

REPO = Path(__file__).resolve().parent.parent
MODELS = REPO / "models"
TEXTS = [t for t, _, _ in ROWS]
LABELS = [label for _, label, _ in ROWS]
VAGUE = [v for _, _, v in ROWS]
ENV = {k: v for k, v in os.environ.items() if k != clf.ENV_VAR}


def run(*args, stdin: str | None = None, cwd=REPO):
    return subprocess.run(
        [sys.executable, *map(str, args)], input=stdin, capture_output=True, text=True, cwd=cwd, env=ENV, timeout=120
    )


def write_jsonl(path: Path, rows=ROWS) -> Path:
    path.write_text(
        "".join(json.dumps({"text": t, "label": y, "vague": v}, ensure_ascii=False) + "\n" for t, y, v in rows),
        encoding="utf-8",
    )
    return path


# ------------------------------------------------------------------ estimators


def test_fit_returns_self_and_sets_learned_attributes():
    est = clf.CauseClassifier(cv=3, C=2.0)
    assert not [k for k in vars(est) if k.endswith("_")]  # no work in __init__
    assert est.fit(TEXTS, LABELS) is est
    for attr in ("classes_", "coef_", "intercept_", "featurizer_", "temperature_", "low_confidence_threshold_", "cv_proba_"):
        assert hasattr(est, attr), attr
    assert est.classes_ == sorted(set(LABELS))
    assert est.coef_.shape == (8, len(est.featurizer_.vocabulary_))
    proba = est.predict_proba(["新录用公务员6名"])
    assert proba.shape == (1, 8) and abs(proba.sum() - 1) < 1e-9
    v = clf.VagueClassifier(cv=3)
    assert v.fit(TEXTS, VAGUE) is v and v.classes_ == [False, True]
    assert v.predict(["工作需要"]).dtype == bool


def test_estimators_follow_scikit_learn_conventions():
    from sklearn.base import clone

    est = clf.VagueClassifier(C=3.0, decision_threshold=0.4)
    params = est.get_params()
    assert params["C"] == 3.0 and params["decision_threshold"] == 0.4 and "lexicon" in params
    twin = clone(est)
    assert twin is not est and twin.get_params() == params
    assert est.set_params(C=1.0) is est and est.C == 1.0
    with pytest.raises(ValueError):
        est.set_params(nonsense=1)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="not fitted"):
        clf.CauseClassifier().predict(["x"])
    with pytest.raises(NotFittedError):
        clf.VagueClassifier().predict_proba(["x"])


def test_fit_is_deterministic_in_process():
    a = clf.CauseClassifier(cv=3).fit(TEXTS, LABELS)
    b = clf.CauseClassifier(cv=3).fit(TEXTS, LABELS)
    assert np.array_equal(a.coef_, b.coef_) and a.temperature_ == b.temperature_
    assert np.array_equal(a.cv_proba_, b.cv_proba_)


def test_prior_shift_moves_the_intercepts_by_the_log_ratio_of_the_shares():
    """prior_shift=a adds a * log(target share / training share) to each label's
    intercept (weights counted); a=0 or no target_prior leaves the fit as it was."""
    plain = clf.CauseClassifier(cv=1).fit(TEXTS, LABELS)
    classes = sorted(set(LABELS))
    target = {c: (0.3 if c == "other" else 0.1) for c in classes}
    weights = [2.0 if y == "other" else 1.0 for y in LABELS]
    source = {c: sum(w for y, w in zip(LABELS, weights) if y == c) / sum(weights) for c in classes}
    shifted = clf.CauseClassifier(cv=1, target_prior=target, prior_shift=0.5).fit(TEXTS, LABELS, weights)
    reweighted = clf.CauseClassifier(cv=1).fit(TEXTS, LABELS, weights)
    expected = reweighted.intercept_ + [0.5 * np.log(target[c] / source[c]) for c in shifted.classes_]
    assert np.allclose(shifted.intercept_, expected) and np.array_equal(shifted.coef_, reweighted.coef_)
    for off in (dict(target_prior=target, prior_shift=0.0), dict(prior_shift=0.5)):
        same = clf.CauseClassifier(cv=1, **off).fit(TEXTS, LABELS)
        assert np.array_equal(same.intercept_, plain.intercept_)
    # a larger target share for `other` raises its probability
    texts = ["工作需要", "实际情况变化", "会议增加"]
    assert (shifted.predict_proba(texts)[:, classes.index("other")]
            > reweighted.predict_proba(texts)[:, classes.index("other")]).all()



# -------------------------------------------------------------------- train.py


def _digests(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_training_script_is_deterministic_and_writes_model_card(tmp_path):
    data = write_jsonl(tmp_path / "tiny.jsonl")
    first = run(REPO / "train.py", "--data", data, "--no-corpus", "--no-gold", "--out", tmp_path / "a")
    assert first.returncode == 0, first.stderr
    second = run(REPO / "train.py", "--data", data, "--no-corpus", "--no-gold", "--out", tmp_path / "b")
    assert second.returncode == 0, second.stderr
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert set(_digests(tmp_path / "a")) == {"model.json", "weights.npz", "metrics.json", "MODEL_CARD.md"}
    metrics = json.loads((tmp_path / "a" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["data"]["rows"] == len(ROWS)
    assert 0 <= metrics["cv"]["label"]["macro_f1"] <= 1
    assert "threshold" in metrics["cv"]["label"]["low_confidence"]
    card = (tmp_path / "a" / "MODEL_CARD.md").read_text(encoding="utf-8")
    for part in ("## Data", "## Features", "## Scores", "Per-label F1", "Confusion matrix", "## Limits", "Low-confidence threshold"):
        assert part in card
    # the result is usable straight away
    assert classify(["新录用公务员6名"], model=tmp_path / "a")[0]["label"] in set(LABELS)


BAD_CSV = """text,label,vague
新录用公务员6名,staffing,false
,staffing,true
退休人员增加,staffing,maybe
追加预算,,true
工作需要,other,true,extra
人员增加,staffing,true
新录用公务员6名,other,false
尚未标注的原因,,
"""


def test_bad_rows_are_reported_with_line_numbers(tmp_path):
    bad = tmp_path / "mine.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    data = clf.read_labelled(bad)
    assert [r.text for r in data.rows] == ["新录用公务员6名", "人员增加"]
    errors = "\n".join(data.errors)
    assert f"{bad}:3: empty text" in errors
    assert f"{bad}:4: vague must be true/false" in errors
    assert f"{bad}:5: no label" in errors
    assert f"{bad}:6: 4 fields but the header has 3" in errors
    assert f"{bad}:8: same text as {bad}:2" in errors
    assert data.unlabelled == [f"{bad}:9"]

    result = run(REPO / "train.py", "--data", bad, "--no-corpus", "--out", tmp_path / "m")
    assert result.returncode == 2
    assert f"bad row: {bad}:3: empty text" in result.stderr
    assert "5 bad row(s)" in result.stderr and "--skip-bad" in result.stderr
    assert not (tmp_path / "m").exists()


def train_main(argv: list[str]) -> int:
    """train.py's main(), in this process (saves the start-up of a new one)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("juesuan_train", REPO / "train.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(argv)


def test_skip_bad_trains_on_the_good_rows_and_says_so(tmp_path, capsys):
    mixed = tmp_path / "mixed.jsonl"
    write_jsonl(mixed)
    with mixed.open("a", encoding="utf-8") as f:
        f.write('{"text": "缺少标签的一行"}\n')  # neither label nor vague: unlabelled, reported
        f.write("not json\n")
        f.write('{"text": "标签不对", "label": "two words"}\n')
    n = len(ROWS)
    data = clf.read_labelled(mixed)
    assert data.unlabelled == [f"{mixed}:{n + 1}"]
    assert data.errors[0].startswith(f"{mixed}:{n + 2}: invalid JSON")
    assert data.errors[1].startswith(f"{mixed}:{n + 3}: label 'two words' is not a name")
    code = train_main(["--data", str(mixed), "--no-corpus", "--no-gold", "--skip-bad", "--out", str(tmp_path / "m")])
    err = capsys.readouterr().err
    assert code == 0, err
    assert f"bad row: {mixed}:{n + 2}" in err
    assert "1 row(s) with neither label nor vague skipped" in err
    assert json.loads((tmp_path / "m" / "metrics.json").read_text(encoding="utf-8"))["data"]["bad_rows"] == 2


def test_csv_jsonl_and_xlsx_give_the_same_rows(tmp_path):
    import openpyxl

    rows = [*ROWS[:10], ("新增标签的一行", "my_extra_label", None)]
    write_jsonl(tmp_path / "a.jsonl", rows)
    with (tmp_path / "b.csv").open("w", encoding="gb18030", newline="") as f:  # GBK CSV, as Excel saves it
        w = csv.writer(f)
        w.writerow(["text", "label", "vague"])
        w.writerows([t, y, "" if v is None else ("是" if v else "否")] for t, y, v in rows)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["label", "vague", "text", "note"])  # any column order, extra columns ignored
    for t, y, v in rows:
        ws.append([y, v, t, "x"])
    wb.save(tmp_path / "c.xlsx")
    read = [clf.read_labelled(tmp_path / name) for name in ("a.jsonl", "b.csv", "c.xlsx")]
    for data in read:
        assert not data.errors and not data.unlabelled
        assert [(r.text, r.label, r.vague) for r in data.rows] == rows
    assert read[2].rows[0].where == f"{tmp_path / 'c.xlsx'}:2"
    with pytest.raises(InputError, match="unsupported labelled-data format"):
        clf.read_labelled(tmp_path / "x.txt") if (tmp_path / "x.txt").write_text("a") else None
    (tmp_path / "d.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"d.csv:1: the header needs columns text,label"):
        clf.read_labelled(tmp_path / "d.csv")


def test_header_aliases_prefer_the_field_s_own_name(tmp_path):
    """A header may name a field by an alias (原因, 标签, 模糊 …) in any case;
    when it holds two names of one field, the field's own name wins."""
    (tmp_path / "zh.csv").write_text("\ufeff原因,标签,是否模糊\n新录用公务员6名,staffing,否\n", encoding="utf-8")
    assert [(r.text, r.label, r.vague) for r in clf.read_labelled(tmp_path / "zh.csv").rows] == [
        ("新录用公务员6名", "staffing", False)
    ]
    (tmp_path / "two.csv").write_text("Cause,TEXT,Label\n备注,退休人员增加4人,staffing\n", encoding="utf-8")
    assert [r.text for r in clf.read_labelled(tmp_path / "two.csv").rows] == ["退休人员增加4人"]


# ------------------------------------------------------------------ model files


@pytest.fixture(scope="module")
def bundled():
    if not (MODELS / clf.MODEL_FILE).is_file():
        pytest.fail("models/ has no model: run `python train.py`")
    return clf.load_model(MODELS)


def _resign(folder: Path, mutate_meta=None, weights: bytes | None = None) -> None:
    """Change a model and recompute its checksum and its card's hashes, as
    training with other settings would (or a forger with write access to
    the card: the hashes protect against files swapped under a card)."""
    meta = json.loads((folder / clf.MODEL_FILE).read_text(encoding="utf-8"))
    if mutate_meta:
        mutate_meta(meta)
    if weights is not None:
        (folder / clf.WEIGHTS_FILE).write_bytes(weights)
    body = {k: v for k, v in meta.items() if k != "checksum"}
    meta["checksum"] = "sha256:" + hashlib.sha256(clf._canonical(body) + (folder / clf.WEIGHTS_FILE).read_bytes()).hexdigest()
    (folder / clf.MODEL_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    (folder / clf.CARD_FILE).write_text(clf.card_files(folder), encoding="utf-8")


def _copy(tmp_path: Path, name: str) -> Path:
    dest = tmp_path / name
    shutil.copytree(MODELS, dest)
    return dest


def _refused(path, match: str):
    with pytest.raises(clf.ModelError, match=match) as err:
        clf.load_model(path)
    assert "\n" not in str(err.value)
    return str(err.value)


def test_model_round_trips_through_plain_files(bundled, tmp_path):
    clf.save_model(bundled, tmp_path / "copy")
    again = clf.load_model(tmp_path / "copy")
    texts = ["新录用公务员6名", "工作需要", "受财力影响，部分项目资金未拨付"]
    assert again.predict(texts) == bundled.predict(texts)
    assert (tmp_path / "copy" / clf.WEIGHTS_FILE).read_bytes() == (MODELS / clf.WEIGHTS_FILE).read_bytes()


def test_tampered_or_foreign_model_files_are_refused_with_one_line(bundled, tmp_path):
    damaged = _copy(tmp_path, "damaged")
    data = bytearray((damaged / clf.WEIGHTS_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (damaged / clf.WEIGHTS_FILE).write_bytes(bytes(data))
    _refused(damaged, "fail their checksum")

    edited = _copy(tmp_path, "edited")
    meta = json.loads((edited / clf.MODEL_FILE).read_text(encoding="utf-8"))
    meta["heads"]["label"]["temperature"] = 0.01
    (edited / clf.MODEL_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    _refused(edited, "fail their checksum")

    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / clf.MODEL_FILE).write_text('{"model": "something else"}', encoding="utf-8")
    (foreign / clf.WEIGHTS_FILE).write_bytes(b"")
    _refused(foreign, "not a juesuan model")

    import pickle

    pickled = tmp_path / "model.pkl"
    pickled.write_bytes(pickle.dumps({"a": 1}))
    _refused(pickled, "pickle/joblib/skops files are not loaded")
    _refused(tmp_path / "nowhere", "no model there")

    # a forged checksum does not get objects past allow_pickle=False
    forged = _copy(tmp_path, "forged")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        arr = io.BytesIO()
        np.lib.format.write_array(arr, np.array([object()], dtype=object), allow_pickle=True)
        zf.writestr("label.coef.npy", arr.getvalue())
    _resign(forged, weights=buf.getvalue())
    _refused(forged, "not a usable juesuan model")

    # the CLI says it in one line and exits 2
    out = run("-m", "nlp", "classify", "--model", damaged, stdin="工作需要\n")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("juesuan: error: ") and out.stderr.count("\n") == 1


def test_other_format_or_library_versions_give_a_clear_message(bundled, tmp_path):
    future = _copy(tmp_path, "future")
    _resign(future, lambda m: m.update(format_version=99))
    msg = _refused(future, "model format version 99, this juesuan reads version 1")
    assert "python train.py" in msg

    old = _copy(tmp_path, "old")
    _resign(old, lambda m: m["trained_with"].update({"scikit-learn": "0.24.2"}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = clf.load_model(old)
    assert model.predict(["工作需要"])[0]["label"]
    messages = [str(w.message) for w in caught if issubclass(w.category, clf.ModelVersionWarning)]
    assert messages and "scikit-learn 0.24.2" in messages[0] and "\n" not in messages[0]
    out = run("-m", "nlp", "classify", "--model", old, stdin="工作需要\n")
    assert out.returncode == 0 and "juesuan: warning:" in out.stderr and "scikit-learn 0.24.2" in out.stderr


# --------------------------------------------------------------------- using it


def test_classify_api_and_cli(bundled):
    rows = classify(["新录用公务员6名，工资福利支出相应增加", "工作需要"], model=bundled)
    assert [set(r) for r in rows] == [{"text", "label", "confidence", "vague", "vague_confidence", "low_confidence"}] * 2
    assert rows[0]["label"] in clf.LABELS and 0 < rows[0]["confidence"] <= 1
    assert isinstance(rows[1]["vague"], bool) and 0.5 <= rows[1]["vague_confidence"] <= 1

    out = run("-m", "nlp", "classify", stdin="新录用公务员6名\n\n工作需要\n")
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [line["text"] for line in lines] == ["新录用公务员6名", "工作需要"]
    assert all(set(line) >= {"text", "label", "confidence", "vague", "vague_confidence"} for line in lines)

    table = run("-m", "nlp", "classify", "--format", "text", "-", stdin="工作需要\n")
    assert table.returncode == 0 and table.stdout.splitlines()[0].split()[:4] == ["label", "conf", "vague", "vconf"]
    assert "工作需要" in table.stdout

    missing = run("-m", "nlp", "classify", "no-such-file.txt")
    assert missing.returncode == 2 and missing.stderr.startswith("juesuan: error: no-such-file.txt")


EXAMPLE = (
    "（二）本年支出比上年增加18.94万元，增长9.78%，主要原因是：一是新录用公务员6名；二是追加智慧社区建设项目经费。\n"
    "（三）公务接待费支出比上年减少2.00万元，主要原因是认真落实过紧日子要求，严控公务接待。\n"
)


def test_score_labels_every_cause_and_flags_low_confidence(bundled, tmp_path):
    report = analyze("x.txt", text=EXAMPLE, model=bundled)
    causes = [c for e in report.explanations for c in e.causes]
    assert causes and all(c.label in clf.LABELS and c.confidence is not None and c.vague is not None for c in causes)
    assert analyze("x.txt", text=EXAMPLE, model=None).explanations[0].causes[0].label is None

    strict = clf.Model(label=bundled.label, vague=bundled.vague)
    import copy

    strict.label = copy.copy(bundled.label)
    strict.label.low_confidence_threshold_ = 1.01  # every cause is below it
    flagged = analyze("x.txt", text=EXAMPLE, model=strict)
    assert all("low_confidence" in e.flags for e in flagged.explanations if e.causes)

    (tmp_path / "x.txt").write_text(EXAMPLE, encoding="utf-8")
    out = run("-m", "nlp", "score", tmp_path / "x.txt", "--model", tmp_path / "no-such-model")
    assert out.returncode == 2 and "no-such-model" in out.stderr and out.stderr.count("\n") == 1


def test_label_export_goes_straight_back_into_training(bundled, tmp_path):
    report = tmp_path / "report.txt"
    report.write_text(EXAMPLE, encoding="utf-8")
    out = run("-m", "nlp", "label-export", report, "-o", tmp_path / "todo.csv")
    assert out.returncode == 0, out.stderr
    with (tmp_path / "todo.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:3] == ["text", "label", "vague"]
    confidences = [float(r["confidence"]) for r in rows]
    assert confidences == sorted(confidences) and all(r["label"] == "" for r in rows)
    # a labeller fills two rows; the rest stay unlabelled and are reported, not trained on
    rows[0]["label"], rows[0]["vague"] = "staffing", "false"
    rows[1]["label"] = "other"
    with (tmp_path / "done.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    data = clf.read_labelled(tmp_path / "done.csv")
    assert [(r.label, r.vague) for r in data.rows] == [("staffing", False), ("other", None)]
    assert len(data.unlabelled) == len(rows) - 2 and not data.errors

    ranked = clf.rank_for_labelling(clf.export_rows([analyze(report, model=bundled)]), bundled)
    clf.write_rows(ranked, tmp_path / "todo.xlsx", "xlsx")
    assert len(clf.read_labelled(tmp_path / "todo.xlsx").unlabelled) == len(rows)


def test_label_and_vague_scores():
    truth = ["staffing", "staffing", "other", "austerity", "my_label"]
    pred = ["staffing", "other", "other", "austerity", "staffing"]
    scores = ev.label_scores(truth, pred, clf.LABELS)
    # the taxonomy's labels first, in its order, then the others
    assert scores["confusion"]["labels"] == ["staffing", "austerity", "other", "my_label"]
    assert scores["confusion"]["matrix"] == [[1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0]]
    assert scores["per_label"]["staffing"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert scores["per_label"]["other"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1}
    assert scores["accuracy"] == 0.6 and scores["macro_f1"] == round((0.5 + 1 + 2 / 3 + 0) / 4, 4)
    vague = ev.vague_scores([True, True, False, None, False], [True, False, True, True, False])
    assert vague == {"n": 4, "f1": 0.5, "precision": 0.5, "recall": 0.5, "accuracy": 0.5, "vague_share_true": 0.5}
    assert ev.label_scores([], [])["macro_f1"] is None


def test_the_model_imports_nothing_above_it():
    """nlp/classifier/ and nlp/sheets.py import only from their layer or below,
    and nothing in nlp/ imports the training tools (they are not installed)."""
    import ast

    above = ("nlp.rules", "nlp.score", "nlp.pipeline", "nlp.report", "nlp.limits", "nlp.batch", "nlp.cli")
    for path in sorted((REPO / "nlp").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
        assert not [m for m in names if m.split(".")[0] == "training"], path
        if path.parent.name == "classifier" or path.name == "sheets.py":
            assert not [m for m in names if m.startswith(above)], path


# -------------------------------------------------------------- real-text check


def _corpus_texts() -> list[str]:
    """Every corpus line's text: causes.jsonl and the files written with items or in the real-report style
    (not the held-out boundary_heldout.jsonl, which no model is trained on)."""
    return [json.loads(line)["text"] for path in sorted((REPO / "corpora").glob("*.jsonl"))
            if path.name != "boundary_heldout.jsonl" for line in path.read_text(encoding="utf-8").splitlines()]


def test_real_causes_reach_the_issue_targets(bundled):
    """Issue 3 asks for label macro-F1 >= 0.85 and vague F1 >= 0.80 on the
    distinct real causes. Printed too: the same on the real causes that no
    corpus line paraphrases (models/MODEL_CARD.md says why that matters)."""
    items, info = ev.gold_causes()
    if info["distinct"] < 74:  # the targets are for the seed gold and our PDF gold together
        pytest.skip(f"only {info['distinct']} of the 74 real causes here (../shared absent?)")
    scores = ev.evaluate(bundled, items)
    corpus = _corpus_texts()
    far = ev.far_from(items, corpus)
    far_scores = ev.evaluate(bundled, far)
    label, vague = scores["label"], scores["vague"]
    figures = (
        f"real causes ({info['distinct']} distinct of {info['occurrences']}): label accuracy {label['accuracy']:.3f}, "
        f"macro-F1 {label['macro_f1']:.3f}; vague F1 {vague['f1']:.3f}; per-label F1 "
        + ", ".join(f"{k} {v['f1']:.2f}" for k, v in label["per_label"].items())
        + f"; the {len(far)} that no corpus line paraphrases: macro-F1 {far_scores['label']['macro_f1']:.3f}, "
        f"vague F1 {far_scores['vague']['f1']:.3f}"
    )
    print(figures)
    warnings.warn(figures, stacklevel=1)
    assert label["macro_f1"] >= 0.85 and vague["f1"] >= 0.80, figures


def test_real_causes_are_held_out_of_the_corpus():
    """The real-text check is only a check if none of its causes is trained
    on: no corpus line may equal a real cause (compared without punctuation,
    spaces or width differences)."""
    from nlp.features import normalise

    items, _ = ev.gold_causes()
    if not items:
        pytest.skip("no real-cause gold here (../shared absent)")

    def key(text):
        return "".join(ch for ch in normalise(text) if ch.isalnum())

    real = {key(t) for t, _, _ in items}
    corpus = _corpus_texts()
    assert [t for t in corpus if key(t) in real] == []
