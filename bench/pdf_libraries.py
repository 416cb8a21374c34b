"""Measure PDF text libraries on the real reports in ../shared/real_pdfs.

For pypdfium2, pdfplumber (page.extract_text()) and pypdf: extract the text of
every page of each PDF (median of 3 timed runs) and measure Chinese text
quality:

* CJK characters recovered;
* gold reasons (tests/gold/real_pdfs/*.gold.jsonl) found verbatim in the
  extracted text once all whitespace is removed from both; the same for the
  gold change statements (a harder test: they mix digits and CJK, and
  reading order matters);
* suspicious artefacts: U+FFFD, private-use characters, CJK radicals /
  Kangxi radicals (U+2E80-U+2FDF) and CJK compatibility ideographs
  (U+F900-U+FAFF).

Run:  python bench/pdf_libraries.py
Skips cleanly (exit 0) when ../shared/real_pdfs is absent.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
PDF_DIR = REPO.parent / "shared" / "real_pdfs"
GOLD_DIR = REPO / "tests" / "gold" / "real_pdfs"
RUNS = 3

_WS = re.compile(r"\s+")


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x2A6DF
    )


def _is_artefact(ch: str) -> bool:
    o = ord(ch)
    return (
        o == 0xFFFD
        or 0xE000 <= o <= 0xF8FF
        or 0xF0000 <= o <= 0x10FFFF
        or 0x2E80 <= o <= 0x2FDF
        or 0xF900 <= o <= 0xFAFF
    )


def extract_pypdfium2(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        pages = []
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return pages
    finally:
        pdf.close()


def extract_pdfplumber(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def extract_pypdf(path: Path) -> list[str]:
    import pypdf

    reader = pypdf.PdfReader(str(path))
    return [page.extract_text() or "" for page in reader.pages]


LIBRARIES = {
    "pypdfium2": extract_pypdfium2,
    "pdfplumber": extract_pdfplumber,
    "pypdf": extract_pypdf,
}


def load_gold() -> dict[str, dict[str, list[str]]]:
    """file name -> {"reason": [...], "statement": [...]} from the gold entries
    (their texts read from the PDFs, see training/gold.py)."""
    from training import gold

    index_path = GOLD_DIR / "index.json"
    if not index_path.exists():
        return {}
    index = json.loads(index_path.read_text(encoding="utf-8"))
    out: dict[str, dict[str, list[str]]] = {}
    for short_id, meta in index.items():
        gold_path = GOLD_DIR / f"{short_id}.gold.jsonl"
        if not gold_path.exists():
            continue
        entries = gold.load(gold_path, PDF_DIR)
        if entries is None:
            continue
        fields: dict[str, list[str]] = {"reason": [], "statement": []}
        for entry in entries:
            for key in fields:
                if entry.get(key):
                    fields[key].append(entry[key])
        out[meta["file"]] = fields
    return out


def measure(name, fn, pdfs, gold):
    per_file = []
    for path in pdfs:
        times = []
        pages = None
        for _ in range(RUNS):
            t0 = time.perf_counter()
            pages = fn(path)
            times.append(time.perf_counter() - t0)
        text = "".join(pages)
        flat = _WS.sub("", text)
        g = gold.get(path.name, {"reason": [], "statement": []})
        reasons, statements = g["reason"], g["statement"]
        found = sum(1 for r in reasons if _WS.sub("", r) in flat)
        st_found = sum(1 for r in statements if _WS.sub("", r) in flat)
        per_file.append(
            {
                "file": path.name,
                "pages": len(pages),
                "seconds": statistics.median(times),
                "cjk": sum(1 for ch in text if _is_cjk(ch)),
                "found": found,
                "reasons": len(reasons),
                "st_found": st_found,
                "statements": len(statements),
                "artefacts": sum(1 for ch in text if _is_artefact(ch)),
            }
        )
    return per_file


def main() -> int:
    if not PDF_DIR.is_dir():
        print(f"skip: {PDF_DIR} not found (the real PDFs live in ../shared)")
        return 0
    pdfs = sorted(PDF_DIR.glob("*.pdf"))
    if not pdfs:
        print(f"skip: no PDFs in {PDF_DIR}")
        return 0
    gold = load_gold()
    if not gold:
        print(f"note: no gold in {GOLD_DIR}; reason recall will be 0/0")

    results = {}
    for name, fn in LIBRARIES.items():
        try:
            results[name] = measure(name, fn, pdfs, gold)
        except ImportError as exc:
            print(f"skip {name}: {exc}")

    print(f"{len(pdfs)} PDFs from {PDF_DIR}, median of {RUNS} runs\n")
    header = (
        f"{'library':<11} {'pages/s':>8} {'total s':>8} {'CJK chars':>10} "
        f"{'reasons found':>14} {'statements found':>17} {'artefacts':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, rows in results.items():
        pages = sum(r["pages"] for r in rows)
        secs = sum(r["seconds"] for r in rows)
        cjk = sum(r["cjk"] for r in rows)
        found = sum(r["found"] for r in rows)
        total = sum(r["reasons"] for r in rows)
        st_found = sum(r["st_found"] for r in rows)
        st_total = sum(r["statements"] for r in rows)
        art = sum(r["artefacts"] for r in rows)
        rate = pages / secs if secs else float("inf")
        print(
            f"{name:<11} {rate:>8.1f} {secs:>8.3f} {cjk:>10d} "
            f"{f'{found}/{total}':>14} {f'{st_found}/{st_total}':>17} {art:>9d}"
        )

    print("\nper file (pages / seconds / CJK chars / reasons / statements / artefacts):")
    for name, rows in results.items():
        print(f"  {name}")
        for r in rows:
            print(
                f"    {r['pages']:>3}p {r['seconds']:>7.3f}s {r['cjk']:>6d} "
                f"{r['found']:>3d}/{r['reasons']:<3d} {r['st_found']:>3d}/{r['statements']:<3d} "
                f"{r['artefacts']:>3d}  {r['file']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
