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
    score.set_defaults(run=_score)

    args = parser.parse_args(argv)
    return args.run(args)


def _score(args) -> int:
    from nlp import InputError, analyze
    from nlp.config import load_settings

    try:
        settings = load_settings(args.file, _split(args.select), _split(args.ignore))
        report = analyze(args.file, settings=settings)
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
