"""The options several commands share, and how their values are read.

One definition each, so that `score`, `label-export` and `batch` mean the
same thing by --model, --no-model, --timeout, --max-memory, --fail-on and
--color, and print their errors the same way.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager

# The exit codes, as a linter's (ruff, flake8): what a script gates on.
CLEAN, FOUND, ERROR = 0, 1, 2
EXIT_CODES = (
    "0 clean (no finding at or above --fail-on, no score under --fail-under); "
    "1 findings at or above --fail-on or a score under --fail-under (batch: also a file that could not be analysed); "
    "2 usage or input error"
)
SEVERITIES = ("error", "warning", "info")  # most severe first


def add_rule_options(parser) -> None:
    """--select and --ignore: which quality rules run (nlp.config)."""
    parser.add_argument("--select", metavar="RULES", help="comma-separated rule codes, code prefixes or names to run (default: all; see `juesuan rules`)")
    parser.add_argument("--ignore", metavar="RULES", help="comma-separated rule codes, code prefixes or names to skip")


def add_gate_options(parser) -> None:
    """--fail-on, --fail-under, --exit-zero: when the exit code is 1."""
    gate = parser.add_argument_group("exit codes", EXIT_CODES)
    gate.add_argument("--fail-on", choices=[*SEVERITIES, "never"], default="warning",
                      help="exit 1 when a finding is at least this severe (default: warning; info findings are notes, "
                           "never: only --fail-under decides)")
    gate.add_argument("--fail-under", type=_score, metavar="SCORE",
                      help="also exit 1 when a report scores under SCORE (0-100), or is not scored (no change statement recognised)")
    gate.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings fail the run (2 stays 2)")


def add_lang_option(parser) -> None:
    """--lang: the language of what a person reads (messages, headings)."""
    parser.add_argument("--lang", choices=["zh", "en"], default=None,
                        help="language of messages and headings: zh 中文 (default) or en; "
                             "also lang = \"en\" in juesuan.toml. JSON carries both (message, message_en)")


def add_color_option(parser) -> None:
    parser.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                        help="colour the text output (default auto: on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it)")


def add_model_options(parser, allow_none: bool = False) -> None:
    """--model DIR, and --no-model where causes may stay unlabelled."""
    parser.add_argument("--model", metavar="DIR", help="model directory (default: $JUESUAN_MODEL, else the bundled models/)")
    if allow_none:
        parser.add_argument("--no-model", action="store_true", help="leave causes unlabelled (no classifier)")


def add_budget_options(parser) -> None:
    """--timeout and --max-memory: the per-file budget of nlp.limits."""
    parser.add_argument("--timeout", metavar="SECONDS",
                        help="give up on a file after this many seconds (default: [limits] timeout in your own settings file, "
                             "$XDG_CONFIG_HOME/juesuan/juesuan.toml, else 120; 0: no limit)")
    parser.add_argument("--max-memory", metavar="MB",
                        help="give up on a file that needs more memory than this (default: [limits] max_memory in your own settings file, "
                             "else 2048; 0: no limit)")


def gate(args, severities, scores, failed: int = 0) -> int:
    """The exit code of a run that finished: FOUND when a finding is at or
    above --fail-on, a score is under --fail-under (a report not scored, with
    no evidence to pass, counts as under), or a file failed."""
    if args.exit_zero:
        return CLEAN
    worst = set(SEVERITIES[: SEVERITIES.index(args.fail_on) + 1]) if args.fail_on != "never" else set()
    under = args.fail_under is not None and any(s is None or s < args.fail_under for s in scores)
    return FOUND if failed or under or not worst.isdisjoint(severities) else CLEAN


def use_color(choice: str, stream=None) -> bool:
    """--color always/never, else NO_COLOR (https://no-color.org), then
    FORCE_COLOR, then whether `stream` is a terminal (not a dumb one)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    stream = stream or sys.stdout
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def terminal_width() -> int:
    """The terminal's columns ($COLUMNS, else the terminal's size); 120 when
    the output is not a terminal, so that piped text is not cut narrow."""
    import shutil

    return shutil.get_terminal_size(fallback=(120, 24)).columns


def check_selectors(args) -> None:
    """--select and --ignore name rules that exist (SettingsError, before any work)."""
    from nlp.config import check_selectors as check
    from nlp.rules import registry

    for option in ("select", "ignore"):
        check(split(getattr(args, option, None)) or [], registry(), f"--{option}")


def settings_for(path, args=None):
    """The settings for the report `path` (None: the current folder's; see
    nlp.config for where they are looked for) with --select, --ignore and
    --lang on top, checked against the rule registry; their warnings are
    one line each on stderr."""
    from nlp.config import load_settings
    from nlp.rules import registry

    select, ignore = split(getattr(args, "select", None)), split(getattr(args, "ignore", None))
    with settings_warnings():
        return load_settings(path, select, ignore, rules=registry(), lang=getattr(args, "lang", None))


_WARNED: set[str] = set()  # a warning about a settings file is shown once per run, not once per report


def settings_warnings():
    """Print each settings warning (nlp.config.SettingsWarning) once, one
    line on stderr; other warnings go on as they would."""
    def category():
        from nlp.config import SettingsWarning
        return SettingsWarning

    return _one_line_warnings(category, once=True, others=True)


@contextmanager
def _one_line_warnings(category, *, once: bool, others: bool):
    """Warnings of `category()` (imported only when one is seen: the model's
    pulls in the classifier) printed as one line each on stderr, `once` per
    run; the `others` shown as they would be, or dropped."""
    import warnings

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            kind = category() if seen else None
            for w in seen:
                if not issubclass(w.category, kind):
                    if others:
                        warnings.showwarning(w.message, w.category, w.filename, w.lineno)
                elif not once or str(w.message) not in _WARNED:
                    _WARNED.add(str(w.message))
                    print(f"juesuan: warning: {w.message}", file=sys.stderr)


def check_writable(path: str | None, folder: bool = False) -> None:
    """An output path the command will write (a file, or a `folder` it may
    create): InputError now, before any work, rather than after it."""
    from nlp.errors import InputError

    def refuse(zh: str, en: str):
        return InputError(f"无法写入 {path}：{zh}；cannot write {path}: {en}")

    if not path or path == "-":
        return
    where = os.path.abspath(path)
    if os.path.exists(where):
        if os.path.isdir(where) != folder:
            raise refuse("不是文件夹", "not a folder") if folder else refuse("它是文件夹", "it is a folder")
    else:
        where = os.path.dirname(where)
        while folder and not os.path.exists(where):  # a results folder is made with its parents
            where = os.path.dirname(where)
        if not os.path.isdir(where):
            if os.path.exists(where):
                raise refuse(f"{where} 不是文件夹", f"{where} is not a folder")
            raise refuse(f"没有文件夹 {where}", f"no folder {where}")
    if read_only(where):
        raise refuse(f"{where} 在只读文件系统上", f"{where} is on a read-only file system")
    if not os.access(where, os.W_OK):
        raise refuse("没有写权限", "permission denied")


def read_only(path: str) -> bool:
    """Is `path` on a file system mounted read-only? (root may write
    anywhere else, so os.access does not tell.)"""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def check_not_input(output: str | None, inputs: list[str]) -> None:
    """An output file must not be one of the inputs (`--html report.html`
    given report.html): InputError, before any work."""
    from nlp.errors import InputError

    if not output or output == "-" or not os.path.exists(output):
        return
    for path in inputs:
        if path != "-" and os.path.exists(path) and os.path.samefile(output, path):
            raise InputError(f"不会覆盖输入文件 {path}：请换一个输出路径；{output} is an input file: "
                             "refusing to overwrite it, give another output path")


def model_choice(args):
    """The model the options name: a directory, "default" ($JUESUAN_MODEL,
    else the bundled models/), or None with --no-model."""
    if getattr(args, "no_model", False):
        return None
    from nlp.classifier import DEFAULT

    return args.model or DEFAULT


def budget(args, settings):
    """The per-file budget: --timeout and --max-memory over the settings'
    [limits] (nlp.limits.budget_from; InputError for a bad value)."""
    from nlp.limits import budget_from

    return budget_from(settings, timeout=args.timeout, max_memory=args.max_memory)


def split(value: str | None) -> list[str] | None:
    """A comma-separated option as a list (None when not given)."""
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def fail(error) -> int:
    """One line on stderr, exit code 2 (a file name that is not UTF-8 with \\xNN escapes)."""
    from nlp.batch.inputs import shown

    print(f"juesuan: error: {shown(str(error))}", file=sys.stderr)
    return ERROR


def _score(text: str) -> float:
    import argparse

    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"a score from 0 to 100, not {text!r}")
    return value


def model_warnings():
    """Print the model's version warnings as one line each on stderr (the
    others are dropped)."""
    def category():
        from nlp.classifier import ModelVersionWarning
        return ModelVersionWarning

    return _one_line_warnings(category, once=False, others=False)
