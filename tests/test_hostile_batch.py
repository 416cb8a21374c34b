"""One file must not stop or poison a batch (issue 16, family 3), through
the command line as a user runs it: a FIFO and a link to /dev/zero are
error rows at once; names that are not UTF-8 are written on every run and
every --resume; SIGTERM stops a run as Ctrl-C does; kill -9 of the client
leaves no process behind; a sandbox child killed from outside is retried on
--resume; output paths, disk full, @list cycles and links out of the input
folder give one line, Chinese first, exit 2 (or a row of errors.csv).

The files are made here (tests/hostile_batch.py has the corpus classes).
`processes_left` counts what remains of a killed run's session, from /proc.
"""
from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nlp.batch.inputs import name_bytes, shown
from tests.hostile_batch import fsname

REPO = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
EXAMPLE = REPO / "examples" / "城西区文化和旅游局2024年度部门决算.txt"
ENV = dict(os.environ, PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8", LC_ALL="C.UTF-8")
CHINESE = range(0x4E00, 0xA000)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="FIFOs, /proc and signals as on Linux")


def juesuan(*args, timeout: float = 180, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nlp", *map(str, args)], capture_output=True, env=ENV, cwd=kw.pop("cwd", None),
                          timeout=timeout, stdin=subprocess.DEVNULL, **kw)


