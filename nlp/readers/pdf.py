"""PDF text with pypdfium2 (the fastest permissively licensed reader; see
bench/pdf_libraries.py for the comparison).

Pages with a performance self-evaluation table (偏差原因 in the text) are read
again with pdfplumber's table finder so that each row comes out as one line of
tab-separated cells, as the table parser expects.

Hostile PDFs: pdfium decodes streams lazily, as pages are read, so a
decompression bomb would only show once it has filled the memory. Before
pdfium sees the file, `check_streams` inflates every Flate stream that text
extraction may decode (all but images, which are never rendered here),
counting and discarding the output, and refuses the file when one stream
inflates past `MAX_STREAM_BYTES`, or past `BOMB_RATIO` times its size once
over 16 MB, or all of them together past `MAX_INFLATED_BYTES`. Then the
page count (`MAX_PAGES`) and the characters read (`nlp.readers.MAX_CHARS`)
are capped. Other filters (LZW, RunLength, ...) and anything this scan
misses are left to the per-file time and memory budget (`nlp.limits`).
pdfium runs no JavaScript (the pypdfium2 build has no V8/XFA) and performs
no action (links, launch, submit) of a PDF; nothing is fetched.
"""
from __future__ import annotations

import re
import zlib

import nlp.readers as readers
from nlp.errors import InputError
from nlp.readers import Source

_MIN_CHARS_PER_PAGE = 20  # below this on average the PDF has no text layer
MAX_PAGES = 2_000  # a final-account report has 20 to 200
MAX_STREAM_BYTES = 128 * 1024 * 1024  # one inflated stream (a full CJK font is ~20 MB)
MAX_INFLATED_BYTES = 512 * 1024 * 1024  # all inflated streams together
BOMB_RATIO = 1_000  # inflated/compressed, for streams over 16 MB inflated
_RATIO_FROM = 16 * 1024 * 1024
_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)(?![A-Za-z])")
_IMAGE = re.compile(rb"/Subtype\s*/Image(?![A-Za-z])")


def read_pdf(data: bytes, name: str) -> Source:
    import pypdfium2 as pdfium

    check_streams(data, name)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise InputError(f"{name}: encrypted PDF (password protected); cannot read its text") from None
        raise InputError(f"{name}: corrupt or unreadable PDF ({e})") from None
    try:
        count = len(pdf)
        if count > MAX_PAGES:
            raise InputError(f"{name}: PDF has {count} pages (the limit is {MAX_PAGES}); refused")
        pages = []
        chars = 0
        for i in range(count):
            page = pdf[i]
            textpage = page.get_textpage()
            text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
            textpage.close()
            page.close()
            chars += len(text)
            if chars > readers.MAX_CHARS:
                raise InputError(readers.too_much_text(name, chars) + " after " + f"{i + 1} of {count} pages")
            pages.append(text)
    except pdfium.PdfiumError as e:
        raise InputError(f"{name}: corrupt PDF ({e})") from None
    finally:
        pdf.close()
    if not pages:
        raise InputError(f"{name}: PDF has no pages")
    if sum(len(p.strip()) for p in pages) < _MIN_CHARS_PER_PAGE * len(pages):
        raise InputError(f"{name}: PDF has no text layer (scanned images?); run OCR on it first")
    from nlp.accounts.raw import pdf_tables

    tables = pdf_tables(data, pages)
    table_pages = [i for i, text in enumerate(pages) if "偏差原因" in text]
    if table_pages:
        pages = _with_tables(data, pages, table_pages)
    return Source(name, pages, paged=True, tables=tables)


def _with_tables(data: bytes, pages: list[str], indexes: list[int]) -> list[str]:
    """Append the page's table rows as tab-separated lines after its text."""
    import io

    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for i in indexes:
                rows = []
                for table in pdf.pages[i].extract_tables():
                    for row in table:
                        cells = [(c or "").replace("\n", "") for c in row]
                        if any(cells):
                            rows.append("\t".join(cells))
                if rows:
                    pages[i] = pages[i] + "\n" + "\n".join(rows) + "\n"
    except Exception:  # noqa: BLE001 - the plain text is still usable without tables
        pass
    return pages


def check_streams(data: bytes, name: str) -> int:
    """Inflate the Flate streams that text extraction may decode, counting
    and discarding the output; raise InputError for a decompression bomb.
    Returns the number of bytes inflated. Linear in the file's size: each
    stream's dictionary is looked for only after the previous stream."""
    total = 0
    pos = 0
    previous_end = 0
    while True:
        m = _STREAM.search(data, pos)
        if m is None:
            return total
        end = data.find(b"endstream", m.end())
        if end < 0:
            return total  # a truncated file: pdfium will say so
        head = data[max(previous_end, m.start() - 4096) : m.start()]
        obj = head.rfind(b"obj")
        head = head[obj + 3 :] if obj >= 0 else head
        pos = previous_end = end + len(b"endstream")
        if not _FLATE.search(head) or _IMAGE.search(head):
            continue
        compressed = end - m.end()
        inflated = _inflated_size(data, m.end(), end, min(MAX_STREAM_BYTES, MAX_INFLATED_BYTES - total) + 1)
        total += inflated
        if inflated > MAX_STREAM_BYTES:
            raise InputError(f"{name}: a PDF stream inflates past {MAX_STREAM_BYTES // 2**20} MB; refused as a possible decompression bomb")
        if total > MAX_INFLATED_BYTES:
            raise InputError(f"{name}: PDF streams inflate past {MAX_INFLATED_BYTES // 2**20} MB in all; refused as a possible decompression bomb")
        if inflated > _RATIO_FROM and inflated > BOMB_RATIO * max(compressed, 1):
            raise InputError(
                f"{name}: a PDF stream inflates {inflated // max(compressed, 1)} times its size (the limit is {BOMB_RATIO}); "
                "refused as a possible decompression bomb")


def _inflated_size(data: bytes, start: int, end: int, cap: int) -> int:
    """Bytes that zlib makes of data[start:end], stopping once past `cap`;
    what does not inflate (another filter, damage) counts as what it gave."""
    d = zlib.decompressobj()
    size = 0
    view = memoryview(data)[start:end]
    step = 1 << 16
    try:
        for i in range(0, len(view), step):
            chunk = view[i : i + step]
            while chunk:
                out = d.decompress(chunk, 1 << 20)
                size += len(out)
                if size > cap:
                    return size
                chunk = d.unconsumed_tail
                if d.eof:
                    return size
        while not d.eof:  # output still buffered in the decompressor
            out = d.decompress(b"", 1 << 20)
            if not out:
                break
            size += len(out)
            if size > cap:
                return size
    except zlib.error:
        pass
    return size
