"""The per-file budget (nlp.limits) and the readers' guards against hostile
files (nlp.readers: zipguard, the PDF stream scan, page and text caps, the
HTML walk)."""
from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from pathlib import Path

import pytest

import nlp.readers
import nlp.readers.pdf as pdfreader
from nlp import InputError, analyze
from nlp.config import Settings
from nlp.limits import AnalysisCrashed, Budget, BudgetExceeded, analyze_limited, budget_from, run_limited
from nlp.readers import read, read_bytes
from nlp.readers.zipguard import check_zip

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "城西区文化和旅游局2024年度部门决算.txt"
SMALL = Budget(2, 256)


def _children() -> set[int]:
    out: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):
            out |= {int(p) for p in (task / "children").read_text().split()}
    return out


# ------------------------------------------------------------------ the budget


def _busy():
    while True:
        pass


def _backtrack():
    re.match(r"(a+)+$", "a" * 64 + "b")  # never returns: no alarm could stop it


def _hog():
    hold = []
    while True:
        hold.append(bytearray(16 << 20))


def _segfault():
    import ctypes

    ctypes.string_at(0)


class _OddInputError(InputError):
    def __init__(self, message, kind):  # not rebuilt by pickle from its args
        super().__init__(message)
        self.kind = kind


def _raise(e):
    raise e


def test_a_value_comes_back():
    assert run_limited(lambda a, b=0: {"sum": a + b, "pid": os.getpid()}, 2, b=3, budget=SMALL)["sum"] == 5
    assert run_limited(lambda: os.getpid(), budget=SMALL) != os.getpid()


@pytest.mark.parametrize("fn", [_busy, _backtrack], ids=["busy loop", "catastrophic regex"])
def test_time_budget_stops_python_and_the_regex_engine(fn):
    before = _children()
    t0 = time.perf_counter()
    with pytest.raises(BudgetExceeded) as info:
        run_limited(fn, budget=Budget(1, 256), name="slow.pdf")
    assert time.perf_counter() - t0 < 2.5
    e = info.value
    assert isinstance(e, InputError) and e.kind == "time" and e.limit == 1
    assert str(e).startswith("slow.pdf: ") and "1 s" in str(e) and "--timeout" in str(e) and "\n" not in str(e)
    assert _children() == before  # the child was killed and reaped


def test_memory_budget():
    with pytest.raises(BudgetExceeded) as info:
        run_limited(_hog, budget=Budget(20, 128), name="big.docx")
    e = info.value
    assert e.kind == "memory" and e.limit == 128
    assert str(e).startswith("big.docx: ") and "128 MB" in str(e) and "--max-memory" in str(e)


def test_a_native_crash_ends_the_child_only():
    with pytest.raises(AnalysisCrashed) as info:
        run_limited(_segfault, budget=SMALL, name="evil.pdf")
    assert isinstance(info.value, InputError)
    assert str(info.value).startswith("evil.pdf: 分析进程异常退出") and "SIGSEGV" in str(info.value) and "\n" not in str(info.value)
    assert str(info.value).index("已跳过") < str(info.value).index("probably malformed; skipped")  # Chinese first, the English kept


def test_errors_come_back_as_they_were_raised():
    with pytest.raises(InputError, match=r"^x\.pdf: encrypted PDF$"):
        run_limited(_raise, InputError("x.pdf: encrypted PDF"), budget=SMALL)
    with pytest.raises(InputError, match=r"^y: odd$") as info:
        run_limited(_raise, _OddInputError("y: odd", "ReadError"), budget=SMALL)
    assert info.value.kind == "ReadError"
    with pytest.raises(KeyError) as info:
        run_limited(_raise, KeyError("missing"), budget=SMALL)
    assert "in the analysis process" in "".join(getattr(info.value, "__notes__", []))
    from nlp.classifier import ModelError

    with pytest.raises(ModelError):
        run_limited(_raise, ModelError("m: checksum"), budget=SMALL)


def test_ctrl_c_while_waiting_kills_the_child():
    before = _children()
    # Ctrl-C as at a terminal, even when the tests run in the background
    # (where a shell starts them with SIGINT ignored).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
        timer.start()
        t0 = time.perf_counter()
        with pytest.raises(KeyboardInterrupt):
            run_limited(time.sleep, 30, budget=Budget(60, 256))
        assert time.perf_counter() - t0 < 5
    finally:
        signal.signal(signal.SIGINT, previous)
    assert _children() == before


def test_the_child_dies_with_its_parent(tmp_path):
    """A parent killed outright (SIGKILL, the OOM killer) leaves no analysis
    running on its own."""
    pid_file = tmp_path / "child.pid"
    script = (
        "import os, sys, time\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "from nlp.limits import Budget, run_limited\n"
        "def work(path):\n"
        "    open(path, 'w').write(str(os.getpid()))\n"
        "    time.sleep(60)\n"
        f"run_limited(work, {str(pid_file)!r}, budget=Budget(60, 256))\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        for _ in range(100):
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.05)
        child = int(pid_file.read_text())
        parent.kill()
        parent.wait(5)
        for _ in range(100):
            try:
                state = Path(f"/proc/{child}/stat").read_text().split(")")[-1].split()[0]
            except OSError:
                break  # gone
            if state in ("Z", "X"):
                break
            time.sleep(0.05)
        else:
            os.kill(child, signal.SIGKILL)
            pytest.fail("the analysis child outlived its parent")
    finally:
        if parent.poll() is None:
            parent.kill()


