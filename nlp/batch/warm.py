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

WARM_TEXT = (
    "城西区财政局2024年度部门决算公开说明\n"
    "1.一般公共服务支出（类）财政事务（款）行政运行（项）：支出决算数为 110.00 万元，"
    "比上年决算增加 10.00 万元，增长 10.00%，主要原因是：新录用公务员 2 名。\n"
)


def single_threaded() -> None:
    """One thread for the BLAS and OpenMP pools already loaded (Dask workers
    have numpy loaded before they get here)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=1)


def warm() -> bool:
    try:
        from nlp.pipeline import analyze

        analyze("warm.txt", text=WARM_TEXT)
        single_threaded()
        return True
    except Exception:  # noqa: BLE001 - a worker that cannot warm up still works (or fails per file)
        return False


warm()
