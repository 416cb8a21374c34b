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

The parts: nlp.limits.budget (the budget and its errors), .sandbox (the
parent's side), .child (the child's side), .process (pipes, reaping).

Where `os.fork` does not exist (Windows), the work runs in this process
without limits. A budget of 0 (or None) seconds and megabytes runs it in
this process too.

The user's own settings file ($XDG_CONFIG_HOME/juesuan/juesuan.toml; never
a project's, which may have come with the reports: nlp.config) may set
both, overridden by the command line:

    [limits]
    timeout = 120        # seconds per file (0: none)
    max_memory = 2048    # MB per file (0: none)
"""
from __future__ import annotations

import os

from nlp.limits.budget import (
    DEFAULT_MEGABYTES,
    DEFAULT_SECONDS,
    UNLIMITED,
    AnalysisCrashed,
    Budget,
    BudgetExceeded,
    budget_from,
)
from nlp.limits.sandbox import Sandbox, run_limited

__all__ = [
    "DEFAULT_MEGABYTES",
    "DEFAULT_SECONDS",
    "UNLIMITED",
    "WARM_TEXT",
    "AnalysisCrashed",
    "Budget",
    "BudgetExceeded",
    "Sandbox",
    "analyze_limited",
    "budget_from",
    "run_limited",
]

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
