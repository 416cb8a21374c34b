"""Fit the label and vague heads on the training data, score them, save them."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from nlp.classifier import (
    CAUSE_PARAMS,
    VAGUE_PARAMS,
    CauseClassifier,
    Model,
    VagueClassifier,
    model_hash,
    pin_bundled_model,
    save_model,
)
from nlp.classifier.store import BUNDLED_MODEL
from nlp.features import split_context
from training.card import render_card
from training.data import TrainingData, real_prior, weighted_rows
from training.evaluate import FAR, cv_scores, evaluate, far_from, gold_causes


@dataclass
class Trained:
    model: Model
    metrics: dict  # metrics.json
    seconds: dict = field(default_factory=dict)  # fitting time of each head


def train(data: TrainingData, real_text: bool = True) -> Trained:
    """Fit both heads on `data` (the vague head only when the rows hold both
    vague and specific causes) and score them: cross-validation always, the
    real causes of the gold files when `real_text` (None when there are none)."""
    rows = data.labelled.rows
    (texts, labels, weights), (vtexts, vagues, vweights) = weighted_rows(rows, data.real)
    started = time.perf_counter()
    label_head = CauseClassifier(**CAUSE_PARAMS, target_prior=real_prior(data.real, set(labels))).fit(
        texts, labels, weights if data.real else None)
    seconds_label = time.perf_counter() - started
    started = time.perf_counter()
    vague_head = None
    if len(set(vagues)) == 2:
        vague_head = VagueClassifier(lexicon=data.lexicon, **VAGUE_PARAMS).fit(
            vtexts, vagues, vweights if data.real else None
        )
    seconds_vague = time.perf_counter() - started

    metrics = {
        "data": data.info,
        "cv": cv_scores(label_head, vague_head),
        "params": {"label": _params(label_head), "vague": _params(vague_head) if vague_head else None},
    }
    model = Model(label=label_head, vague=vague_head, info={
        "trained_on": {"rows": len(rows), "sha256": data.info["sha256"], "sources": data.info["sources"],
                       "files": data.info["files"], "real_patterns": len(data.real)},
        "cv": {"label_macro_f1": metrics["cv"]["label"]["macro_f1"],
               "vague_f1": metrics["cv"]["vague"]["f1"] if vague_head else None},
    })
    if real_text:
        items, gold_info = gold_causes()
        metrics["real_text"] = None
        if items:
            far = far_from(items, [split_context(t)[0] for t in texts], FAR)
            metrics["real_text"] = {
                **gold_info,
                **evaluate(model, items),
                "far": {"threshold": FAR, "distinct": len(far), **evaluate(model, far)},
            }
    return Trained(model, metrics, {"label": seconds_label, "vague": seconds_vague})


def save(trained: Trained, out: Path) -> tuple[str, bool]:
    """model.json + weights.npz, metrics.json and MODEL_CARD.md in `out`;
    (the model's hash, whether it was pinned as the bundled model's: when
    `out` is the bundled models/, nlp/data/bundled_model.sha256 is rewritten,
    since juesuan refuses a bundled model whose hash is not the pinned one)."""
    save_model(trained.model, out)
    (out / "metrics.json").write_text(json.dumps(trained.metrics, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / "MODEL_CARD.md").write_text(render_card(trained.metrics, out), encoding="utf-8")
    if Path(out).resolve() == BUNDLED_MODEL.resolve():
        return pin_bundled_model(), True
    return model_hash(out), False


def _params(head) -> dict:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in head.get_params().items() if k != "lexicon"}
