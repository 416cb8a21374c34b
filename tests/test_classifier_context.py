"""Issue 13: causes read in the context of their item, real-pattern training
data, sample weights, and what a user sees on named events, insurance bases
and off-topic text (bundled model, public API and CLI)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nlp import classifier as clf
from nlp import classify
from nlp.features import context_features, lexicon_hits, normalise, normalise_lexicon
from nlp.resources import vague_lexicon
from nlp.rules.vague import _lexicon_pattern
from nlp.specificity import specificity
from tests.test_classifier_tiny import ROWS
from training.data import RealCause, read_data, read_real, weighted_rows

REPO = Path(__file__).resolve().parent.parent
MODELS = REPO / "models"


@pytest.fixture(scope="module")
def bundled():
    return clf.load_model(MODELS)


# ------------------------------------------------------------------ features


@pytest.mark.parametrize(("text", "item", "restates"), [
    ("工资增加", "工资福利支出", True),
    ("主要是工资福利支出增加", "工资福利支出", True),
    ("增加", "公务接待费", True),
    ("新录用公务员6名", "工资福利支出", False),
    ("疾病预防控制财政拨款减少", "财政拨款收入", False),
    ("接待批次由80批增至120批", "公务接待费", False),
])
def test_restating_the_item_is_a_context_feature(text, item, restates):
    assert ("x:restates" in context_features(normalise(text), item, None)) is restates


def test_plain_lines_have_no_context_features():
    assert context_features(normalise("工资增加"), None, None) == ()


# ------------------------------------------------------------ what a user sees


def test_a_cause_that_restates_its_item_is_other_and_vague(bundled):
    alone, in_context = classify(["工资增加", {"text": "工资增加", "item": "工资福利支出"}], model=bundled)
    assert (in_context["label"], in_context["vague"]) == ("other", True)
    assert alone["label"] == "staffing"  # without the item, pay is the driver named


@pytest.mark.parametrize("text", ["受持续高温天气影响", "受台风“海葵”影响，灾后修复任务增加", "举办第三届茶文化节"])
def test_a_named_event_or_weather_is_not_vague(bundled, text):
    assert specificity(text) > 0  # the vague rule's "no concrete token" signals stay off
    assert classify(text, model=bundled)[0]["vague"] is False


def test_insurance_bases_are_judged_alike():
    """The vague lexicon fires on neither; the model judges both specific staffing."""
    lexicon = normalise_lexicon(vague_lexicon())
    medical, social = "医疗保险基数变更", "社会保险缴费基数变更"
    assert lexicon_hits(normalise(medical), lexicon) == lexicon_hits(normalise(social), lexicon) == ["l:none"]
    assert not _lexicon_pattern().search(medical) and not _lexicon_pattern().search(social)
    rows = classify([medical, social])
    assert [(r["label"], r["vague"]) for r in rows] == [("staffing", False)] * 2


@pytest.mark.parametrize("text", ["hello world", "12345", "lorem ipsum dolor"])
def test_off_topic_text_is_other_with_low_confidence(bundled, text):
    row = classify(text, model=bundled)[0]
    assert row["label"] == "other" and row["low_confidence"] is True
    assert row["confidence"] < bundled.low_confidence_threshold


def test_classify_reads_json_lines_with_optional_item_and_section():
    lines = "\n".join([
        "工资增加",
        json.dumps({"text": "工资增加", "item": "工资福利支出"}, ensure_ascii=False),
        json.dumps({"text": "新录用公务员6名", "section": "（一）工资福利支出"}, ensure_ascii=False),
    ]) + "\n"
    out = subprocess.run([sys.executable, "-m", "nlp", "classify"], input=lines, capture_output=True, text=True,
                         cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["text"] for r in rows] == ["工资增加", "工资增加", "新录用公务员6名"]
    assert rows[0]["label"] == "staffing" and (rows[1]["label"], rows[1]["vague"]) == ("other", True)
    bad = subprocess.run([sys.executable, "-m", "nlp", "classify"], input='{"item": "x"}\n', capture_output=True,
                         text=True, cwd=REPO, timeout=120)
    assert bad.returncode == 2 and ":1:" in bad.stderr and "text" in bad.stderr


# ------------------------------------------------------------ training data


def test_sample_weight_decides_between_conflicting_rows():
    texts = [t for t, _, _ in ROWS] + ["经费变动"] * 2
    labels = [y for _, y, _ in ROWS] + ["other", "activity_change"]
    heavy_other = np.array([1.0] * len(ROWS) + [20.0, 1.0])
    heavy_activity = np.array([1.0] * len(ROWS) + [1.0, 20.0])
    a = clf.CauseClassifier(cv=1).fit(texts, labels, heavy_other)
    b = clf.CauseClassifier(cv=1).fit(texts, labels, heavy_activity)
    assert a.predict(["经费变动"])[0] == "other" and b.predict(["经费变动"])[0] == "activity_change"


def _real_file(tmp_path: Path) -> Path:
    records = [
        {"rid": "a", "fold": 1, "item": "工资福利支出", "usable": True, "causes": [
            {"text": "工资增加", "label": "other", "vague": True, "label_a": "other", "label_b": "other",
             "vague_a": False, "vague_b": True},
            {"text": "新录用人员3名", "label": "staffing", "vague": False, "label_a": "staffing",
             "label_b": "activity_change", "vague_a": False, "vague_b": False}]},
        {"rid": "b", "fold": 0, "item": "其他", "usable": False, "causes": [
            {"text": "不是说明", "label": "other", "vague": True}]},
    ]
    path = tmp_path / "statements.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_real_patterns_are_read_and_weighted_by_agreement(tmp_path):
    real = read_real(_real_file(tmp_path))
    assert [(c.text, c.fold, c.item, c.label_disagreed, c.vague_disagreed) for c in real] == [
        ("工资增加", 1, "工资福利支出", False, True), ("新录用人员3名", 1, "工资福利支出", True, False)]
    (texts, labels, w), (vtexts, vagues, vw) = weighted_rows([], real, weight=10.0, disagreed=0.5)
    assert labels == ["other", "staffing"] and vagues == [True, False] and len(vtexts) == 2
    assert texts == [("工资增加", "工资福利支出"), ("新录用人员3名", "工资福利支出")] and w == [10.0, 5.0]
    assert vw == [5.0, 10.0]
    assert weighted_rows([], real, weight=10.0, disagreed=0.0)[0][0] == [("工资增加", "工资福利支出")]
    assert read_real(tmp_path / "absent.jsonl") == []
    assert isinstance(real[0], RealCause)


def test_training_data_records_each_file_and_its_hash(tmp_path):
    real_file = _real_file(tmp_path)
    data = read_data(REPO / "corpora", real_file=real_file)
    files = data.info["files"]
    assert any(name.endswith("causes.jsonl") for name in files)
    assert any(name.endswith("statements.jsonl") for name in files)
    assert all(len(digest) == 64 for digest in files.values())
    assert data.info["real_patterns"]["causes"] == 2
    without = read_data(REPO / "corpora", real_file=tmp_path / "absent.jsonl")
    assert without.real == [] and without.info["real_patterns"] is None


def test_the_bundled_card_says_which_data_the_model_learned_from():
    card = (MODELS / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "corpora/causes.jsonl" in card and "Files read (sha256)" in card
    assert "Real-pattern causes" in card


def test_real_style_lines_are_corpus_lines_with_a_held_out_slice_per_label():
    """corpora/real_style.jsonl is read with the corpus (each line with its
    item), repeats no line of causes.jsonl, and every fifth line of each label
    is held out by training.real_patterns for the labels with few real causes."""
    from collections import Counter

    from nlp.vocabulary import LABELS
    from training.real_patterns import style_slice

    path = REPO / "corpora" / "real_style.jsonl"
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in rows]
    assert texts == sorted(set(texts))
    assert all(r["source"] == "real_style" and r["label"] in LABELS and isinstance(r["vague"], bool) and r["item"]
               for r in rows)
    corpus = {json.loads(x)["text"] for x in (REPO / "corpora" / "causes.jsonl").read_text(encoding="utf-8").splitlines()}
    assert not corpus & set(texts)
    read = [r for r in read_data(REPO / "corpora").labelled.rows if r.text in set(texts)]
    assert len(read) == len(rows) and all(r.item for r in read)
    held = style_slice(REPO / "corpora")
    per_label = Counter(r["label"] for r in rows)
    held_per_label = Counter(r["label"] for r in rows if r["text"] in held)
    assert held_per_label == {lab: -(-n // 5) for lab, n in per_label.items()}
    assert style_slice(REPO / "no-such-dir") == set()


@pytest.mark.parametrize("text, expected", [
    ("工作需要", ["l:any", "l:2+", "l:half", "l:most"]),  # two phrases, one inside the other, cover it all
    ("工作需要，其他", ["l:any", "l:2+", "l:half", "l:most"]),  # punctuation aside, all covered
    ("其他支出", ["l:any", "l:half"]),  # one phrase, half the text
    ("按工作需要调整了若干人员的岗位", ["l:any", "l:2+"]),  # 4 characters of 15, however many phrases cover them
    ("采购办公设备", ["l:none"]),
])
def test_lexicon_hits_count_phrases_and_the_share_they_cover(text, expected):
    assert lexicon_hits(text, ("作需", "其他", "工作需要")) == expected


def test_the_boundary_held_out_file_is_scored_and_never_trained_on(tmp_path):
    """corpora/boundary_heldout.jsonl is not a training file (train.py and
    training.real_patterns read the corpus without it); `--heldout` scores a
    file with a model fitted here, on all its lines and on those far from
    every corpus line (a line the corpus repeats is not unseen)."""
    from training.real_patterns import heldout

    path = REPO / "corpora" / "boundary_heldout.jsonl"
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 80 and all(r["source"] == "boundary_heldout" for r in rows)
    assert {r["label"] for r in rows} == {"supplementary_funding", "other", "activity_change"}
    assert not any(name.endswith("boundary_heldout.jsonl") for name in read_data(REPO / "corpora").info["files"])
    corpus = clf.LabelledData()
    rows = [{"text": t, "label": lab, "vague": v} for t, lab, v in ROWS]
    clf.read_labelled([_jsonl(tmp_path / "c.jsonl", rows)], corpus)
    held = _jsonl(tmp_path / "h.jsonl", [rows[0], {"text": "上级下达森林防火补助资金", "label": "supplementary_funding",
                                                 "vague": False}])
    out = heldout(held, [], [], corpus.rows, [], ())
    whole, far = out["held-out h.jsonl, fitted on the corpus + folds 1-4"], out[
        "held-out h.jsonl (1 far from every corpus line), fitted on the corpus + folds 1-4"]
    assert whole["n"] == 2 and far["n"] == 1 and 0.0 <= whole["accuracy"] <= 1.0


def _jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path
