"""Readers that account for every character (tests/hostile_readers.py):
text a reader sees is read wherever the file keeps it, and text a reader never
sees is not counted as a reason but reported (JS901), through the API, the
CLI's `score` and `batch`."""
from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path

import pytest

from nlp import InputError, analyze
from nlp.readers import read_bytes
from tests import hostile_readers as H

pytest.importorskip("reportlab")

REAL_PDFS = Path(__file__).resolve().parents[2] / "shared" / "real_pdfs"

SEEN = {
    **{f"seen_{n}": (lambda xml=xml: H._docx(xml)) for n, (_, xml) in H.DOCX_SEEN.items()},
    **{f"seen_{n}": (lambda xml=xml, parts=parts: H._docx(xml, parts=parts)) for n, (_, xml, parts) in H.DOCX_SEEN_PARTS.items()},
    **{f"seen_{n}": (lambda special=special: H._html(special)) for n, (_, special) in H.HTML_SEEN.items()},
    "seen_xhtml.html": H.xhtml,
    "seen_late_html.txt": H.late_html,
    **{f"seen_{n}": (lambda draw=draw: H.report_pdf_with(draw)) for n, (_, draw) in H.PDF_SEEN.items()},
}
HIDDEN = {
    **{f"hidden_{n}": (lambda xml=xml, st=st: H._docx(xml, st), why) for n, (_, xml, st, why) in H.DOCX_HIDDEN.items() if why},
    **{f"hidden_{n}": (lambda special=special: H._html(special), why) for n, (_, special, why) in H.HTML_HIDDEN.items()},
    **{f"hidden_{n}": (lambda draw=draw: H.report_pdf_with(draw), why) for n, (_, draw, why) in H.PDF_HIDDEN.items()},
}


def _item(report):
    explained = [e for e in report.explanations if e.statement and H.ITEM in e.statement.item]
    missing = [m for m in report.missing if H.ITEM in m.statement.item]
    return explained, missing


def _score_json(path: Path) -> tuple[int, dict]:
    from nlp.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["score", str(path), "--format", "json", "--exit-zero"])
    return code, json.loads(out.getvalue())


@pytest.mark.parametrize("name", list(SEEN))
def test_text_a_reader_sees_is_read_wherever_the_file_keeps_it(name, tmp_path):
    data = SEEN[name]()
    report = analyze(read_bytes(data, name), model=None)
    explained, missing = _item(report)
    assert missing == [] and len(explained) == 1, f"{name}: the statement's reason was not read"
    assert "新录用公务员3名" in explained[0].reason
    assert report.hidden == [] and "JS901" not in {f.code for f in report.findings}
    path = tmp_path / name
    path.write_bytes(data)
    code, out = _score_json(path)
    assert code == 0 and any(H.ITEM in (e["item"] or "") and "新录用公务员" in e["reason"] for e in out["explanations"])


def test_separator_notes_are_not_text():
    report = analyze(read_bytes(H._docx(*H.DOCX_SEEN_PARTS["footnote.docx"][1:2], parts=H.DOCX_SEEN_PARTS["footnote.docx"][2]), "f.docx"), model=None)
    assert "分隔线" not in report.text and report.text.count("新录用公务员3名") == 1


def test_a_text_box_is_read_once():
    report = analyze(read_bytes(H._docx(H.DOCX_SEEN["textbox.docx"][1]), "t.docx"), model=None)
    assert report.text.count("新录用公务员3名") == 1


@pytest.mark.parametrize("name", list(HIDDEN))
def test_hidden_text_is_not_a_reason_and_is_reported(name, tmp_path):
    make, why = HIDDEN[name]
    data = make()
    report = analyze(read_bytes(data, name), model=None)
    explained, missing = _item(report)
    assert explained == [] and len(missing) == 1, f"{name}: the hidden reason was counted"
    assert "新录用公务员" not in report.text
    assert [h.why for h in report.hidden] == [why] and "新录用公务员" in report.hidden[0].text
    codes = [f.code for f in report.findings]
    assert "JS101" in codes and "JS901" in codes
    hidden_finding = next(f for f in report.findings if f.code == "JS901")
    assert hidden_finding.message.startswith("文件中有读者看不到的文字") and "新录用公务员" in hidden_finding.message
    assert any("隐藏文字" in w for w in report.warnings)

    # The same file with the reason shown scores higher.
    path = tmp_path / name
    path.write_bytes(data)
    code, out = _score_json(path)
    assert code == 0 and out["hidden"][0]["why"] == why and out["warnings"]
    assert {"JS101", "JS901"} <= {f["code"] for f in out["findings"]}
    shown = tmp_path / "shown.txt"
    shown.write_text("\n".join([*H.REPORT_LINES, H.STATEMENT + H.REASON]), encoding="utf-8")
    assert _score_json(shown)[1]["score"] > out["score"]


def test_the_terminal_shows_what_the_reader_left_out(tmp_path):
    from nlp.cli import main

    path = tmp_path / "hidden.html"
    path.write_bytes(H._html(H.HTML_HIDDEN["display_none.html"][1]))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["score", str(path), "--exit-zero"])
    text = out.getvalue()
    assert "注意：1 处隐藏文字" in text and "JS901" in text


def test_a_deleted_reason_is_not_a_reason_and_the_deletion_is_said():
    report = analyze(read_bytes(H._docx(H.DOCX_HIDDEN["deleted_only.docx"][1]), "d.docx"), model=None)
    explained, missing = _item(report)
    assert explained == [] and len(missing) == 1
    assert any("删除" in w for w in report.warnings)


def test_a_page_nested_past_the_parser_limit_is_refused_in_one_line():
    data = H._html("<div>" * 3000 + "x" + "</div>" * 3000 + f"<p>{H.STATEMENT}{H.REASON}</p>")
    with pytest.raises(InputError) as e:
        read_bytes(data, "deep.html")
    assert str(e.value).startswith("deep.html: HTML") and "\n" not in str(e.value)


@pytest.mark.parametrize("make", [H.pdf_hex_flate_bomb, H.pdf_a85_flate_bomb, H.pdf_double_flate_bomb])
def test_the_pdf_pre_scan_follows_filter_chains(make):
    from nlp.readers.pdf import check_streams

    with pytest.raises(InputError, match="decompression bomb"):
        check_streams(make(), "bomb.pdf")


def test_a_page_behind_a_filter_chain_is_read():
    assert "Annual final accounts" in read_bytes(H.pdf_hex_page(), "p.pdf").pages[0]


def test_batch_reports_hidden_text(tmp_path):
    from nlp.batch.run import run_batch

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "hidden.html").write_bytes(H._html(H.HTML_HIDDEN["display_none.html"][1]))
    (folder / "seen.docx").write_bytes(H._docx(H.DOCX_SEEN["sdt_inline.docx"][1]))
    run_batch([str(folder)], str(tmp_path / "out"), workers=1, progress=False)
    with open(tmp_path / "out" / "findings.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    by_code = {(Path(r["source"]).name if "source" in r else r.get("file", ""), r["code"]) for r in rows}
    assert any(code == "JS901" and "hidden" in name for name, code in by_code), by_code
    assert not any(code in ("JS101", "JS901") and "seen" in name for name, code in by_code), by_code


@pytest.mark.skipif(not REAL_PDFS.is_dir(), reason="../shared/real_pdfs is absent")
def test_real_reports_have_no_hidden_text():
    for path in sorted(REAL_PDFS.glob("*.pdf")):
        source = read_bytes(path.read_bytes(), path.name)
        assert source.hidden == [], f"{path.name}: {source.hidden[:3]}"
