"""What a training run tells people: the model card (MODEL_CARD.md, from the
Jinja template in training/templates/) and the summary printed at the end."""
from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, Undefined

from nlp.classifier import card_files
from nlp.vocabulary import LABELS
from training.data import DISAGREED_WEIGHT, REAL_WEIGHT
from training.evaluate import FAR

TEMPLATES = Path(__file__).resolve().parent / "templates"


def fmt(v) -> str:
    """A score as the card and the summary show it: three decimals, — for none."""
    if v is None or isinstance(v, Undefined):
        return "—"
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def pct(v) -> str:
    return "—" if v is None or isinstance(v, Undefined) else f"{100 * v:.1f}%"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=False,  # Markdown, not HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(fmt=fmt, pct=pct, json=lambda v: json.dumps(v, ensure_ascii=False))
    return env


def render_card(metrics: dict, directory: Path) -> str:
    """MODEL_CARD.md for the model saved in `directory` (its files' sha256
    close the card: the loader checks them)."""
    cv = metrics["cv"]
    # Too few rows to cross-validate leave the label scores empty: the card says so, as blanks.
    label = {"calibration": {}, "per_label": {}, "confusion": {"labels": [], "matrix": []}, **cv["label"]}
    vague = cv["vague"]
    labels = [str(name) for name in LABELS]
    return _environment().get_template("MODEL_CARD.md.j2").render(
        data=metrics["data"],
        params=metrics["params"],
        cv=cv,
        label=label,
        vague=vague,
        low=label.get("low_confidence", {}),
        vague_calibration=vague.get("calibration") or dict.fromkeys(("temperature", "ece")),
        real=metrics.get("real_text"),
        labels=labels + sorted(set(metrics["data"]["labels"]) - set(labels)),
        far_threshold=FAR,
        files=card_files(directory),
        rp=_real_patterns(directory),
        real_weight=REAL_WEIGHT,
        disagreed_weight=DISAGREED_WEIGHT,
    )


def _real_patterns(directory: Path) -> dict | None:
    """The figures `python -m training.real_patterns --json` left beside the model, if any."""
    path = Path(directory) / "real_patterns.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def summary(metrics: dict, out: Path, seconds: float, seconds_label: float, seconds_vague: float) -> list[str]:
    """The lines train.py prints when it is done."""
    label, vague = metrics["cv"]["label"], metrics["cv"]["vague"]
    lines = [f"cross-validation: label accuracy {fmt(label.get('accuracy'))}, macro-F1 {fmt(label.get('macro_f1'))}; "
             f"vague F1 {fmt(vague.get('f1'))}"]
    low = label.get("low_confidence")
    if low:
        lines.append(f"low-confidence threshold {low['threshold']} ({pct(low['share_below'])} of held-out predictions below it)")
    real = metrics.get("real_text")
    if real:
        real_label, real_vague = real["label"], real.get("vague", {})
        lines.append(
            f"real causes ({real['distinct']} distinct): label accuracy {fmt(real_label['accuracy'])}, "
            f"macro-F1 {fmt(real_label['macro_f1'])}; vague F1 {fmt(real_vague.get('f1'))}"
        )
        lines.append("  per-label F1: " + ", ".join(f"{k} {v['f1']:.2f}" for k, v in real_label["per_label"].items()))
        far = real["far"]
        lines.append(f"  the {far['distinct']} that no training line paraphrases (bigram Jaccard < {far['threshold']}): "
                     f"macro-F1 {fmt(far['label']['macro_f1'])}; vague F1 {fmt(far.get('vague', {}).get('f1'))}")
    elif "real_text" in metrics:
        lines.append("real causes: no gold files found (../shared absent?): skipped")
    lines.append(f"wrote {out}/ (model.json, weights.npz, metrics.json, MODEL_CARD.md) in {seconds:.1f}s "
                 f"(label model {seconds_label:.1f}s, vague model {seconds_vague:.1f}s)")
    return lines
