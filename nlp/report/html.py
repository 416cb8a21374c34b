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
from nlp.rules import find_rule
from nlp.score import worst_first
from nlp.vocabulary import LABELS, UNLABELLED_ZH, Direction, Label, Severity

UNLABELLED = "_unlabelled"  # filter value for causes the classifier did not label
NO_FINDING = "_none"  # filter value for explanations that no finding names

_UNLABELLED_COLOUR = "#dbeafe"
_FALLBACK_COLOUR = "#e0e7ff"  # a label of the user's own model
_DIRECTION_ZH = {Direction.INCREASE: "增加", Direction.DECREASE: "减少", Direction.NONE: "持平"}
_SEVERITY_COLOUR = {Severity.ERROR: "#dc2626", Severity.WARNING: "#d97706", Severity.INFO: "#2563eb"}


# The page's own words, in each language (the document's text is as written).
WORDS = {
    "zh": {
        "html_lang": "zh-CN", "pages": "页数", "unpaged": "不分页", "explanations": "说明", "causes": "原因",
        "missing": "未说明原因的变动", "findings": "问题", "low": "低置信度类别", "score": "/ 100 得分",
        "parts": "各规则扣分", "rule": "规则", "code": "代码", "count": "问题数", "points": "扣分", "no_points": "未扣分。",
        "text": "报告原文", "explanation": "说明", "legend": "按第一条原因的类别着色（悬停可见原因、类别和问题）",
        "change_no_reason": "未说明原因", "no_text": "无文本。", "all": "全选", "none": "全不选",
        "no_finding": "无问题", "no_finding_title": "没有问题指向的说明", "label": "原因类别", "no_causes": "无原因",
        "worst_first": "问题（从重到轻）", "showing": "显示 {n} / {m}", "document": "全文", "where_title": "在原文中的页和行", "cell_label": "报表：",
        "points_title": "本问题扣去的分数", "no_findings": "无问题。", "id": "编号", "section": "所在部分",
        "statement": "变动陈述", "change": "变动", "where": "位置", "all_explained": "所有变动都已说明原因。",
        "footer": "juesuan · 离线生成；本页不从网络加载任何内容", "chart_rules": "各规则问题数", "chart_labels": "各类别原因数",
        "empty_chart": "无", "cause": "原因{}", "vague": "含糊", "not_scored": "未评分", "warnings": "读取时注意",
    },
    "en": {
        "html_lang": "en", "pages": "pages", "unpaged": "unpaged", "explanations": "explanations", "causes": "causes",
        "missing": "changes without a reason", "findings": "findings", "low": "low-confidence labels", "score": "/ 100 score",
        "parts": "points lost, by rule", "rule": "rule", "code": "code", "count": "findings", "points": "points",
        "no_points": "No points lost.", "text": "The report", "explanation": "explanation",
        "legend": "coloured by the first cause's label (hover for the causes, labels and findings)",
        "change_no_reason": "change without a reason", "no_text": "No text.", "all": "all", "none": "none",
        "no_finding": "no finding", "no_finding_title": "explanations that no finding names", "label": "label",
        "no_causes": "no causes", "worst_first": "Findings, worst first", "showing": "showing {n} of {m}",
        "document": "document", "where_title": "page and line in the input", "cell_label": "statement: ", "points_title": "points of the score this finding took",
        "no_findings": "No findings.", "id": "id", "section": "section", "statement": "statement", "change": "change",
        "where": "where", "all_explained": "Every stated change has a reason.",
        "footer": "juesuan · generated offline; this page loads nothing from the network",
        "chart_rules": "Findings by rule", "chart_labels": "Causes by label", "empty_chart": "none", "cause": "cause {}",
        "vague": "vague", "not_scored": "not scored", "warnings": "read with warnings",
    },
}


def render_html(report: Report, lang: str = "zh") -> str:
    """The HTML page of one analysed report (a complete document, UTF-8), its
    own words and the findings' messages in `lang` ("zh" or "en")."""
    return _template().render(**_context(report, lang))


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


def label_name(label: str | None, lang: str = "zh") -> str:
    key = label_key(label)
    if key == UNLABELLED:
        return UNLABELLED_ZH if lang == "zh" else "unlabelled"
    return Label(key).zh if key in LABELS and lang == "zh" else key


def label_colour(label: str | None) -> str:
    key = label_key(label)
    if key == UNLABELLED:
        return _UNLABELLED_COLOUR
    return Label(key).colour if key in LABELS else _FALLBACK_COLOUR


def _label_order(key: str) -> tuple[int, str]:
    """Labels in TAXONOMY order, then the unlabelled, then a model's own labels."""
    if key in LABELS:
        return LABELS.index(key), key
    return (len(LABELS) if key == UNLABELLED else len(LABELS) + 1), key


def rule_zh(rule: str) -> str:
    """The Chinese name of a rule (by its name), or "" for an unknown one."""
    found = find_rule(rule)
    return found.zh if found else ""


