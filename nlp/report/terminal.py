"""The terminal report: score, worst findings first with their evidence and
location, then counts by rule and by cause label; and the rules, listed or
explained (`juesuan rules`). Rich, plain without colour; the command line
decides the colour and the width.

Everything that comes from the report (its file name, the evidence quoted in
findings) is shown as text, never obeyed: control characters become visible
escapes (`nlp.sheets.visible`) and rich markup is escaped, so that an ESC[2J clears no
screen, `[/]` crashes nothing and `[link=…]` makes no hyperlink."""
from __future__ import annotations

from collections import Counter

from nlp.model import Report
from nlp.score import worst_first
from nlp.sheets import visible
from nlp.vocabulary import label_zh

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


# What the terminal report says around the findings, in each language.
_WORDS = {
    "zh": {
        "pages": "，{} 页", "counts": "{} 条说明，{} 条原因，{} 处变动未说明原因，{} 个问题", "score": "得分 {:.1f} / 100",
        "findings": "问题（从重到轻）", "code": "代码", "where": "位置", "finding": "问题",
        "more": "… 另有 {} 个问题（用 --all 或 --format json 查看全部）",
        "summary": "汇总", "rule": "规则", "count": "问题数", "label": "原因类别", "causes": "原因数",
        "unlabelled": "（未分类）", "low": "{} 条说明含低置信度的原因类别（flag low_confidence）",
        "document": "全文", "page": "第{}页", "line": "第{}行", "warning": "注意：{}",
        "not_scored": "[bold]未评分[/bold]：{}",
    },
    "en": {
        "pages": ", {} pages", "counts": "{} explanations, {} causes, {} changes without a reason, {} findings",
        "score": "score {:.1f} / 100",
        "findings": "Findings, worst first", "code": "code", "where": "where", "finding": "finding",
        "more": "… {} more (use --all, or --format json)",
        "summary": "Summary", "rule": "rule", "count": "findings", "label": "cause label", "causes": "causes",
        "unlabelled": "(unlabelled)", "low": "{} explanations have a cause labelled with low confidence (flag low_confidence)",
        "document": "document", "page": "p.{}", "line": "line {}", "warning": "note: {}",
        "not_scored": "[bold]not scored[/bold]: {}",
    },
}


def render(report: Report, limit: int | None = 25, color: bool = False, width: int = 120, lang: str = "zh") -> str:
    """The report for a terminal, in `lang` ("zh" or "en")."""
    from rich.markup import escape
    from rich.table import Table

    w = _WORDS[lang]
    console = _console(color, width)
    pages = w["pages"].format(report.pages) if report.pages else ""
    console.print(f"[bold]{_safe(report.source)}[/bold]{pages}")
    n_causes = sum(len(e.causes) for e in report.explanations)
    console.print(w["counts"].format(len(report.explanations), n_causes, len(report.unexplained_changes), len(report.findings)))
    if report.score is not None:
        console.print(f"[bold]{w['score'].format(report.score)}[/bold]  " + _parts(report, lang))
    else:
        console.print(w["not_scored"].format(report.status.reason(lang)))
    for line in report.warnings:  # what the reader skipped; its words may quote the file
        console.print(w["warning"].format(escape(line)), style="yellow")

    findings = worst_first(report.findings)
    if findings:
        table = Table(title=w["findings"], show_lines=False, expand=True)
        table.add_column(w["code"], no_wrap=True)
        table.add_column(w["where"], no_wrap=True)
        table.add_column(w["finding"], ratio=1)
        shown = findings if limit is None else findings[:limit]
        for f in shown:
            table.add_row(f"[{_SEVERITY_STYLE[f.severity]}]{f.code} {_rule_name(f.rule, lang)}[/]", _where(f.location, lang), _safe(f.text(lang)))
        console.print(table)
        if len(shown) < len(findings):
            console.print(w["more"].format(len(findings) - len(shown)))

    by_rule = Counter(_rule_name(f.rule, lang) for f in report.findings)
    by_label = Counter(_label(c.label, lang) for e in report.explanations for c in e.causes)
    summary = Table(title=w["summary"], show_header=True)
    summary.add_column(w["rule"])
    summary.add_column(w["count"], justify="right")
    summary.add_column(w["label"])
    summary.add_column(w["causes"], justify="right")
    rules, labels = by_rule.most_common(), by_label.most_common()
    for i in range(max(len(rules), len(labels))):
        r = rules[i] if i < len(rules) else ("", "")
        lab = labels[i] if i < len(labels) else ("", "")
        summary.add_row(r[0], str(r[1]), _safe(lab[0]), str(lab[1]))
    console.print(summary)
    low = sum(1 for e in report.explanations if "low_confidence" in e.flags)
    if low:
        console.print(w["low"].format(low))
    return console.export_text(styles=color)


def _safe(text: str) -> str:
    """Text from the report, for a rich markup string: shown as it is."""
    from rich.markup import escape

    return escape(visible(str(text)))


def _rule_name(name: str, lang: str) -> str:
    """A rule's name as the reader reads it: Chinese (`zh`), or its English name."""
    from nlp.rules import find_rule

    rule = find_rule(name)
    return rule.zh if lang == "zh" and rule else name


def _label(label: str | None, lang: str) -> str:
    if label is None:
        return _WORDS[lang]["unlabelled"]
    return label_zh(label) if lang == "zh" else label


def render_rules(rules, color: bool = False, width: int = 120, lang: str = "zh") -> str:
    """The rules as a table: code, 中文名, name, severity, on by default, and
    what each reports (in `lang`) where the terminal is wide enough."""
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
               _on(r), f"{batch}{_summary(r, lang)}"]
        table.add_row(*row[: len(table.columns)])
    console.print(table)
    console.print("详见 juesuan rules JS301（代码或名称 code or name）：理由、示例、选项，及如何在 juesuan.toml 中调整。")
    return _trimmed(console, color)


def render_rule(rule, color: bool = False, width: int = 120, lang: str = "zh") -> str:
    """One rule explained: what it reports and why, an example, its options
    and how to tune them or turn it off."""
    console = _console(color, width)
    console.print(f"[bold]{rule.code} {rule.zh}[/bold]  {rule.name}")
    console.print(f"级别 severity: [{_SEVERITY_STYLE[rule.severity]}]{rule.severity.zh} {rule.severity}[/]  "
                  f"范围 scope: {_SCOPE[rule.scope]}  默认 default: {_on(rule)}")
    console.print(_summary(rule, lang), markup=False)
    console.print("\n[bold]理由 rationale[/bold]")
    console.print(rule.rationale_zh if lang == "zh" else rule.rationale, markup=False)
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


def _summary(rule, lang: str) -> str:
    return rule.summary_zh if lang == "zh" else rule.summary


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


def _parts(report: Report, lang: str) -> str:
    parts = (report.score_parts or {}).get("by_rule", {})
    return "  ".join(f"{_rule_name(rule, lang)} −{p['points']:.1f}" for rule, p in sorted(parts.items(), key=lambda kv: -kv[1]["points"]))


def _where(loc, lang: str = "zh") -> str:
    w = _WORDS[lang]
    if loc is None:
        return w["document"]
    line = w["line"].format(loc.line) if loc.line else f"@{loc.start}"
    if not loc.page:
        return line
    return f"{w['page'].format(loc.page)}{line}" if lang == "zh" else f"{w['page'].format(loc.page)} {line}"


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
