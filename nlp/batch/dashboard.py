"""dashboard.html: one offline, self-contained page about a batch run.

Inline CSS and inline SVG only (no script, no network): the score
distribution, findings by rule, cause labels by section, the most repeated
explanations across reports, and the worst reports with links to their
single-report pages. Every text that comes from a document is escaped.
"""
from __future__ import annotations

from html import escape
from statistics import median

from nlp.batch.build import DISAGREE
from nlp.rules import corpus_rules, find_rule
from nlp.vocabulary import UNLABELLED_ZH, label_zh

CSS = """
:root{--ink:#1f2937;--mute:#6b7280;--line:#e5e7eb;--accent:#2563eb;--bad:#dc2626;--warn:#d97706}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 "Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif;color:var(--ink);background:#f8fafc}
header{background:#1e3a8a;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.85}
main{padding:20px 28px;display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:20px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 18px}
section.wide{grid-column:1/-1}
h2{font-size:16px;margin:0 0 10px}
h2 small{color:var(--mute);font-weight:normal;margin-left:6px}
.cards{display:flex;flex-wrap:wrap;gap:12px;grid-column:1/-1}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:140px}
.card b{display:block;font-size:24px}
.card span{color:var(--mute);font-size:12px}
.card.bad b{color:var(--bad)}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f1f5f9;font-weight:600;font-size:13px}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.q{max-width:520px}
.score{font-weight:700}
.low{color:var(--bad)}
.mid{color:var(--warn)}
a{color:var(--accent)}
.mute{color:var(--mute)}
footer{padding:8px 28px 24px;color:var(--mute);font-size:12px}
svg text{font-family:inherit}
"""


def _bar_colour(lo: float) -> str:
    return "#dc2626" if lo < 40 else "#f59e0b" if lo < 70 else "#16a34a"


