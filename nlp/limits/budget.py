"""What a file may cost (`Budget`), where the budget comes from
(`budget_from`: the command line, the settings' [limits], the defaults),
and the errors of a file that cost too much or killed its process."""
from __future__ import annotations

from dataclasses import dataclass

from nlp.errors import InputError

DEFAULT_SECONDS = 120.0
DEFAULT_MEGABYTES = 2048


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
    malformed file): the file is reported, the run goes on. `killed`: it was
    killed from outside (SIGKILL from the OOM killer, SIGTERM), not by the
    file, so that a batch tries it again on --resume."""

    def __init__(self, message: str, killed: bool = False):
        super().__init__(message)
        self.killed = killed

    def __reduce__(self):
        return (type(self), (str(self), self.killed))


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


def out_of_time(name: str, budget: Budget) -> BudgetExceeded:
    return BudgetExceeded(
        f"{name}: took longer than {budget.seconds:g} s, the time limit per file (raise it with --timeout); skipped",
        "time", budget.seconds)


def out_of_memory(name: str, budget: Budget) -> BudgetExceeded:
    return BudgetExceeded(
        f"{name}: needs more than {budget.megabytes:g} MB of memory, the limit per file (raise it with --max-memory); skipped",
        "memory", budget.megabytes)


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