def rule_title(rule: str) -> str:
    zh = rule_zh(rule)
    return f"{zh} {rule}" if zh else rule


def where(loc, lang: str = "zh") -> str:
    """Page and line in the original input ("第3页第12行", "第212行" unpaged;
    "p.3 line 12" in English; the offset when the line is not known)."""
    if loc is None:
        return WORDS[lang]["document"]
    if lang == "en":
        page = f"p.{loc.page} " if loc.page else ""
        return f"{page}line {loc.line}" if loc.line else f"{page}@{loc.start}"
    page = f"第{loc.page}页" if loc.page else ""
    return f"{page}第{loc.line}行" if loc.line else f"{page}@{loc.start}"


def _severity_rank(severity: str) -> int:
    return Severity(severity).rank


def _sorted_findings(findings: list[Finding]) -> list[Finding]:
    return worst_first(findings)


def _by_target(findings: list[Finding]) -> dict[str, list[Finding]]:
    """The findings naming each explanation or unexplained change."""
    by_target: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        for t in dict.fromkeys(f.targets):
            by_target[t].append(f)
    return by_target


def _context(report: Report, lang: str = "zh") -> dict:
    words = WORDS[lang]
    findings = _sorted_findings(report.findings)
    by_target = _by_target(findings)
    causes = [c for e in report.explanations for c in e.causes]
    labels = Counter(label_key(c.label) for c in causes)
    score_parts = report.score_parts or {}
    rules = _RuleCounts(findings, score_parts.get("by_rule", {}), lang)
    return {
        "source": report.source,
        "pages": report.pages,
        "score": report.score,
        "status_reason": report.status.reason(lang),
        "warnings": report.warnings,
        "score_parts": rules.score_parts(),
        "counts": _counts(report, findings, len(causes)),
        "findings": [_finding_row(f, score_parts.get("capacity") or 0.0, lang) for f in findings],
        "rule_filters": rules.filters(),
        "has_unflagged": any(not by_target.get(x.id) for x in [*report.explanations, *report.missing]),
        "label_filters": _label_filters(labels, lang),
        "label_chart": _label_chart(labels, lang),
        "rule_chart": bar_chart(rules.bars(), title=words["chart_rules"]),
        "missing": [_missing_row(m, by_target, lang) for m in report.missing],
        "segments": segments(report, by_target, lang),
        "severity_zh": {s.value: s.zh if lang == "zh" else s.value for s in Severity},
        "t": words,
    }


def _label_chart(counts: Counter, lang: str) -> dict:
    rows = [(f["name"], f["count"], f["colour"], "") for f in _label_filters(counts, lang)]
    return bar_chart(rows, title=WORDS[lang]["chart_labels"])


def _label_filters(counts: Counter, lang: str) -> list[dict]:
    return [
        {"value": k, "name": label_name(k, lang), "colour": label_colour(k), "count": counts[k]}
        for k in sorted(counts, key=_label_order)
    ]


def _counts(report: Report, findings: list[Finding], causes: int) -> dict:
    return {
        "explanations": len(report.explanations),
        "causes": causes,
        "missing": len(report.unexplained_changes),
        "findings": len(findings),
        "severity": Counter(f.severity for f in findings),
        "low_confidence": sum(1 for e in report.explanations if "low_confidence" in e.flags),
    }


class _RuleCounts:
    """The rules that found something: their findings, codes, worst severity
    and the points they took, for the rule filters and the rule chart."""

    def __init__(self, findings: list[Finding], parts: dict, lang: str = "zh"):
        self.findings, self.lang = findings, lang
        self.parts = parts
        self.counts = Counter(f.rule for f in findings)
        self.codes = {f.rule: f.code for f in findings}
        self.codes.update({rule: p.get("code", self.codes.get(rule, "")) for rule, p in parts.items()})

    def score_parts(self) -> list[dict]:
        parts = ({"rule": r, "title": rule_title(r), "zh": self._name(r), **p} for r, p in self.parts.items())
        return sorted(parts, key=lambda p: (-p.get("points", 0.0), p.get("code", "")))

    def filters(self) -> list[dict]:
        rules = sorted(self.counts, key=lambda r: (self.codes.get(r, ""), r))
        return [
            {"value": r, "code": self.codes.get(r, ""), "title": rule_title(r), "zh": self._name(r), "count": self.counts[r]}
            for r in rules
        ]

    def bars(self) -> list[tuple[str, int, str, str]]:
        rules = sorted(self.counts, key=lambda r: (-self.counts[r], self.codes.get(r, "")))
        return [(f"{self.codes.get(r, '')} {self._name(r)}", self.counts[r], self._colour(r), self._points(r)) for r in rules]

    def _name(self, rule: str) -> str:
        """The rule's name as the page's reader reads it."""
        return (rule_zh(rule) or rule) if self.lang == "zh" else rule

    def _colour(self, rule: str) -> str:
        worst = min((Severity(f.severity) for f in self.findings if f.rule == rule), key=lambda s: s.rank, default=Severity.INFO)
        return _SEVERITY_COLOUR[worst]

    def _points(self, rule: str) -> str:
        part = self.parts.get(rule, {})
        return f"−{part['points']:.1f}" if "points" in part else ""


