"""Helpers for the extraction tests (test_extract_*.py): fixture texts, running
the CLI as a user would, and making PDFs on the fly (no binary fixtures are
committed)."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLE = REPO / "examples" / "城西区文化和旅游局2024年度部门决算.txt"

def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


class CliResult:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.code = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    def json(self) -> dict:
        return json.loads(self.stdout)


def run_cli(*args: str | os.PathLike, timeout: float = 60) -> CliResult:
    """`python -m nlp ARGS` in a fresh process, as a user runs `juesuan ARGS`."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHONIOENCODING"] = "utf-8"
    proc = subprocess.run(
        [sys.executable, "-m", "nlp", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        cwd=str(REPO),
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return CliResult(proc)


# -- PDFs ---------------------------------------------------------------------

def _cjk_font() -> str:
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # built in, no font file needed
    return "STSong-Light"


def make_pdf(pages: list[list[str]], footer: list[str] | None = None) -> bytes:
    """A PDF with one text line per entry; `footer[i]` is drawn at the bottom
    of page i (a page number), like a printed report."""
    font = _cjk_font()
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i, lines in enumerate(pages):
        c.setFont(font, 10.5)
        y = 800
        for line in lines:
            c.drawString(40, y, line)
            y -= 18
        if footer:
            c.drawString(290, 30, footer[i])
        c.showPage()
    c.save()
    return buf.getvalue()


def make_table_pdf(before: list[str], rows: list[list[str]], after: list[str]) -> bytes:
    """A one-page PDF with paragraphs and a ruled table (as the 绩效自评表 is printed)."""
    font = _cjk_font()
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    style = ParagraphStyle("zh", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    table = Table(rows)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 8), ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    buf = io.BytesIO()
    SimpleDocTemplate(buf).build([Paragraph(t, style) for t in before] + [table] + [Paragraph(t, style) for t in after])
    return buf.getvalue()
