"""The single-report HTML page (`nlp.report.html.render_html`): what it shows,
that document text is always escaped, that it needs nothing from the network,
and — in headless Chromium, when /usr/bin/chromium is installed — that the
page's script runs without errors, the filters work and a hostile report's
markup does not run."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nlp import analyze
from nlp.model import Cause
from nlp.report.html import render_html, segments
from nlp.score import worst_first
from nlp.vocabulary import UNLABELLED_ZH
from tests.html_tags import Tags

REPO = Path(__file__).resolve().parent.parent

# An invented report in the genre: one reason given for three items (JS301,
# and vague: JS201), a change with no reason (JS101), a performance-table row
# whose target was met yet gives a deviation reason (JS601), and one good
# explanation.
REPORT = "\n".join([
    "江滨区档案馆2024年度部门决算公开说明",
    "",
    "第二部分 部门决算情况说明",
    "",
    "一、一般公共预算财政拨款支出决算具体情况",
    "",
    "1.一般公共服务支出（类）档案事务（款）行政运行（项）：支出决算数为 210.50 万元，比上年决算增加 20.50 万元，增长 10.79%，主要原因是：根据工作安排，相关支出相应增加。",
    "",
    "2.一般公共服务支出（类）档案事务（款）档案馆（项）：支出决算数为 96.00 万元，比上年决算增加 12.00 万元，增长 14.29%，主要原因是：根据工作安排，相关支出相应增加。",
    "",
    "3.一般公共服务支出（类）档案事务（款）其他档案事务支出（项）：支出决算数为 48.00 万元，比上年决算增加 8.00 万元，增长 20.00%，主要原因是：根据工作安排，相关支出相应增加。",
    "",
    "4.社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）：支出决算数为 30.00 万元，比上年决算增加 3.00 万元，增长 11.11%。",
    "",
    "5.住房保障支出（类）住房改革支出（款）住房公积金（项）：支出决算数为 18.00 万元，比上年决算增加 1.20 万元，增长 7.14%，主要原因是新录用工作人员 2 名。",
    "",
    "二、预算绩效情况说明",
    "",
    "项目支出绩效自评表",
    "项目名称\t馆藏档案数字化项目",
    "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
    "产出指标\t数量指标\t档案数字化完成率\t=100%\t=100%\t10\t10\t项目论证不足",
    "",
])

# Markup in the document itself: in a reason (so findings quote it too), in
# plain text, in an attribute-breaking form, and in the source name. Each
# would leave a mark on the page if it ran.
SCRIPT = "<script>window.__pwned=1;document.documentElement.setAttribute('data-pwned','script')</script>"
IMG = "\"><img src=x onerror=\"window.__pwned=1;document.documentElement.setAttribute('data-pwned','img')\">"
HOSTILE = REPORT.replace("新录用工作人员 2 名", "新录用工作人员 2 名" + SCRIPT) + "\n".join([
    "",
    "三、其他说明",
    "",
    f"本部门无其他需说明的事项{IMG}。",
    "",
    "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=1\">",
    "",
])
HOSTILE_NAME = 'evil"><script>window.__pwned=1</script>.txt'


@pytest.fixture(scope="module")
def report():
    return analyze("江滨区档案馆.txt", text=REPORT)


@pytest.fixture(scope="module")
def page(report):
    return render_html(report)


@pytest.fixture(scope="module")
def hostile_page():
    return render_html(analyze(HOSTILE_NAME, text=HOSTILE))


# ------------------------------------------------------------------- unit


def test_the_invented_report_triggers_the_findings_shown(report):
    codes = {f.code for f in report.findings}
    assert {"JS101", "JS201", "JS301", "JS601"} <= codes, codes
    assert any(e.kind == "performance_table" for e in report.explanations)
    assert report.missing


def test_page_shows_findings_worst_first_each_linking_to_its_explanation(report, page):
    tags = Tags(page)
    items = [a for t, a in tags.tags if t == "li" and "finding" in a.get("class", "")]
    assert len(items) == len(report.findings)
    # figures contradicted first, then missing reasons, then style; costliest first within each
    assert [a["data-rule"] for a in items] == [f.rule for f in worst_first(report.findings)]
    assert items[0]["data-rule"] == "contradiction"
    links = {a["href"] for t, a in tags.tags if t == "a" and a.get("href", "").startswith("#")}
    for f in report.findings:
        assert f.code in page
        for target in f.targets:
            assert f"#{target}" in links
            assert tags.by_id(target) is not None, f"no anchor for {target}"


def test_every_explanation_and_missing_statement_is_highlighted_once(report, page):
    tags = Tags(page)
    for e in report.explanations:
        _tag, attrs = tags.by_id(e.id)
        assert "hl expl" in attrs["class"]
        assert attrs["data-id"] == e.id
        assert UNLABELLED_ZH in attrs["title"] or all(c.label for c in e.causes)
    for m in report.missing:
        _, attrs = tags.by_id(m.id)
        assert "hl missing" in attrs["class"]
    ids = [a["id"] for _, a in tags.tags if "id" in a]
    assert len(ids) == len(set(ids)), "duplicate element ids"


def test_segments_cover_the_text_exactly(report):
    segs = segments(report)
    assert "".join(s.text for s in segs) == report.text
    kinds = [s.kind for s in segs]
    assert kinds.count("explanation") == len(report.explanations)
    assert kinds.count("missing") == len(report.missing)


def test_overlapping_spans_keep_an_anchor(report):
    """A span inside an earlier one (should extraction ever produce one) is
    clipped, but links to it still land."""
    import copy

    r = copy.deepcopy(report)
    e1, e2 = r.explanations[0], r.explanations[1]
    e2.span = (e1.span[0] + 2, e1.span[1] - 2)
    segs = segments(r)
    assert "".join(s.text for s in segs) == r.text
    assert any(e2.id in s.anchors for s in segs)
    assert f'id="{e2.id}"' in render_html(r)


def test_header_has_score_parts_and_counts(report, page):
    assert f"{report.score:.1f}" in page
    for part in report.score_parts["by_rule"].values():
        assert f"−{part['points']:.1f}" in page
        assert part["code"] in page
    assert f"说明 <b>{len(report.explanations)}</b>" in page
    assert f"未说明原因的变动 <b>{len(report.missing)}</b>" in page
    english = render_html(report, lang="en")
    assert f"explanations <b>{len(report.explanations)}</b>" in english
    assert f"changes without a reason <b>{len(report.missing)}</b>" in english


def test_charts_are_inline_svg_with_chinese_labels(page):
    assert page.count("<svg") == 2
    assert "原因含糊" in page and "缺少原因" in page  # findings by rule
    assert "各类别原因数" in page and "各规则问题数" in page


def test_labels_colour_and_badge_the_highlights():
    r = analyze("x.txt", text=REPORT)
    for e in r.explanations:
        e.causes = [Cause(c.text, "staffing", 0.87, False) for c in e.causes]
    html = render_html(r)
    assert "人员与薪酬" in html and "0.87" in html
    assert "--hl: #bbf7d0" in html  # staffing's colour
    assert 'value="staffing"' in html and UNLABELLED_ZH not in html.split('id="label-filters"')[1].split("</div>")[0]


def test_unlabelled_causes_are_shown_as_such():
    page = render_html(analyze("江滨区档案馆.txt", text=REPORT, model=None))
    assert UNLABELLED_ZH in page
    assert 'value="_unlabelled"' in page


def test_page_is_self_contained(page):
    tags = Tags(page)
    assert not [t for t, a in tags.tags if t in ("link", "iframe", "img", "object", "embed")]
    assert not [a for t, a in tags.tags if "src" in a]
    assert "http://" not in page and "https://" not in page and "//cdn" not in page
    assert "@import" not in page and "url(" not in page
    assert page.count("<script") == 1 and page.count("<style") == 1


def test_document_text_is_escaped(hostile_page):
    html = hostile_page
    assert "<script>window.__pwned" not in html
    assert "<img src=x" not in html and "<img" not in html
    assert "onerror=\"window" not in html
    assert "&lt;script&gt;window.__pwned=1" in html  # shown as text
    tags = Tags(html)
    assert [t for t, _ in tags.tags].count("script") == 1
    assert not [t for t, _ in tags.tags if t == "img"]
    assert not [a for _, a in tags.tags if any(k.startswith("on") for k in a)]
    # the payload is still readable, as text, in the report's text and the source name
    text = "".join(tags.text)
    assert "<script>window.__pwned=1</script>" in text
    assert HOSTILE_NAME in text


def test_a_report_without_anything_renders():
    r = analyze("empty.txt", text="本部门2024年度无需说明的事项。")
    html = render_html(r)
    assert "无问题。" in html and "empty.txt" in html
    assert "No findings." in render_html(r, lang="en")


# ---------------------------------------------------------------- browser

CHROMIUM = "/usr/bin/chromium"
browser = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed (apt-get install -y chromium)")

# Run after the page's own script: exercises the filters and writes what it
# saw into the DOM, where --dump-dom shows it.
FILTER_PROBE = """<script>
(function () {
  function shown() { return [].slice.call(document.querySelectorAll("li.finding")).filter(function (li) { return !li.hidden; }).map(function (li) { return li.dataset.rule; }); }
  function on() { return [].slice.call(document.querySelectorAll(".hl[data-id]")).filter(function (el) { return !el.classList.contains("off"); }).map(function (el) { return el.dataset.id; }); }
  function click(sel) { document.querySelector(sel).click(); }
  function set(kind, value, checked) { var b = document.querySelector('input[data-filter="' + kind + '"][value="' + value + '"]'); b.checked = checked; b.dispatchEvent(new Event("change")); }
  var out = {all: {findings: shown(), on: on()}};
  click('button[data-none="rule"]');
  out.none = {findings: shown(), on: on()};
  set("rule", "missing", true);
  out.missing = {findings: shown(), on: on()};
  click('button[data-all="rule"]');
  click('button[data-none="label"]');
  out.nolabel = {findings: shown(), on: on()};
  document.body.dataset.probe = JSON.stringify(out);
})();
</script>"""


def _dump_dom(html: str, tmp_path: Path) -> tuple[str, str]:
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    proc = subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
            "--virtual-time-budget=2000", "--dump-dom", path.as_uri(),
        ],
        capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=90, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, proc.stderr


@browser
def test_in_chromium_the_page_runs_filters_work_and_the_payload_does_not_run(tmp_path):
    report = analyze(HOSTILE_NAME, text=HOSTILE)
    html = render_html(report).replace("</body>", FILTER_PROBE + "\n</body>")
    dom, log = _dump_dom(html, tmp_path)

    tags = Tags(dom)
    root = dict(next(a for t, a in tags.tags if t == "html"))
    body = dict(next(a for t, a in tags.tags if t == "body"))
    # the page's script ran to its end, without an uncaught error
    assert body.get("data-ready") == "1", log[-2000:]
    errors = [line for line in log.splitlines() if "CONSOLE" in line and ("Uncaught" in line or "Error" in line)]
    assert not errors, errors
    # the hostile markup did not run and created no element
    assert "data-pwned" not in root and "data-pwned" not in body
    assert not [t for t, _ in tags.tags if t == "img"]
    assert [t for t, _ in tags.tags if t == "script"].count("script") == 2  # the page's and the probe
    assert not [a for _, a in tags.tags if any(k.startswith("on") for k in a)]
    # the findings are in the rendered DOM, linked to their explanations
    items = [a for t, a in tags.tags if t == "li" and "finding" in a.get("class", "")]
    assert {a["data-rule"] for a in items} == {f.rule for f in report.findings}
    for f in report.findings:
        for target in f.targets:
            assert tags.by_id(target) is not None

    # the filters
    probe = json.loads(body["data-probe"])
    ids = {e.id for e in report.explanations} | {m.id for m in report.missing}
    assert sorted(probe["all"]["findings"]) == sorted(f.rule for f in report.findings)
    assert set(probe["all"]["on"]) == ids
    assert probe["none"] == {"findings": [], "on": []}
    n_missing = sum(f.rule == "missing" for f in report.findings)
    assert probe["missing"]["findings"] == ["missing"] * n_missing
    assert set(probe["missing"]["on"]) == {m.id for m in report.missing}
    # no label checked: only what names no explanation (the missing statements) stays
    assert set(probe["nolabel"]["on"]) == {m.id for m in report.missing}
    assert set(probe["nolabel"]["findings"]) == {"missing"}


@browser
def test_screenshot_script(tmp_path):
    png = tmp_path / "shot.png"
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "html_screenshot.py"), "-o", str(png), "--height", "900"],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert re.search(r"score [\d.]+", proc.stdout)
    assert png.with_suffix(".html").exists()

