"""A time and memory budget for the analysis of one file.

Reports come from thousands of websites, and now and then one is made to
break a parser: a PDF whose streams inflate to gigabytes, a regular
expression that never returns, a native reader that loops. `run_limited`
runs one file's work in a child process forked for it, and gives back its
value, or raises `BudgetExceeded` (an `InputError`: one line, exit code 2 in
the CLI, a row of errors.csv in a batch) when it runs out of time or memory:

    from nlp.limits import Budget, analyze_limited, budget_from, run_limited
    report = analyze_limited("report.pdf", budget=Budget(seconds=120, megabytes=2048))
    line = run_limited(some_function, task, budget=budget, name=task.source)

Why a child process, not an alarm in this one: `signal.alarm` only
interrupts Python code between bytecodes, and neither a regular expression
in `re` nor pdfium's C code ever returns to the interpreter while it works;
and an address-space limit (RLIMIT_AS) set in this process would stay on
it. A forked child can always be killed, its limits die with it, it starts
at once (copy-on-write: the pipeline and the model loaded here are shared,
not loaded again), and a crash in a native library (pdfium on a hostile
PDF, or on an allocation the limit refused) ends the child, not the run.

What the budget is:

* time: wall-clock seconds from the fork until the result is back; the
  child is then killed (SIGKILL). A CPU-time limit slightly above it
  (RLIMIT_CPU) and a death signal tied to the parent (PR_SET_PDEATHSIG)
  make sure a child never outlives its parent.
* memory: megabytes of address space the child may add to what it had when
  it was forked (RLIMIT_AS = its size then + the budget). Counting from the
  fork, not from zero, makes the budget mean "what one file may cost"
  whatever the process already holds (a Dask worker reserves gigabytes of
  address space it never touches). Python code that hits the limit gets a
  MemoryError; native code usually aborts; both become `BudgetExceeded`.

Where `os.fork` does not exist (Windows), the work runs in this process
without limits. A budget of 0 (or None) seconds and megabytes runs it in
this process too.

The settings (`juesuan.toml` or `[tool.juesuan]` in pyproject.toml) may set
both, overridden by the command line:

    [tool.juesuan.limits]
    timeout = 120        # seconds per file (0: none)
    max_memory = 2048    # MB per file (0: none)
"""
from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import time
import traceback
from dataclasses import dataclass

from nlp.errors import InputError

DEFAULT_SECONDS = 120.0
DEFAULT_MEGABYTES = 2048
_POLL = 0.05  # seconds between looks at a child that has not finished


class BudgetExceeded(InputError):
    """The file took longer or needed more memory than its budget allows.

    `kind` is "time" or "memory"; `limit` the limit that was exceeded
    (seconds or megabytes)."""

    def __init__(self, message: str, kind: str, limit: float | None):
        super().__init__(message)
        self.kind = kind
        self.limit = limit

    def __reduce__(self):
        return (type(self), (str(self), self.kind, self.limit))


class AnalysisCrashed(InputError):
    """The process analysing the file died (a crash in a native library on a
    malformed file): the file is reported, the run goes on."""


@dataclass(frozen=True)
class Budget:
    """Per-file limits; None or 0 means no limit of that kind."""

    seconds: float | None = DEFAULT_SECONDS
    megabytes: float | None = DEFAULT_MEGABYTES

    @property
    def limited(self) -> bool:
        return bool(self.seconds) or bool(self.megabytes)

    def __str__(self) -> str:
        t = f"{self.seconds:g} s" if self.seconds else "no time limit"
        m = f"{self.megabytes:g} MB" if self.megabytes else "no memory limit"
        return f"{t}, {m}"


UNLIMITED = Budget(None, None)


def budget_from(settings=None, timeout: float | None = None, max_memory: float | None = None) -> Budget:
    """The budget in force: the command line's `timeout` and `max_memory`
    (None: not given), else the settings' [limits] table, else the
    defaults (120 s, 2048 MB). 0 turns a limit off. Raises InputError for a
    negative or non-numeric value."""
    table = {}
    if settings is not None:
        table = dict(getattr(settings, "rule_options", {}).get("limits", {}) or {})
    where = getattr(settings, "source", None) or "settings"
    seconds = _value(timeout, table.get("timeout"), DEFAULT_SECONDS, "timeout", where)
    megabytes = _value(max_memory, table.get("max_memory"), DEFAULT_MEGABYTES, "max_memory", where)
    return Budget(seconds or None, megabytes or None)


