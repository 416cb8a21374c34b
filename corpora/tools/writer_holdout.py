#!/usr/bin/env python3
"""Writer-held-out check: train the two models on the first writer's lines
(and the templates), test them on the later writers' (every line after the
first `# --- added` comment of each tools/written/<label>.txt file).

A shift in phrasing without touching the real-text gold: if the models
only learned the first writer's habits, this check shows it. Prints label
accuracy and macro-F1 and vague F1, with the bundled parameters.

Usage:  python corpora/tools/writer_holdout.py   (from any directory; ~30 s)
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))


def later_writers_lines() -> set[str]:
    lines = set()
    for path in sorted((HERE / "written").glob("*.txt")):
        added = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# --- added"):
                added = True
            elif added and line[:2] in ("v|", "s|"):
                lines.add(line[2:].strip())
    return lines


def main() -> int:
    from sklearn.metrics import accuracy_score, f1_score

    import nlp.classifier as clf
    from nlp.resources import vague_lexicon

    held = later_writers_lines()
    rows = [json.loads(line) for line in (REPO / "corpora" / "causes.jsonl").read_text(encoding="utf-8").splitlines()]
    test = [r for r in rows if r["text"].strip() in held]
    train = [r for r in rows if r["text"].strip() not in held]
    # cv=0: no calibration folds; calibration does not move the argmax or the 0.5 vague threshold
    label = clf.CauseClassifier(**{**clf.CAUSE_PARAMS, "cv": 0}).fit([r["text"] for r in train], [r["label"] for r in train])
    vague = clf.VagueClassifier(lexicon=tuple(vague_lexicon()), **{**clf.VAGUE_PARAMS, "cv": 0}).fit(
        [r["text"] for r in train], [r["vague"] for r in train])
    truth = [r["label"] for r in test]
    pred = label.predict([r["text"] for r in test])
    vpred = [bool(v) for v in vague.predict([r["text"] for r in test])]
    print(f"train {len(train)} (first writer + templates), test {len(test)} (later writers)")
    print(f"label accuracy {accuracy_score(truth, pred):.3f}, macro-F1 {f1_score(truth, pred, average='macro'):.3f}; "
          f"vague F1 {f1_score([r['vague'] for r in test], vpred):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
