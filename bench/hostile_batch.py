"""The note's table for issue 16, family 3 (one file can stop or poison a
batch): each class through the command line, with its time, peak memory
(the largest resident size of the command and its children) and the
processes left after each kill.

    python bench/hostile_batch.py            # prints a Markdown table

Linux only (FIFOs, /proc, /dev/full); about a minute.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.hostile_batch import fsname  # noqa: E402
from tests.test_hostile_batch import (  # noqa: E402
    ENV,
    EXAMPLE,
    _cmdline,
    _ppid,
    processes_left,
    reports,
    session_processes,
    wait_until,
)


def timed(*args) -> tuple[int, float, int, str]:
    """(exit code, seconds, peak MB of the command and its children, stderr's last line)."""
    code = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
            "p = subprocess.run(sys.argv[1:], capture_output=True, stdin=subprocess.DEVNULL); "
            "print(p.returncode, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
            "sys.stdout.flush(); sys.stdout.buffer.write((p.stderr.strip().splitlines() or [b''])[-1])")
    p = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "nlp", *map(str, args)], capture_output=True, env=ENV, timeout=600)
    first, _, last = p.stdout.partition(b"\n")
    rc, seconds, kb = first.split()
    return int(rc), float(seconds), int(kb) // 1024, last.decode("utf-8", "replace")[:90]


def row(cls: str, cases: str, result: str, seconds: float, mb: int | None, left: str = "–") -> None:
    print(f"| {cls} | {cases} | {result} | {seconds:.1f} s | {'–' if mb is None else f'{mb} MB'} | {left} |")


