"""The `juesuan` command: argument parsing, output and exit codes only.

Exit codes: 0 done, 2 the input could not be read (one line on stderr).
Heavy libraries are imported inside the commands that need them so that
`juesuan --help` and errors stay fast.
"""
from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="juesuan",
        description="Read Chinese final-account reports (部门决算公开说明) and check their explanations.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    score = commands.add_parser("score", help="analyse one report: explanations, findings and score")
    score.add_argument("file", help="report file: PDF, DOCX, HTML or text (UTF-8, GBK, UTF-16)")
    score.add_argument("--format", choices=["text", "json", "csv", "sarif"], default="text", help="output format (default: text)")
    score.add_argument("--html", metavar="OUT.html", help="also write a self-contained HTML report")
    score.add_argument("--select", metavar="RULES", help="comma-separated rule codes, code prefixes or names to run (default: all)")
    score.add_argument("--ignore", metavar="RULES", help="comma-separated rule codes, code prefixes or names to skip")
    score.add_argument("--all", action="store_true", help="show every finding in the text output, not only the worst 25")
    _model_options(score, allow_none=True)
    add_budget_options(score)
    score.set_defaults(run=_score)

    classify = commands.add_parser("classify", help="label causes given one per line (file or stdin)")
    classify.add_argument("file", nargs="?", default="-", help="text file with one cause per line (default: stdin)")
    classify.add_argument("--format", choices=["jsonl", "text"], default="jsonl", help="output format (default: jsonl)")
    _model_options(classify)
    classify.set_defaults(run=_classify)

    export = commands.add_parser(
        "label-export", help="write the causes of reports to CSV/XLSX for labelling, least confident first"
    )
    export.add_argument("files", nargs="+", metavar="file", help="report files (PDF, DOCX, HTML or text)")
    export.add_argument("-o", "--output", metavar="OUT", help="output .csv or .xlsx (default: CSV on stdout)")
    _model_options(export)
    export.set_defaults(run=_label_export)

    batch = commands.add_parser("batch", help="screen many reports into a results folder (tables, dashboard)")
    from nlp.batch.cli import add_arguments

    add_arguments(batch)
    batch.set_defaults(run=_batch)

    args = parser.parse_args(argv)
    return args.run(args)


def add_budget_options(parser) -> None:
    """--timeout and --max-memory: the per-file budget of nlp/limits.py."""
    parser.add_argument("--timeout", metavar="SECONDS",
                        help="give up on a file after this many seconds (default: [limits] timeout in the settings, else 120; 0: no limit)")
    parser.add_argument("--max-memory", metavar="MB",
                        help="give up on a file that needs more memory than this (default: [limits] max_memory, else 2048; 0: no limit)")


def _batch(args) -> int:
    from nlp.batch.cli import main as run

    return run(args)


def _score(args) -> int:
    from nlp import InputError
    from nlp.config import load_settings
    from nlp.limits import analyze_limited, budget_from

    try:
        settings = load_settings(args.file, _split(args.select), _split(args.ignore))
        budget = budget_from(settings, timeout=args.timeout, max_memory=args.max_memory)
        with _model_warnings():
            report = analyze_limited(args.file, budget=budget, settings=settings, model=None if args.no_model else _model(args))
    except InputError as e:
        return _fail(e)
    if args.format == "json":
        json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif args.format == "csv":
        from nlp.report.tables import to_csv

        sys.stdout.write(to_csv(report))
    elif args.format == "sarif":
        from nlp.report.sarif import to_sarif

        json.dump(to_sarif(report), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        from nlp.report.terminal import render

        sys.stdout.write(render(report, limit=None if args.all else 25, color=sys.stdout.isatty()))
    if args.html:
        from nlp.report.html import render_html

        try:
            with open(args.html, "w", encoding="utf-8") as f:
                f.write(render_html(report))
        except OSError as e:
            print(f"juesuan: error: cannot write {args.html} ({e.strerror})", file=sys.stderr)
            return 2
    return 0


def _model_options(parser, allow_none: bool = False) -> None:
    parser.add_argument("--model", metavar="DIR", help="model directory (default: $JUESUAN_MODEL, else the bundled models/)")
    if allow_none:
        parser.add_argument("--no-model", action="store_true", help="leave causes unlabelled (no classifier)")


def _model(args):
    from nlp.classifier import DEFAULT

    return args.model or DEFAULT


class _model_warnings:
    """Print the model's version warnings as one line each on stderr."""

    def __enter__(self):
        import warnings

        self._catch = warnings.catch_warnings(record=True)
        self._seen = self._catch.__enter__()
        warnings.simplefilter("always")

    def __exit__(self, *exc):
        self._catch.__exit__(*exc)
        from nlp.classifier import ModelVersionWarning

        for w in self._seen:
            if issubclass(w.category, ModelVersionWarning):
                print(f"juesuan: warning: {w.message}", file=sys.stderr)
        return False


def _classify(args) -> int:
    from nlp import InputError
    from nlp.classifier import classify, render_table
    from nlp.readers.text import decode

    try:
        if args.file == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(args.file, "rb") as f:
                data = f.read()
        texts = [line.strip() for line in decode(data, args.file).splitlines() if line.strip()] if data else []
        with _model_warnings():
            rows = classify(texts, model=_model(args))
    except OSError as e:
        return _fail(f"{args.file}: {e.strerror}")
    except InputError as e:
        return _fail(e)
    if args.format == "text":
        sys.stdout.write(render_table(rows))
    else:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


def _label_export(args) -> int:
    from nlp import InputError, analyze
    from nlp.classifier import export_rows, load_model, rank_for_labelling, write_rows

    fmt = "xlsx" if args.output and args.output.lower().endswith((".xlsx", ".xlsm")) else "csv"
    try:
        with _model_warnings():
            model = load_model(_model(args))
    except InputError as e:
        return _fail(e)
    reports = []
    for path in args.files:
        try:
            reports.append(analyze(path, model=model))
        except InputError as e:
            print(f"juesuan: warning: {e} (skipped)", file=sys.stderr)
    if not reports:
        return _fail("no report could be read")
    rows = rank_for_labelling(export_rows(reports), model)
    try:
        write_rows(rows, args.output or sys.stdout, fmt)
    except OSError as e:
        return _fail(f"cannot write {args.output} ({e.strerror})")
    if args.output:
        print(f"wrote {len(rows)} causes from {len(reports)} report(s) to {args.output}, least confident first", file=sys.stderr)
    return 0


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def _fail(error: Exception) -> int:
    print(f"juesuan: error: {error}", file=sys.stderr)
    return 2


def entry() -> None:
    try:
        code = main()
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:  # `juesuan score x | head`
        code = 0
    sys.exit(code)


if __name__ == "__main__":
    entry()
