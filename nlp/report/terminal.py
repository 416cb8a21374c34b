"""A readable summary of one report for the terminal."""
from __future__ import annotations

from nlp.model import Report

_BASIS = {"prior_year": "比上年", "initial_budget": "比年初预算", "full_year_budget": "比全年预算"}
_DIRECTION = {"increase": "增加", "decrease": "减少", "none": "持平"}


def render(report: Report) -> str:
    lines = [f"{report.source}: {len(report.explanations)} explanations, {len(report.missing)} changes without a reason"]
    if report.pages:
        lines[0] += f" ({report.pages} pages)"
    for e in report.explanations:
        lines.append("")
        lines.append(f"{e.id} {_where(e.location)} {' > '.join(e.section[-2:])}")
        if e.statement:
            s = e.statement
            lines.append(f"  {s.item or '(item not named)'}: {_BASIS[s.basis]}{_DIRECTION[s.direction]}{_figures(s)}")
        if e.row:
            r = e.row
            lines.append(f"  [{r.project}] {r.indicator}: target {r.target}, actual {r.actual}, score {r.score}/{r.weight}")
        for n, c in enumerate(e.causes, 1):
            label = f" [{c.label} {c.confidence:.2f}]" if c.label else ""
            lines.append(f"  {n}. {c.text}{label}")
    if report.missing:
        lines.append("")
        lines.append("Changes without a reason:")
        for m in report.missing:
            s = m.statement
            lines.append(f"  {m.id} {_where(m.location)} {s.item or '(item not named)'}: {_BASIS[s.basis]}{_DIRECTION[s.direction]}{_figures(s)}")
    return "\n".join(lines) + "\n"


def _where(loc) -> str:
    return f"p.{loc.page}:{loc.start}" if loc.page else f"@{loc.start}"


def _figures(s) -> str:
    parts = []
    if s.change is not None:
        parts.append(f"{s.change:,.2f} 万元")
    if s.change_pct is not None:
        parts.append(f"{s.change_pct:.2f}%")
    return f" {', '.join(parts)}" if parts else ""
