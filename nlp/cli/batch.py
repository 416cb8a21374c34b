"""`juesuan batch`: many reports into a results folder (nlp.batch.run_batch).

Exit codes, as `score`'s over all the reports of the run: 0 clean; 1 a
finding at or above --fail-on, a report under --fail-under, or a file that
could not be analysed (a row of errors.csv: the run finished, its tables are
written, and something needs a look, as ruff reports a file it cannot parse);
2 a mistyped path, no input found, or the run cannot start (one line on
stderr); 130 interrupted by Ctrl-C, 143 by SIGTERM (rerun with --resume).
"""
from __future__ import annotations

import signal
import sys
from contextlib import contextmanager

from nlp.cli.options import (
    add_budget_options,
    add_gate_options,
    add_lang_option,
    add_model_options,
    check_writable,
    fail,
    gate,
    model_choice,
    model_warnings,
    settings_warnings,
)


def add_parser(commands) -> None:
    batch = commands.add_parser("batch", help="screen many reports into a results folder (tables, dashboard)")
    add_arguments(batch)
    batch.set_defaults(run=run)


def add_arguments(parser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="report files, folders (searched recursively), globs ('reports/**/*.pdf') or @list.txt (one path a line)")
    parser.add_argument("--out", "-o", required=True, metavar="DIR",
                        help="results folder: documents, explanations, findings (.csv, .parquet), errors.csv, report.xlsx, dashboard.html")
    parser.add_argument("--workers", "-j", type=_positive, default=None, metavar="N",
                        help="worker processes (default: the CPU count; with --engine dask and no --scheduler, the local cluster's size)")
    parser.add_argument("--resume", action="store_true",
                        help="keep what an earlier run in --out finished (by content hash, with the same model and settings) and do the rest")
    parser.add_argument("--engine", choices=["local", "dask"], default="local",
                        help="local processes (default) or a Dask distributed cluster")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="Dask scheduler address (tcp://host:8786) or scheduler file (.json); default: a local cluster")
    parser.add_argument("--manifest", metavar="CSV",
                        help="CSV of path or sha256, unit, year: overrides the unit and year read from the text")
    parser.add_argument("--follow-symlinks", action="store_true",
                        help="read symbolic links in the input folders that point out of them "
                             "(default: such a link is a row of errors.csv, not followed)")
    add_model_options(parser, allow_none=True)
    add_budget_options(parser)
    add_lang_option(parser)
    add_gate_options(parser)
    bar = parser.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None, help="always show the progress bar")
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="never show the progress bar (default: only on a terminal)")


def _positive(text: str) -> int:
    import argparse

    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return n


def run(args) -> int:
    from nlp.batch.run import run_batch
    from nlp.errors import InputError

    stopped: list[str] = []
    previous = signal.signal(signal.SIGTERM, _interrupt(stopped))
    try:
        check_writable(args.out, folder=True)
        model = model_choice(args)
        with _model_loaded(model), settings_warnings():
            summary = run_batch(
                list(args.inputs), args.out, workers=args.workers, resume=args.resume, engine=args.engine,
                scheduler=args.scheduler, manifest=args.manifest, progress=args.progress,
                timeout=args.timeout, max_memory=args.max_memory, model=model, lang=args.lang,
                follow_symlinks=args.follow_symlinks,
            )
    except InputError as e:
        return fail(e)
    except KeyboardInterrupt:
        why = stopped[0] if stopped else "Ctrl-C"
        print(f"juesuan: 已中断（{why}），已完成的结果保存在 {args.out}，加 --resume 重跑同一命令即可继续；"
              f"interrupted ({why}): what finished is kept in {args.out}, run the same command with --resume to go on", file=sys.stderr)
        return 143 if stopped else 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(summary.line(), file=sys.stderr)
    if summary.failed:
        print(f"juesuan: {summary.failed} file(s) could not be analysed: see {summary.out.get('errors.csv')}", file=sys.stderr)
    if summary.note:
        print(f"juesuan: note: {summary.note}", file=sys.stderr)
    print(summary.out.get("dashboard.html", args.out))
    severities, scores = _outcome(summary.out)
    if n := summary.not_scored:
        print(f"juesuan: {n} 份报告未评分（未识别到任何变动说明）；{n} report(s) not scored: "
              f"see {summary.out.get('documents.csv')} (status not_scored)", file=sys.stderr)
    return gate(args, severities, scores, failed=summary.failed)


def _interrupt(stopped: list[str]):
    """SIGTERM (a service stopping, `kill`) stops the run as Ctrl-C does:
    what finished stays in the store, the workers are ended, one line."""

    def handler(signum, frame):
        stopped.append("SIGTERM")
        raise KeyboardInterrupt

    return handler


def _outcome(out: dict) -> tuple[set[str], list[float | None]]:
    """The severities of the run's findings (corpus findings included) and
    its reports' scores, read back from the Parquet tables it wrote."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    findings = pq.read_table(out["findings.parquet"], columns=["severity"]).column("severity")
    scores = pq.read_table(out["documents.parquet"], columns=["score"]).column("score")
    return set(pc.unique(findings).to_pylist()), scores.to_pylist()


@contextmanager
def _model_loaded(model):
    """Load the model here, so that a bad one stops the run in one line and
    its version warnings are one line each, shown once: run_batch's own load
    (from the cache) says nothing more."""
    import warnings

    from nlp.classifier import ModelVersionWarning, load_model

    if model is not None:
        with model_warnings():
            load_model(model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelVersionWarning)
        yield
