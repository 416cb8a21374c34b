"""The hostile corpus (tests/hostile_corpus.py, with every class the
tests/hostile_*.py modules add) through `juesuan score`, one process per
file as a user runs it, and once through `juesuan batch`: the note's table,
one Markdown row per class of bad input.

Per class: the cases; what became of them under `score` — a clean error
(exit 2, one line), findings, analysed without a finding, a traceback (or
any other exit), a timeout (the watchdog had to kill it); how many of the
errors were the budget running out; how many results were not what the case
expects; the slowest run and the largest peak resident memory (the score
process and its sandbox child, from wait4); the processes left behind
(each score runs in a session of its own, counted when it has ended, after
the watchdog's kill where there was one, with 3 s of grace: must be 0). Then the batch: its
documents, errors and lost files per class, its wall time and peak memory.
Last, every file of the corpus with a labelled-data extension (.xlsx, .csv,
.jsonl …) through `train.py --data`, measured the same way.

Run:  python bench/hostile_table.py [--timeout 10] [--max-memory 1024] [--only CLASS ...] [-j 2]
Not a test: it takes minutes (a process and a model load per file).
"""
from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SLACK = 30.0  # seconds the watchdog gives a score beyond its own budget
RESULTS = ("clean error", "finding", "analysed", "traceback", "timeout")


@dataclass
class Run:
    result: str
    seconds: float
    peak_mb: float
    left: int  # processes of its session still alive after it ended
    over_budget: bool = False
    as_expected: bool = True


def juesuan(*args) -> list[str]:
    return [sys.executable, "-m", "nlp", *map(str, args)]


