"""Train juesuan's cause classifiers: corpus -> models/ + metrics + model card.

    python train.py                       # corpora/ in, models/ out
    python train.py --data mine.csv       # your labelled rows added to the corpus
    python train.py --data mine.xlsx --no-corpus --out my-model
    python train.py --no-real             # without ../shared/real_patterns (as on a user's machine)

Labelled files are CSV, JSONL or XLSX with columns text,label[,vague]; labels
outside TAXONOMY.md are allowed. Bad rows are listed with file and line and
stop the run (exit 2) unless --skip-bad is given; rows with neither label nor
vague (e.g. not yet labelled in a `juesuan label-export` file) are counted
and skipped. A row of --data overrides a corpus line with the same text.
With the corpus, the real-pattern causes of ../shared/real_patterns are
trained on too when that file is present (each weighted as
training.data.REAL_WEIGHT corpus lines); the model card lists every file
read, with its sha256.

Reports cross-validation on the training data (stratified 5-fold, keeping
near-duplicates in one fold) and, separately, the scores on the distinct real
causes of ../shared/seeds/*.gold.jsonl and tests/gold/real_pdfs/*.gold.jsonl
when present (none of them is a training line; see the model card for what
else they were used for).
Deterministic: the same data gives the same model files and scores.

The data files are read in a child process under a budget (--timeout,
--max-memory; as `juesuan score` reads a report): a labelled file must be a
regular file of at most 64 MB, an XLSX is read without its declared
dimension and without any DTD or entity (nlp.xlsx.read_xlsx). A file that
cannot be read, or runs over the budget, stops the run with one line
(exit 2). Retraining the default models/ also pins its new hash in
nlp/data/bundled_model.sha256 (commit both): juesuan refuses a bundled model
whose hash is not the pinned one.

The work is done in training/ (data, fit, evaluate, card); this file reads
the command line and says what happened.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from nlp.errors import InputError
from nlp.limits import Budget, BudgetExceeded, run_limited
from training.card import summary  # training/ is not installed: Python finds it beside this file
from training.data import REAL_PATTERNS, read_data
from training.fit import save, train

REPO = Path(__file__).resolve().parent


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="train.py", description="Train the cause label and vague models.")
    parser.add_argument("--corpus", default=str(REPO / "corpora"), help="corpus directory with causes.jsonl and vague_lexicon.txt (default: corpora/)")
    parser.add_argument("--data", action="append", default=[], metavar="FILE", help="labelled CSV/JSONL/XLSX (text,label[,vague]); repeatable")
    parser.add_argument("--no-corpus", action="store_true", help="train on --data only (the vague lexicon of --corpus is still used)")
    parser.add_argument("--lexicon", help="vague lexicon, one phrase per line (default: <corpus>/vague_lexicon.txt)")
    parser.add_argument("--out", default=str(REPO / "models"), help="output model directory (default: models/)")
    parser.add_argument("--skip-bad", action="store_true", help="train without the bad rows instead of stopping")
    parser.add_argument("--real", default=str(REAL_PATTERNS), help="real-pattern causes trained on with the corpus, weighted, when the file is present (default: ../shared/real_patterns/statements.jsonl; not with --no-corpus)")
    parser.add_argument("--no-real", action="store_true", help="train without the real-pattern causes")
    parser.add_argument("--no-gold", action="store_true", help="skip the real-text check")
    parser.add_argument("--timeout", type=float, default=120, metavar="SECONDS",
                        help="time allowed for reading the data (default: 120; 0: no limit)")
    parser.add_argument("--max-memory", type=float, default=2048, metavar="MB",
                        help="memory allowed for reading the data (default: 2048; 0: no limit)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    if not (args.timeout >= 0 and args.max_memory >= 0):
        return _error("--timeout 和 --max-memory 须为 0（不限）或正数 / must be 0 (no limit) or positive")
    try:
        data = run_limited(read_data, Path(args.corpus), args.data, use_corpus=not args.no_corpus, lexicon_file=args.lexicon,
                           real_file=None if args.no_real or args.no_corpus else Path(args.real),
                           budget=Budget(args.timeout or None, args.max_memory or None),
                           name=", ".join(args.data) or args.corpus)
    except BudgetExceeded as e:
        return _error(f"读取训练数据超出限制 / reading the data ran over its budget: {e}")
    except InputError as e:
        return _error(str(e))
    if data.overridden:
        print(f"{data.overridden} corpus line(s) overridden by --data rows with the same text", file=sys.stderr)
    rows = data.labelled
    for line in rows.errors:
        print(f"bad row: {line}", file=sys.stderr)
    if rows.errors and not args.skip_bad:
        return _error(f"{len(rows.errors)} bad row(s) listed above: fix them, or rerun with --skip-bad to train without them")
    for line in rows.duplicates:
        print(f"duplicate (used once): {line}", file=sys.stderr)
    if rows.unlabelled:
        print(f"{len(rows.unlabelled)} row(s) with neither label nor vague skipped: {_span(rows.unlabelled)}", file=sys.stderr)
    labels = sorted({r.label for r in rows.rows})
    if len(labels) < 2:
        return _error(f"need at least two labels to train, found {labels}")
    print(f"training on {len(rows.rows)} causes, {len(labels)} labels ({', '.join(data.info['sources'])})")
    if data.real:
        print(f"  + {len(data.real)} real-pattern causes ({args.real}), weighted")

    trained = train(data, real_text=not args.no_gold)
    if trained.model.vague is None:
        print("no vague model: the data needs both vague and specific rows", file=sys.stderr)
    out = Path(args.out)
    digest, pinned = save(trained, out)
    seconds = time.perf_counter() - started
    print("\n".join(summary(trained.metrics, out, seconds, trained.seconds["label"], trained.seconds["vague"])))
    if pinned:
        print(f"model hash {digest}: pinned as the bundled model's in nlp/data/bundled_model.sha256 (commit it with models/)")
    else:
        print(f"model hash {digest} (juesuan names it when it loads this model: --model {out})")
    return 0


def _error(message: str) -> int:
    print(f"train.py: error: {message}", file=sys.stderr)
    return 2


def _span(wheres: list[str], shown: int = 12) -> str:
    more = f" … (+{len(wheres) - shown})" if len(wheres) > shown else ""
    return ", ".join(wheres[:shown]) + more


if __name__ == "__main__":
    sys.exit(main())
