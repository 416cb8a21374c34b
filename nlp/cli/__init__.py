"""The `juesuan` command: argument parsing, output and exit codes only.

    juesuan score FILE          nlp.cli.score
    juesuan classify [FILE]     nlp.cli.labels
    juesuan label-export FILE…  nlp.cli.labels
    juesuan batch INPUT… -o DIR nlp.cli.batch
    (options shared between them: nlp.cli.options)

Exit codes: 0 done, 2 the input could not be read (one line on stderr).
Heavy libraries are imported inside the commands that need them so that
`juesuan --help` and errors stay fast. The command line sits on top of
everything: nothing in nlp imports it.
"""
from __future__ import annotations

import argparse
import sys

from nlp.cli import batch, labels, score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="juesuan",
        description="Read Chinese final-account reports (部门决算公开说明) and check their explanations.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    score.add_parser(commands)
    labels.add_parsers(commands)
    batch.add_parser(commands)
    args = parser.parse_args(argv)
    return args.run(args)


def entry() -> None:
    try:
        code = main()
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:  # `juesuan score x | head`
        code = 0
    sys.exit(code)
