"""The options several commands share, and how their values are read.

One definition each, so that `score`, `label-export` and `batch` mean the
same thing by --model, --no-model, --timeout and --max-memory, and print
their errors the same way.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager


def add_rule_options(parser) -> None:
    """--select and --ignore: which quality rules run (nlp.config)."""
    parser.add_argument("--select", metavar="RULES", help="comma-separated rule codes, code prefixes or names to run (default: all)")
    parser.add_argument("--ignore", metavar="RULES", help="comma-separated rule codes, code prefixes or names to skip")


def add_model_options(parser, allow_none: bool = False) -> None:
    """--model DIR, and --no-model where causes may stay unlabelled."""
    parser.add_argument("--model", metavar="DIR", help="model directory (default: $JUESUAN_MODEL, else the bundled models/)")
    if allow_none:
        parser.add_argument("--no-model", action="store_true", help="leave causes unlabelled (no classifier)")


def add_budget_options(parser) -> None:
    """--timeout and --max-memory: the per-file budget of nlp.limits."""
    parser.add_argument("--timeout", metavar="SECONDS",
                        help="give up on a file after this many seconds (default: [limits] timeout in the settings, else 120; 0: no limit)")
    parser.add_argument("--max-memory", metavar="MB",
                        help="give up on a file that needs more memory than this (default: [limits] max_memory, else 2048; 0: no limit)")


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
    """One line on stderr, exit code 2."""
    print(f"juesuan: error: {error}", file=sys.stderr)
    return 2


@contextmanager
def model_warnings():
    """Print the model's version warnings as one line each on stderr."""
    import warnings

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            from nlp.classifier import ModelVersionWarning

            for w in seen:
                if issubclass(w.category, ModelVersionWarning):
                    print(f"juesuan: warning: {w.message}", file=sys.stderr)
