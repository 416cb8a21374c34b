"""`juesuan score FILE…`: each report's explanations, findings and score.

Several files give one block each and a summary line (text), a list (JSON),
one table (CSV) or one SARIF run; `-` reads a report from stdin, its format
told by its bytes as a file's is. The exit code is the linter's
(nlp.cli.options.gate): a file that cannot be read makes it 2.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import Counter
from contextlib import contextmanager

from nlp.cli.options import (
    ERROR,
    add_budget_options,
    add_color_option,
    add_gate_options,
    add_lang_option,
    add_model_options,
    add_rule_options,
    budget,
    check_not_input,
    check_selectors,
    check_writable,
    fail,
    gate,
    model_choice,
    model_warnings,
    settings_for,
    terminal_width,
    use_color,
)

STDIN = "<stdin>"  # the source a report read from `-` is given


def add_parser(commands) -> None:
    from nlp.report.tables import TABLES

    score = commands.add_parser("score", help="analyse reports: explanations, findings and score")
    score.add_argument("files", nargs="+", metavar="FILE",
                       help="report files: PDF, DOCX, HTML or text (UTF-8, GBK, UTF-16); - reads one from stdin")
    score.add_argument("--format", choices=["text", "json", "csv", "sarif"], default="text", help="output format (default: text)")
    score.add_argument("--table", choices=TABLES, help="with --format csv: one row per cause (default), finding, change without a reason, or report (documents: its score or not_scored)")
    score.add_argument("--html", metavar="OUT.html", help="also write a self-contained HTML report (one input file)")
    add_rule_options(score)
    score.add_argument("--all", action="store_true", help="show every finding in the text output, not only the worst 25")
    add_color_option(score)
    add_lang_option(score)
    add_model_options(score, allow_none=True)
    add_budget_options(score)
    add_gate_options(score)
    score.set_defaults(run=run)


def run(args) -> int:
    from nlp.errors import InputError

    try:
        _check_usage(args)
        check_writable(args.html)
        check_not_input(args.html, args.files)
        check_selectors(args)
    except InputError as e:
        return fail(e)
    reports, langs, failed = [], [], 0
    for path in args.files:
        try:
            report, lang = _score(path, args)
        except InputError as e:
            fail(e)
            failed += 1
            continue
        reports.append(report)
        langs.append(lang)
    # One output, one language: --lang, else the first report's settings.
    lang = langs[0] if langs else "zh"
    if reports:
        sys.stdout.write(_render(reports, args, lang))
        _notices(reports, args, lang)
    if args.html and reports:
        from nlp.report.html import render_html

        try:
            with open(args.html, "w", encoding="utf-8") as f:
                f.write(render_html(reports[0], lang=lang))
        except OSError as e:
            return fail(f"cannot write {args.html} ({e.strerror})")
    if failed:
        return ERROR
    return gate(args, {f.severity for r in reports for f in r.findings}, [r.score for r in reports])


def _check_usage(args) -> None:
    from nlp.errors import InputError

    if args.table and args.format != "csv":
        raise InputError("--table chooses a CSV table: use it with --format csv")
    if args.html and len(args.files) > 1:
        raise InputError("--html writes one report's page: give one file (juesuan batch writes a page for each report)")
    if args.files.count("-") > 1:
        raise InputError("- (stdin) can be read once")


def _score(path: str, args):
    """The report and the language its settings (and --lang) choose."""
    from nlp.limits import analyze_limited

    with _readable(path) as (readable, near):
        settings = settings_for(near, args)
        limits = budget(args, settings)
        with model_warnings():
            report = analyze_limited(readable, budget=limits, settings=settings, model=model_choice(args))
    from nlp.batch.inputs import shown

    report.source = STDIN if path == "-" else shown(report.source)  # a name that is not UTF-8: \xNN escapes
    return report, settings.lang


@contextmanager
def _readable(path: str):
    """The file to analyse and where its settings are looked for: stdin is
    saved to a temporary file, read as any file is (under the same budget),
    with the settings of the current folder; its messages name <stdin>."""
    if path != "-":
        yield path, path
        return
    from nlp.errors import InputError
    from nlp.readers import MAX_BYTES

    with tempfile.TemporaryDirectory(prefix="juesuan-") as folder:
        saved = os.path.join(folder, "stdin")
        with open(saved, "wb") as f:
            f.write(sys.stdin.buffer.read(MAX_BYTES + 1))  # bounded (< /dev/zero): one byte over is refused as too large
        try:
            yield saved, None
        except InputError as e:
            e.args = (str(e).replace(saved, STDIN),)
            raise


def _render(reports: list, args, lang: str) -> str:
    many = len(args.files) > 1
    if args.format == "json":
        data = [r.to_dict() for r in reports] if many else reports[0].to_dict()
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if args.format == "csv":
        from nlp.report.tables import to_csv

        return to_csv(reports, args.table or "causes", lang)
    if args.format == "sarif":
        from nlp.report.sarif import to_sarif

        return json.dumps(to_sarif(reports, lang), ensure_ascii=False, indent=1) + "\n"
    from nlp.report.terminal import render

    color, width = use_color(args.color), terminal_width()
    blocks = [render(r, limit=None if args.all else 25, color=color, width=width, lang=lang) for r in reports]
    return "\n".join(blocks) + (_summary(reports, len(args.files), lang) if many else "")


def _notices(reports: list, args, lang: str) -> None:
    """Beside a CSV table other than `documents`, which has no place for them,
    on stderr: what a reader could not read and which reports were not scored
    (text, JSON, SARIF and the documents table say both themselves)."""
    if args.format != "csv" or args.table == "documents":
        return
    for r in reports:
        for w in r.warnings:
            print(f"juesuan: {w}", file=sys.stderr)
        if r.score is None:
            print(f"juesuan: {r.source}: {'not scored' if lang == 'en' else '未评分'}: {r.status.reason(lang)}", file=sys.stderr)


def _summary(reports: list, given: int, lang: str) -> str:
    """One line after several reports: how many, their scores, their findings."""
    from nlp.vocabulary import Severity

    severities = Counter(f.severity for r in reports for f in r.findings)
    scores = [r.score for r in reports if r.score is not None]
    lowest = min(reports, key=lambda r: r.score if r.score is not None else 101)
    total = sum(severities.values())
    if lang == "zh":
        parts = [f"{given} 份报告中 {len(scores)} 份已评分" + (f"，{len(reports) - len(scores)} 份未评分" if len(scores) < len(reports) else "")]
        if scores:
            parts.append(f"平均 {sum(scores) / len(scores):.1f}，最低 {lowest.score:.1f}（{lowest.source}）")
        counted = "，".join(f"{Severity(s).zh} {severities[s]}" for s in ("error", "warning", "info") if severities[s])
        parts.append(f"问题 {total} 个" + (f"（{counted}）" if counted else ""))
        return "\n" + "；".join(parts) + "\n"
    parts = [f"{len(scores)} of {given} reports scored" + (f", {len(reports) - len(scores)} not scored" if len(scores) < len(reports) else "")]
    if scores:
        parts.append(f"mean {sum(scores) / len(scores):.1f}, lowest {lowest.score:.1f} ({lowest.source})")
    counted = ", ".join(f"{severities[s]} {s}" for s in ("error", "warning", "info") if severities[s])
    parts.append(f"{total} findings" + (f" ({counted})" if counted else ""))
    return "\n" + "; ".join(parts) + "\n"