def _value(given, configured, default, key: str, where: str) -> float:
    if given is not None:
        value, origin = given, f"--{key.replace('_', '-')}"
    elif configured is not None:
        value, origin = configured, f"{where}: [limits] {key}"
    else:
        return default
    if isinstance(value, bool):
        raise InputError(f"{origin}: {value!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{origin}: {value!r} is not a number") from None
    if not number >= 0 or number == float("inf"):
        raise InputError(f"{origin}: {value!r} must be 0 (no limit) or a positive number")
    return number


def analyze_limited(path, *, budget: Budget | None = None, settings=None, model="default"):
    """`nlp.analyze(path, settings=..., model=...)` under `budget` (default:
    120 s, 2048 MB). The model (and the word segmenter's dictionary) is
    loaded here, before the fork, so that loading is not counted, happens
    once per process, and its warnings are shown by this process."""
    from nlp.pipeline import analyze

    if model is not None:
        from nlp.classifier import load_model

        model = load_model(model)
        model.predict(["预热"])  # loads the word segmenter's dictionary here, once, outside the budget
    name = os.fspath(path) if isinstance(path, (str, os.PathLike)) else getattr(path, "name", "<input>")
    return run_limited(analyze, path, budget=budget, name=name, settings=settings, model=model)


def run_limited(fn, *args, budget: Budget | None = None, name: str = "<input>", **kwargs):
    """`fn(*args, **kwargs)` in a forked child under `budget` (default: 120 s,
    2048 MB); its return value must pickle.

    Raises what `fn` raised (the same exception type, with the child's
    traceback as a note), `BudgetExceeded` when the child ran out of time or
    memory, `AnalysisCrashed` when it died another way. `name` names the file
    in those messages.
    """
    budget = Budget() if budget is None else budget
    if not budget.limited or not hasattr(os, "fork"):
        return fn(*args, **kwargs)
    sys.stdout.flush()
    sys.stderr.flush()
    base_kb = _vm_kb()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_fd)
        _child(write_fd, budget, base_kb, fn, args, kwargs)
    os.close(write_fd)
    return _parent(pid, read_fd, budget, base_kb, name)


# ------------------------------------------------------------------ child


def _child(fd: int, budget: Budget, base_kb: int | None, fn, args, kwargs) -> None:
    code = 0
    try:
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
            _die_with_parent()
            _set_limits(budget, base_kb)
            try:
                value = fn(*args, **kwargs)
                message = ("ok", value)
            except MemoryError:
                message = ("memory", None)
            except BaseException as e:  # noqa: BLE001 - everything goes back to the parent
                message = ("raised", _portable(e), traceback.format_exc())
            try:
                data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
            except MemoryError:
                data = pickle.dumps(("memory", None))
            except Exception as e:  # noqa: BLE001 - an unpicklable value
                data = pickle.dumps(("raised", RuntimeError(f"result cannot be sent back: {type(e).__name__}: {e}"), ""))
            del message
            view = memoryview(data)
            while view:
                n = os.write(fd, view[:1 << 20])
                view = view[n:]
        except MemoryError:
            code = 3
        except BaseException:  # noqa: BLE001 - never return into the parent's code
            code = 4
    finally:
        os._exit(code)


def _portable(e: BaseException) -> BaseException:
    """The exception itself if it survives pickling, else a RuntimeError
    with its type and message (the traceback travels as text)."""
    try:
        pickle.loads(pickle.dumps(e))
        return e
    except Exception:  # noqa: BLE001
        if isinstance(e, InputError):  # stays an input error: one line for the user
            plain = InputError(str(e))
            plain.kind = getattr(e, "kind", type(e).__name__)
            return plain
        return RuntimeError(f"{type(e).__name__}: {e}")


