"""Issue 17's performance target: reading the statements (决算报表) may at most
double the time to score the five real PDFs. Both measured in this run:

- baseline: analyze() (what `juesuan score` runs, the classifier included)
  with the statement tables not read (`nlp.accounts.raw.pdf_tables` made to
  return nothing: the pipeline as it was before issue 17);
- statements: analyze() as it is.

Median of 3 runs each, interleaved, after one warm-up. A second table
compares three ways to read the statement pages: pdfplumber's table finder
(rows and cells from the ruling), pdfplumber's word positions (where a
reader of unruled tables would start, before grouping words into rows and
columns) and the grids read from pdfium's lines and characters
(nlp.accounts.ruled, what the reader uses).

A third compares the two spreadsheet readers on a generated workbook of the
nine statements (60 rows each): ours (nlp.xlsx, streaming, what the reader
uses) and openpyxl (read-only, cached values).

Input: ../shared/real_pdfs (skipped when absent). Prints a table, exits 0.
Run:  python bench/bench_statements.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from unittest import mock

REPO = Path(__file__).resolve().parent.parent
PDFS = REPO.parent / "shared" / "real_pdfs"
RUNS = 3
sys.path.insert(0, str(REPO))


def _time(path, baseline: bool) -> float:
    from nlp import analyze

    start = time.perf_counter()
    if baseline:
        with mock.patch("nlp.accounts.raw.pdf_tables", return_value=[]):
            analyze(path)
    else:
        analyze(path)
    return time.perf_counter() - start


def _finders(path) -> tuple[float, float, float, int]:
    """Seconds for the table finder, word positions and pdfium's grids on the statement pages."""
    import pdfplumber
    import pypdfium2 as pdfium

    from nlp.accounts.raw import statement_pages
    from nlp.accounts.ruled import page_grids

    pdf = pdfium.PdfDocument(str(path))
    pages = statement_pages([pdf[i].get_textpage().get_text_range() for i in range(len(pdf))])
    timings = []
    for finder in (lambda p: [t.extract() for t in p.find_tables()], lambda p: p.extract_words()):
        with pdfplumber.open(path) as doc:  # a fresh document each: pdfplumber caches a page's characters
            start = time.perf_counter()
            for i in pages:
                finder(doc.pages[i])
            timings.append(time.perf_counter() - start)
    fresh = pdfium.PdfDocument(str(path))
    start = time.perf_counter()
    for i in pages:
        page = fresh[i]
        page_grids(page, page.get_textpage())
    timings.append(time.perf_counter() - start)
    return timings[0], timings[1], timings[2], len(pages)


def _workbooks() -> tuple[float, float]:
    """Seconds to read every cell of a generated workbook: nlp.xlsx, openpyxl."""
    import io

    import openpyxl

    from nlp.xlsx import read_sheets

    book = openpyxl.Workbook()
    for n in range(9):
        sheet = book.create_sheet(f"表{n + 1}")
        sheet.append([f"表{n + 1} 决算表"])
        for r in range(60):
            sheet.append([f"{201 + r}", f"科目{r}", *[round(1000 + r * 1.37 + c, 2) for c in range(6)]])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    timings = []
    for read in (
        lambda: read_sheets(io.BytesIO(data), "bench.xlsx"),
        lambda: [list(s.iter_rows(values_only=True))
                 for s in openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets],
    ):
        start = time.perf_counter()
        for _ in range(RUNS):
            read()
        timings.append((time.perf_counter() - start) / RUNS)
    return timings[0], timings[1]


def main() -> int:
    if not PDFS.exists():
        print("../shared/real_pdfs is not here; nothing to measure")
        return 0
    paths = sorted(PDFS.glob("*.pdf"))
    _time(paths[0], False)  # warm-up: imports, the model
    rows = []
    for path in paths:
        base, new = [], []
        for _ in range(RUNS):
            base.append(_time(path, True))
            new.append(_time(path, False))
        rows.append((path.name[:28], statistics.median(base), statistics.median(new)))
    total_base, total_new = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"{'score (analyze) time':<32}{'baseline s':>11}{'statements s':>14}{'ratio':>7}")
    for name, base, new in rows:
        print(f"{name:<32}{base:>11.2f}{new:>14.2f}{new / base:>7.2f}")
    verdict = "ok" if total_new <= 2 * total_base else "OVER"
    print(f"{'all five':<32}{total_base:>11.2f}{total_new:>14.2f}{total_new / total_base:>7.2f}  target <= 2.00 {verdict}")
    print()
    print(f"{'statement pages':<32}{'pages':>6}{'pdfplumber tables s':>21}{'words s':>9}{'pdfium grids s':>16}")
    for path in paths:
        tables, words, grids, count = _finders(path)
        print(f"{path.name[:28]:<32}{count:>6}{tables:>21.2f}{words:>9.2f}{grids:>16.2f}")
    print()
    ours, openpyxl = _workbooks()
    print(f"{'workbook of nine statements':<32}{'nlp.xlsx s':>11}{'openpyxl s':>12}{'ratio':>7}")
    print(f"{'(generated, 9 × 61 rows)':<32}{ours:>11.3f}{openpyxl:>12.3f}{openpyxl / ours:>7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