def _finding_row(f: Finding, capacity: float, lang: str) -> dict:
    return {
        "code": f.code,
        "rule": f.rule,
        "name": (rule_zh(f.rule) or f.rule) if lang == "zh" else f.rule,
        "severity": f.severity,
        "message": f.text(lang),
        "targets": list(dict.fromkeys(f.targets)),
        # a figures rule's finding on the statements alone is where its cell is
        "where": where(f.location, lang) if f.location or not f.cell else f.cell.where(lang),
        "cell": f.cell.describe(lang) if f.cell else "",  # the statement's cell it rests on
        "penalty": f.penalty,
        # the points of the score this finding took (score_parts' unit)
        "points": 100 * f.penalty / capacity if capacity else 0.0,
    }


def _missing_row(m, by_target, lang: str) -> dict:
    s = m.statement
    return {
        "id": m.id,
        "section": " › ".join(m.section),
        "item": s.item,
        "statement": s.text,
        "direction": _DIRECTION_ZH.get(s.direction, s.direction) if lang == "zh" else s.direction,
        "change": s.change,
        "change_pct": s.change_pct,
        "where": where(m.location, lang),
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


def segments(report: Report, by_target: dict[str, list[Finding]] | None = None, lang: str = "zh") -> list[Segment]:
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
        out.append(_highlight(text[start:end], kind, item, by_target.get(item.id, []), pending, lang))
        pending = []
        pos = end
    if pos < len(text) or pending:
        out.append(Segment(text[pos:], anchors=pending))
    return out


def _clip(span: tuple[int, int], n: int) -> tuple[int, int]:
    start, end = span
    start = min(max(0, start), n)
    return start, min(max(start, end), n)


def _highlight(text: str, kind: str, item, findings: list[Finding], anchors: list[str], lang: str) -> Segment:
    marks = {
        "rules": " ".join(sorted({f.rule for f in findings}) or [NO_FINDING]),
        "codes": sorted({(f.code, f.severity) for f in findings}),
        "worst": min((f.severity for f in findings), key=_severity_rank, default=None),
        "lines": [f"{f.code} {(rule_zh(f.rule) or f.rule) if lang == 'zh' else f.rule}: {f.text(lang)}" for f in findings],
    }
    if kind == "missing":
        return _missing_segment(text, item, marks, anchors, lang)
    return _explanation_segment(text, item, marks, anchors, lang)


def _missing_segment(text: str, item, marks: dict, anchors: list[str], lang: str) -> Segment:
    title = [f"{item.id} · {WORDS[lang]['change_no_reason']}", item.statement.item, *marks["lines"]]
    attrs = {
        "id": item.id,
        "class": "hl missing",
        "data-id": item.id,
        "data-labels": "",
        "data-rules": marks["rules"],
        "title": "\n".join(title),
    }
    badge = {"id": item.id, "label": "缺少原因", "conf": None, "vague": False, "more": 0, "codes": marks["codes"], "worst": marks["worst"]}
    return Segment(text, "missing", attrs, list(anchors), badge)


def _explanation_segment(text: str, item, marks: dict, anchors: list[str], lang: str) -> Segment:
    causes = item.causes
    first = causes[0] if causes else None
    attrs = {
        "id": item.id,
        "class": "hl expl" + (" low" if "low_confidence" in item.flags else ""),
        "style": f"--hl: {label_colour(first.label if first else None)}",
        "data-id": item.id,
        "data-labels": " ".join(sorted({label_key(c.label) for c in causes}) or [UNLABELLED]),
        "data-rules": marks["rules"],
        "title": "\n".join([*_explanation_title(item, lang), *marks["lines"]]),
    }
    badge = {
        "id": item.id,
        "label": label_name(first.label if first else None),
        "conf": first.confidence if first else None,
        "vague": any(c.vague for c in causes),
        "more": len(causes) - 1,
        "codes": marks["codes"],
        "worst": marks["worst"],
    }
    return Segment(text, "explanation", attrs, list(anchors), badge)


def _explanation_title(item, lang: str) -> list[str]:
    """The hover text's lines: the explanation, then each cause with its label."""
    words = WORDS[lang]
    title = [f"{item.id} · {item.kind}" + (" · " + ", ".join(item.flags) if item.flags else "")]
    for n, c in enumerate(item.causes, 1):
        conf = f" {c.confidence:.2f}" if c.confidence is not None else ""
        vague = f" · {words['vague']}" if c.vague else ""
        title.append(f"{words['cause'].format(n)}: {label_name(c.label, lang)}{conf}{vague} — {c.text}")
    return title


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
