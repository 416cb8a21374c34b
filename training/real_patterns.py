"""Honest figures on real report phrasing: ../shared/real_patterns.

    python -m training.real_patterns                 # grouped CV on folds 1-4, transfer, learning curve
    python -m training.real_patterns --select        # + the choice of real-line weight and double labels
    python -m training.real_patterns --ablation      # + each feature group switched off
    python -m training.real_patterns --model models  # + a fitted model scored on folds 1-4 as it is
    python -m training.real_patterns --final         # + fold 0 (run once, at the end)
    python -m training.real_patterns --heldout corpora/boundary_heldout.jsonl --model models
                                                     # + a held-out file scored by each model and by
                                                     #   a model fitted on the corpus + folds 1-4

Every run also scores a held-out slice of the corpus lines written in the
real-report style (corpora/real_style.jsonl: every fifth line of each label),
for the labels with few real-pattern causes.

The real-pattern causes are rewritten from real reports (their text stays in
../shared, never in this repository). Each record belongs to a fold by
source. Folds 1-4 are for choices: grouped cross-validation trains on the
corpus plus the real lines of three folds and scores the real lines of the
fourth. Fold 0 is held out: `--final` scores it with a model trained on the
corpus plus folds 1-4, once, for the figures reported.

Fits here skip the estimators' inner calibration folds (`cv=1`): labels and
vague decisions do not depend on the temperature (argmax, threshold 0.5 on a
monotone transform around 0.5), and it makes each fit several times faster.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from dataclasses import replace
from functools import partial
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from nlp.classifier import (
    CAUSE_PARAMS,
    VAGUE_PARAMS,
    CauseClassifier,
    Model,
    VagueClassifier,
    load_model,
    read_labelled,
)
from nlp.features import bigrams, normalise
from nlp.vocabulary import LABELS
from training.data import DISAGREED_WEIGHT, REAL_STYLE, REAL_WEIGHT, read_data, read_real, real_prior, weighted_rows
from training.data import REAL_PATTERNS as REAL

REPO = Path(__file__).resolve().parent.parent
DEV_FOLDS = (1, 2, 3, 4)
HELD_OUT = 0


def fit_model(corpus, real, weight=REAL_WEIGHT, disagreed=DISAGREED_WEIGHT, lexicon=(), cv=1,
              label_params=None, vague_params=None) -> Model:
    (t, y, w), (vt, vy, vw) = weighted_rows(corpus, real, weight, disagreed)
    uniform = all(x == 1.0 for x in w)
    prior = real_prior(real, set(y)) if weight > 0 else None
    label = CauseClassifier(**{**CAUSE_PARAMS, "target_prior": prior, **(label_params or {}),
                               "cv": cv}).fit(t, y, None if uniform else w)
    vague = VagueClassifier(lexicon=lexicon, **{**VAGUE_PARAMS, **(vague_params or {}), "cv": cv}).fit(
        vt, vy, None if uniform else vw)
    return Model(label=label, vague=vague, info={})


def scores(y_true, y_pred, v_true, v_pred) -> dict:
    """Accuracy, macro-F1 over the labels present in `y_true`, per-label F1
    (with support), and vague precision/recall/F1 (vague is the positive class)."""
    present = [lab for lab in LABELS if lab in set(y_true)] + sorted(set(y_true) - set(LABELS))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=present, zero_division=0)
    keep = [i for i, v in enumerate(v_true) if v is not None]
    vt = [bool(v_true[i]) for i in keep]
    vp = [bool(v_pred[i]) for i in keep]
    vp_, vr_, vf_, _ = precision_recall_fscore_support(vt, vp, average="binary", pos_label=True, zero_division=0)
    return {
        "n": len(y_true),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 3),
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0)), 3),
        "per_label": {lab: {"f1": round(float(f[i]), 3), "precision": round(float(p[i]), 3),
                            "recall": round(float(r[i]), 3), "support": int(s[i])} for i, lab in enumerate(present)},
        "vague": {"precision": round(float(vp_), 3), "recall": round(float(vr_), 3), "f1": round(float(vf_), 3),
                  "n": len(vt)},
    }


def predict(model: Model, causes) -> tuple[list, list]:
    rows = model.predict([c.text for c in causes], [getattr(c, "item", None) for c in causes])
    return [r["label"] for r in rows], [r["vague"] for r in rows]


def score_model(model: Model, causes) -> dict:
    labels, vagues = predict(model, causes)
    return scores([c.label for c in causes], labels, [c.vague for c in causes], vagues)


def grouped_cv(corpus, real, folds=DEV_FOLDS, n_real=None, seed=0, **fit_kw) -> dict:
    """Train on the corpus + the real lines of the other dev folds (a sample of
    `n_real` of them when given), score the held-out fold's real lines;
    predictions pooled over the folds, plus macro-F1 per fold."""
    y_true, y_pred, v_true, v_pred, per_fold = [], [], [], [], {}
    for k in folds:
        train = [c for c in real if c.fold in folds and c.fold != k]
        if n_real is not None:
            train = random.Random(seed).sample(train, min(n_real, len(train)))
        test = [c for c in real if c.fold == k]
        labels, vagues = predict(fit_model(corpus, train, **fit_kw), test)
        y_true += [c.label for c in test]
        v_true += [c.vague for c in test]
        y_pred += labels
        v_pred += vagues
        per_fold[k] = scores([c.label for c in test], labels, [c.vague for c in test], vagues)["macro_f1"]
    out = scores(y_true, y_pred, v_true, v_pred)
    out["per_fold_macro_f1"] = per_fold
    return out


def transfer(corpus, real, lexicon) -> dict:
    """Invented -> real (corpus only, scored on the dev folds' real lines) and
    real -> invented (dev folds' real lines only, scored on the corpus)."""
    dev = [c for c in real if c.fold in DEV_FOLDS]
    invented = fit_model(corpus, [], lexicon=lexicon)
    real_only = fit_model([], dev, weight=1.0, lexicon=lexicon)
    return {"invented_to_real": score_model(invented, dev), "real_to_invented": score_model(real_only, corpus)}


def learning_curve(corpus, real, lexicon, sizes=(0, 50, 100, 200, None)) -> list[dict]:
    """Grouped-CV figures against the number of real lines added to training
    (sampled from the three training folds; None = all of them)."""
    out = []
    for n in sizes:
        s = grouped_cv(corpus, real, n_real=n, lexicon=lexicon)
        out.append({"real_lines": "all" if n is None else n, "macro_f1": s["macro_f1"], "accuracy": s["accuracy"],
                    "vague_f1": s["vague"]["f1"]})
    return out


def select(corpus, real, lexicon, weights=(1.0, 4.0, 10.0, 20.0), disagreed=(1.0, 0.5, 0.0)) -> list[dict]:
    """Grouped CV on folds 1-4 for each real-line weight and disagreement share."""
    out = []
    for w in weights:
        for d in disagreed:
            s = grouped_cv(corpus, real, weight=w, disagreed=d, lexicon=lexicon)
            out.append({"weight": w, "disagreed": d, "macro_f1": s["macro_f1"], "accuracy": s["accuracy"],
                        "vague_f1": s["vague"]["f1"], "min_label_f1": min(v["f1"] for v in s["per_label"].values())})
            print(json.dumps(out[-1]), file=sys.stderr, flush=True)
    return out


# Feature groups switched off one at a time (the context: items withheld).
ABLATIONS = {
    "all features": {},
    "no word tokens (w:)": {"use_words": False},
    "no concept groups (k:)": {"use_concepts": False},
    "no concreteness (q:)": {"use_concrete": False},
    "no core (features on the whole text)": {"use_core": False},
    "no prior shift (label head)": {"prior_shift": 0.0},
    "no context (x:)": "no_context",
    "no real-pattern lines": "no_real",
}


def style_slice(corpus_dir: Path, every: int = 5) -> set[str]:
    """The held-out slice of the real-style corpus lines: every `every`-th
    line of each label, in file order (the file is sorted by text)."""
    path = Path(corpus_dir) / REAL_STYLE
    if not path.is_file():
        return set()
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    seen: Counter = Counter()
    held = set()
    for r in rows:
        if seen[r["label"]] % every == 0:
            held.add(r["text"])
        seen[r["label"]] += 1
    return held


def style_holdout(corpus, real, held: set[str], **fit_kw) -> dict | None:
    """Train on the corpus without the held-out real-style slice, plus the real
    lines of folds 1-4; score the slice (fold 0 is neither trained on nor scored)."""
    test = [r for r in corpus if r.text in held]
    if not test:
        return None
    train = [r for r in corpus if r.text not in held]
    return score_model(fit_model(train, [c for c in real if c.fold in DEV_FOLDS], **fit_kw), test)


def ablation(corpus, real, lexicon) -> list[dict]:
    """Grouped CV on folds 1-4 with each feature group switched off in both heads."""
    out = []
    for name, change in ABLATIONS.items():
        causes, params, kw = real, {}, {}
        if change == "no_context":
            causes = [replace(c, item=None) for c in real]
        elif change == "no_real":
            kw = {"weight": 0.0}
        else:
            params = change
        s = grouped_cv(corpus, causes, lexicon=lexicon, label_params=params, vague_params=params, **kw)
        out.append({"features": name, "macro_f1": s["macro_f1"], "accuracy": s["accuracy"], "vague_f1": s["vague"]["f1"]})
        print(json.dumps(out[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    return out


def heldout(path: Path, models, names, corpus, real, lexicon) -> dict:
    """A held-out file (labelled causes no training file holds) scored by each
    fitted model and by one fitted here on the corpus + the real lines of folds 1-4."""
    rows = read_labelled([path]).rows
    known = [bigrams(normalise(r.text)) for r in corpus]
    far = [r for r in rows if max(map(partial(jaccard, bigrams(normalise(r.text))), known), default=0) < FAR]
    fitted = fit_model(corpus, [c for c in real if c.fold in DEV_FOLDS], lexicon=lexicon)
    out = {}
    for model, name in [*zip(models, (f"model {n}" for n in names)), (fitted, "fitted on the corpus + folds 1-4")]:
        out[f"held-out {path.name}, {name}"] = score_model(model, rows)
        out[f"held-out {path.name} ({len(far)} far from every corpus line), {name}"] = score_model(model, far)
    return out


# A held-out line this close to a corpus line (character-bigram Jaccard) is
# not unseen: stock phrases ("项目支出减少") recur verbatim.
FAR = 0.6


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def table(s: dict) -> str:
    lines = [f"n={s['n']} accuracy {s['accuracy']:.3f} macro-F1 {s['macro_f1']:.3f} | vague P {s['vague']['precision']:.3f}"
             f" R {s['vague']['recall']:.3f} F1 {s['vague']['f1']:.3f} (n={s['vague']['n']})"]
    for lab, v in s["per_label"].items():
        lines.append(f"  {lab:<22} F1 {v['f1']:.3f}  P {v['precision']:.3f}  R {v['recall']:.3f}  support {v['support']}")
    if "per_fold_macro_f1" in s:
        lines.append("  per fold macro-F1: " + ", ".join(f"{k}: {v:.3f}" for k, v in s["per_fold_macro_f1"].items()))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.real_patterns", description=__doc__.splitlines()[0])
    parser.add_argument("--real", default=str(REAL))
    parser.add_argument("--corpus", default=str(REPO / "corpora"))
    parser.add_argument("--model", action="append", default=[], help="a fitted model directory to score as it is")
    parser.add_argument("--select", action="store_true", help="grouped CV over real-line weights and double-label shares")
    parser.add_argument("--ablation", action="store_true", help="grouped CV with each feature group switched off")
    parser.add_argument("--no-curve", action="store_true", help="skip the learning curve and the transfer")
    parser.add_argument("--final", action="store_true", help="score fold 0 (the held-out fold): once, at the end")
    parser.add_argument("--heldout", action="append", default=[],
                        help="labelled causes never trained on (JSON Lines, e.g. corpora/boundary_heldout.jsonl)")
    parser.add_argument("--json", help="write every figure to this file")
    args = parser.parse_args(argv)
    real = read_real(Path(args.real))
    if not real:
        print(f"no real-pattern causes at {args.real}", file=sys.stderr)
        return 2
    data = read_data(Path(args.corpus))
    corpus, lexicon = data.labelled.rows, data.lexicon
    out: dict = {"real": {"causes": len(real), "folds": {k: sum(c.fold == k for c in real) for k in range(5)}}}
    for m in args.model:
        model = load_model(m)
        out[f"model {m}"] = {"folds_1_4": score_model(model, [c for c in real if c.fold in DEV_FOLDS])}
        if args.final:
            out[f"model {m}"]["fold_0"] = score_model(model, [c for c in real if c.fold == HELD_OUT])
    for path in args.heldout:
        out.update(heldout(Path(path), [load_model(m) for m in args.model], args.model, corpus, real, lexicon))
    if args.select:
        out["select"] = select(corpus, real, lexicon)
    if args.ablation:
        out["ablation"] = ablation(corpus, real, lexicon)
    out["grouped_cv"] = grouped_cv(corpus, real, lexicon=lexicon)
    held = style_holdout(corpus, real, style_slice(Path(args.corpus)), lexicon=lexicon)
    if held:
        out["real_style_held_out"] = held
    if not args.no_curve:
        out["transfer"] = transfer(corpus, real, lexicon)
        out["learning_curve"] = learning_curve(corpus, real, lexicon)
    if args.final:
        dev = [c for c in real if c.fold in DEV_FOLDS]
        out["fold_0"] = score_model(fit_model(corpus, dev, lexicon=lexicon), [c for c in real if c.fold == HELD_OUT])
    print_figures(out)
    if args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


def print_figures(out: dict) -> None:
    for key, value in out.items():
        if isinstance(value, dict) and "per_label" in value:
            print(f"== {key}\n{table(value)}")
        elif key.startswith("model "):
            for part, s in value.items():
                print(f"== {key}, {part}\n{table(s)}")
        elif key == "transfer":
            for part, s in value.items():
                print(f"== transfer {part}\n{table(s)}")
        else:
            print(f"== {key}\n" + json.dumps(value, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    sys.exit(main())
