"""Gold that points into its PDF instead of quoting it.

The gold of tests/gold/real_pdfs holds our labels, figures and judgements,
never the PDFs' text. Each text field (statement, item, reason, causes[].text)
is a locator into the document text — the pages as `nlp.readers` reads them,
joined, with all whitespace removed (nothing else is normalised):

    {"spans": [[at, len], ...], "sha": "<first 12 hex of SHA-256 of the text>"}

The text is the spans joined (one span when the text is printed in one
piece). `load` fills the texts back in from the PDF that index.json (beside
the gold file) names, checking the PDF's SHA-256 and each text's sha.

    python -m training.gold locate WRITTEN.gold.jsonl tests/gold/real_pdfs/ID.gold.jsonl
    python -m training.gold text tests/gold/real_pdfs/ID.gold.jsonl > WRITTEN.gold.jsonl

`locate` turns gold typed with texts (kept outside the repo) into locators;
`text` prints a gold file with its texts filled in, to edit it.
"""
from __future__ import annotations

import argparse
import copy
import functools
import hashlib
import json
import re
import sys
from pathlib import Path

from nlp.readers import read_bytes

REPO = Path(__file__).resolve().parent.parent
PDF_DIR = REPO.parent / "shared" / "real_pdfs"
TEXT_FIELDS = ("statement", "item", "reason")


class GoldError(ValueError):
    """A gold file that does not fit its PDF (one line, naming file and record)."""


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@functools.cache
def _document(pdf: Path) -> tuple[str, list[int], str]:
    """(SHA-256 of the file, offsets where each page starts and where the
    last ends, text) of a PDF."""
    data = pdf.read_bytes()
    pages = [re.sub(r"\s+", "", p) for p in read_bytes(data, str(pdf)).pages]
    bounds = [0]
    for p in pages:
        bounds.append(bounds[-1] + len(p))
    return hashlib.sha256(data).hexdigest(), bounds, "".join(pages)


def pdf_for(gold: Path, pdf_dir: Path = PDF_DIR) -> Path:
    """The PDF a gold file was made for (its entry in index.json beside it);
    when present, it must have the SHA-256 given there."""
    gold = Path(gold)
    index = json.loads((gold.parent / "index.json").read_text(encoding="utf-8"))
    short_id = gold.name.removesuffix(".gold.jsonl")
    if short_id not in index:
        raise GoldError(f"{gold}: no entry {short_id!r} in {gold.parent / 'index.json'}")
    pdf = Path(pdf_dir) / index[short_id]["file"]
    if pdf.exists() and _document(pdf)[0] != index[short_id]["sha256"]:
        raise GoldError(f"{gold}: {pdf} is not the file the gold was made for (its SHA-256 differs from index.json)")
    return pdf


def _fields(record: dict):
    """(name, container, key) of each text field of a record."""
    for key in TEXT_FIELDS:
        if record.get(key) is not None:
            yield key, record, key
    for i, cause in enumerate(record.get("causes") or []):
        yield f"causes[{i}].text", cause, "text"


def _is_locator(value) -> bool:
    return isinstance(value, dict) and "spans" in value


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def load(gold: Path, pdf_dir: Path = PDF_DIR) -> list[dict] | None:
    """The records of a gold file with their texts filled in from the PDF;
    None when the PDF is absent. A file without locators (the seed gold) is
    returned as written."""
    return _resolve(_records(gold), gold, pdf_dir)


def _resolve(records: list[dict], gold: Path, pdf_dir: Path) -> list[dict] | None:
    """`load` for records read from `gold` (filled in place)."""
    if not any(_is_locator(box[key]) for r in records for _, box, key in _fields(r)):
        return records
    pdf = pdf_for(gold, pdf_dir)
    if not pdf.exists():
        return None
    text = _document(pdf)[2]
    for n, r in enumerate(records, 1):
        for name, box, key in _fields(r):
            loc = box[key]
            if not _is_locator(loc):
                raise GoldError(f"{Path(gold).name} record {n} ({name}): a text where a locator is expected")
            box[key] = "".join(text[at : at + length] for at, length in loc["spans"])
            if sha(box[key]) != loc["sha"]:
                raise GoldError(f"{Path(gold).name} record {n} ({name}): the text at {loc['spans']} of {pdf.name} "
                                f"does not match its sha {loc['sha']}; re-locate the gold (python -m training.gold locate)")
    return records


def locate_text(value: str, text: str, near: tuple[int, int] = (0, 0)) -> dict:
    """The locator of `value` in `text`: the fewest pieces (longest first),
    each taken where it is closest to `near` (a range, e.g. the record's
    page) and then to the end of the previous piece."""
    spans = []
    i = 0
    while i < len(value):
        lo, hi = 0, len(value) - i  # the longest prefix of value[i:] found in text
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if value[i : i + mid] in text:
                lo = mid
            else:
                hi = mid - 1
        if lo == 0:
            raise ValueError(f"{value[i]!r} does not occur in the document")
        piece = value[i : i + lo]
        starts = [m.start() for m in re.finditer(f"(?={re.escape(piece)})", text)]
        at = min(starts, key=lambda s: (max(near[0] - s, s - near[1], 0), s))
        spans.append([at, lo])
        near = (at + lo, at + lo)
        i += lo
    return {"spans": spans, "sha": sha(value)}


def locate(written: Path, gold: Path, pdf_dir: Path = PDF_DIR) -> list[dict]:
    """The records of `written` (gold with texts) with locators into the PDF
    that `gold`'s name and index.json stand for; checked by resolving them."""
    pdf = pdf_for(gold, pdf_dir)
    if not pdf.exists():
        raise GoldError(f"{gold}: the PDF {pdf} is absent")
    _, bounds, text = _document(pdf)
    records = _records(written)
    for n, r in enumerate(records, 1):
        page = r.get("page")
        near = (bounds[page - 1], bounds[page]) if page and 0 < page < len(bounds) else (0, 0)
        for name, box, key in _fields(r):
            if not isinstance(box[key], str) or re.search(r"\s", box[key]):
                raise GoldError(f"{written} record {n} ({name}): not a text without whitespace")
            try:
                box[key] = locate_text(box[key], text, near)
            except ValueError as e:
                raise GoldError(f"{written} record {n} ({name}): {e}") from None
    if _resolve(copy.deepcopy(records), gold, pdf_dir) != _records(written):
        raise GoldError(f"{gold}: the locators do not give back {written}")
    return records


def _dump(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.gold", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pdf-dir", type=Path, default=PDF_DIR, help=f"where the PDFs are (default {PDF_DIR})")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("locate", help="write gold typed with texts as locators")
    p.add_argument("written", type=Path, help="gold with texts (keep it outside the repo)")
    p.add_argument("gold", type=Path, help="the gold file to write, <dir with index.json>/<id>.gold.jsonl")
    p = sub.add_parser("text", help="print a gold file with its texts filled in")
    p.add_argument("gold", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "locate":
            records = locate(args.written, args.gold, args.pdf_dir)
            args.gold.write_text(_dump(records), encoding="utf-8")
            print(f"wrote {args.gold} ({len(records)} records)", file=sys.stderr)
        else:
            records = load(args.gold, args.pdf_dir)
            if records is None:
                raise GoldError(f"{args.gold}: its PDF is absent from {args.pdf_dir}")
            sys.stdout.write(_dump(records))
    except (GoldError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
