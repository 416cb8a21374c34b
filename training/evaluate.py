"""Scores of a model: the held-out (cross-validation) diagnostics of freshly
fitted heads, and the check on the real causes of the hand-made gold.

The scores come from `sklearn.metrics`; the expected calibration error is
computed here (scikit-learn has no such score; `calibration_curve` bins
differently).
"""
from __future__ import annotations

import glob
import os
from itertools import pairwise
from pathlib import Path

import numpy as np
from scipy.special import softmax
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, log_loss, precision_recall_fscore_support

from nlp.classifier import load_model
from nlp.features import bigrams
from nlp.vocabulary import LABELS
from training import gold

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
GOLD_PATTERNS = (str(SHARED / "seeds" / "*.gold.jsonl"), str(REPO / "tests" / "gold" / "real_pdfs" / "*.gold.jsonl"))
# Real causes are also scored without those that some training line
# paraphrases (character-bigram Jaccard at least this).
FAR = 0.5


def gold_files(patterns=GOLD_PATTERNS) -> list[Path]:
    return [Path(p) for pattern in patterns for p in sorted(glob.glob(pattern))]


def gold_causes(files=None) -> tuple[list[tuple[str, str, bool | None]], dict]:
    """Distinct real causes of hand-made gold files (explanations with
    `causes`), each text once — the first gold label wins; returns the causes
    as (text, label, vague) and counts (occurrences, conflicting labels).
    Texts located in a PDF (training.gold) are read from it; a file whose PDF
    is absent is left out."""
    files = gold_files() if files is None else [Path(f) for f in files]
    loaded = [(f, records) for f in files if (records := gold.load(f)) is not None]
    seen: dict[str, tuple[str, str, bool | None]] = {}
    occurrences = conflicts = 0
    for _, records in loaded:
        for record in records:
            for c in record.get("causes") or []:
                occurrences += 1
                item = (c["text"], c.get("label"), c.get("vague"))
                if c["text"] in seen:
                    conflicts += seen[c["text"]][1:] != item[1:]
                else:
                    seen[c["text"]] = item
    return list(seen.values()), {"files": [os.path.relpath(f, REPO) for f, _ in loaded], "occurrences": occurrences,
                                 "distinct": len(seen), "conflicting_duplicates": conflicts}


def far_from(items, texts, threshold: float = FAR) -> list:
    """The (text, label, vague) items with no line of `texts` as similar as
    `threshold` (character-bigram Jaccard, digits masked, punctuation
    dropped): the real causes that no training line paraphrases."""
    train = [bigrams(t) for t in texts]
    far = []
    for item in items:
        g = bigrams(item[0])
        if all(len(g & h) < threshold * len(g | h) for h in train):
            far.append(item)
    return far


def label_scores(y_true, y_pred, labels=()) -> dict:
    """Accuracy, macro-F1 (over the labels in y_true or y_pred, as
    scikit-learn's default), per-label precision/recall/F1/support and the
    confusion matrix (rows: true, columns: predicted); `labels` first, in
    their order, then any other label alphabetically."""
    y_true, y_pred = [str(v) for v in y_true], [str(v) for v in y_pred]
    present = set(y_true) | set(y_pred)
    preferred = [str(label) for label in labels]
    order = [label for label in preferred if label in present] + sorted(present - set(preferred))
    if not y_true:
        return {"n": 0, "accuracy": None, "macro_f1": None, "per_label": {}, "confusion": {"labels": [], "matrix": []}}
    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=order, zero_division=0)
    per = {
        label: {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4), "support": int(s)}
        for label, p, r, f, s in zip(order, precision, recall, f1, support, strict=True)
    }
    return {
        "n": len(y_true),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=order, average="macro", zero_division=0)), 4),
        "per_label": per,
        "confusion": {"labels": order, "matrix": confusion_matrix(y_true, y_pred, labels=order).tolist()},
    }