def one_line(proc, *words) -> str:
    """The one Chinese-first error line of a command that exits 2."""
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 2, (proc.returncode, err)
    assert err.startswith("juesuan: error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    zh, _, en = err.removeprefix("juesuan: error: ").partition("；")
    assert any(ord(c) in CHINESE for c in zh) and en.isascii(), f"Chinese first, then English: {err}"
    for w in words:
        assert w in err, err
    return err


def rows(out: Path, name: str) -> list[dict]:
    with open(out / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def reports(folder: Path, n: int) -> list[Path]:
    """n good reports, each its own bytes (another year), as text files."""
    folder.mkdir(parents=True, exist_ok=True)
    text = EXAMPLE.read_text(encoding="utf-8")
    paths = []
    for i in range(n):
        p = folder / f"report{i:02d}.txt"
        p.write_text(text.replace("2024", str(1990 + i)), encoding="utf-8")
        paths.append(p)
    return paths


# ------------------------------------------------------------ not a regular file


def test_a_fifo_does_not_hang_a_batch_and_is_an_error_row(tmp_path):
    folder = tmp_path / "in"
    reports(folder, 1)
    os.mkfifo(folder / "pipe.txt")
    os.symlink("/dev/zero", folder / "zero.txt")
    t0 = time.perf_counter()
    # --follow-symlinks: the link to /dev/zero is followed, and still not read
    proc = juesuan("batch", folder, "-o", tmp_path / "out", "--timeout", "5", "--no-model", "--no-progress", "--follow-symlinks", timeout=120)
    seconds = time.perf_counter() - t0
    assert proc.returncode == 1, proc.stderr.decode()  # the run finished; two files need a look
    errors = {Path(e["path"]).name: e for e in rows(tmp_path / "out", "errors.csv")}
    assert errors["pipe.txt"]["error"] == "NotARegularFile" and "命名管道" in errors["pipe.txt"]["message"]
    assert errors["zero.txt"]["error"] == "NotARegularFile" and "字符设备" in errors["zero.txt"]["message"]
    assert [Path(d["source"]).name for d in rows(tmp_path / "out", "documents.csv")] == ["report00.txt"]
    assert seconds < 60, seconds


@pytest.mark.parametrize("command", [["score", "--no-model"], ["classify"], ["label-export"]])
@pytest.mark.parametrize("target", ["fifo", "/dev/zero"])
def test_a_fifo_or_dev_zero_is_refused_at_once(tmp_path, command, target):
    path = tmp_path / "report.txt"
    if target == "fifo":
        os.mkfifo(path)
    else:
        os.symlink(target, path)
    t0 = time.perf_counter()
    proc = juesuan(command[0], path, *command[1:], "--timeout", "5", timeout=60) if command[0] != "classify" else juesuan("classify", path, timeout=60)
    assert time.perf_counter() - t0 < 40
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err, err
    assert "不是普通文件" in err and "not a regular file" in err and str(path) in err, err


def test_peak_memory_of_score_on_dev_zero_is_small(tmp_path):
    """Refused before a byte is read: the command needs what it needs to start, not gigabytes."""
    os.symlink("/dev/zero", tmp_path / "zero.txt")
    code = ("import resource, subprocess, sys; subprocess.run([sys.executable, '-m', 'nlp', 'score', sys.argv[1], '--no-model']); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "zero.txt")], capture_output=True, text=True, env=ENV, timeout=120)
    assert int(proc.stdout.split()[-1]) < 600 * 1024, proc.stdout  # kB


# ------------------------------------------------------------------ file names


def test_names_that_are_not_utf8_are_written_on_every_run_and_resume(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text = EXAMPLE.read_text(encoding="utf-8")
    gbk = folder / fsname("决算.txt", "gbk")
    gbk.write_text(text.replace("文化和旅游局", "体育局"), encoding="utf-8")
    empty = folder / fsname("空白.txt", "gbk")
    empty.write_bytes(b"")
    (folder / "好的.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    for resume in ([], ["--resume"], ["--resume"]):
        proc = juesuan("batch", folder, "-o", out, "--no-model", "--no-progress", *resume)
        assert proc.returncode == 1 and b"Traceback" not in proc.stderr, proc.stderr.decode()
        docs = {d["source"]: d for d in rows(out, "documents.csv")}
        assert shown(str(gbk)) in docs and str(folder / "好的.txt") in docs
        assert shown(str(gbk)).endswith("\\xbe\\xf6\\xcb\\xe3.txt")
        assert name_bytes(shown(str(gbk))) == os.fsencode(gbk)  # the original bytes, back
        (error,) = rows(out, "errors.csv")
        assert error["path"] == shown(str(empty)) and error["message"].startswith(error["path"]) and "empty" in error["message"]
        assert {r["source"] for r in rows(out, "explanations.csv")} == set(docs)
    # The store keeps the name itself: JSON \udcXX escapes, read back exactly.
    ledger = [json.loads(line) for line in (out / ".juesuan-batch" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]
    assert str(empty) in {e.get("source") for e in ledger}
    import openpyxl

    book = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    cells = {c for row in book["documents"].iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert shown(str(gbk)) in cells
    assert shown(str(gbk)) in (out / "dashboard.html").read_text(encoding="utf-8") or not list((out / "reports").iterdir())


@pytest.mark.parametrize("fmt", ["json", "csv", "sarif", "text"])
def test_score_writes_a_name_that_is_not_utf8(tmp_path, fmt):
    path = tmp_path / fsname("决算.txt", "gbk")
    shutil.copy(EXAMPLE, path)
    proc = juesuan("score", path, "--no-model", "--format", fmt, "--exit-zero", "--html", tmp_path / "page.html")
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode("utf-8")  # valid UTF-8
    assert "\\xbe\\xf6\\xcb\\xe3.txt" in out.replace("\\\\", "\\")
    assert "\\xbe\\xf6\\xcb\\xe3.txt" in (tmp_path / "page.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------ processes


def session_processes(sid: int) -> list[int]:
    """The live processes of session `sid` (zombies not counted: they hold no memory and go when reaped)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, session = fields[0], int(fields[3])
        if session == sid and state not in ("Z", "X"):
            found.append(int(entry))
    return found


def processes_left(sid: int, wait: float = 15.0) -> int:
    """Processes of the session still alive after up to `wait` seconds."""
    deadline = time.monotonic() + wait
    while session_processes(sid) and time.monotonic() < deadline:
        time.sleep(0.2)
    return len(session_processes(sid))


def start_batch(tmp_path: Path, n: int = 10, extra=()) -> tuple[subprocess.Popen, Path]:
    folder = tmp_path / "in"
    reports(folder, n)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "nlp", "batch", str(folder), "-o", str(out), "--no-progress", "-j", "2", *extra],
                            env=ENV, start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=open(tmp_path / "stderr.txt", "wb"))  # noqa: SIM115 - the child holds it
    return proc, out


def wait_until(test, limit: float = 90.0) -> None:
    deadline = time.monotonic() + limit
    while not test():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _cleanup(sid: int) -> None:
    for pid in session_processes(sid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _mid_run(proc, out: Path) -> None:
    """Workers and their sandbox children are up and a first result is stored."""
    ledger = out / ".juesuan-batch" / "ledger.jsonl"
    wait_until(lambda: len(session_processes(proc.pid)) >= 5 and ledger.exists() and ledger.stat().st_size > 0)


def test_kill_9_of_the_client_leaves_no_process(tmp_path):
    proc, out = start_batch(tmp_path)
    try:
        _mid_run(proc, out)
        before = len(session_processes(proc.pid))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        left = processes_left(proc.pid)
        print(f"kill -9: {before} processes before (client, resource tracker, fork server, 2 workers, sandbox children), {left} left")
        assert left == 0
    finally:
        _cleanup(proc.pid)
    # and the finished work is there for --resume
    resumed = juesuan("batch", tmp_path / "in", "-o", out, "--no-progress", "--resume", "-j", "2")
    assert resumed.returncode in (0, 1), resumed.stderr.decode()
    assert len(rows(out, "documents.csv")) == 10
    assert "跳过" in resumed.stderr.decode() and "跳过 0 份" not in resumed.stderr.decode()


def test_sigterm_stops_a_run_as_ctrl_c_does(tmp_path):
    proc, out = start_batch(tmp_path)
    try:
        _mid_run(proc, out)
        os.kill(proc.pid, signal.SIGTERM)
        code = proc.wait(60)
        left = processes_left(proc.pid)
        err = (tmp_path / "stderr.txt").read_text(encoding="utf-8")
        print(f"SIGTERM: exit {code}, {left} processes left")
        assert code == 143 and left == 0
        assert err.count("\n") == 1 and "已中断（SIGTERM）" in err and "--resume" in err and "Traceback" not in err, err
    finally:
        _cleanup(proc.pid)
    assert not list(out.glob("*.part"))
    resumed = juesuan("batch", tmp_path / "in", "-o", out, "--no-progress", "--resume", "-j", "2")
    assert resumed.returncode in (0, 1) and len(rows(out, "documents.csv")) == 10, resumed.stderr.decode()


def test_a_sandbox_child_killed_from_outside_is_retried_on_resume(tmp_path):
    """The OOM killer's SIGKILL, simulated: the file is an error row worth
    trying again (not a permanent AnalysisCrashed), and --resume analyses it."""
    folder = tmp_path / "in"
    folder.mkdir()
    big = folder / "big.txt"  # long enough to be caught while it is analysed
    big.write_text(EXAMPLE.read_text(encoding="utf-8") * 120, encoding="utf-8")  # ~4 s
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "nlp", "batch", str(folder), "-o", str(out), "--no-progress", "-j", "1", "--no-model"],
                            env=ENV, start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=open(tmp_path / "stderr.txt", "wb"))  # noqa: SIM115 - the child holds it
    try:
        def sandbox_children() -> list[int]:
            # client -> fork server -> worker -> sandbox child
            parents = {pid: _ppid(pid) for pid in session_processes(proc.pid)}
            server = [pid for pid in parents if b"multiprocessing.forkserver" in _cmdline(pid)
                      and b"multiprocessing.forkserver" not in _cmdline(parents[pid])]
            workers = {pid for pid, parent in parents.items() if parent in server}
            return [pid for pid, parent in parents.items() if parent in workers]

        wait_until(lambda: sandbox_children())
        for pid in sandbox_children():
            os.kill(pid, signal.SIGKILL)
        assert proc.wait(120) == 1
    finally:
        _cleanup(proc.pid)
    (error,) = rows(out, "errors.csv")
    assert error["error"] == "AnalysisCrashed" and "killed from outside" in error["message"] and "外部终止" in error["message"], error
    ledger = [json.loads(line) for line in (out / ".juesuan-batch" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]
    assert ledger[-1]["final"] is False
    resumed = juesuan("batch", folder, "-o", out, "--no-progress", "--resume", "-j", "1", "--no-model")
    assert resumed.returncode in (0, 1) and rows(out, "errors.csv") == [], resumed.stderr.decode()
    assert [Path(d["source"]).name for d in rows(out, "documents.csv")] == ["big.txt"]


def _cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return b""


def _ppid(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


# ------------------------------------------------------------- output errors


def test_out_under_a_file(tmp_path):
    a_file = tmp_path / "results"
    a_file.write_text("x", encoding="utf-8")
    one_line(juesuan("batch", EXAMPLE, "--no-model", "-o", a_file / "out"), "不是文件夹", f"cannot write {a_file / 'out'}")


def test_out_on_a_read_only_file_system(tmp_path):
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("needs root and unshare to mount a read-only file system")
    ro = tmp_path / "ro"
    ro.mkdir()
    script = (f"mount -t tmpfs -o ro,size=1m tmpfs {ro} && exec {sys.executable} -m nlp batch {EXAMPLE} --no-model "
              f"--no-progress -o {ro}/out")
    proc = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, env=ENV, timeout=120)
    if b"mount:" in proc.stderr or b"unshare:" in proc.stderr:
        pytest.skip(proc.stderr.decode()[:200])
    one_line(proc, "只读", "read-only")


@pytest.mark.parametrize("where", ["table", "store"])
def test_disk_full_is_one_line_and_leaves_no_part_file(tmp_path, where):
    """ENOSPC, injected by pointing an output at /dev/full."""
    out = tmp_path / "out"
    if where == "table":
        out.mkdir()
        os.symlink("/dev/full", out / "documents.csv.part")
        resume = []
    else:  # a run that resumes, and has a new file to store
        (tmp_path / "first.txt").write_text("第一份\n", encoding="utf-8")
        assert juesuan("batch", tmp_path / "first.txt", "--no-model", "--no-progress", "-o", out).returncode in (0, 1)
        store = out / ".juesuan-batch" / "documents.jsonl"
        store.unlink()
        os.symlink("/dev/full", store)
        resume = ["--resume"]
    one_line(juesuan("batch", EXAMPLE, "--no-model", "--no-progress", "-o", out, *resume), "磁盘已满", "No space left")
    assert not [p for p in out.rglob("*.part")], list(out.rglob("*"))


def test_a_list_that_includes_itself(tmp_path):
    own = tmp_path / "own.txt"
    own.write_text(f"{EXAMPLE}\n@{own}\n", encoding="utf-8")
    one_line(juesuan("batch", f"@{own}", "--no-model", "-o", tmp_path / "out"), "文件列表包含了自身", "cycle")
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("@b.txt\n", encoding="utf-8")
    b.write_text("@a.txt\n", encoding="utf-8")
    one_line(juesuan("batch", f"@{a}", "--no-model", "-o", tmp_path / "out", cwd=tmp_path), "cycle")


def test_an_output_never_overwrites_an_input(tmp_path):
    report = tmp_path / "report.txt"
    shutil.copy(EXAMPLE, report)
    before = report.read_bytes()
    one_line(juesuan("score", report, "--no-model", "--html", report), "不会覆盖输入文件", "refusing to overwrite")
    one_line(juesuan("label-export", report, "-o", report), "不会覆盖输入文件")
    one_line(juesuan("batch", report, "--no-model", "-o", tmp_path), "结果文件夹", "give another --out")
    assert report.read_bytes() == before


# ------------------------------------------------------------------ symlinks


def test_links_out_of_the_input_folder_are_not_followed_unless_asked(tmp_path):
    folder = tmp_path / "in"
    reports(folder, 1)
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(EXAMPLE.read_text(encoding="utf-8").replace("文化和旅游局", "秘密局"), encoding="utf-8")
    os.symlink(secret, folder / "outside.txt")
    os.symlink("/etc/shadow", folder / "shadow.txt")
    os.symlink(folder / "report00.txt", folder / "inside.txt")  # inside the tree: fine (same bytes: a duplicate)
    out = tmp_path / "out"
    proc = juesuan("batch", folder, "-o", out, "--no-model", "--no-progress")
    assert proc.returncode == 1, proc.stderr.decode()
    errors = {Path(e["path"]).name: e for e in rows(out, "errors.csv")}
    assert set(errors) == {"outside.txt", "shadow.txt"}
    assert all(e["error"] == "SymlinkRefused" and "--follow-symlinks" in e["message"] and "符号链接" in e["message"] for e in errors.values())
    assert "秘密局" not in (out / "explanations.csv").read_text(encoding="utf-8-sig")
    (doc,) = rows(out, "documents.csv")
    assert doc["duplicates"].endswith("inside.txt") or doc["source"].endswith("inside.txt")
    # asked: followed
    proc = juesuan("batch", folder, "-o", out, "--no-model", "--no-progress", "--follow-symlinks")
    assert "秘密局" in (out / "documents.csv").read_text(encoding="utf-8-sig")
