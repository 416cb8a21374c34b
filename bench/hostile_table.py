"""The hostile corpus (tests/hostile_corpus.py) through `analyze_limited`
(what `juesuan score` runs) and `run_batch`, one line per class of bad
input: how many files, what became of them, the slowest, and whether the
batch kept every file. The table of issue 6's note.

Run:  python bench/hostile_table.py [--timeout 10] [--max-memory 1024]
"""
from __future__ import annotations

import argparse
import collections
import csv
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--max-memory", type=float, default=1024)
    args = ap.parse_args()

    from nlp import InputError
    from nlp.batch import run_batch
    from nlp.limits import Budget, analyze_limited
    from tests.hostile_corpus import write_corpus

    budget = Budget(args.timeout, args.max_memory)
    with tempfile.TemporaryDirectory(prefix="hostile_") as tmp:
        written = write_corpus(Path(tmp) / "in")
        rows = collections.defaultdict(lambda: {"n": 0, "report": 0, "empty": 0, "refused": 0, "over budget": 0, "other": 0, "slowest": 0.0, "what": []})
        for path, case in written:
            r = rows[case.cls]
            r["n"] += 1
            t0 = time.perf_counter()
            try:
                report = analyze_limited(path, budget=budget)
                r["report" if report.explanations or report.missing else "empty"] += 1
            except InputError as e:
                r["over budget" if "limit per file" in str(e) else "refused"] += 1
                if "\n" in str(e):
                    r["other"] += 1
            except Exception as e:  # noqa: BLE001 - what this table is here to catch
                r["other"] += 1
                r["what"].append(f"{case.name}: {type(e).__name__}")
            r["slowest"] = max(r["slowest"], time.perf_counter() - t0)

        t0 = time.perf_counter()
        out = Path(tmp) / "out"
        listing = Path(tmp) / "files.txt"  # by name: a folder scan takes only report extensions (.pdf .docx .html .txt …)
        listing.write_text("".join(f"{p}\n" for p, _ in written), encoding="utf-8")
        summary = run_batch(["@" + str(listing)], str(out), workers=2, progress=False, timeout=args.timeout, max_memory=args.max_memory)
        batch_seconds = time.perf_counter() - t0
        with open(out / "documents.csv", encoding="utf-8-sig") as f:
            docs = list(csv.DictReader(f))
        with open(out / "errors.csv", encoding="utf-8-sig") as f:
            errors = list(csv.DictReader(f))
        seen = {d["source"] for d in docs} | {p for d in docs for p in d["duplicates"].split() if p} | {e["path"] for e in errors}
        lost = [str(p) for p, _ in written if str(p) not in seen]

    print(f"budget {budget}; score = analyze_limited(), as `juesuan score` runs it")
    print("| class | files | report | empty result | refused (one line) | over budget | crash/traceback | slowest s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    total = collections.Counter()
    for cls, r in rows.items():
        print(f"| {cls} | {r['n']} | {r['report']} | {r['empty']} | {r['refused']} | {r['over budget']} | {r['other']} | {r['slowest']:.2f} |")
        total.update({k: v for k, v in r.items() if isinstance(v, int)})
        for w in r["what"]:
            print(f"  ! {w}")
    print(f"| all | {total['n']} | {total['report']} | {total['empty']} | {total['refused']} | {total['over budget']} | {total['other']} | |")
    print(f"batch (2 workers): {len(written)} files -> {len(docs)} documents + {len(errors)} error rows in {batch_seconds:.1f} s; "
          f"lost {len(lost)}; summary: {summary.done} done, {summary.failed} failed, {summary.duplicates} duplicates")
    return 1 if total["other"] or lost else 0


if __name__ == "__main__":
    sys.exit(main())
