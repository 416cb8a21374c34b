"""Issue 5's performance targets for `juesuan batch`, each next to a floor
measured in the same run on the same machine:

(a) 1,000 generated text reports (tests.synthetic: invented units,
    years, items and reasons; --size full, the default: ~15,000 characters
    and 20 explanations each, like a short real report; --size small:
    ~1,200 characters, where the fixed costs per file weigh most) through `run_batch` with 1 and with 2 local
    workers, each in a fresh process: reports/s, peak RSS of the client and
    of its largest child (resource.getrusage, self and children), and the
    ratio to the single-process floor — the same analyze() calls in one
    process, no pool, no store, no tables. Target: >= 1.7x from 1 to 2
    workers. Shown three ways: end to end (including the tables, the corpus
    rules, report.xlsx and the dashboard, which are serial), the analysis
    phase, and the steady state (after the first result: workers started
    and the model loaded).
(b) the near-duplicate search of the corpus rules on 100,000 generated
    explanations (10% planted copies, verbatim or lightly edited): seconds,
    recall and precision against the planted families, and the index's
    memory per distinct explanation (RSS growth). Target: < 60 s.
(c) with --flat: the client's peak RSS for N and 3N reports (memory stays
    flat with corpus size; only the near-duplicate index grows).

The machine is shared and noisy (±2x, see shared/LIBRARIES.md): each
configuration runs --repeat times (default 2), interleaved, and the fastest
run of each is shown.

Run:  python bench/bench_batch.py [--reports 1000] [--size full|small] [--explanations 100000] [--repeat 2] [--flat]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def _child(code: str) -> dict:
    """Run `code` in a fresh Python; it prints one JSON line last."""
    out = subprocess.run([sys.executable, "-c", code], env=_env(), cwd=REPO, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"benchmark child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


_RUSAGE = """
import os, resource, threading, time as _time
def _rss():
    s = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    c = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(s, 1), round(c, 1), round(_peak[0], 1)

def _worker_cpu():  # CPU seconds of the descendants (workers, forkserver), as last seen
    return round(sum(_cpu.values()) / os.sysconf("SC_CLK_TCK"), 2)

# Peak of the whole process tree (client, forkserver, workers): the sum of
# their proportional set sizes (PSS: pages shared by forked workers counted
# once), sampled every 0.2 s from /proc (Linux).
_peak = [0.0]
_cpu = {}
def _tree_pss():
    me, parents = os.getpid(), {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                parents[int(pid)] = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            pass
    total = 0
    for pid in parents:
        p = pid
        while p not in (0, 1, me) and p in parents:
            p = parents[p]
        if p == me and pid != me:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                _cpu[pid] = int(fields[11]) + int(fields[12])
            except (OSError, IndexError, ValueError):
                pass
        if p == me:
            try:
                with open(f"/proc/{pid}/smaps_rollup") as f:
                    total += next(int(l.split()[1]) for l in f if l.startswith("Pss:"))
            except (OSError, StopIteration):
                pass
    return total / 1024
def _sample():
    while True:
        _peak[0] = max(_peak[0], _tree_pss())
        _time.sleep(0.2)
threading.Thread(target=_sample, daemon=True).start()
"""

FLOOR = _RUSAGE + """
import glob, json, sys, time
t0 = time.perf_counter()
from nlp import analyze
from nlp.batch.warm import warm
warm()  # import, model and tokenizer: what every worker does once
t1 = time.perf_counter()
files = sorted(glob.glob(sys.argv[1] + "/**/*.txt", recursive=True))
for f in files:
    analyze(f)
t2 = time.perf_counter()
print(json.dumps({"files": len(files), "total": t2 - t0, "startup": t1 - t0, "steady": t2 - t1, "rss": _rss()}))
"""

BATCH = _RUSAGE + """
import json, sys
from nlp.batch import run_batch
s = run_batch([sys.argv[1]], sys.argv[2], workers=int(sys.argv[3]), progress=False)
print(json.dumps({"done": s.done, "failed": s.failed, "total": s.seconds, "analyse": s.analyse_seconds, "build": s.build_seconds,
                  "first": s.first_result_seconds, "worker_cpu": _worker_cpu(), "copied": s.corpus.get("copied_across_units"),
                  "sticky": s.corpus.get("sticky_across_years"), "rss": _rss()}))
"""

NEARDUP = _RUSAGE + """
import json, resource, sys, time
from itertools import combinations
from tests.synthetic import reasons_for_search
from nlp.batch.corpus import NearDuplicateIndex
from nlp.similarity import normalise
n = int(sys.argv[1])
texts, families = reasons_for_search(n, copy_rate=0.1)
keys = [normalise(t) for t in texts]
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
index = NearDuplicateIndex()
ids = [index.add(k) for k in keys]
seconds = time.perf_counter() - t0
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) * 1024
# recall and precision over pairs of distinct texts of >= 10 characters
by_family, by_cluster = {}, {}
for i, t in enumerate(ids):
    if len(index.texts[t]) >= index.min_chars:
        by_family.setdefault(families[i], set()).add(t)
        by_cluster.setdefault(index.find(t), set()).add(t)
pairs = lambda groups: {p for g in groups.values() for p in combinations(sorted(g), 2)}
truth, found = pairs(by_family), pairs(by_cluster)
print(json.dumps({"n": n, "distinct": len(index), "seconds": seconds, "compared": index.candidates,
                  "recall": len(truth & found) / max(1, len(truth)), "precision": len(truth & found) / max(1, len(found)),
                  "pairs": len(truth), "bytes_per": grown / max(1, len(index)), "rss": _rss()}))
