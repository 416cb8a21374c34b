"""The terminal report: score, worst findings first with their evidence and
location, then counts by rule and by cause label; and the rules, listed or
explained (`juesuan rules`). Rich, plain without colour; the command line
decides the colour and the width."""
from __future__ import annotations

from collections import Counter

from nlp.model import Report
from nlp.score import worst_first

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def render(report: Report, limit: int | None = 25, color: bool = False, width: int = 120) -> str:
    from rich.table import Table

    console = _console(color, width)
    pages = f", {report.pages} pages" if report.pages else ""
    console.print(f"[bold]{report.source}[/bold]{pages}")
    n_causes = sum(len(e.causes) for e in report.explanations)
    console.print(
        f"{len(report.explanations)} explanations, {n_causes} causes, {len(report.unexplained_changes)} changes without a reason, "
        f"{len(report.findings)} findings"
    )
    if report.score is not None:
        console.print(f"[bold]score {report.score:.1f} / 100[/bold]  " + _parts(report))

    findings = worst_first(report.findings)
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
    return console.export_text(styles=color)


def render_rules(rules, color: bool = False, width: int = 120) -> str:
    """The rules as a table: code, 中文名, name, severity, on by default, and
    what each reports where the terminal is wide enough."""
    from rich.table import Table

    console = _console(color, width)
    table = Table(title="规则 rules", title_justify="left", box=None, pad_edge=False)
    wide = width >= 100
    for header in ("代码 code", "中文名", "name", "级别 severity", "默认 default"):
        table.add_column(header, no_wrap=True)
    if wide:
        table.add_column("检查什么 what it reports")
    for r in rules:
        batch = "（批量 batch）" if r.scope == "corpus" else ""
        row = [r.code, r.zh, r.name, f"[{_SEVERITY_STYLE[r.severity]}]{r.severity.zh} {r.severity}[/]",
               _on(r), f"{batch}{r.summary}"]
        table.add_row(*row[: len(table.columns)])
    console.print(table)
    console.print("详见 juesuan rules JS301（代码或名称 code or name）：理由、示例、选项，及如何在 juesuan.toml 中调整。")
    return _trimmed(console, color)


def render_rule(rule, color: bool = False, width: int = 120) -> str:
    """One rule explained: what it reports and why, an example, its options
    and how to tune them or turn it off."""
    console = _console(color, width)
    console.print(f"[bold]{rule.code} {rule.zh}[/bold]  {rule.name}")
    console.print(f"级别 severity: [{_SEVERITY_STYLE[rule.severity]}]{rule.severity.zh} {rule.severity}[/]  "
                  f"范围 scope: {_SCOPE[rule.scope]}  默认 default: {_on(rule)}")
    console.print(rule.summary, markup=False)
    console.print("\n[bold]理由 rationale[/bold]")
    console.print(rule.rationale, markup=False)
    console.print("\n[bold]示例 example[/bold]")
    console.print(rule.example, markup=False)
    console.print("\n[bold]选项 options[/bold]（默认值 defaults）")
    for option, value in rule.options.items():
        console.print(f"  {option} = {_toml(value)}", markup=False)
    if not rule.options:
        console.print("  无 none")
    console.print("\n[bold]调整 tuning[/bold]  在 juesuan.toml 中（或 pyproject.toml 的 \\[tool.juesuan] 下），放在报告所在文件夹或其上级：")
    if rule.options:
        console.print(f"  [{rule.name}]", markup=False)
        for option, value in rule.options.items():
            console.print(f"  {option} = {_toml(value)}", markup=False)
    console.print(f'关闭 turn it off: ignore = ["{rule.code}"]（顶层键，写在各表之前 a top-level key）或 or --ignore {rule.code}',
                  markup=False)
    console.print(f"只运行它 only this rule: --select {rule.code}", markup=False)
    return _trimmed(console, color)


def _on(rule) -> str:
    from nlp.config import Settings

    return "开 on" if Settings().enabled(rule) else "关 off"


def _trimmed(console, color: bool) -> str:
    return "".join(line.rstrip() + "\n" for line in console.export_text(styles=color).splitlines())


_SCOPE = {"report": "单份报告 report", "corpus": "批量 batch (juesuan batch)"}


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def _parts(report: Report) -> str:
    parts = (report.score_parts or {}).get("by_rule", {})
    return "  ".join(f"{rule} −{p['points']:.1f}" for rule, p in sorted(parts.items(), key=lambda kv: -kv[1]["points"]))


def _where(loc) -> str:
    if loc is None:
        return "document"
    line = f"line {loc.line}" if loc.line else f"@{loc.start}"
    return f"p.{loc.page} {line}" if loc.page else line


def _console(color: bool, width: int):
    from rich.console import Console

    return Console(record=True, force_terminal=color, no_color=not color,
                   width=width, file=_Null())


class _Null:
    """rich writes to this while recording; the CLI prints the export."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass
