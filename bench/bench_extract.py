"""Issue 2's performance targets for extraction, each next to a floor measured
in the same run on the same machine:

(a) latency of one `juesuan score FILE --format json` (a fresh process, median
    of 5) against a process that only imports what the command needs
    (`import nlp.pipeline`) and, as the command will once it classifies, loads
    the jieba dictionary. Target: <= 1.5x the floor that matches what the
    command loads.
(b) analysis time of the report once its text is in memory (in-process,
    median of 5). Target: < 0.3 s.
(c) throughput of analyze() on text reports (the seed and the example; median
    of 3 batches of 50 runs) in chars/s against a bare regex pass (triggers
    and amounts) over the same text. Target: no worse than 20x the floor; for
    the extraction alone, 25x (issue 11: recall first reads every trigger,
    completion and target statements, and the script).

Input: ../shared/seeds/000_72d94d323a0f885e.txt, or the bundled example when
../shared is absent (a user's checkout). Prints a table and exits 0.

Run:  python bench/bench_extract.py
"""
from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "seeds" / "000_72d94d323a0f885e.txt"
EXAMPLE = REPO / "examples" / "城西区文化和旅游局2024年度部门决算.txt"
RUNS = 5
THROUGHPUT_RUNS = 50
THROUGHPUT_REPEATS = 3  # median of 3 batches of 50 runs

sys.path.insert(0, str(REPO))

