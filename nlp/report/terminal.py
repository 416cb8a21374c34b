"""The terminal report: score, worst findings first with their evidence and
location, then counts by rule and by cause label (rich; plain when piped)."""
from __future__ import annotations

from collections import Counter

from nlp.model import Report

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def render(report: Report, limit: int | None = 25, color: bool | None = None) -> str:
    from rich.console import Console
    from rich.table import Table

    console = Console(record=True, force_terminal=color, no_color=color is False, width=120, file=_Null())
    pages = f", {report.pages} pages" if report.pages else ""
    console.print(f"[bold]{report.source}[/bold]{pages}")
    n_causes = sum(len(e.causes) for e in report.explanations)
    console.print(
        f"{len(report.explanations)} explanations, {n_causes} causes, {len(report.unexplained_changes)} changes without a reason, "
        f"{len(report.findings)} findings"
    )
    if report.score is not None:
        console.print(f"[bold]score {report.score:.1f} / 100[/bold]  " + _parts(report))

    findings = sorted(report.findings, key=lambda f: (-f.penalty, f.code))
    if findings:
        table = Table(title="Findings, worst first", show_lines=False, expand=True)
        table.add_column("code", no_wrap=True)
        table.add_column("where", no_wrap=True)
        table.add_column("finding", ratio=1)
        shown = findings if limit is None else findings[:limit]
        for f in shown:
            table.add_row(f"[{_SEVERITY_STYLE[f.severity]}]{f.code} {f.rule}[/]", _where(f.location), f.message)
        console.print(table)
        if len(shown) < len(findings):
            console.print(f"… {len(findings) - len(shown)} more (use --all, or --format json)")

    by_rule = Counter(f.rule for f in report.findings)
    by_label = Counter(c.label or "(unlabelled)" for e in report.explanations for c in e.causes)
    summary = Table(title="Summary", show_header=True)
    summary.add_column("rule")
    summary.add_column("findings", justify="right")
    summary.add_column("cause label")
    summary.add_column("causes", justify="right")
    rules, labels = by_rule.most_common(), by_label.most_common()
    for i in range(max(len(rules), len(labels))):
        r = rules[i] if i < len(rules) else ("", "")
        lab = labels[i] if i < len(labels) else ("", "")
        summary.add_row(r[0], str(r[1]), lab[0], str(lab[1]))
    console.print(summary)
    low = sum(1 for e in report.explanations if "low_confidence" in e.flags)
    if low:
        console.print(f"{low} explanations have a cause labelled with low confidence (flag low_confidence)")
    return console.export_text(styles=bool(color))


def _parts(report: Report) -> str:
    parts = (report.score_parts or {}).get("by_rule", {})
    return "  ".join(f"{rule} −{p['points']:.1f}" for rule, p in sorted(parts.items(), key=lambda kv: -kv[1]["points"]))


def _where(loc) -> str:
    if loc is None:
        return "document"
    line = f"line {loc.line}" if loc.line else f"@{loc.start}"
    return f"p.{loc.page} {line}" if loc.page else line


class _Null:
    """rich writes to this while recording; the CLI prints the export."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass
