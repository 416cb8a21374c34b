"""PDF text with pypdfium2 (the fastest permissively licensed reader; see
bench/pdf_libraries.py for the comparison).

Pages with a performance self-evaluation table (偏差原因 in the text) are read
again with pdfplumber's table finder so that each row comes out as one line of
tab-separated cells, as the table parser expects.

Hostile PDFs: pdfium decodes streams lazily, as pages are read, so a
decompression bomb would only show once it has filled the memory. Before
pdfium sees the file, `check_streams` inflates every Flate stream that text
extraction may decode (all but images, which are never rendered here),
following its filter chain through ASCIIHex, ASCII85 and Flate steps
([/AHx /Fl], [/Fl /Fl]), counting and discarding the output, and refuses the file when one stream
inflates past `MAX_STREAM_BYTES`, or past `BOMB_RATIO` times its size once
over 16 MB, or all of them together past `MAX_INFLATED_BYTES`. Then the
page count (`MAX_PAGES`) and the characters read (`nlp.readers.MAX_CHARS`)
are capped. Other filters (LZW, RunLength, ...) and anything this scan
misses are left to the per-file time and memory budget (`nlp.limits`).
pdfium runs no JavaScript (the pypdfium2 build has no V8/XFA) and performs
no action (links, launch, submit) of a PDF; nothing is fetched.
"""
from __future__ import annotations

import base64
import re
import zlib

import nlp.readers as readers
from nlp.errors import InputError
from nlp.model import HiddenText
from nlp.readers import Source
from nlp.readers.pdf_hidden import hidden_objects, split_text

_MIN_CHARS_PER_PAGE = 20  # below this on average the PDF has no text layer
MAX_PAGES = 2_000  # a final-account report has 20 to 200
MAX_STREAM_BYTES = 128 * 1024 * 1024  # one inflated stream (a full CJK font is ~20 MB)
MAX_INFLATED_BYTES = 512 * 1024 * 1024  # all inflated streams together
BOMB_RATIO = 1_000  # inflated/compressed, for streams over 16 MB inflated
_RATIO_FROM = 16 * 1024 * 1024
_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]{0,400}\]|/[A-Za-z0-9]+)")
_NAME = re.compile(rb"/([A-Za-z0-9]+)")
_FLATE = {b"FlateDecode", b"Fl"}
_HEX = {b"ASCIIHexDecode", b"AHx"}
_A85 = {b"ASCII85Decode", b"A85"}
_SPACE = re.compile(rb"[\s\x00]+")
_IMAGE = re.compile(rb"/Subtype\s*/Image(?![A-Za-z])")


def read_pdf(data: bytes, name: str) -> Source:
    import pypdfium2 as pdfium

    from nlp.accounts.raw import pdf_tables

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
        hidden: list[HiddenText] = []
        hidden_boxes: dict[int, list] = {}  # page index -> boxes of its hidden text, for the table reader
        chars = 0
        for i in range(count):
            page = pdf[i]
            textpage = page.get_textpage()
            objects = hidden_objects(page)
            if objects:
                text, pieces = split_text(textpage, objects)
                hidden += [HiddenText(" ".join(t.split()), why, page=i + 1, at=at) for at, why, t in pieces if t.strip()]
                hidden_boxes[i] = [b for _, b in objects.values()]
            else:
                text = textpage.get_text_range()
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            textpage.close()
            page.close()
            chars += len(text)
            if chars > readers.MAX_CHARS:
                raise InputError(readers.too_much_text(name, chars) + " after " + f"{i + 1} of {count} pages")
            pages.append(text)
        tables = pdf_tables(pdf, pages)  # the statements (决算报表), while the document is open
    except pdfium.PdfiumError as e:
        raise InputError(f"{name}: corrupt PDF ({e})") from None
    finally:
        pdf.close()
    if not pages:
        raise InputError(f"{name}: PDF has no pages")
    if sum(len(p.strip()) for p in pages) < _MIN_CHARS_PER_PAGE * len(pages):
        raise InputError(f"{name}: PDF has no text layer (scanned images?); run OCR on it first")
    table_pages = [i for i, text in enumerate(pages) if "偏差原因" in text]
    warnings = []
    if table_pages and not _with_tables(data, pages, table_pages, hidden_boxes):
        warnings.append(f"绩效自评表未能按表格读取（{len(table_pages)} 页），按正文读 tables read as plain text")
    if hidden:
        whys = "、".join(dict.fromkeys(h.why for h in hidden))
        pages_with = len({h.page for h in hidden})
        warnings.append(f"{len(hidden)} 处隐藏文字（{whys}；在 {pages_with} 页上）未计入分析 hidden text left out")
    return Source(name, pages, paged=True, warnings=warnings, hidden=hidden, tables=tables)


def _with_tables(data: bytes, pages: list[str], indexes: list[int], hidden: dict[int, list]) -> bool:
    """Append the page's table rows as tab-separated lines after its text
    (in place); False when pdfplumber could not read them. Each page is
    closed once read: pdfplumber keeps every object of a page it has read
    until then (a 2,000-page report grew past 2 GB)."""
    import io

    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data), pages=[i + 1 for i in indexes]) as pdf:
            for i, page in zip(indexes, pdf.pages):
                try:
                    boxes = hidden.get(i)
                    if boxes:  # what pdfium found hidden is left out of the cells too
                        height = page.height
                        page = page.filter(lambda o, boxes=boxes, height=height: not _in_boxes(o, boxes, height))
                    rows = []
                    for table in page.extract_tables():
                        for row in table:
                            cells = [(c or "").replace("\n", "") for c in row]
                            if any(cells):
                                rows.append("\t".join(cells))
                    if rows:
                        pages[i] = pages[i] + "\n" + "\n".join(rows) + "\n"
                finally:
                    page.close()
    except Exception:  # noqa: BLE001 - the plain text is still usable without tables
        return False
    return True


def _in_boxes(obj: dict, boxes: list, height: float) -> bool:
    """A pdfplumber char whose centre is in one of pdfium's boxes (PDF space, y up)."""
    if obj.get("object_type") != "char":
        return False
    x = (obj["x0"] + obj["x1"]) / 2
    y = height - (obj["top"] + obj["bottom"]) / 2
    return any(left <= x <= right and bottom <= y <= top for left, bottom, right, top in boxes)


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
        filters = _filters(head)
        if not _FLATE & set(filters) or _IMAGE.search(head):
            continue
        compressed = end - m.end()
        inflated = _decoded_size(data, m.end(), end, filters, min(MAX_STREAM_BYTES, MAX_INFLATED_BYTES - total) + 1)
        total += inflated
        if inflated > MAX_STREAM_BYTES:
            raise InputError(f"{name}: a PDF stream inflates past {MAX_STREAM_BYTES // 2**20} MB; refused as a possible decompression bomb")
        if total > MAX_INFLATED_BYTES:
            raise InputError(f"{name}: PDF streams inflate past {MAX_INFLATED_BYTES // 2**20} MB in all; refused as a possible decompression bomb")
        if inflated > _RATIO_FROM and inflated > BOMB_RATIO * max(compressed, 1):
            raise InputError(
                f"{name}: a PDF stream inflates {inflated // max(compressed, 1)} times its size (the limit is {BOMB_RATIO}); "
                "refused as a possible decompression bomb")


def _filters(head: bytes) -> list[bytes]:
    """The names of a stream's /Filter, in the order they are undone."""
    m = _FILTER.search(head)
    return _NAME.findall(m.group(1)) if m else []


def _decoded_size(data: bytes, start: int, end: int, filters: list[bytes], cap: int) -> int:
    """The most bytes any Flate step of the stream's filter chain makes of
    data[start:end] (the ASCII steps before and between undone on the way,
    streamed), stopping once past `cap`. The chain is followed up to its last
    Flate step or its first filter not undone here (LZW, RunLength, ...: left
    to the time and memory budget); what does not decode (damage) counts as
    what it gave."""
    while filters and filters[-1] not in _FLATE:
        filters = filters[:-1]
    sizes: list[int] = []
    chunks = _raw_chunks(data, start, end)
    for name in filters:
        if name in _FLATE:
            sizes.append(0)
            chunks = _inflate(chunks, sizes, len(sizes) - 1, cap)
        elif name in _HEX:
            chunks = _unhex(chunks)
        elif name in _A85:
            chunks = _un85(chunks)
        else:
            break
    for _ in chunks:
        if max(sizes, default=0) > cap:
            break
    return max(sizes, default=0)


def _raw_chunks(data: bytes, start: int, end: int):
    view = memoryview(data)[start:end]
    step = 1 << 16
    for i in range(0, len(view), step):
        yield view[i : i + step]


def _inflate(chunks, sizes: list[int], slot: int, cap: int):
    """zlib's output of `chunks`, 1 MB at a time, its size kept in sizes[slot]."""
    d = zlib.decompressobj()
    try:
        for chunk in chunks:
            while chunk:
                out = d.decompress(chunk, 1 << 20)
                sizes[slot] += len(out)
                yield out
                if sizes[slot] > cap or d.eof:
                    return
                chunk = d.unconsumed_tail
        while not d.eof:  # output still buffered in the decompressor
            out = d.decompress(b"", 1 << 20)
            if not out:
                return
            sizes[slot] += len(out)
            yield out
            if sizes[slot] > cap:
                return
    except zlib.error:
        return


def _unhex(chunks):
    """ASCIIHexDecode, streamed: whitespace skipped, '>' ends it."""
    carry = b""
    for chunk in chunks:
        text = carry + _SPACE.sub(b"", bytes(chunk))
        end = text.find(b">")
        if end >= 0:
            text = text[:end]
        even = len(text) - len(text) % 2
        try:
            yield bytes.fromhex(text[:even].decode("ascii"))
        except (ValueError, UnicodeDecodeError):
            return
        carry = text[even:]
        if end >= 0:
            break


def _un85(chunks):
    """ASCII85Decode, streamed: whitespace skipped, 'z' is four zeros, '~>' ends it."""
    carry = b""
    for chunk in chunks:
        text = carry + _SPACE.sub(b"", bytes(chunk)).replace(b"z", b"!!!!!")
        end = text.find(b"~>")
        if end >= 0:
            text = text[:end]
        whole = len(text) - len(text) % 5
        try:
            yield base64.a85decode(text[:whole])
        except ValueError:
            return
        carry = text[whole:]
        if end >= 0:
            break
    if len(carry) > 1:
        try:
            yield base64.a85decode(carry + b"u" * (5 - len(carry)))[: len(carry) - 1]
        except ValueError:
            return
