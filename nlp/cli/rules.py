"""`juesuan rules [RULE]`: the quality rules as a table, or one explained
(rationale, example, options and how to tune them in juesuan.toml)."""
from __future__ import annotations

import sys

from nlp.cli.options import add_color_option, add_lang_option, fail, settings_for, terminal_width, use_color


def add_parser(commands) -> None:
    rules = commands.add_parser("rules", help="list the quality rules, or explain one (juesuan rules JS301)")
    rules.add_argument("rule", nargs="?", metavar="RULE",
                       help="a rule code, code prefix or name: explain it (rationale, example, options, how to tune it)")
    add_color_option(rules)
    add_lang_option(rules)
    rules.set_defaults(run=run)


def run(args) -> int:
    from nlp.config import SettingsError, check_selectors
    from nlp.report.terminal import render_rule, render_rules
    from nlp.rules import registry

    color, width = use_color(args.color), terminal_width()
    try:
        lang = settings_for(None, args).lang  # --lang, else the current folder's settings
        if args.rule is not None:
            check_selectors([args.rule], registry(), "juesuan rules")
    except SettingsError as e:
        return fail(e)
    if args.rule is None:
        sys.stdout.write(render_rules(registry(), color, width, lang))
        return 0
    chosen = [r for r in registry() if args.rule in ("ALL", r.name) or r.code.startswith(args.rule)]
    sys.stdout.write("\n".join(render_rule(r, color, width, lang) for r in chosen))
    return 0