def _set_limits(budget: Budget, base_kb: int | None) -> None:
    import resource

    _setrlimit(resource, "RLIMIT_CORE", 0)
    if budget.seconds:
        # A backstop only: the parent kills the child at the wall-clock limit.
        _setrlimit(resource, "RLIMIT_CPU", int(budget.seconds) + 5)
    if budget.megabytes:
        limit = int(budget.megabytes * 1024 * 1024) + (base_kb or 0) * 1024
        _setrlimit(resource, "RLIMIT_AS", limit)


def _setrlimit(resource, name: str, value: int) -> None:
    what = getattr(resource, name, None)
    if what is None:
        return
    try:
        _, hard = resource.getrlimit(what)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(what, (value, hard))
    except (ValueError, OSError):
        pass


def _die_with_parent() -> None:
    """Linux: the child gets SIGKILL if the parent dies first."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort
        pass


# ------------------------------------------------------------------ parent


def _parent(pid: int, fd: int, budget: Budget, base_kb: int | None, name: str):
    deadline = time.monotonic() + budget.seconds if budget.seconds else None
    chunks: list[bytes] = []
    timed_out = False
    try:
        while True:
            wait = _POLL if deadline is None else max(0.0, min(_POLL * 4, deadline - time.monotonic()))
            ready, _, _ = select.select([fd], [], [], wait)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
            elif deadline is not None and time.monotonic() >= deadline:
                timed_out = True
                _kill(pid)
                break
    except BaseException:  # Ctrl-C, or anything else while waiting: no child left behind
        _kill(pid)
        _reap(pid)
        os.close(fd)
        raise
    os.close(fd)
    status, rusage = _reap(pid)
    if timed_out:
        raise BudgetExceeded(
            f"{name}: took longer than {budget.seconds:g} s, the time limit per file (raise it with --timeout); skipped",
            "time", budget.seconds)
    data = b"".join(chunks)
    del chunks
    message = None
    if data:
        try:
            message = pickle.loads(data)
        except Exception:  # noqa: BLE001 - a child that died while writing
            message = None
    if message is None or message[0] == "memory":
        if message is not None or _near_memory_limit(status, rusage, budget, base_kb):
            raise BudgetExceeded(
                f"{name}: needs more than {budget.megabytes:g} MB of memory, the limit per file (raise it with --max-memory); skipped",
                "memory", budget.megabytes)
        raise AnalysisCrashed(f"{name}: the analysis process died ({_how(status)}); the file is probably malformed; skipped")
    if message[0] == "ok":
        return message[1]
    error, child_traceback = message[1], message[2]
    if child_traceback and hasattr(error, "add_note") and not isinstance(error, InputError):
        error.add_note("in the analysis process:\n" + child_traceback.rstrip())
    raise error


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(pid: int):
    while True:
        try:
            _, status, rusage = os.wait4(pid, 0)
            return status, rusage
        except InterruptedError:  # pragma: no cover - PEP 475 retries
            continue
        except ChildProcessError:
            return 0, None


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            return f"signal {sig}, {signal.Signals(sig).name}"
        except ValueError:
            return f"signal {sig}"
    if os.WIFEXITED(status):
        return f"exit code {os.WEXITSTATUS(status)}"
    return f"status {status}"


def _near_memory_limit(status: int, rusage, budget: Budget, base_kb: int | None) -> bool:
    """Did a child that died without a word die of its memory limit? Its
    exit code 3 says so; else a native abort (SIGABRT, SIGSEGV, SIGBUS,
    SIGTRAP) with a peak resident size past half its budget above the base."""
    if not budget.megabytes:
        return False
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3:
        return True
    if not os.WIFSIGNALED(status) or rusage is None:
        return False
    if os.WTERMSIG(status) not in (signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, getattr(signal, "SIGTRAP", -1)):
        return False
    peak_kb = rusage.ru_maxrss  # kilobytes on Linux
    return peak_kb - (_rss_kb() or 0) > budget.megabytes * 1024 / 2


def _vm_kb() -> int | None:
    return _status_kb("VmSize")


def _rss_kb() -> int | None:
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
