"""The `juesuan` command: argument parsing, output and exit codes only.

    juesuan score FILE…         nlp.cli.score
    juesuan classify [FILE]     nlp.cli.labels
    juesuan label-export FILE…  nlp.cli.labels
    juesuan batch INPUT… -o DIR nlp.cli.batch
    juesuan rules [RULE]        nlp.cli.rules
    juesuan serve               nlp.cli.serve (the web service, nlp.serve)
    juesuan --version
    (options shared between them: nlp.cli.options)

Exit codes, as a linter's: 0 clean, 1 findings at or above --fail-on (or a
score under --fail-under) in `score` and `batch`, 2 a usage or input error
(one line on stderr), 130 interrupted.
Heavy libraries are imported inside the commands that need them so that
`juesuan --help` and errors stay fast. The command line sits on top of
everything: nothing in nlp imports it.
"""
from __future__ import annotations

import argparse
import sys

from nlp.cli import batch, labels, rules, score, serve
from nlp.cli.options import EXIT_CODES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="juesuan",
        description="读取部门决算公开说明，检查其中的变动原因。Read Chinese final-account reports (部门决算公开说明) and check their explanations.",
        epilog=f"exit codes: {EXIT_CODES}",
    )
    parser.add_argument("--version", action=_Version, help="print the version of juesuan and of its model, and exit")
    commands = parser.add_subparsers(dest="command", required=True)
    score.add_parser(commands)
    labels.add_parsers(commands)
    batch.add_parser(commands)
    rules.add_parser(commands)
    serve.add_parser(commands)
    args = parser.parse_args(argv)
    return args.run(args)


class _Version(argparse.Action):
    """`juesuan --version`: the package's version and the model's identity."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(self.text())
        parser.exit()

    @staticmethod
    def text() -> str:
        import json

        from nlp import __version__
        from nlp.classifier.store import MODEL_FILE, resolve_model_path

        path = resolve_model_path()
        try:
            meta = json.loads((path / MODEL_FILE).read_text(encoding="utf-8"))
            trained = meta["info"]["trained_on"]
            model = (f"model {path} ({meta['checksum'][:15]}…, trained on {trained['rows']} causes, "
                     f"corpus sha256 {trained['sha256'][:8]}, label macro-F1 {meta['info']['cv']['label_macro_f1']})")
        except (OSError, ValueError, KeyError, TypeError) as e:
            model = f"model {path}: cannot be read ({e})"
        return f"juesuan {__version__}\n{model}"


def entry() -> None:
    try:
        code = main()
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:  # `juesuan score x | head`
        code = 0
    sys.exit(code)
