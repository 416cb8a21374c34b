"""Imported once in the process that local workers are forked from (the
forkserver), and run once on each Dask worker: load the pipeline, the rules
and the cause classifier by analysing a two-line report, so that no worker
pays for them again and the workers share the loaded model's memory.

Each worker is one process doing one report at a time, so numeric libraries
get one thread each: OpenBLAS's own threads (two per process here) made two
workers slower than one — they spin while waiting and fight the other
workers for the cores.
"""
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy is loaded here


def single_threaded() -> None:
    """One thread for the BLAS and OpenMP pools already loaded (Dask workers
    have numpy loaded before they get here)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=1)


def warm(model="default") -> bool:
    """Analyse a two-line report with `model` (as nlp.analyze takes it)."""
    try:
        from nlp.limits import WARM_TEXT
        from nlp.pipeline import analyze

        analyze("warm.txt", text=WARM_TEXT, model=model)
        single_threaded()
        return True
    except Exception:  # noqa: BLE001 - a worker that cannot warm up still works (or fails per file)
        return False


warm()
