"""`juesuan classify` (label causes given as lines) and `juesuan label-export`
(the causes of reports, least confident first, for people to label)."""
from __future__ import annotations

import json
import sys

from nlp.cli.options import (
    add_budget_options,
    add_model_options,
    budget,
    check_not_input,
    check_writable,
    fail,
    model_choice,
    model_warnings,
    settings_for,
)


def add_parsers(commands) -> None:
    classify = commands.add_parser(
        "classify", help="label causes given one per line, or as JSON Lines with optional item and section (file or stdin)"
    )
    classify.add_argument(
        "file", nargs="?", default="-",
        help='one cause per line, or JSON Lines {"text", "item", "section"} (item and section optional; default: stdin)',
    )
    classify.add_argument("--format", choices=["jsonl", "text"], default="jsonl", help="output format (default: jsonl)")
    add_model_options(classify)
    classify.set_defaults(run=run_classify)

    export = commands.add_parser(
        "label-export", help="write the causes of reports to CSV/XLSX for labelling, least confident first"
    )
    export.add_argument("files", nargs="+", metavar="file", help="report files (PDF, DOCX, HTML or text)")
    export.add_argument("-o", "--output", metavar="OUT", help="output .csv or .xlsx (default: CSV on stdout)")
    add_model_options(export)
    add_budget_options(export)
    export.set_defaults(run=run_label_export)


def run_classify(args) -> int:
    from nlp.classifier import classify, render_table
    from nlp.errors import InputError
    from nlp.readers import MAX_BYTES, file_bytes
    from nlp.readers.text import decode

    try:
        # A regular file, bounded (a FIFO or a link to /dev/zero is refused at once); stdin bounded too.
        data = sys.stdin.buffer.read(MAX_BYTES + 1) if args.file == "-" else file_bytes(args.file)
        if len(data) > MAX_BYTES:
            raise InputError(f"<stdin>: 输入过大（上限 {MAX_BYTES >> 20} MB）；too large (the limit is {MAX_BYTES >> 20} MB)")
        lines = [line.strip() for line in decode(data, args.file).splitlines() if line.strip()] if data else []
        causes = [_cause(line, n, args.file) for n, line in enumerate(lines, 1)]
        with model_warnings():
            rows = classify(causes, model=model_choice(args))
    except OSError as e:
        return fail(f"{args.file}: {e.strerror}")
    except InputError as e:
        return fail(e)
    if args.format == "text":
        sys.stdout.write(render_table(rows))
    else:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


def _cause(line: str, n: int, where: str):
    """A plain line is the cause's text; a line that is a JSON object gives
    "text" and, optionally, the "item" and "section" the cause explains."""
    from nlp.errors import InputError

    if not line.startswith("{"):
        return line
    try:
        row = json.loads(line)
    except ValueError:
        return line  # a cause that happens to start with a brace
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise InputError(f"{where}:{n}: a JSON line needs a \"text\" string")
    return {k: row[k] for k in ("text", "item", "section") if isinstance(row.get(k), str)}


def run_label_export(args) -> int:
    from nlp.classifier import export_rows, load_model, rank_for_labelling, write_rows
    from nlp.config import SettingsError
    from nlp.errors import InputError

    fmt = "xlsx" if args.output and args.output.lower().endswith((".xlsx", ".xlsm")) else "csv"
    try:
        budget(args, None)  # a bad --timeout or --max-memory stops the command before any work
        check_writable(args.output)
        check_not_input(args.output, args.files)
        with model_warnings():
            model = load_model(model_choice(args))
    except InputError as e:
        return fail(e)
    try:
        reports = _analyse_all(args, model)
    except SettingsError as e:
        return fail(e)
    if not reports:
        return fail("no report could be read")
    rows = rank_for_labelling(export_rows(reports), model)
    try:
        write_rows(rows, args.output or sys.stdout, fmt)
    except OSError as e:
        return fail(f"cannot write {args.output} ({e.strerror})")
    if args.output:
        print(f"wrote {len(rows)} causes from {len(reports)} report(s) to {args.output}, least confident first", file=sys.stderr)
    return 0


def _analyse_all(args, model) -> list:
    """The reports that could be analysed, each in the sandbox under its
    budget, as `score` does; a file that cannot be read or runs over its
    budget is one line on stderr and is left out (a bad settings file stops
    the command)."""
    from nlp.batch.inputs import shown
    from nlp.config import SettingsError
    from nlp.errors import InputError
    from nlp.limits import AnalysisCrashed, BudgetExceeded, analyze_limited

    reports = []
    for path in args.files:
        try:
            settings = settings_for(path)
            report = analyze_limited(path, budget=budget(args, settings), settings=settings, model=model)
            report.source = shown(report.source)  # a name that is not UTF-8: \xNN escapes (nlp.batch.inputs.shown)
            reports.append(report)
        except SettingsError:
            raise
        except (BudgetExceeded, AnalysisCrashed) as e:  # the sandbox's line, as `score` prints it, says "skipped"
            print(f"juesuan: warning: {shown(str(e))}", file=sys.stderr)
        except InputError as e:
            print(f"juesuan: warning: {shown(str(e))} (skipped)", file=sys.stderr)
    return reports