def test_no_budget_runs_in_this_process():
    assert run_limited(os.getpid, budget=Budget(None, None)) == os.getpid()
    assert run_limited(os.getpid, budget=Budget(0, 0)) == os.getpid()


def test_budget_from_the_command_line_the_settings_and_the_defaults():
    assert budget_from() == Budget(120, 2048)
    settings = Settings(rule_options={"limits": {"timeout": 30, "max_memory": 512}}, source="/x/juesuan.toml")
    assert budget_from(settings) == Budget(30, 512)
    assert budget_from(settings, timeout=5) == Budget(5, 512)
    assert budget_from(settings, max_memory=0) == Budget(30, None)
    assert budget_from(None, timeout=0, max_memory=0) == Budget(None, None)
    for bad in (-1, "abc", float("nan"), True):
        with pytest.raises(InputError, match="--timeout"):
            budget_from(None, timeout=bad)
    with pytest.raises(InputError, match=r"/x/juesuan.toml: \[limits\] max_memory"):
        budget_from(Settings(rule_options={"limits": {"max_memory": "lots"}}, source="/x/juesuan.toml"))


def test_the_users_settings_file_sets_the_budget(tmp_path, monkeypatch):
    from nlp.config import load_settings
    from nlp.rules import registry

    (tmp_path / "juesuan").mkdir()
    (tmp_path / "juesuan" / "juesuan.toml").write_text("[limits]\ntimeout = 7\nmax_memory = 300\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # a project file's [limits] is ignored: tests/test_hostile_settings.py
    report = tmp_path / "r.txt"
    report.write_text("x", encoding="utf-8")
    assert budget_from(load_settings(report, rules=registry())) == Budget(7, 300)


def test_analyze_limited_gives_the_same_report():
    plain = analyze(EXAMPLE).to_dict()
    limited = analyze_limited(EXAMPLE, budget=Budget(60, 2048)).to_dict()
    assert limited == plain
    with pytest.raises(BudgetExceeded, match="time limit"):
        analyze_limited(EXAMPLE, budget=Budget(0.01, None), model=None)


# ------------------------------------------------------------------ zip


def _zip(members, **kw) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("member,words", [
    ("../evil", ".."), ("a/../../evil", ".."), ("a\\..\\evil", ".."), ("/etc/passwd", "absolute"),
    ("\\\\server\\share\\x", "absolute"), ("C:/Windows/x.dll", "absolute"), ("d:x", "absolute"),
])
def test_zip_member_paths(member, words):
    data = _zip([("word/document.xml", b"<x/>"), (member, b"x")])
    with pytest.raises(InputError, match=re.escape(words)) as info:
        check_zip(data, "r.docx")
    assert str(info.value).startswith("r.docx: zip member ") and "\n" not in str(info.value)


def test_zip_limits(monkeypatch):
    import nlp.readers.zipguard as zg

    ok = _zip([("word/document.xml", os.urandom(3000)), ("a.xml", b"x" * 100_000)])
    assert check_zip(ok, "ok.docx") == ["word/document.xml", "a.xml"]  # small members may compress well
    with pytest.raises(InputError, match="more than 0 MB"):
        check_zip(ok, "ok.docx", max_unzipped=50_000)
    monkeypatch.setattr(zg, "MAX_ENTRIES", 1)
    with pytest.raises(InputError, match="2 members"):
        check_zip(ok, "ok.docx")
    monkeypatch.setattr(zg, "MAX_ENTRIES", 10_000)
    bomb = _zip([("word/document.xml", b"\0" * (3 << 20))])
    with pytest.raises(InputError, match="times its size"):
        check_zip(bomb, "bomb.docx")


def test_zip_from_a_path_for_spreadsheets(tmp_path):
    """check_zip takes a path too (for XLSX files read with openpyxl)."""
    import openpyxl

    path = tmp_path / "labels.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["text", "label"])
    wb.save(path)
    assert "xl/workbook.xml" in check_zip(path, str(path))
    (tmp_path / "bomb.xlsx").write_bytes(_zip([("xl/worksheets/sheet1.xml", b"\0" * (3 << 20))]))
    with pytest.raises(InputError, match="zip bomb"):
        check_zip(tmp_path / "bomb.xlsx", "bomb.xlsx")


# ------------------------------------------------------------------ PDF


def _stream_pdf(streams: list[tuple[bytes, bytes]]) -> bytes:
    from tests.hostile_corpus import ASCII_PAGE, _simple_pdf, stream

    return _simple_pdf(ASCII_PAGE, extra={10 + i: stream(d, data) for i, (d, data) in enumerate(streams)})


def test_pdf_stream_caps(monkeypatch):
    rng = __import__("random").Random(5)
    noise = bytes(rng.randrange(40) for _ in range(400_000))  # packs about 2:1
    packed = zlib.compress(noise)
    pdf = _stream_pdf([(b"/Filter /FlateDecode", packed)] * 3)
    assert pdfreader.check_streams(pdf, "p.pdf") >= 3 * len(noise)
    monkeypatch.setattr(pdfreader, "MAX_INFLATED_BYTES", 1_000_000)
    with pytest.raises(InputError, match="in all"):
        pdfreader.check_streams(pdf, "p.pdf")
    monkeypatch.setattr(pdfreader, "MAX_STREAM_BYTES", 300_000)
    with pytest.raises(InputError, match="inflates past"):
        pdfreader.check_streams(pdf, "p.pdf")


def test_pdf_images_are_not_inflated():
    """Image streams are never decoded to read text: a scanned report with
    large Flate images is not mistaken for a bomb."""
    big = zlib.compress(b"\0" * (20 << 20))
    pdf = _stream_pdf([(b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /Filter /FlateDecode", big)])
    assert pdfreader.check_streams(pdf, "scan.pdf") < 1 << 20


def test_pdf_stream_scan_is_linear():
    """Many 'stream' keywords with no 'endstream', then many streams: the
    scan stays fast."""
    t0 = time.perf_counter()
    pdfreader.check_streams(b"%PDF-1.7\n" + b"stream\n" * 1_000_000, "x.pdf")
    pdfreader.check_streams(b"%PDF-1.7\n" + b"1 0 obj << /Filter /FlateDecode >> stream\nx\nendstream endobj " * 100_000, "y.pdf")
    assert time.perf_counter() - t0 < 5


def test_pdf_page_and_text_caps(monkeypatch, tmp_path):
    from tests.extract_helpers import make_pdf

    path = tmp_path / "r.pdf"
    path.write_bytes(make_pdf([["城西区文化和旅游局2024年度部门决算公开说明，主要原因是人员增加。"]] * 3))
    assert len(read(path).pages) == 3
    monkeypatch.setattr(pdfreader, "MAX_PAGES", 2)
    with pytest.raises(InputError, match="3 pages"):
        read(path)
    monkeypatch.setattr(pdfreader, "MAX_PAGES", 2000)
    monkeypatch.setattr(nlp.readers, "MAX_CHARS", 50)
    with pytest.raises(InputError, match=r"too much text.*of 3 pages"):
        read(path)


def test_text_cap_for_every_format(monkeypatch):
    monkeypatch.setattr(nlp.readers, "MAX_CHARS", 1000)
    with pytest.raises(InputError, match="too much text"):
        read_bytes(("主要原因是" * 300).encode("utf-8"), "long.txt")
    assert read_bytes(("主要原因是" * 100).encode("utf-8"), "short.txt").pages


# ------------------------------------------------------------------ HTML


def test_html_walk_has_no_recursion_limit():
    import lxml.html
    from lxml import etree

    from nlp.readers.html import _walk

    root = lxml.html.fromstring("<div></div>")
    el = root
    for _ in range(sys.getrecursionlimit() * 3):
        el = etree.SubElement(el, "div")
    el.text = "主要原因是人员增加"
    out: list[str] = []
    _walk(root, out, [], {})
    assert "主要原因是人员增加" in "".join(out)


# ------------------------------------------------------------------ sandbox


def _pid_or_fail(what):
    if what == "raise":
        raise InputError("bad.pdf: not a PDF")
    if what == "hog":
        return _hog()
    if what == "crash":
        _segfault()
    return os.getpid()


def test_a_sandbox_serves_many_files_from_one_child_and_replaces_it_after_a_failure():
    from nlp.limits import Sandbox

    before = _children()
    with Sandbox(_pid_or_fail, Budget(20, 128)) as box:
        first = box("ok")
        assert first != os.getpid()
        assert box("ok") == first  # the same child serves the next file
        with pytest.raises(InputError, match="not a PDF"):
            box("raise")
        assert box("ok") == first  # an error raised by the analysis keeps the child
        with pytest.raises(BudgetExceeded) as info:
            box("hog", name="big.docx")
        assert info.value.kind == "memory" and "big.docx" in str(info.value)
        second = box("ok")
        assert second not in (first, os.getpid())  # a new child after running out of memory
        with pytest.raises(AnalysisCrashed):
            box("crash", name="evil.pdf")
        assert box("ok") not in (second, os.getpid())
        os.kill(box._pid, 9)  # killed from outside between files (the OOM killer): the next file still runs
        _wait_until_dead(box._pid)
        assert box("ok") != os.getpid()
    assert _children() == before  # closing the sandbox ends its child


def _wait_until_dead(pid: int) -> None:
    for _ in range(500):
        with open(f"/proc/{pid}/stat") as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                return
        time.sleep(0.01)
