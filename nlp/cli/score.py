"""`juesuan score FILE`: one report's explanations, findings and score."""
from __future__ import annotations

import json
import sys

from nlp.cli.options import (
    add_budget_options,
    add_model_options,
    add_rule_options,
    budget,
    fail,
    model_choice,
    model_warnings,
    split,
)


def add_parser(commands) -> None:
    score = commands.add_parser("score", help="analyse one report: explanations, findings and score")
    score.add_argument("file", help="report file: PDF, DOCX, HTML or text (UTF-8, GBK, UTF-16)")
    score.add_argument("--format", choices=["text", "json", "csv", "sarif"], default="text", help="output format (default: text)")
    score.add_argument("--html", metavar="OUT.html", help="also write a self-contained HTML report")
    add_rule_options(score)
    score.add_argument("--all", action="store_true", help="show every finding in the text output, not only the worst 25")
    add_model_options(score, allow_none=True)
    add_budget_options(score)
    score.set_defaults(run=run)


def run(args) -> int:
    from nlp.config import load_settings
    from nlp.errors import InputError
    from nlp.limits import analyze_limited

    try:
        settings = load_settings(args.file, split(args.select), split(args.ignore))
        limits = budget(args, settings)
        with model_warnings():
            report = analyze_limited(args.file, budget=limits, settings=settings, model=model_choice(args))
    except InputError as e:
        return fail(e)
    sys.stdout.write(_render(report, args))
    if args.html:
        from nlp.report.html import render_html

        try:
            with open(args.html, "w", encoding="utf-8") as f:
                f.write(render_html(report))
        except OSError as e:
            return fail(f"cannot write {args.html} ({e.strerror})")
    return 0


def _render(report, args) -> str:
    if args.format == "json":
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n"
    if args.format == "csv":
        from nlp.report.tables import to_csv

        return to_csv(report)
    if args.format == "sarif":
        from nlp.report.sarif import to_sarif

        return json.dumps(to_sarif(report), ensure_ascii=False, indent=1) + "\n"
    from nlp.report.terminal import render

    return render(report, limit=None if args.all else 25, color=sys.stdout.isatty())