def score_histogram(scores, width: int = 520, height: int = 220) -> str:
    bins = [0] * 10
    for s in scores:
        bins[min(9, max(0, int(s // 10)))] += 1
    step = _nice_step(max(bins) or 1)
    ticks = -(-(max(bins) or 1) // step)
    top = step * ticks
    left, bottom, bw = 40, 28, (width - 50) / 10
    inner = height - bottom - 14
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="score distribution">']
    for i in range(ticks + 1):
        y = 10 + inner * i / ticks
        v = top - step * i
        parts.append(f'<line x1="{left}" x2="{width - 6}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e7eb"/><text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#6b7280">{v}</text>')
    for i, n in enumerate(bins):
        h = inner * n / top
        x = left + i * bw + 3
        parts.append(f'<rect x="{x:.1f}" y="{10 + inner - h:.1f}" width="{bw - 6:.1f}" height="{h:.1f}" fill="{_bar_colour(i * 10)}"><title>{i * 10}–{i * 10 + 10}: {n}</title></rect>')
        if n:
            parts.append(f'<text x="{x + (bw - 6) / 2:.1f}" y="{10 + inner - h - 3:.1f}" font-size="11" text-anchor="middle">{n}</text>')
        parts.append(f'<text x="{x + (bw - 6) / 2:.1f}" y="{height - 12}" font-size="11" text-anchor="middle" fill="#374151">{i * 10}</text>')
    parts.append(f'<text x="{width - 6}" y="{height - 1}" font-size="11" text-anchor="end" fill="#6b7280">score 分数</text></svg>')
    return "".join(parts)


def _nice_step(top: int, ticks: int = 4) -> int:
    """A round step (1, 2, 5 × 10^k) giving about `ticks` gridlines up to top."""
    raw = max(1.0, top / ticks)
    k = 10 ** (len(str(int(raw))) - 1)
    for m in (1, 2, 5, 10):
        if m * k >= raw:
            return int(m * k)
    return int(10 * k)


def rule_bars(counts: list[tuple[str, str, int]], width: int = 520, lang: str = "zh") -> str:
    if not counts:
        return '<p class="mute">No findings.</p>'
    row, label_w = 24, 210
    top = max(c for _, _, c in counts) or 1
    height = row * len(counts) + 6
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="findings by rule">']
    for i, (code, name, n) in enumerate(counts):
        y = 3 + i * row
        w = (width - label_w - 60) * n / top
        rule = find_rule(code)
        colour = "#7c3aed" if rule and rule.scope == "corpus" else "#2563eb"
        label = f"{code} {rule.zh if rule and lang == 'zh' else name}"
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" font-size="12" text-anchor="end">{escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row - 8}" fill="{colour}" rx="2"><title>{escape(name)}: {n}</title></rect>'
                     f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" font-size="12">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def labels_by_section(counter, labels: list[str], limit: int = 14) -> str:
    sections: dict[str, int] = {}
    present = set()
    for (section, label), n in counter.items():
        sections[section] = sections.get(section, 0) + n
        present.add(label)
    if not sections:
        return '<p class="mute">No explanations.</p>'
    cols = [label for label in labels if label in present] + sorted(present - set(labels))
    rows = sorted(sections, key=lambda s: (-sections[s], s))[:limit]
    top = max((counter[(s, label)] for s in rows for label in cols), default=1) or 1
    head = "".join(f'<th class="n">{escape(_label_zh(label))}<br><span class="mute">{escape(label)}</span></th>' for label in cols)
    body = []
    for s in rows:
        cells = []
        for label in cols:
            n = counter[(s, label)]
            alpha = 0.08 + 0.8 * n / top if n else 0
            cells.append(f'<td class="n" style="background:rgba(37,99,235,{alpha:.2f});{"color:#fff" if alpha > 0.5 else ""}">{n or ""}</td>')
        body.append(f"<tr><td>{escape(s)}</td>{''.join(cells)}<td class=\"n\">{sections[s]}</td></tr>")
    more = f'<p class="mute">{len(sections) - len(rows)} more sections not shown.</p>' if len(sections) > len(rows) else ""
    return f'<table><tr><th>部分 section</th>{head}<th class="n">all</th></tr>{"".join(body)}</table>{more}'


def _label_zh(label: str) -> str:
    return UNLABELLED_ZH if label == "unlabelled" else label_zh(label)


def repeated_table(result, quotes: dict[int, str], identities) -> str:
    if not result.top:
        return '<p class="mute">No reason appears in more than one report.</p>'
    rows = []
    for k, c in enumerate(result.top):
        quote = quotes.get(k, "")
        shown = quote if len(quote) <= 90 else quote[:89] + "…"
        examples = "<br>".join(escape(_who(identities[j])) for j in c.sample[:3])
        years = "、".join(str(y) for y in c.years) or "—"
        rows.append(f'<tr><td class="n">{k + 1}</td><td class="q">{escape(shown)}</td><td class="n">{c.documents}</td><td class="n">{c.units}</td><td>{years}</td><td class="mute">{examples}</td></tr>')
    return ('<table><tr><th class="n">#</th><th>原因 reason</th><th class="n">reports</th><th class="n">units</th><th>years</th><th>e.g.</th></tr>'
            + "".join(rows) + "</table>")


def worst_table(worst: list[tuple], links: dict[str, str]) -> str:
    if not worst:
        return '<p class="mute">No scored reports.</p>'
    rows = []
    for w in worst:
        cls = "low" if w.score < 40 else "mid" if w.score < 70 else ""
        link = f'<a href="{escape(links[w.sha256])}">打开 open</a>' if w.sha256 in links else '<span class="mute">—</span>'
        rows.append(f'<tr><td class="n score {cls}">{w.score:.1f}</td><td>{escape(w.identity.unit or "?")}</td><td>{w.identity.year or "?"}</td>'
                    f'<td class="n">{w.findings}</td><td class="mute">{escape(w.identity.source)}</td><td>{link}</td></tr>')
    return ('<table><tr><th class="n">score</th><th>单位 unit</th><th>year</th><th class="n">findings</th><th>source</th><th>page</th></tr>'
            + "".join(rows) + "</table>")


def not_scored_section(count: int, shown: list, links: dict[str, str]) -> str:
    """The reports in which no change statement was recognised: listed, not
    averaged (their score is null, not 100)."""
    if not count:
        return ""
    rows = []
    for w in shown:
        link = f'<a href="{escape(links[w.sha256])}">打开 open</a>' if w.sha256 in links else '<span class="mute">—</span>'
        rows.append(f'<tr><td>未评分</td><td>{escape(w.identity.unit or "?")}</td><td>{w.identity.year or "?"}</td>'
                    f'<td class="mute">{escape(w.identity.source)}</td><td>{link}</td></tr>')
    more = f'<p class="mute">… {count - len(shown)} more in documents.csv (status not_scored)</p>' if count > len(shown) else ""
    return ('<section class="wide" id="not-scored"><h2>未评分的报告 Not scored<small>未识别到任何变动说明，不予评分 · '
            'no change statement recognised</small></h2><table><tr><th>状态 status</th><th>单位 unit</th><th>year</th>'
            '<th>source</th><th>page</th></tr>' + "".join(rows) + f"</table>{more}</section>")


def statements_section(agg, reports: int, lang: str = "zh") -> str:
    """The reports held to their statements (决算报表): how many had any read,
    how many disagree with their text or within and between the tables
    (JS505–JS510), how many lack tables (JS504) or leave a 项's budget gap
    unexplained (JS102); counted by report."""
    def line(label: str, n: int, bad: bool = True) -> str:
        cls = ' class="n low"' if bad and n else ' class="n"'
        return f"<tr><td>{escape(label)}</td><td{cls}>{n}</td></tr>"

    def rule(code: str) -> str:
        r = find_rule(code)
        return f"{code} {(r.name.replace('_', ' ') if lang == 'en' else r.zh) if r else ''}"

    rows = [line("读到决算报表的报告 reports with statements read", agg.with_statements, bad=False),
            line("报表与正文或报表之间不符的报告 reports whose statements disagree (JS505–JS510)", agg.reconciled["disagree"])]
    rows += [line(f"　其中 of which {rule(code)}", agg.reconciled[code]) for code in sorted(DISAGREE)]
    rows.append(line(f"报表缺失的报告 reports missing statements ({rule('JS504')})", agg.reconciled["JS504"]))
    rows.append(line(f"预决算差异未说明的报告 reports leaving a budget gap unexplained ({rule('JS102')})", agg.reconciled["JS102"]))
    return ('<section id="statements"><h2>报表核对 Statements vs text<small>'
            f'{reports} 份报告 reports · statements.csv, findings.csv</small></h2>'
            '<table><tr><th>报告 reports</th><th class="n">份数 count</th></tr>' + "".join(rows) + "</table></section>")


def _who(identity) -> str:
    if identity.unit:
        return f"{identity.unit} {identity.year or ''}".strip()
    return identity.source


def write_dashboard(path: str, agg, identities, links: dict[str, str], *, errors: int, rules, labels, note: str = "",
                    lang: str = "zh") -> None:
    """The run's overview page; rule names in `lang` ("zh" or "en"), the headings Chinese first."""
    import nlp

    scores = list(agg.scores)
    result = agg.result
    rule_counts = sorted(((code, name, n) for (code, name), n in agg.rules.items()), key=lambda t: t[0])
    shown = {code for code, _, _ in rule_counts}
    every_corpus_rule = corpus_rules()
    # The corpus rules of the run are shown even when they found nothing.
    rule_counts += [(r.code, r.name, 0) for r in every_corpus_rule if r.code not in shown and (r.code, r.name) in rules]
    med = f"{median(scores):.1f}" if scores else "—"
    cards = [
        (len(identities), "份报告 reports analysed", ""),
        (errors, "个文件失败 files failed (errors.csv)", "bad" if errors else ""),
        (agg.explanations, "条原因 causes", ""),
        (med, "中位分 median score", ""),
        (agg.not_scored, "份未评分 not scored (no change statement recognised)", "bad" if agg.not_scored else ""),
        (sum(agg.severity.values()), "个问题 findings", ""),
    ]
    for r in every_corpus_rule:
        n = result.count(r.code)
        cards.append((n, f"{r.code} {r.zh} {r.name.replace('_', ' ')}", "bad" if n and r.severity != "info" else ""))
    cards_html = "".join(f'<div class="card {cls}"><b>{escape(str(v))}</b><span>{escape(label)}</span></div>' for v, label, cls in cards)
    if errors:
        cards_html += '<div class="card"><b><a href="errors.csv">errors.csv</a></b><span>what failed and why</span></div>'
    html = f"""<!DOCTYPE html>
<html lang="{'en' if lang == 'en' else 'zh-CN'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>juesuan batch dashboard 决算说明批量筛查</title><style>{CSS}</style></head>
<body>
<header><h1>决算说明批量筛查 · Batch screening</h1><p>{len(identities)} reports · {agg.explanations} causes · tables in documents / explanations / findings / statements (.csv, .parquet, report.xlsx)</p></header>
<main>
<div class="cards">{cards_html}</div>
<section><h2>分数分布 Score distribution<small>reports per 10 points</small></h2>{score_histogram(scores)}</section>
<section><h2>问题分布 Findings by rule<small>JS8xx: across reports</small></h2>{rule_bars(rule_counts, lang=lang)}</section>
{statements_section(agg, len(identities), lang)}
<section class="wide"><h2>各部分原因类别 Cause labels by section</h2>{labels_by_section(agg.by_section, labels)}</section>
<section class="wide"><h2>重复最多的原因 Most repeated explanations<small>near-identical reasons across reports</small></h2>{repeated_table(result, agg.quotes, identities)}</section>
<section class="wide"><h2>得分最低的报告 Worst reports<small>lowest scores first</small></h2>{worst_table(agg.worst_sorted(), links)}</section>
{not_scored_section(agg.not_scored, agg.not_scored_shown, links)}
</main>
<footer>juesuan {escape(nlp.__version__)} · scores are per report (juesuan score); {"/".join(r.code for r in every_corpus_rule)} compare the reports of this run.{(" · " + escape(note)) if note else ""}</footer>
</body></html>
"""
    with open(path + ".part", "w", encoding="utf-8") as f:
        f.write(html)
    import os

    os.replace(path + ".part", path)
