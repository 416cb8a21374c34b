"""The sandbox's child process: it sets its own limits, then serves calls
read from a pipe until the parent closes it, and never returns into the
parent's code (it leaves with os._exit)."""
from __future__ import annotations

import os
import pickle
import signal
import sys
import traceback

from nlp.errors import InputError
from nlp.limits.budget import Budget
from nlp.limits.process import OUT_OF_MEMORY_EXIT, receive, send, vm_kb

_PRCTL: list = []


def serve(down: int, up: int, budget: Budget, base_kb: int | None, fn, first: tuple) -> None:
    """The child: run the `first` call, reply; then read a request, run
    it, reply; until the parent closes the pipe. Exit code
    OUT_OF_MEMORY_EXIT: out of memory outside `fn` (while reading or
    replying)."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and SIGTERM
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _die_with_parent()
        _set_limits(budget, base_kb)
        call = first
        del first
        while call is not None:
            data = _reply(fn, call, budget)
            call = None  # the file's bytes go before the next file's come
            send(up, data)
            del data
            call = _request(down)
    except MemoryError:
        code = OUT_OF_MEMORY_EXIT
    except BaseException:  # noqa: BLE001 - never return into the parent's code
        code = 4
    finally:
        os._exit(code)


def _request(down: int) -> tuple | None:
    """The next call's (args, kwargs), or None when the parent is done."""
    request = receive(down, None)
    return None if request is None else pickle.loads(request)


def _reply(fn, call: tuple, budget: Budget) -> bytes:
    """Run one call and pickle what goes back: (message, this process's
    size), where message is ("ok", value), ("memory", None) or ("raised",
    error, traceback text)."""
    args, kwargs = call
    if budget.seconds:  # CPU time is counted over the child's life: the backstop moves on per call
        import resource

        used = resource.getrusage(resource.RUSAGE_SELF)
        _setrlimit(resource, "RLIMIT_CPU", int(used.ru_utime + used.ru_stime + budget.seconds) + 5)
    try:
        message = ("ok", fn(*args, **kwargs))
    except MemoryError:
        message = ("memory", None)
    except BaseException as e:  # noqa: BLE001 - everything goes back to the parent
        # numpy's ImportError over a MemoryError, say, is still out of memory
        message = ("memory", None) if _caused_by_memory(e) else ("raised", _portable(e), traceback.format_exc())
    del args, kwargs, call
    try:
        return pickle.dumps((message, vm_kb()), protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        return pickle.dumps((("memory", None), None))
    except Exception as e:  # noqa: BLE001 - an unpicklable value
        error = RuntimeError(f"result cannot be sent back: {type(e).__name__}: {e}")
        return pickle.dumps((("raised", error, ""), None))


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
    except Exception:  # noqa: BLE001 - a value that cannot cross the pipe
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
    prctl = load_prctl()
    if prctl is not None:
        prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG


def load_prctl():
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
