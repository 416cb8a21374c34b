"""The progress bar: files done, reports analysed per second, ETA — on a terminal only.

The rate is the run's own (`rate()`, nlp.batch.run.BatchSummary.rate): the
bar ends on the figure the summary line prints, not on rich's speed, which
counts skipped files and only the last seconds."""
from __future__ import annotations

import sys


class NoProgress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def advance(self, n: int = 1, **_) -> None:
        pass

    def status(self, text: str) -> None:
        pass


class RichProgress(NoProgress):
    def __init__(self, total: int, rate, description: str = "analysing"):
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task):
                speed = rate()
                return Text(f"{speed:5.1f} reports/s" if speed else "    – reports/s", style="progress.data.speed")

        self._progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
            Rate(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            TextColumn("{task.fields[failed]}"),
            console=Console(file=sys.stderr), transient=False,
        )
        self._task = self._progress.add_task(description, total=total, failed="")
        self._failed = 0

    def __enter__(self):
        self._progress.start()
        return self

    def __exit__(self, *exc):
        self._progress.stop()
        return False

    def advance(self, n: int = 1, failed: bool = False) -> None:
        if failed:
            self._failed += 1
        self._progress.update(self._task, advance=n, failed=f"[red]{self._failed} failed" if self._failed else "")

    def status(self, text: str) -> None:
        self._progress.update(self._task, description=text)


def make_progress(show: bool | None, total: int, rate=lambda: None):
    """A bar over `total` files (shown on a terminal when `show` is None);
    `rate()` gives its reports per second, or None."""
    if show is None:
        show = sys.stderr.isatty()
    if not show:
        return NoProgress()
    try:
        return RichProgress(total, rate)
    except ImportError:
        return NoProgress()