def measured(cmd: list[str], watchdog: float, cwd: Path) -> tuple[int | None, str, str, float, float, int]:
    """Run `cmd` in a session of its own: (exit code or None if the
    watchdog killed it, stdout, stderr, seconds, peak RSS in MB of it and
    its reaped children, processes of its session left after it ended)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                                start_new_session=True)
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > watchdog and not killed:
                os.killpg(proc.pid, signal.SIGKILL)
                killed = True
            time.sleep(0.02)
        seconds = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        left = _left(proc.pid)
        out.seek(0)
        err.seek(0)
        return (None if killed else proc.returncode, out.read().decode("utf-8", "replace"),
                err.read().decode("utf-8", "replace"), seconds, usage.ru_maxrss / 1024, left)


def _left(sid: int, grace: float = 3.0) -> int:
    """Processes of session `sid` still alive `grace` seconds after its
    leader ended (a fork server or resource tracker takes a moment to see
    that its parent is gone)."""
    deadline = time.monotonic() + grace
    while (n := _session(sid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return n


def _session(sid: int) -> int:
    """Processes still alive in session `sid` (zombies not counted)."""
    n = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # fields: state ppid pgrp session ...
            n += 1
    return n


def score(path: Path, case, args, cwd: Path) -> Run:
    code, out, err, seconds, peak, left = measured(
        juesuan("score", path, "--format", "json", "--timeout", args.timeout, "--max-memory", args.max_memory),
        args.timeout + SLACK, cwd)
    lines = err.strip().splitlines()
    if code is None:
        result = "timeout"
    elif "Traceback" in err:
        result = "traceback"
    elif code == 2 and sum(line.startswith("juesuan: error:") for line in lines) == 1:
        result = "clean error"
    elif code in (0, 1):
        try:
            report = json.loads(out)
            result = "finding" if report.get("findings") else "analysed"
        except (ValueError, AttributeError):
            result = "traceback"
    else:
        result = "traceback"
    expected = {"ok": ("finding", "analysed"), "error": ("clean error",), "any": ("clean error", "finding", "analysed")}
    return Run(result, seconds, peak, left, over_budget="limit per file" in err,
               as_expected=result in expected.get(case.expect, RESULTS))


DATA_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".jsonl")


def train(path: Path, args, tmp: Path) -> Run:
    """A labelled-data file of the corpus through `train.py --data` (no corpus, no gold)."""
    code, _, err, seconds, peak, left = measured(
        [sys.executable, str(REPO / "train.py"), "--data", str(path), "--no-corpus", "--no-gold", "--out", str(tmp / "model"),
         "--timeout", str(args.timeout), "--max-memory", str(args.max_memory)], args.timeout + SLACK + 60, tmp / "work")
    lines = err.strip().splitlines()
    if code is None:
        result = "timeout"
    elif "Traceback" in err or code not in (0, 2):
        result = "traceback"
    elif code == 2:
        result = "clean error" if sum(line.startswith("train.py: error:") for line in lines) == 1 else "traceback"
    else:
        result = "analysed"  # trained
    return Run(result, seconds, peak, left, over_budget="budget" in err)


def batch(written, args, tmp: Path) -> tuple[dict, float, float, int, str]:
    """Every file through one `juesuan batch`: per class (documents, errors,
    lost), seconds, peak MB, processes left, and how it ended."""
    from nlp.batch.inputs import shown

    listing = tmp / "files.txt"  # by name: a folder scan takes only report extensions
    listing.write_bytes(b"".join(os.fsencode(p) + b"\n" for p, _ in written))  # names that are not UTF-8 as their bytes
    out = tmp / "batch"
    code, _, err, seconds, peak, left = measured(
        juesuan("batch", "@" + str(listing), "--out", out, "-j", "2", "--no-progress", "--exit-zero",
                "--timeout", args.timeout, "--max-memory", args.max_memory),
        len(written) * (args.timeout + 5) + 120, tmp / "work")
    ended = "killed by the watchdog" if code is None else f"exit {code}" + (" (traceback)" if "Traceback" in err else "")
    docs, errors = _rows(out / "documents.csv"), _rows(out / "errors.csv")
    documents = {d.get("source") for d in docs} | {p for d in docs for p in (d.get("duplicates") or "").split() if p}
    failed = {e.get("path") for e in errors}
    per = collections.defaultdict(lambda: [0, 0, 0])
    for path, case in written:
        name = shown(str(path))  # as the tables write it (\xNN for bytes that are not UTF-8)
        slot = 0 if name in documents else 1 if name in failed else 2
        per[case.cls][slot] += 1
    return per, seconds, peak, left, ended


def _rows(path: Path) -> list[dict]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))
    except OSError:
        return []


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--timeout", type=float, default=10, help="the per-file budget given to score and batch (s)")
    ap.add_argument("--max-memory", type=float, default=1024, help="the per-file memory budget (MB)")
    ap.add_argument("--only", nargs="*", metavar="CLASS", help="only these classes")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="score runs at a time (default 1: times undisturbed)")
    ap.add_argument("--no-batch", action="store_true", help="skip the batch run")
    args = ap.parse_args()

    from tests.hostile_corpus import write_corpus

    with tempfile.TemporaryDirectory(prefix="hostile_table_") as tmp:
        tmp = Path(tmp)
        # Commands run from a folder of their own: the corpus holds hostile settings files,
        # which a run from the corpus folder would read as its own (and be stopped by).
        (tmp / "work").mkdir()
        written = [(p, c) for p, c in write_corpus(tmp / "in") if not args.only or c.cls in args.only]
        classes = list(dict.fromkeys(c.cls for _, c in written))
        with ThreadPoolExecutor(max(1, args.jobs)) as pool:
            runs = list(pool.map(lambda pc: (pc[1], score(pc[0], pc[1], args, tmp / "work")), written))
        per_batch = None if args.no_batch else batch(written, args, tmp)
        trains = [(c, train(p, args, tmp)) for p, c in written if p.suffix.lower() in DATA_SUFFIXES]

    print(f"`juesuan score --format json --timeout {args.timeout:g} --max-memory {args.max_memory:g}`, one process per file "
          f"(python bench/hostile_table.py); peak memory: the score process and its sandbox child")
    print()
    print("| class | cases | clean error | finding | analysed | traceback | timeout | over budget | not as expected "
          "| max time s | max peak MB | processes left |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    odd = []
    for cls in [*classes, None]:
        mine = [r for c, r in runs if cls is None or c.cls == cls]
        counts = collections.Counter(r.result for r in mine)
        name = "**all**" if cls is None else cls
        print(f"| {name} | {len(mine)} | " + " | ".join(str(counts[k]) for k in RESULTS)
              + f" | {sum(r.over_budget for r in mine)} | {sum(not r.as_expected for r in mine)}"
              + f" | {max(r.seconds for r in mine):.2f} | {max(r.peak_mb for r in mine):.0f} | {sum(r.left for r in mine)} |")
        if cls is not None:
            odd += [f"{c.name} ({c.cls}): {r.result}, expected {c.expect}" for c, r in runs
                    if c.cls == cls and (not r.as_expected or r.result in ("traceback", "timeout") or r.left)]
    for line in odd:
        print(f"- {line}")
    if per_batch:
        per, seconds, peak, left, ended = per_batch
        print()
        print(f"`juesuan batch @list -j 2 --timeout {args.timeout:g} --max-memory {args.max_memory:g}`: {len(written)} files, "
              f"{ended}, {seconds:.1f} s, peak {peak:.0f} MB (largest process), processes left {left}")
        print()
        print("| class | documents | error rows | lost |")
        print("|---|---:|---:|---:|")
        for cls in classes:
            print(f"| {cls} | {per[cls][0]} | {per[cls][1]} | {per[cls][2]} |")
        lost = sum(v[2] for v in per.values())
    else:
        lost, left = 0, 0
    if trains:
        print()
        print(f"`train.py --data FILE --no-corpus --no-gold --timeout {args.timeout:g} --max-memory {args.max_memory:g}` "
              "on each file of the corpus with a labelled-data extension (analysed: it trained)")
        print()
        print("| class | files | clean error | trained | traceback | timeout | over budget | max time s | max peak MB | processes left |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for cls in dict.fromkeys(c.cls for c, _ in trains):
            mine = [r for c, r in trains if c.cls == cls]
            counts = collections.Counter(r.result for r in mine)
            print(f"| {cls} | {len(mine)} | {counts['clean error']} | {counts['analysed']} | {counts['traceback']} | "
                  f"{counts['timeout']} | {sum(r.over_budget for r in mine)} | {max(r.seconds for r in mine):.2f} | "
                  f"{max(r.peak_mb for r in mine):.0f} | {sum(r.left for r in mine)} |")
    bad = sum(r.result in ("traceback", "timeout") or r.left > 0 for _, r in runs + trains)
    return 1 if bad or lost or left else 0


if __name__ == "__main__":
    sys.exit(main())
