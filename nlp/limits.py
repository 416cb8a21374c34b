"""A time and memory budget for the analysis of one file.

Reports come from thousands of websites, and now and then one is made to
break a parser: a PDF whose streams inflate to gigabytes, a regular
expression that never returns, a native reader that loops. `run_limited`
runs one file's work in a child process forked for it, and gives back its
value, or raises `BudgetExceeded` (an `InputError`: one line, exit code 2 in
the CLI, a row of errors.csv in a batch) when it runs out of time or memory:

    from nlp.limits import Budget, Sandbox, analyze_limited, budget_from, run_limited
    report = analyze_limited("report.pdf", budget=Budget(seconds=120, megabytes=2048))
    line = run_limited(some_function, task, budget=budget, name=task.source)
    box = Sandbox(some_function, budget)      # a batch worker: one child for
    line = box(task, name=task.source)        # many files, replaced when one fails

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


WARM_TEXT = (
    "城西区财政局2024年度部门决算公开说明\n"
    "1.一般公共服务支出（类）财政事务（款）行政运行（项）：支出决算数为 110.00 万元，"
    "比上年决算增加 10.00 万元，增长 10.00%，主要原因是：新录用公务员 2 名。\n"
)


def analyze_limited(path, *, budget: Budget | None = None, settings=None, model="default"):
    """`nlp.analyze(path, settings=..., model=...)` under `budget` (default:
    120 s, 2048 MB). The model, the word segmenter's dictionary and the
    modules the pipeline imports as it goes are loaded here, before the
    fork, by analysing a two-line report: loading is not counted against
    the file, happens once per process, and its warnings are shown by this
    process."""
    from nlp.pipeline import analyze

    budget = Budget() if budget is None else budget
    if model is not None:
        from nlp.classifier import load_model

        model = load_model(model)
    if budget.limited:  # only a forked child would load these again, under the budget
        analyze("warm.txt", text=WARM_TEXT, model=model)
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
    with Sandbox(fn, budget) as box:
        return box(*args, name=name, **kwargs)


class Sandbox:
    """Calls of `fn`, each under `budget`, in one forked child that serves
    call after call (a batch worker saves a fork and the copy-on-write of
    the loaded model for each file: ~20 ms).

    The child is replaced after a call that ran out of time or memory or
    killed it, after `MAX_CALLS` calls, and when it has grown by more than
    a quarter of the memory budget (so that what one file may use is never
    eaten by what earlier files left behind). A call that runs out of
    memory in a child that served earlier calls is tried once more in a
    fresh child before it counts as over budget. Return values must pickle,
    and so must the arguments of every call but a child's first (which,
    like `fn`, is inherited by the fork).
    """

    MAX_CALLS = 200

    def __init__(self, fn, budget: Budget | None = None):
        self.fn = fn
        self.budget = Budget() if budget is None else budget
        self._pid = None  # the serving child
        self._to_child = self._from_child = -1
        self._calls = 0
        self._base_kb = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):  # a batch thread's sandbox, dropped with its thread
        try:
            self.close()
        except Exception:  # noqa: BLE001 - at interpreter exit, os may be half gone
            pass

    def __call__(self, *args, name: str = "<input>", **kwargs):
        if not self.budget.limited or not hasattr(os, "fork"):
            return self.fn(*args, **kwargs)
        fresh = self._pid is None
        try:
            return self._call(args, kwargs, name)
        except BudgetExceeded as e:
            if e.kind == "memory" and not fresh:
                return self._call(args, kwargs, name)  # in a fresh child: earlier files may have left it fragmented
            raise

    def close(self) -> None:
        if self._pid is None:
            return
        os.close(self._to_child)  # end of requests: the child exits
        os.close(self._from_child)
        _kill(self._pid)
        _reap(self._pid)
        self._pid = None

    def _call(self, args: tuple, kwargs: dict, name: str):
        budget = self.budget
        if self._pid is not None:
            try:
                _send(self._to_child, pickle.dumps((args, kwargs), protocol=pickle.HIGHEST_PROTOCOL))
            except BrokenPipeError:  # the child died between calls (killed from outside): start again
                self.close()
        deadline = time.monotonic() + budget.seconds if budget.seconds else None
        try:
            if self._pid is None:
                self._start((args, kwargs))  # the first call is inherited by the fork, not sent
            reply = _receive(self._from_child, deadline)
        except BaseException:  # Ctrl-C or anything else while waiting: no child left behind
            self.close()
            raise
        if reply is _TIMEOUT:
            self.close()
            raise BudgetExceeded(
                f"{name}: took longer than {budget.seconds:g} s, the time limit per file (raise it with --timeout); skipped",
                "time", budget.seconds)
        if reply is None:  # the child died
            pid, base_kb = self._pid, self._base_kb
            os.close(self._to_child)
            os.close(self._from_child)
            self._pid = None
            status, rusage = _reap(pid)
            if _near_memory_limit(status, rusage, budget, base_kb):
                raise _over_memory(name, budget)
            raise AnalysisCrashed(f"{name}: the analysis process died ({_how(status)}); the file is probably malformed; skipped")
        message, vm_kb = pickle.loads(reply)
        self._calls += 1
        grown = vm_kb and self._base_kb and budget.megabytes and (vm_kb - self._base_kb) > budget.megabytes * 256
        if message[0] == "memory" or self._calls >= self.MAX_CALLS or grown:
            self.close()
        if message[0] == "memory":
            raise _over_memory(name, budget)
        if message[0] == "ok":
            return message[1]
        error, child_traceback = message[1], message[2]
        if child_traceback and hasattr(error, "add_note") and not isinstance(error, InputError):
            error.add_note("in the analysis process:\n" + child_traceback.rstrip())
        raise error

    def _start(self, first: tuple) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        _prctl()
        import resource  # noqa: F401 - imported here, once, not in each child

        self._base_kb = _vm_kb()
        self._calls = 0
        down_r, down_w = os.pipe()
        up_r, up_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(down_w)
            os.close(up_r)
            _serve(down_r, up_w, self.budget, self._base_kb, self.fn, first)
        os.close(down_r)
        os.close(up_w)
        self._pid, self._to_child, self._from_child = pid, down_w, up_r


def _over_memory(name: str, budget: Budget) -> BudgetExceeded:
    return BudgetExceeded(
        f"{name}: needs more than {budget.megabytes:g} MB of memory, the limit per file (raise it with --max-memory); skipped",
        "memory", budget.megabytes)


# ------------------------------------------------------------------ child


def _serve(down: int, up: int, budget: Budget, base_kb: int | None, fn, first: tuple) -> None:
    """The child: run the `first` call, reply; then read a request, run
    it, reply; until the parent closes the pipe. Exit code 3: out of memory
    outside `fn` (while reading or replying)."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
        _die_with_parent()
        _set_limits(budget, base_kb)
        import resource

        while True:
            if first is None:
                request = _receive(down, None)
                if request is None:
                    break
                first = pickle.loads(request)
                del request
            args, kwargs = first
            first = None
            if budget.seconds:  # CPU time is counted over the child's life: the backstop moves on per call
                used = resource.getrusage(resource.RUSAGE_SELF)
                _setrlimit(resource, "RLIMIT_CPU", int(used.ru_utime + used.ru_stime + budget.seconds) + 5)
            try:
                message = ("ok", fn(*args, **kwargs))
            except MemoryError:
                message = ("memory", None)
            except BaseException as e:  # noqa: BLE001 - everything goes back to the parent
                if _caused_by_memory(e):  # numpy's ImportError over a MemoryError, say
                    message = ("memory", None)
                else:
                    message = ("raised", _portable(e), traceback.format_exc())
            try:
                data = pickle.dumps((message, _vm_kb()), protocol=pickle.HIGHEST_PROTOCOL)
            except MemoryError:
                data = pickle.dumps((("memory", None), None))
            except Exception as e:  # noqa: BLE001 - an unpicklable value
                error = RuntimeError(f"result cannot be sent back: {type(e).__name__}: {e}")
                data = pickle.dumps((("raised", error, ""), None))
            del message, args, kwargs
            _send(up, data)
            del data
    except MemoryError:
        code = 3
    except BaseException:  # noqa: BLE001 - never return into the parent's code
        code = 4
    finally:
        os._exit(code)


