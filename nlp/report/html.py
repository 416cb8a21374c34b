"""`--format html`: one self-contained page for one report.

The page works offline (inline CSS, a little vanilla JS, charts as inline SVG
built here) and shows: the score and the points each rule took, filters by
rule and by cause label, two bar charts, the findings worst first (each
linking to the explanation it names), the unexplained changes, and the
report's text with every explanation and unexplained change highlighted.

Everything that comes from the document (text, reasons, messages quoting
it, the source name) reaches the page only through Jinja's autoescape: the
highlighted text is built as a list of segments (text, kind, attrs) and the
template escapes each one, so a report containing `<script>` shows it as
text. Nothing here marks document text safe.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from nlp.model import Finding, Report

UNLABELLED = "_unlabelled"  # filter value for causes the classifier did not label
NO_FINDING = "_none"  # filter value for explanations that no finding names

# The cause labels of TAXONOMY.md, their Chinese names and highlight colours.
LABELS: dict[str, tuple[str, str]] = {
    "restructuring": ("机构与体制调整", "#c7d2fe"),
    "staffing": ("人员与薪酬", "#bbf7d0"),
    "supplementary_funding": ("追加与新增资金", "#fde68a"),
    "budget_shortfall": ("资金不足与未拨付", "#fbcfe8"),
    "austerity": ("压减与节约", "#a5f3fc"),
    "activity_change": ("业务与项目变化", "#ddd6fe"),
    "no_change": ("无变化或不适用", "#e5e7eb"),
    "other": ("其他", "#fed7aa"),
    UNLABELLED: ("(unlabelled)", "#dbeafe"),
}
_FALLBACK_COLOUR = "#e0e7ff"

# Short Chinese names for the rules (the rule's own `name` is shown beside).
RULE_NAMES_ZH = {
    "missing": "缺少原因",
    "vague": "原因含糊",
    "restated": "复述变动",
    "non_explanation": "非解释",
    "repeated": "原因重复",
    "blanket": "一因多用",
    "direction_mismatch": "方向不符",
    "arithmetic": "数字不符",
    "unit": "单位存疑",
    "contradiction": "与绩效表矛盾",
    "template_leftover": "模板残留",
}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
_SEVERITY_COLOUR = {"error": "#dc2626", "warning": "#d97706", "info": "#2563eb"}


def render_html(report: Report) -> str:
    """The HTML page of one analysed report (a complete document, UTF-8)."""
    return _template().render(**_context(report))


@lru_cache(maxsize=1)
def _template():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("nlp.report", "templates"),
        autoescape=True,  # the template is .j2: select_autoescape would not pick it
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template("report.html.j2")


# --------------------------------------------------------------------- context


def label_key(label: str | None) -> str:
    return label or UNLABELLED


def label_name(label: str | None) -> str:
    key = label_key(label)
    return LABELS[key][0] if key in LABELS else key


def label_colour(label: str | None) -> str:
    key = label_key(label)
    return LABELS[key][1] if key in LABELS else _FALLBACK_COLOUR


def rule_title(rule: str) -> str:
    zh = RULE_NAMES_ZH.get(rule)
    return f"{zh} {rule}" if zh else rule


def where(loc) -> str:
    """page:offset in the original input ("p.3:120"; "@120" unpaged)."""
    if loc is None:
        return "document"
    return f"p.{loc.page}:{loc.start}" if loc.page else f"@{loc.start}"


def _sorted_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (-f.penalty, _SEVERITY_RANK.get(f.severity, 9), f.code))


def _context(report: Report) -> dict:
    findings = _sorted_findings(report.findings)
    by_target: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        for t in dict.fromkeys(f.targets):
            by_target[t].append(f)

    causes = [c for e in report.explanations for c in e.causes]
    label_counts = Counter(label_key(c.label) for c in causes)
    rule_counts = Counter(f.rule for f in findings)
    parts = (report.score_parts or {}).get("by_rule", {})
    capacity = (report.score_parts or {}).get("capacity") or 0.0
    codes = {f.rule: f.code for f in findings}
    codes.update({rule: p.get("code", codes.get(rule, "")) for rule, p in parts.items()})

    rules = sorted(rule_counts, key=lambda r: (codes.get(r, ""), r))
    labels = sorted(label_counts, key=lambda k: (list(LABELS).index(k) if k in LABELS else len(LABELS), k))

    return {
        "source": report.source,
        "pages": report.pages,
        "score": report.score,
        "score_parts": sorted(
            ({"rule": r, "title": rule_title(r), "zh": RULE_NAMES_ZH.get(r, ""), **p} for r, p in parts.items()),
            key=lambda p: (-p.get("points", 0.0), p.get("code", "")),
        ),
        "counts": {
            "explanations": len(report.explanations),
            "causes": len(causes),
            "missing": len(report.missing),
            "findings": len(findings),
            "severity": Counter(f.severity for f in findings),
            "low_confidence": sum(1 for e in report.explanations if "low_confidence" in e.flags),
        },
        "findings": [_finding_row(f, capacity) for f in findings],
        "rule_filters": [
            {"value": r, "code": codes.get(r, ""), "title": rule_title(r), "zh": RULE_NAMES_ZH.get(r, r), "count": rule_counts[r]} for r in rules
        ],
        "has_unflagged": any(not by_target.get(x.id) for x in [*report.explanations, *report.missing]),
        "label_filters": [
            {"value": k, "name": label_name(k), "colour": label_colour(k), "count": label_counts[k]}
            for k in labels
        ],
        "label_chart": bar_chart(
            [(label_name(k), label_counts[k], label_colour(k), "") for k in labels],
            title="Causes by label",
        ),
        "rule_chart": bar_chart(
            [
                (f"{codes.get(r, '')} {RULE_NAMES_ZH.get(r, r)}", rule_counts[r], _SEVERITY_COLOUR.get(_worst(findings, r), "#6b7280"),
                 f"−{parts[r]['points']:.1f}" if r in parts and "points" in parts[r] else "")
                for r in sorted(rule_counts, key=lambda r: (-rule_counts[r], codes.get(r, "")))
            ],
            title="Findings by rule",
        ),
        "missing": [_missing_row(m, by_target) for m in report.missing],
        "segments": segments(report, by_target),
        "severity_zh": SEVERITY_ZH,
    }


def _worst(findings: list[Finding], rule: str) -> str:
    return min((f.severity for f in findings if f.rule == rule), key=lambda s: _SEVERITY_RANK.get(s, 9), default="info")


def _finding_row(f: Finding, capacity: float) -> dict:
    return {
        "code": f.code,
        "rule": f.rule,
        "severity": f.severity,
        "message": f.message,
        "targets": list(dict.fromkeys(f.targets)),
        "where": where(f.location),
        "penalty": f.penalty,
        # the points of the score this finding took (score_parts' unit)
        "points": 100 * f.penalty / capacity if capacity else 0.0,
    }


def _missing_row(m, by_target) -> dict:
    s = m.statement
    return {
        "id": m.id,
        "section": " › ".join(m.section),
        "item": s.item,
        "statement": s.text,
        "direction": {"increase": "增加", "decrease": "减少", "none": "持平"}.get(s.direction, s.direction),
        "change": s.change,
        "change_pct": s.change_pct,
        "where": where(m.location),
        "codes": sorted({f.code for f in by_target.get(m.id, [])}),
    }


# ------------------------------------------------------------------ the text


@dataclass
class Segment:
    """A run of the report's text: `kind` is plain, explanation or missing;
    `attrs` are the HTML attributes of its highlight (escaped by the
    template); `anchors` ids of spans that fell inside an earlier one (they
    get an empty anchor so that links to them still land); `badge` what the
    small label after a highlight shows."""

    text: str
    kind: str = "plain"
    attrs: dict = field(default_factory=dict)
    anchors: list[str] = field(default_factory=list)
    badge: dict | None = None


def segments(report: Report, by_target: dict[str, list[Finding]] | None = None) -> list[Segment]:
    """The report's text cut into plain runs and highlights, in order, covering
    the whole text exactly once (overlapping spans are clipped to what the
    earlier one left)."""
    text = report.text
    if by_target is None:
        by_target = defaultdict(list)
        for f in report.findings:
            for t in dict.fromkeys(f.targets):
                by_target[t].append(f)

    spans = []  # (start, end, order, kind, item)
    for e in report.explanations:
        spans.append((*_clip(e.span, len(text)), 0, "explanation", e))
    for m in report.missing:
        spans.append((*_clip((m.statement.start, m.statement.end), len(text)), 1, "missing", m))
    spans.sort(key=lambda s: (s[0], -s[1], s[2]))

    out: list[Segment] = []
    pos = 0
    pending: list[str] = []  # anchors of spans swallowed by earlier ones
    for start, end, _, kind, item in spans:
        start = max(start, pos)
        if end <= start:
            pending.append(item.id)
            continue
        if start > pos:
            out.append(Segment(text[pos:start], anchors=pending))
            pending = []
        out.append(_highlight(text[start:end], kind, item, by_target.get(item.id, []), pending))
        pending = []
        pos = end
    if pos < len(text) or pending:
        out.append(Segment(text[pos:], anchors=pending))
    return out


def _clip(span: tuple[int, int], n: int) -> tuple[int, int]:
    start, end = span
    start = min(max(0, start), n)
    return start, min(max(start, end), n)


def _highlight(text: str, kind: str, item, findings: list[Finding], anchors: list[str]) -> Segment:
    rules = sorted({f.rule for f in findings}) or [NO_FINDING]
    codes = sorted({(f.code, f.severity) for f in findings})
    worst = min((f.severity for f in findings), key=lambda s: _SEVERITY_RANK.get(s, 9), default=None)
    if kind == "missing":
        s = item.statement
        title = [f"{item.id} · change without a reason · 未说明原因", s.item]
        title += [f"{f.code} {f.rule}: {f.message}" for f in findings]
        attrs = {
            "id": item.id,
            "class": "hl missing",
            "data-id": item.id,
            "data-labels": "",
            "data-rules": " ".join(rules),
            "title": "\n".join(title),
        }
        badge = {"id": item.id, "label": "缺少原因", "conf": None, "vague": False, "more": 0, "codes": codes, "worst": worst}
        return Segment(text, "missing", attrs, list(anchors), badge)

    causes = item.causes
    first = causes[0].label if causes else None
    title = [f"{item.id} · {item.kind}" + (" · " + ", ".join(item.flags) if item.flags else "")]
    for n, c in enumerate(causes, 1):
        conf = f" {c.confidence:.2f}" if c.confidence is not None else ""
        vague = " · vague 含糊" if c.vague else ""
        title.append(f"cause {n}: {label_name(c.label)}{conf}{vague} — {c.text}")
    title += [f"{f.code} {f.rule}: {f.message}" for f in findings]
    attrs = {
        "id": item.id,
        "class": "hl expl" + (" low" if "low_confidence" in item.flags else ""),
        "style": f"--hl: {label_colour(first)}",
        "data-id": item.id,
        "data-labels": " ".join(sorted({label_key(c.label) for c in causes}) or [UNLABELLED]),
        "data-rules": " ".join(rules),
        "title": "\n".join(title),
    }
    c0 = causes[0] if causes else None
    badge = {
        "id": item.id,
        "label": label_name(first),
        "conf": c0.confidence if c0 else None,
        "vague": any(c.vague for c in causes),
        "more": len(causes) - 1,
        "codes": codes,
        "worst": worst,
    }
    return Segment(text, "explanation", attrs, list(anchors), badge)


# ----------------------------------------------------------------- the charts


def bar_chart(rows: list[tuple[str, int, str, str]], *, title: str, width: int = 350, label_width: int = 132, row_height: int = 26) -> dict:
    """Geometry of a horizontal bar chart for the template's inline SVG.
    `rows` are (label, value, colour, note); the template draws the text
    (escaped) and the rects."""
    top = 8
    bar_space = width - label_width - 80
    peak = max((v for _, v, _, _ in rows), default=0) or 1
    bars = []
    for i, (label, value, colour, note) in enumerate(rows):
        y = top + i * row_height
        w = max(2.0, bar_space * value / peak) if value else 0.0
        bars.append({
            "label": label,
            "value": value,
            "note": note,
            "colour": colour,
            "y": y,
            "text_y": y + row_height / 2 + 4.5,
            "bar_x": label_width,
            "bar_w": round(w, 1),
            "bar_h": row_height - 8,
            "value_x": round(label_width + w + 6, 1),
        })
    return {
        "title": title,
        "width": width,
        "height": top * 2 + max(1, len(rows)) * row_height,
        "label_x": label_width - 8,
        "bars": bars,
    }
