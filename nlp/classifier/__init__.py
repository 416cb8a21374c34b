"""Label every cause (TAXONOMY.md) and judge whether it is vague.

    from nlp import classify
    classify(["新录用公务员6名", "工作需要"])
    # [{"text": ..., "label": "staffing", "confidence": 0.93, "vague": False, ...}, ...]

The package, lowest first:

* `estimators` — `CauseClassifier` and `VagueClassifier`, scikit-learn-style
  logistic regressions over `nlp.features`, calibrated on held-out folds;
* `store` — a fitted `Model` saved as plain data (model.json + weights.npz,
  hashes in MODEL_CARD.md) and loaded back with its integrity checks,
  without scikit-learn and without executing anything from the files;
  `model_hash` is a model directory's identity (the bundled one's is pinned
  in nlp/data/bundled_model.sha256);
* `labelled` — labelled rows read from CSV/JSONL/XLSX, and causes exported
  for people to label;
* here — the public API: `classify`, `label_report`, `render_table` and the
  names above.

Training, evaluation and the model card live outside the package, in the
repository's `training/` and `train.py`.
"""
from __future__ import annotations

from nlp.classifier.estimators import CAUSE_PARAMS, VAGUE_PARAMS, CauseClassifier, VagueClassifier
from nlp.classifier.labelled import (
    EXPORT_COLUMNS,
    LabelledData,
    LabelledRow,
    export_rows,
    rank_for_labelling,
    read_labelled,
    write_rows,
)
from nlp.classifier.store import (
    CARD_FILE,
    DEFAULT,
    ENV_VAR,
    MODEL_FILE,
    WEIGHTS_FILE,
    Model,
    ModelError,
    ModelVersionWarning,
    _canonical,
    card_files,
    load_model,
    model_hash,
    pin_bundled_model,
    pinned_hash,
    resolve_model_path,
    save_model,
)
from nlp.features import split_context
from nlp.vocabulary import LABELS

__all__ = [
    "CARD_FILE",
    "CAUSE_PARAMS",
    "DEFAULT",
    "ENV_VAR",
    "EXPORT_COLUMNS",
    "LABELS",
    "MODEL_FILE",
    "VAGUE_PARAMS",
    "WEIGHTS_FILE",
    "CauseClassifier",
    "LabelledData",
    "LabelledRow",
    "Model",
    "ModelError",
    "ModelVersionWarning",
    "VagueClassifier",
    "_canonical",  # the hostile-model tests re-sign model files with it
    "card_files",
    "classify",
    "export_rows",
    "label_report",
    "load_model",
    "model_hash",
    "pin_bundled_model",
    "pinned_hash",
    "rank_for_labelling",
    "read_labelled",
    "render_table",
    "resolve_model_path",
    "save_model",
    "write_rows",
]


def classify(texts, model=DEFAULT) -> list[dict]:
    """Classify causes: [{"text", "label", "confidence", "vague",
    "vague_confidence", "low_confidence"}, ...] in input order.

    A cause is its text, or a dict {"text", "item", "section"} naming the
    item and section heading whose change it explains (either may be
    missing): a cause that only restates its item names no driver.
    `model`: DEFAULT ($JUESUAN_MODEL or the bundled models/), a directory, or
    a loaded `Model`.
    """
    if isinstance(texts, (str, dict)):
        texts = [texts]
    causes = [split_context(t) for t in texts]
    return load_model(model).predict([c[0] for c in causes], [c[1] for c in causes], [c[2] for c in causes])


def label_report(report, model=DEFAULT):
    """Fill label, confidence and vague of every cause of `report` (in place),
    each read in the context of its explanation's item and section heading;
    an explanation with a cause below the low-confidence threshold gets the
    flag "low_confidence". Returns the report."""
    m = load_model(model)
    causes = [(e, c) for e in report.explanations for c in e.causes]
    items = [e.statement.item if e.statement else None for e, _ in causes]
    sections = [e.section[-1] if e.section else None for e, _ in causes]
    for (e, c), p in zip(causes, m.predict([c.text for _, c in causes], items, sections), strict=True):
        c.label, c.confidence, c.vague = p["label"], p["confidence"], p["vague"]
        if p["low_confidence"] and "low_confidence" not in e.flags:
            e.flags.append("low_confidence")
    return report


def render_table(rows: list[dict]) -> str:
    """`juesuan classify --format text`: one cause a line, low confidence marked."""
    head = f"{'label':<22} {'conf':>5}  {'vague':<5} {'vconf':>5}  text"
    lines = [head, "-" * len(head)]
    for r in rows:
        vague = "—" if r["vague"] is None else "yes" if r["vague"] else "no"
        vconf = "" if r["vague_confidence"] is None else f"{r['vague_confidence']:.2f}"
        mark = "?" if r["low_confidence"] else " "
        lines.append(f"{r['label']:<22} {r['confidence']:.2f}{mark} {vague:<5} {vconf:>5}  {r['text']}")
    low = sum(r["low_confidence"] for r in rows)
    if low:
        lines.append(f"? = low confidence (below the model's threshold): {low} of {len(rows)}")
    return "\n".join(lines) + "\n"

