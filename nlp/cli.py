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
    score = commands.add_parser("score", help="analyse one report and print its explanations")
    score.add_argument("file", help="report file: PDF, DOCX, HTML or text (UTF-8, GBK, UTF-16)")
    score.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    args = parser.parse_args(argv)
    return _score(args)


def _score(args) -> int:
    from nlp import InputError, analyze

    try:
        report = analyze(args.file)
    except InputError as e:
        print(f"juesuan: error: {e}", file=sys.stderr)
        return 2
    if args.format == "json":
        json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        from nlp.report.terminal import render

        sys.stdout.write(render(report))
    return 0


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
