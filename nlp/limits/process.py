"""Pipes and processes, for both sides of the sandbox: length-prefixed
messages, killing and reaping a child, telling how it died, and this
process's size (from /proc)."""
from __future__ import annotations

import contextlib
import os
import select
import signal
import time

POLL = 0.05  # seconds between looks at a child that has not finished
TIMEOUT = object()  # `receive`: the deadline passed first
OUT_OF_MEMORY_EXIT = 3  # the child's exit code when it ran out of memory outside the work


def send(fd: int, data: bytes) -> None:
    view = memoryview(len(data).to_bytes(8, "little") + data)
    while view:
        n = os.write(fd, view[: 1 << 20])
        view = view[n:]


def receive(fd: int, deadline: float | None):
    """One message: its bytes, None at end of file (the other side closed
    or died), or TIMEOUT when `deadline` (time.monotonic) passed first."""
    chunks, have, need = [], 0, None
    while need is None or have < need:
        if deadline is not None:
            wait = max(0.0, min(POLL * 4, deadline - time.monotonic()))
            ready, _, _ = select.select([fd], [], [], wait)
            if not ready:
                if time.monotonic() >= deadline:
                    return TIMEOUT
                continue
        chunk = os.read(fd, 1 << 20 if need is None else min(1 << 20, need - have))
        if not chunk:
            return None
        chunks.append(chunk)
        have += len(chunk)
        if need is None and have >= 8:
            head = b"".join(chunks)
            need = 8 + int.from_bytes(head[:8], "little")
            chunks, have = [head], len(head)
    return b"".join(chunks)[8:]


def kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def reap(pid: int):
    """Wait for the child: (status, rusage); (0, None) if it is gone."""
    while True:
        try:
            _, status, rusage = os.wait4(pid, 0)
            return status, rusage
        except InterruptedError:  # pragma: no cover - PEP 475 retries
            continue
        except ChildProcessError:
            return 0, None


def how(status: int) -> str:
    """How a child ended, in words: "signal 11, SIGSEGV", "exit code 4"."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            return f"signal {sig}, {signal.Signals(sig).name}"
        except ValueError:
            return f"signal {sig}"
    if os.WIFEXITED(status):
        return f"exit code {os.WEXITSTATUS(status)}"
    return f"status {status}"


def near_memory_limit(status: int, rusage, megabytes: float | None) -> bool:
    """Did a child that died without a word die of its memory limit? Its
    exit code OUT_OF_MEMORY_EXIT says so; else a native abort (SIGABRT,
    SIGSEGV, SIGBUS, SIGTRAP) with a peak resident size past half its
    budget above this process's."""
    if not megabytes:
        return False
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == OUT_OF_MEMORY_EXIT:
        return True
    if not os.WIFSIGNALED(status) or rusage is None:
        return False
    if os.WTERMSIG(status) not in (signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, getattr(signal, "SIGTRAP", -1)):
        return False
    peak_kb = rusage.ru_maxrss  # kilobytes on Linux
    return peak_kb - (rss_kb() or 0) > megabytes * 1024 / 2


def vm_kb() -> int | None:
    """This process's address space (VmSize), in kB."""
    return _status_kb("VmSize")


def rss_kb() -> int | None:
    return _status_kb("VmRSS")


def _status_kb(key: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None