"""


SIZES = {  # items (explanations) per report, filler paragraphs
    "small": (8, 0),  # ~1,200 characters: the fixed costs per file weigh most
    "full": (20, 220),  # ~15,000 characters, 20 explanations: the size of a short real report
}


def generate(folder: str, reports: int, size: str = "full") -> None:
    from tests.synthetic import write_corpus

    units = reports // 2
    items, filler = SIZES[size]
    write_corpus(folder, units=units, years=(2023, 2024), bad=0, copies=max(10, reports // 10), sticky=max(5, reports // 20),
                 items_per_report=items, filler=filler)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--explanations", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=2, help="runs of each configuration; the fastest is shown")
    ap.add_argument("--flat", action="store_true", help="also run 3x the reports to show the client's memory stays flat")
    ap.add_argument("--size", choices=sorted(SIZES), default="full", help="report size: full (default; ~15,000 characters, like a short real report) or small (~1,200: the fixed costs per file weigh most)")
    args = ap.parse_args()
    print(f"juesuan batch benchmark — {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="bench_batch_") as tmp:
        src = os.path.join(tmp, "in")
        t = time.perf_counter()
        generate(src, args.reports, args.size)
        chars = sum(len(p.read_text(encoding="utf-8")) for p in Path(src).rglob("*.txt")) / args.reports
        print(f"generated {args.reports} reports ({args.size}: {chars:,.0f} characters each on average) in {time.perf_counter() - t:.1f} s")

        floor, runs = None, {}
        for rep in range(args.repeat):
            f = _child(FLOOR.replace("sys.argv[1]", repr(src)))
            floor = f if floor is None or f["total"] < floor["total"] else floor
            for w in (1, 2):
                code = BATCH.replace("sys.argv[1]", repr(src)).replace("sys.argv[2]", repr(os.path.join(tmp, f"out{w}-{rep}"))).replace("sys.argv[3]", repr(str(w)))
                r = _child(code)
                runs[w] = r if w not in runs or r["total"] < runs[w]["total"] else runs[w]
        n = floor["files"]
        print()
        print(f"(a) {n} reports                 seconds  reports/s   peak MB: client RSS / all processes PSS   vs floor")
        print(f"    floor, one process, no pool  {floor['total']:7.1f}  {n / floor['total']:9.1f}   {floor['rss'][0]:8.0f} / {floor['rss'][2]:<8.0f}                     1.00x")
        print(f"      of which start-up (model)  {floor['startup']:7.1f};  steady {n / floor['steady']:.1f} reports/s")
        for w, r in runs.items():
            print(f"    run_batch, {w} worker{'s' if w > 1 else ' '}          {r['total']:7.1f}  {n / r['total']:9.1f}   {r['rss'][0]:8.0f} / {r['rss'][2]:<8.0f}                     {floor['total'] / r['total']:.2f}x")
            steady = (r["done"] - 1) / max(1e-9, r["analyse"] - r["first"])
            print(f"      analysis {r['analyse']:.1f} s ({n / r['analyse']:.1f}/s), first result at {r['first']:.1f} s, steady {steady:.1f} reports/s, "
                  f"workers busy {r['worker_cpu'] / r['analyse']:.2f} cores on average; "
                  f"then {r['total'] - r['analyse']:.1f} s for the outputs ({', '.join(f'{k} {v:.1f}' for k, v in r['build'].items())}); JS801 {r['copied']}, JS802 {r['sticky']}")
        one, two = runs[1], runs[2]
        s_total = one["total"] / two["total"]
        s_analyse = one["analyse"] / two["analyse"]
        steady1 = (one["done"] - 1) / (one["analyse"] - one["first"])
        steady2 = (two["done"] - 1) / (two["analyse"] - two["first"])
        print(f"    speed-up 1 -> 2 workers: end to end {s_total:.2f}x, analysis phase {s_analyse:.2f}x, steady state {steady2 / steady1:.2f}x "
              f"(target >= 1.7x; floor steady {n / floor['steady']:.1f}/s)")

        if args.flat:
            big = os.path.join(tmp, "in3")
            generate(big, 3 * args.reports, args.size)
            r3 = _child(BATCH.replace("sys.argv[1]", repr(big)).replace("sys.argv[2]", repr(os.path.join(tmp, "out3"))).replace("sys.argv[3]", "'2'"))
            print(f"(c) peak memory, 2 workers: {args.reports} reports: client RSS {two['rss'][0]:.0f} MB, all processes {two['rss'][2]:.0f} MB; "
                  f"{3 * args.reports} reports: client {r3['rss'][0]:.0f} MB, all {r3['rss'][2]:.0f} MB ({r3['total']:.1f} s)")

    nd = _child(NEARDUP.replace("sys.argv[1]", repr(str(args.explanations))))
    print(f"(b) near-duplicate search, {nd['n']:,} explanations ({nd['distinct']:,} distinct, {nd['pairs']:,} planted pairs): "
          f"{nd['seconds']:.1f} s (target < 60 s), {nd['compared']:,} candidate pairs compared, "
          f"recall {nd['recall']:.3f}, precision {nd['precision']:.3f}, index {nd['bytes_per'] / 1024:.1f} KB per distinct explanation, "
          f"peak RSS {nd['rss'][0]:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
