"""The parent's side of the sandbox: `Sandbox` keeps one forked child that
serves call after call under a budget, and `run_limited` makes one call in
a child of its own. The child's side is nlp.limits.child."""
from __future__ import annotations

import os
import pickle
import signal
import sys
import time

from nlp.errors import InputError
from nlp.limits.budget import AnalysisCrashed, Budget, BudgetExceeded, out_of_memory, out_of_time
from nlp.limits.child import load_prctl, serve
from nlp.limits.process import TIMEOUT, how, kill, near_memory_limit, reap, receive, send, vm_kb

# Signals a child does not send itself: another process (the OOM killer, a
# person) ended it. Its file is not to blame, and a batch tries it again.
_FROM_OUTSIDE = {signal.SIGKILL, signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGQUIT}


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
        try:  # noqa: SIM105 - at interpreter exit, os (and contextlib) may be half gone
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
        kill(self._pid)
        reap(self._pid)
        self._pid = None

    def _call(self, args: tuple, kwargs: dict, name: str):
        reply = self._exchange(args, kwargs)
        if reply is TIMEOUT:
            self.close()
            raise out_of_time(name, self.budget)
        if reply is None:
            raise self._died(name)
        message, size_kb = pickle.loads(reply)
        self._count(message[0], size_kb)
        return _unpack(message, name, self.budget)

    def _exchange(self, args: tuple, kwargs: dict):
        """Hand the call to the serving child (or to a new one) and wait for
        its reply: the bytes, None if the child died, or TIMEOUT."""
        if self._pid is not None:
            try:
                send(self._to_child, pickle.dumps((args, kwargs), protocol=pickle.HIGHEST_PROTOCOL))
            except BrokenPipeError:  # the child died between calls (killed from outside): start again
                self.close()
        deadline = time.monotonic() + self.budget.seconds if self.budget.seconds else None
        try:
            if self._pid is None:
                self._start((args, kwargs))  # the first call is inherited by the fork, not sent
            return receive(self._from_child, deadline)
        except BaseException:  # Ctrl-C or anything else while waiting: no child left behind
            self.close()
            raise

    def _died(self, name: str) -> InputError:
        """The error for a call whose child died: out of memory if that is
        how it looks, else a crash."""
        pid = self._pid
        os.close(self._to_child)
        os.close(self._from_child)
        self._pid = None
        status, rusage = reap(pid)
        if near_memory_limit(status, rusage, self.budget.megabytes):
            return out_of_memory(name, self.budget)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) in _FROM_OUTSIDE:
            return AnalysisCrashed(f"{name}: 分析进程被外部终止（{how(status)}，可能是系统内存不足），不是文件的问题，可重试；"
                                   f"the analysis process was killed from outside ({how(status)}: the system's OOM killer?), "
                                   "not by the file: worth trying again", killed=True)
        return AnalysisCrashed(f"{name}: 分析进程异常退出（{how(status)}），文件可能已损坏，已跳过；"
                               f"the analysis process died ({how(status)}); the file is probably malformed; skipped")

    def _count(self, outcome: str, size_kb: int | None) -> None:
        """One more call served: retire the child when it ran out of memory,
        served its share of calls, or grew by a quarter of the budget."""
        self._calls += 1
        megabytes = self.budget.megabytes
        grown = size_kb and self._base_kb and megabytes and (size_kb - self._base_kb) > megabytes * 256
        if outcome == "memory" or self._calls >= self.MAX_CALLS or grown:
            self.close()

    def _start(self, first: tuple) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        load_prctl()
        import resource  # noqa: F401 - imported here, once, not in each child

        self._base_kb = vm_kb()
        self._calls = 0
        down_r, down_w = os.pipe()
        up_r, up_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(down_w)
            os.close(up_r)
            serve(down_r, up_w, self.budget, self._base_kb, self.fn, first)
        os.close(down_r)
        os.close(up_w)
        self._pid, self._to_child, self._from_child = pid, down_w, up_r


def _unpack(message: tuple, name: str, budget: Budget):
    """The value of a call that came back, or its error raised here."""
    if message[0] == "memory":
        raise out_of_memory(name, budget)
    if message[0] == "ok":
        return message[1]
    error, child_traceback = message[1], message[2]
    if child_traceback and hasattr(error, "add_note") and not isinstance(error, InputError):
        error.add_note("in the analysis process:\n" + child_traceback.rstrip())
    raise error
