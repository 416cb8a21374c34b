"""Classifier speed, next to floors measured in the same run on this machine.

(a) load time of the bundled model in a fresh process — model files read and
    checked, and the spaCy + jieba tokenizer ready (one cause classified) —
    against a fresh process that only runs ``import sklearn`` (which the
    loader never imports). Median of 5 processes each, after one warm-up
    (file cache, jieba's dictionary cache); times measured inside the
    process, so the Python start-up itself is left out of both.
(b) throughput: causes classified per second by a loaded model (label, vague
    and both confidences), the feature caches cleared before each batch, against the
    bare spaCy + jieba tokenization of the same causes. Median of 3 batches.

Causes: the corpus (corpora/causes.jsonl), or the test corpus when absent.
Prints a table and exits 0.

Run:  python bench/bench_classify.py
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUNS = 5
BATCHES = 3
sys.path.insert(0, str(REPO))

LOAD = """
import time
t = time.perf_counter()
from nlp.classifier import load_model
m = load_model()
t1 = time.perf_counter()
m.predict(["严格按预算执行，预决算无差异"])
t2 = time.perf_counter()
print(t1 - t, t2 - t)
"""
SKLEARN = """
import time
t = time.perf_counter()
import sklearn
print(time.perf_counter() - t)
"""


def _in_process(code: str, runs: int = RUNS) -> list[list[float]]:
    env = {k: v for k, v in os.environ.items() if k != "JUESUAN_MODEL"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-c", code]
    subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, check=True)  # warm-up
    out = []
    for _ in range(runs):
        res = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, check=True)
        out.append([float(x) for x in res.stdout.split()])
    return out


def _causes() -> list[str]:
    corpus = REPO / "corpora" / "causes.jsonl"
    if corpus.is_file():
        return [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    from tests.test_classifier_tiny import ROWS

    return [t for t, _, _ in ROWS] * 30


def main() -> int:
    load = _in_process(LOAD)
    files = statistics.median(r[0] for r in load)
    ready = statistics.median(r[1] for r in load)
    sk = statistics.median(r[0] for r in _in_process(SKLEARN))

    from nlp import features
    from nlp.classifier import load_model

    model = load_model()
    texts = _causes()
    model.predict(texts[:1])
    nlp = features.tokenizer()

    def batch_classify():
        # every per-text cache of the features, so that each batch is new text
        for cache in (getattr(features, name) for name in dir(features)):
            if hasattr(cache, "cache_clear"):
                cache.cache_clear()
        t = time.perf_counter()
        model.predict(texts)
        return time.perf_counter() - t

    def batch_tokenize():
        t = time.perf_counter()
        for text in texts:
            nlp.tokenizer(features.normalise(text))
        return time.perf_counter() - t

    t_cls = statistics.median(batch_classify() for _ in range(BATCHES))
    t_tok = statistics.median(batch_tokenize() for _ in range(BATCHES))
    n = len(texts)

    rows = [
        ("model ready (files + tokenizer)", f"{ready:.2f} s", f"{ready / sk:.2f}x import sklearn"),
        ("  of which model files", f"{files:.2f} s", f"{files / sk:.2f}x import sklearn"),
        ("import sklearn (floor)", f"{sk:.2f} s", "1.00x"),
        ("classify (label + vague)", f"{n / t_cls:,.0f} causes/s", f"{t_cls / t_tok:.2f}x tokenize-only time"),
        ("spaCy + jieba tokenize (floor)", f"{n / t_tok:,.0f} causes/s", "1.00x"),
    ]
    print(f"bench_classify: {n} causes, medians of {RUNS} processes / {BATCHES} batches")
    width = max(len(r[0]) for r in rows)
    for name, value, ratio in rows:
        print(f"  {name:<{width}}  {value:>18}  {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
