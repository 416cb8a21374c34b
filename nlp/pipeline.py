"""One report, end to end: read -> repair -> outline, tables, explanations."""
from __future__ import annotations

import os

from nlp.accounts import read_statements, text_tables
from nlp.config import Settings, load_settings
from nlp.explanations import Found, find_explanations
from nlp.model import Cause, Explanation, MissingExplanation, Report
from nlp.outline import Outline
from nlp.readers import Source, read
from nlp.reasons import split_causes
from nlp.repair import repair
from nlp.rules import registry, run_rules
from nlp.score import score_report
from nlp.tables import find_column_reasons, find_table_reasons
from nlp.vocabulary import Kind


def analyze(
    source: str | os.PathLike | Source, *, text: str | None = None, settings: Settings | None = None, model="default"
) -> Report:
    """Analyse a report file (PDF, DOCX, HTML, text), or `text` given directly.

    `analyze("report.pdf")` reads the file; `analyze("name", text="……")`
    analyses a string (the name is only used in the report). `settings`
    selects and tunes the quality rules (default: `load_settings` near the
    file). Raises `nlp.InputError` with a one-line message when the input is
    unreadable. `model` labels the causes: "default" ($JUESUAN_MODEL, else
    the bundled models/), a model directory, a loaded `nlp.classifier.Model`,
    or None to leave them unlabelled; `nlp.classifier.ModelError` (an
    InputError) when it cannot be loaded.
    """
    if text is not None:
        doc = Source(os.fspath(source), [text], paged=False)
    elif isinstance(source, Source):
        doc = source
    else:
        doc = read(source)
    report = analyze_source(doc)
    if not report.tables and text is None and not isinstance(source, Source):
        report.tables = statements_beside(source)
    if model is not None:
        from nlp.classifier import label_report

        label_report(report, model)
    near = None if text is not None or isinstance(source, Source) else source
    judge(report, settings or load_settings(near, rules=registry()))
    return report


def statements_beside(path: str | os.PathLike) -> list:
    """The statements of a workbook published beside the report, under the
    same name (报告.pdf and 报告.xlsx), when the report has none."""
    from pathlib import Path

    from nlp.errors import InputError

    for suffix in (".xlsx", ".XLSX"):
        beside = Path(path).with_suffix(suffix)
        if beside != Path(path) and beside.is_file():
            try:
                book = read(beside)
            except InputError:
                return []
            return read_statements(book.tables or text_tables(book.pages[0] if not book.paged else ""))
    return []


def judge(report: Report, settings: Settings) -> None:
    """Run the quality rules and score the report (in place)."""
    report.findings = run_rules(report, settings)
    report.settings = settings.applied()
    report.score, report.score_parts = score_report(report, report.findings)


def analyze_source(doc: Source) -> Report:
    repaired = repair(doc.pages, doc.paged)
    text = repaired.text
    outline = Outline(text)
    table_reasons, table_spans = find_table_reasons(text)
    column_reasons, column_spans = find_column_reasons(text)
    narrative, gaps = find_explanations(text, skip=table_spans + column_spans)
    # A reason in a change table's reason column explains its row's change, as a sentence would.
    narrative += [Found(c.statement, c.start, c.end, split_causes(text, c.start, c.end), "reason_column", ["no_trigger"])
                  for c in column_reasons]
    narrative.sort(key=lambda f: f.start)

    # Texts are quoted as the report writes them (its script, its glosses);
    # everything is found in the normalised text.
    explanations: list[Explanation] = []
    for f in narrative:
        f.statement.text = _quote(repaired, f.statement.start, f.statement.end)
        f.statement.item = _quote_item(repaired, f.statement)
        explanations.append(
            Explanation(
                id="",
                kind=Kind.NARRATIVE,
                section=outline.section_at(f.statement.start),
                reason=_quote(repaired, f.reason_start, f.reason_end),
                causes=[Cause(_quote(repaired, a, b)) for a, b in f.causes],
                location=repaired.locate(f.start, f.end),
                statement=f.statement,
                flags=list(f.flags),
                span=(f.start, f.end),
                trigger=f.trigger,
            )
        )
    for t in table_reasons:
        explanations.append(
            Explanation(
                id="",
                kind=Kind.PERFORMANCE_TABLE,
                section=outline.section_at(t.start),
                reason=_quote(repaired, t.start, t.end),
                causes=[Cause(_quote(repaired, a, b)) for a, b in split_causes(text, t.start, t.end)],
                location=repaired.locate(t.start, t.end),
                row=t.row,
                span=(t.start, t.end),
                trigger="deviation_column",
            )
        )
    explanations.sort(key=lambda e: (e.location.page or 0, e.location.start))
    for n, e in enumerate(explanations, 1):
        e.id = f"E{n}"
    missing = []
    for n, g in enumerate(gaps, 1):
        s = g.statement
        s.text, s.item = _quote(repaired, s.start, s.end), _quote_item(repaired, s)
        missing.append(MissingExplanation(f"M{n}", s, outline.section_at(s.start), repaired.locate(s.start, s.end), list(g.flags)))
    return Report(
        source=doc.name,
        pages=len(doc.pages) if doc.paged else None,
        explanations=explanations,
        missing=missing,
        repaired=repaired,
        warnings=list(doc.warnings),
        hidden=list(doc.hidden),
        # a PDF's ruled tables; text, DOCX and HTML write theirs as tab-separated lines
        tables=read_statements(doc.tables or text_tables(doc.pages[0] if not doc.paged else "")),
    )


def _quote(repaired, start: int, end: int) -> str:
    return repaired.quote(start, end).strip()


def _quote_item(repaired, s) -> str:
    """The item as written: found in the normalised statement, quoted from the report."""
    if not s.item:
        return s.item
    at = repaired.text.find(s.item, s.start, s.end)
    return _quote(repaired, at, at + len(s.item)) if at >= 0 else s.item