def _caused_by_memory(e: BaseException | None) -> bool:
    seen = 0
    while e is not None and seen < 20:
        if isinstance(e, MemoryError):
            return True
        e, seen = e.__cause__ or e.__context__, seen + 1
    return False


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
    prctl = _prctl()
    if prctl is not None:
        prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG


_PRCTL: list = []


def _prctl():
    """libc's prctl, looked up once in the parent (in the child, loading
    ctypes would cost each file ~10 ms)."""
    if not _PRCTL:
        try:
            if not sys.platform.startswith("linux"):
                raise OSError
            import ctypes

            _PRCTL.append(ctypes.CDLL(None, use_errno=True).prctl)
        except Exception:  # noqa: BLE001 - best effort
            _PRCTL.append(None)
    return _PRCTL[0]


# ------------------------------------------------------------------ pipes

_TIMEOUT = object()


def _send(fd: int, data: bytes) -> None:
    view = memoryview(len(data).to_bytes(8, "little") + data)
    while view:
        n = os.write(fd, view[: 1 << 20])
        view = view[n:]


def _receive(fd: int, deadline: float | None):
    """One message: its bytes, None at end of file (the other side closed
    or died), or _TIMEOUT when `deadline` (time.monotonic) passed first."""
    chunks, have, need = [], 0, None
    while need is None or have < need:
        if deadline is not None:
            wait = max(0.0, min(_POLL * 4, deadline - time.monotonic()))
            ready, _, _ = select.select([fd], [], [], wait)
            if not ready:
                if time.monotonic() >= deadline:
                    return _TIMEOUT
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