# What a bare scan for explanations must at least do: find triggers and amounts.
FLOOR_PATTERN = re.compile(
    r"主要原因|原因是|主要是|主要系|主要由于|差异原因|偏差原因"
    r"|比上年|与上年|年初预算|全年预算"
    r"|\d+(?:,\d{3})*(?:\.\d+)?\s*(?:亿元|万元|元|%)"
)


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def _time_process(args: list[str], runs: int = RUNS) -> float:
    """Median wall time of a fresh Python process, after one warm-up run
    (file cache, jieba's dictionary cache)."""
    env = _env()
    cmd = [sys.executable, *args]
    subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, check=True)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _score_modules(path: Path) -> list[str]:
    """The modules one `score` run loads beyond a bare interpreter."""
    probe = (
        "import sys, io, json, contextlib\n"
        "before = set(sys.modules)\n"
        "from nlp.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['score', {str(path)!r}, '--format', 'json'])\n"
        "print(json.dumps(sorted(set(sys.modules) - before - {'__main__', 'nlp.__main__'})))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], env=_env(), cwd=REPO, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median_call(fn, runs: int = RUNS) -> float:
    fn()  # warm-up: imports, compiled regexes
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _status(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> int:
    from nlp import analyze

    target = SEED if SEED.exists() else EXAMPLE
    seed_note = "" if SEED.exists() else "  (../shared absent: the bundled example instead of the seed)"
    text = target.read_text(encoding="utf-8")
    texts = [(target.name, text)]
    if target != EXAMPLE:
        texts.append((EXAMPLE.name, EXAMPLE.read_text(encoding="utf-8")))

    print(f"input: {target} ({len(text):,} chars){seed_note}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores\n")

    # (a) latency of the command against process floors
    # --exit-zero: the seed has findings, and score exits 1 on them as a linter does
    score = _time_process(["-m", "nlp", "score", str(target), "--format", "json", "--exit-zero"])
    floor_plain = _time_process(["-c", "import nlp.pipeline"])
    try:
        floor_jieba = _time_process(["-c", "import logging, nlp.pipeline, jieba; jieba.setLogLevel(logging.WARNING); jieba.initialize()"])
    except (subprocess.CalledProcessError, FileNotFoundError):
        floor_jieba = None
    modules = _score_modules(target)
    uses_jieba = "jieba" in modules
    floor_imports = _time_process(
        ["-c", "import importlib, sys\nfor m in sys.argv[1:]:\n    try: importlib.import_module(m)\n    except Exception: pass", *modules]
    )
    # The floor the issue sets: a process that imports only the libraries the
    # command needs (every module `score` loads, except our own) and loads the
    # jieba dictionary (through spaCy's blank zh pipeline when spaCy is used).
    libraries = [m for m in modules if not m.startswith("nlp")]
    load = (
        "import spacy; spacy.blank('zh', config={'nlp': {'tokenizer': {'segmenter': 'jieba'}}})"
        if "spacy" in modules
        else "import jieba, logging; jieba.setLogLevel(logging.WARNING); jieba.initialize()" if uses_jieba else "pass"
    )
    floor = _time_process(
        ["-c", "import importlib, sys\nfor m in sys.argv[1:]:\n    try: importlib.import_module(m)\n    except Exception: pass\n" + load, *libraries]
    )

    # (b) analysis once the text is loaded
    analysis = _median_call(lambda: analyze(target.name, text=text))

    # (c) throughput against a bare regex pass; the two are interleaved and
    # repeated so that a change in machine load hits both alike
    total_chars = sum(len(t) for _, t in texts) * THROUGHPUT_RUNS
    from nlp.pipeline import analyze_source
    from nlp.readers import Source

    analyze_times, extract_times, regex_times, hits = [], [], [], 0
    for _ in range(THROUGHPUT_REPEATS):
        t0 = time.perf_counter()
        for _ in range(THROUGHPUT_RUNS):
            for name, t in texts:
                analyze(name, text=t)
        analyze_times.append(time.perf_counter() - t0)
        # extraction alone (issue 2's scope): no classifier, no rules
        t0 = time.perf_counter()
        for _ in range(THROUGHPUT_RUNS):
            for name, t in texts:
                analyze_source(Source(name, [t], paged=False))
        extract_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        hits = 0
        for _ in range(THROUGHPUT_RUNS):
            for _, t in texts:
                hits += sum(1 for _ in FLOOR_PATTERN.finditer(t))
        regex_times.append(time.perf_counter() - t0)
    analyze_rate = total_chars / statistics.median(analyze_times)
    extract_rate = total_chars / statistics.median(extract_times)
    regex_rate = total_chars / statistics.median(regex_times)

    rows = [
        ("(a) juesuan score --format json, subprocess", f"{score * 1000:.0f} ms", f"{floor * 1000:.0f} ms", f"{score / floor:.2f}x", "<= 1.5x", _status(score / floor <= 1.5)),
        (f"    floor: the {len(libraries)} library modules score loads + jieba dictionary", "", f"{floor * 1000:.0f} ms", "", "", ""),
        ("    floor: import nlp.pipeline", "", f"{floor_plain * 1000:.0f} ms", f"{score / floor_plain:.2f}x", "", "" if not uses_jieba else "(not the floor: score loads jieba)"),
    ]
    rows.append(("    all the modules score loads, no work", "", f"{floor_imports * 1000:.0f} ms", f"{score / floor_imports:.2f}x", "", f"({len(modules)} modules: where the time goes)"))
    if floor_jieba:
        rows.append(
            ("    floor: + jieba.initialize()", "", f"{floor_jieba * 1000:.0f} ms", f"{score / floor_jieba:.2f}x", "", "" if uses_jieba else "(not the floor: score does not load jieba)")
        )
    else:
        rows.append(("    floor: + jieba.initialize()", "", "n/a", "", "", "(jieba not installed)"))
    rows += [
        ("(b) analyze() once loaded, median of 5", f"{analysis * 1000:.0f} ms", "", "", "< 300 ms", _status(analysis < 0.3)),
        (
            f"(c) analyze() throughput, {THROUGHPUT_RUNS} runs x {len(texts)} reports",
            f"{analyze_rate / 1e6:.2f} M chars/s",
            f"{regex_rate / 1e6:.2f} M chars/s",
            f"{regex_rate / analyze_rate:.1f}x",
            "<= 20x",
            _status(regex_rate / analyze_rate <= 20),
        ),
        (
            "    extraction alone (no classifier, no rules)",
            f"{extract_rate / 1e6:.2f} M chars/s",
            f"{regex_rate / 1e6:.2f} M chars/s",
            f"{regex_rate / extract_rate:.1f}x",
            "<= 25x",
            _status(regex_rate / extract_rate <= 25),
        ),
    ]
    header = ("measure", "value", "floor", "ratio", "target", "")
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(_pad(c, w) for c, w in zip(r, widths)).rstrip())
    print(f"\n(c) floor = re.finditer of triggers and amounts ({hits // THROUGHPUT_RUNS} matches per pass); median of {THROUGHPUT_REPEATS} batches; "
          f"reports: {', '.join(n for n, _ in texts)}")
    print(f"(a) the command {'loads' if uses_jieba else 'does not load'} jieba; its floor is the matching row")
    return 0


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - _width(s))


if __name__ == "__main__":
    sys.exit(main())