def killed_run(tmp: Path, sig: int, command: list[str]) -> tuple[int, float, int]:
    """Start `command` in its own session, send `sig` to it once its workers
    (or sandbox child) are up, and count what is left: (processes before, seconds, left)."""
    proc = subprocess.Popen([sys.executable, "-m", "nlp", *command], env=ENV, start_new_session=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.perf_counter()
    try:
        wait_until(lambda: len(session_processes(proc.pid)) >= (5 if command[0] == "batch" else 2))
        before = len(session_processes(proc.pid))
        os.kill(proc.pid, sig)
        proc.wait(60)
        return before, time.perf_counter() - t0, processes_left(proc.pid)
    finally:
        for pid in session_processes(proc.pid):
            os.kill(pid, signal.SIGKILL)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="hostile_batch_"))
    try:
        print("| class | cases | result | time | peak memory | processes left after each kill |")
        print("|---|---|---|---|---|---|")
        special = tmp / "special"
        special.mkdir()
        os.mkfifo(special / "pipe.txt")
        os.symlink("/dev/zero", special / "zero.txt")
        os.symlink("/dev/null", special / "null.pdf")
        for name in ("pipe.txt", "zero.txt", "null.pdf"):
            rc, s, mb, line = timed("score", special / name, "--no-model", "--timeout", "5")
            row("special", f"score {name}", f"clean error (exit {rc}): {line.split('；')[0].split(': ', 2)[-1]}", s, mb)
        for cmd in (["classify"], ["label-export"]):
            rc, s, mb, _ = timed(*cmd, special / "zero.txt")
            row("special", f"{cmd[0]} → /dev/zero", f"clean error (exit {rc})", s, mb)
        rc, s, mb, _ = timed("batch", special, "-o", tmp / "o1", "--no-model", "--no-progress", "--timeout", "5", "--follow-symlinks")
        row("special", "batch of FIFO + /dev/zero + /dev/null (--timeout 5)", f"3 error rows, run finished (exit {rc})", s, mb)

        names = tmp / "names"
        names.mkdir()
        text = EXAMPLE.read_text(encoding="utf-8")
        (names / fsname("决算.txt", "gbk")).write_text(text.replace("文化和旅游局", "体育局"), encoding="utf-8")
        (names / fsname("空白.txt", "gbk")).write_bytes(b"")
        (names / fsname("部门决算𠀀.txt", "gb18030")).write_bytes(text.replace("文化和旅游局", "教育局").encode("gb18030"))
        rc, s, mb, _ = timed("batch", names, "-o", tmp / "o2", "--no-model", "--no-progress")
        row("filename", "batch: GBK, GB18030 names, one empty", f"analysed 2 + 1 error row, \\xNN names (exit {rc})", s, mb)
        rc, s, mb, _ = timed("batch", names, "-o", tmp / "o2", "--no-model", "--no-progress", "--resume")
        row("filename", "the same, --resume", f"rebuilt, no crash (exit {rc})", s, mb)
        rc, s, mb, _ = timed("score", names / fsname("决算.txt", "gbk"), "--no-model", "--format", "json", "--exit-zero")
        row("filename", "score --format json, GBK name", f"analysed (exit {rc})", s, mb)

        folder = tmp / "many"
        reports(folder, 10)
        for sig, what in ((signal.SIGKILL, "kill -9"), (signal.SIGTERM, "SIGTERM")):
            before, s, left = killed_run(tmp, sig, ["batch", str(folder), "-o", str(tmp / f"o_{what}"), "--no-progress", "-j", "2"])
            row("signals", f"batch of 10, {what} of the client mid-run", f"{before} processes before", s, None, str(left))
        big = tmp / "big.txt"
        big.write_text(text * 120, encoding="utf-8")
        before, s, left = killed_run(tmp, signal.SIGKILL, ["score", str(big), "--no-model"])
        row("signals", "score, kill -9 mid-analysis", f"{before} processes before", s, None, str(left))
        # a sandbox child killed from outside (the OOM killer): retried on --resume
        one = tmp / "one"
        one.mkdir()
        shutil.copy(big, one / "big.txt")
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "nlp", "batch", str(one), "-o", str(tmp / "o3"), "--no-progress", "-j", "1", "--no-model"],
                                env=ENV, start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def sandbox() -> list[int]:
            parents = {pid: _ppid(pid) for pid in session_processes(proc.pid)}
            server = [p for p in parents if b"forkserver" in _cmdline(p) and b"forkserver" not in _cmdline(parents[p])]
            workers = {p for p, q in parents.items() if q in server}
            return [p for p, q in parents.items() if q in workers]

        wait_until(lambda: sandbox())
        for pid in sandbox():
            os.kill(pid, signal.SIGKILL)
        proc.wait(120)
        errors = (tmp / "o3" / "errors.csv").read_text(encoding="utf-8-sig").count("killed from outside")
        row("signals", "sandbox child SIGKILLed from outside", f"{errors} AnalysisCrashed row, not final", time.perf_counter() - t0, None,
            str(processes_left(proc.pid)))
        rc, s, mb, _ = timed("batch", one, "-o", tmp / "o3", "--no-progress", "-j", "1", "--no-model", "--resume")
        row("signals", "… then --resume", f"analysed (exit {rc}), errors.csv empty: "
            f"{(tmp / 'o3' / 'errors.csv').read_text(encoding='utf-8-sig').count(chr(10)) == 1}", s, mb)

        a_file = tmp / "a_file"
        a_file.write_text("x", encoding="utf-8")
        full = tmp / "full"
        full.mkdir()
        os.symlink("/dev/full", full / "documents.csv.part")
        own = tmp / "own.txt"
        own.write_text(f"@{own}\n", encoding="utf-8")
        report = tmp / "report.txt"
        shutil.copy(EXAMPLE, report)
        for what, args in (("--out under a file", ["batch", EXAMPLE, "-o", a_file / "out", "--no-model"]),
                           ("disk full (/dev/full)", ["batch", EXAMPLE, "-o", full, "--no-model", "--no-progress"]),
                           ("@list includes itself", ["batch", f"@{own}", "-o", tmp / "o4", "--no-model"]),
                           ("score --html = the input", ["score", report, "--html", report, "--no-model"]),
                           ("label-export -o = the input", ["label-export", report, "-o", report]),
                           ("batch input inside --out", ["batch", report, "-o", tmp, "--no-model"])):
            rc, s, mb, line = timed(*args)
            parts = list(full.glob("*.part"))
            row("output", what, f"clean error (exit {rc}){', no .part' if what.startswith('disk') and not parts else ''}: "
                f"{line.removeprefix('juesuan: error: ').split('；')[0][:40]}…", s, mb)

        tree = tmp / "tree"
        reports(tree, 1)
        os.symlink("/etc/shadow", tree / "shadow.txt")
        os.symlink(report, tree / "outside.txt")
        rc, s, mb, _ = timed("batch", tree, "-o", tmp / "o5", "--no-model", "--no-progress")
        rows = (tmp / "o5" / "errors.csv").read_text(encoding="utf-8-sig").count("SymlinkRefused")
        row("symlink", "links to /etc/shadow and out of the tree", f"{rows} SymlinkRefused rows (exit {rc})", s, mb)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