def vague_scores(y_true, y_pred) -> dict:
    """F1, precision and recall of "vague" (the positive class), and accuracy,
    over the items with a true judgement."""
    pairs = [(bool(t), bool(p)) for t, p in zip(y_true, y_pred, strict=True) if t is not None]
    if not pairs:
        return {"n": 0, "f1": 0.0, "precision": 0.0, "recall": 0.0, "accuracy": None, "vague_share_true": None}
    truth, pred = [t for t, _ in pairs], [p for _, p in pairs]
    precision, recall, f1, _ = precision_recall_fscore_support(truth, pred, labels=[True], zero_division=0)
    return {
        "n": len(pairs),
        "f1": round(float(f1[0]), 4),
        "precision": round(float(precision[0]), 4),
        "recall": round(float(recall[0]), 4),
        "accuracy": round(float(accuracy_score(truth, pred)), 4),
        "vague_share_true": round(sum(truth) / len(truth), 4),
    }


def evaluate(model, items) -> dict:
    """Scores of `model` on (text, label, vague) items."""
    m = load_model(model)
    preds = m.predict([t for t, _, _ in items])
    out = {"label": label_scores([label for _, label, _ in items], [p["label"] for p in preds], LABELS)}
    if m.vague is not None:
        out["vague"] = vague_scores([v for _, _, v in items], [p["vague"] for p in preds])
    out["low_confidence_share"] = round(sum(p["low_confidence"] for p in preds) / len(preds), 4) if preds else None
    return out


def calibration_error(proba, yi, bins: int = 10) -> float:
    """Expected calibration error of the top-class confidence (equal-width
    bins, closed on the right)."""
    conf = proba.max(axis=1)
    correct = proba.argmax(axis=1) == yi
    edges = np.linspace(0, 1, bins + 1)
    err = 0.0
    for lo, hi in pairwise(edges):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            err += m.mean() * abs(conf[m].mean() - correct[m].mean())
    return round(float(err), 4)


def cv_scores(label_head, vague_head) -> dict:
    """The held-out scores that `fit` left on the heads (`cv_*_`): label
    scores with calibration and the low-confidence threshold, vague scores."""
    out = {
        "method": "stratified 5-fold, near-duplicate texts kept in one fold (character-bigram Jaccard >= "
        f"{label_head.group_near_duplicates}); report-style rewrites of training texts stay in their fold",
    }
    if label_head.cv_proba_ is None:
        out["label"] = {"macro_f1": None, "note": "too few examples per label to cross-validate"}
    else:
        out["label"] = _label_cv(label_head)
    if vague_head is None or vague_head.cv_proba_ is None:
        out["vague"] = {"f1": None}
    else:
        truth = vague_head.cv_targets_.astype(bool)
        pred = vague_head.cv_proba_[:, 1] >= vague_head.decision_threshold
        out["vague"] = vague_scores(truth, pred)
        out["vague"]["calibration"] = {
            "temperature": vague_head.temperature_,
            "ece": calibration_error(vague_head.cv_proba_, vague_head.cv_targets_),
        }
    return out


def _label_cv(head) -> dict:
    classes = np.array(head.classes_, dtype=object)
    targets, proba = head.cv_targets_, head.cv_proba_
    truth = classes[targets]
    pred = classes[proba.argmax(axis=1)]
    scores = label_scores(truth, pred, LABELS)
    below = proba.max(axis=1) < head.low_confidence_threshold_
    correct = pred == truth
    scores["calibration"] = {
        "temperature": head.temperature_,
        "ece_uncalibrated": calibration_error(softmax(head.cv_decision_, axis=1), targets),
        "ece": calibration_error(proba, targets),
        "log_loss": round(float(log_loss(targets, proba, labels=np.arange(len(classes)))), 4),
    }
    scores["low_confidence"] = {
        "threshold": head.low_confidence_threshold_,
        "target_accuracy": head.low_confidence_accuracy,
        "share_below": round(float(below.mean()), 4),
        "accuracy_below": round(float(correct[below].mean()), 4) if below.any() else None,
        "accuracy_at_or_above": round(float(correct[~below].mean()), 4) if (~below).any() else None,
    }
    return scores
