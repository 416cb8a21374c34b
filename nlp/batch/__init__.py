"""Screen many reports in one command: `juesuan batch` (its options: nlp.cli.batch).

    from nlp.batch import run_batch
    summary = run_batch(["reports/"], "results/", workers=4, resume=True)

Local processes by default, or a Dask cluster (`engine="dask"`); results are
appended to a store as they finish, so a killed run resumes where it stopped;
the tables (documents, explanations, findings, errors as CSV and Parquet,
report.xlsx) and dashboard.html are rebuilt from the store at the end, with
the corpus rules JS801 copied_across_units and JS802 sticky_across_years.

Nothing heavy is imported here: pyarrow, xlsxwriter, datasketch, dask and
rich are imported inside the functions that use them.
"""
from __future__ import annotations

from nlp.batch.run import BatchSummary, run_batch

__all__ = ["BatchSummary", "run_batch"]
