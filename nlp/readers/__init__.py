"""Read a report file into pages of text.

The format is told by the bytes, not the extension (reports arrive renamed):
PDF, DOCX (a zip with word/document.xml), HTML, or plain text in UTF-8,
GBK/GB18030 or UTF-16. Every failure is an `InputError` with one line.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from nlp.errors import InputError

MAX_BYTES = 50 * 1024 * 1024  # a final-account report is a few MB at most
MAX_CHARS = 10_000_000  # of text read from a file; a long report has ~500,000


@dataclass
class Source:
    """The text of an input as read, before any repair.

    `pages` holds one string per page; `paged` is False for formats that have
    no pages (text, HTML, DOCX), where `pages` has a single element.
    """

    name: str
    pages: list[str]
    paged: bool
    tables: list = field(default_factory=list)  # nlp.accounts.raw.RawTable, the PDF's statement tables


def read(path: str | os.PathLike, max_bytes: int | None = None) -> Source:
    name = os.fspath(path)
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    try:
        size = os.path.getsize(name)
        if size > max_bytes:
            raise InputError(f"{name}: file too large ({size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB)")
        with open(name, "rb") as f:
            data = f.read()
    except InputError:
        raise
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a report file") from None
    except OSError as e:
        raise InputError(f"{name}: cannot open ({e.strerror or e})") from None
    return read_bytes(data, name)


def read_bytes(data: bytes, name: str = "<bytes>") -> Source:
    source = _read_bytes(data, name)
    chars = sum(len(p) for p in source.pages)
    if chars > MAX_CHARS:
        raise InputError(too_much_text(name, chars))
    return source


def too_much_text(name: str, chars: int) -> str:
    return f"{name}: too much text ({chars / 1e6:.1f} million characters; the limit is {MAX_CHARS / 1e6:g} million)"


def _read_bytes(data: bytes, name: str) -> Source:
    if not data.strip():
        raise InputError(f"{name}: empty file")
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        from nlp.readers.pdf import read_pdf

        return read_pdf(data, name)
    if head.startswith(b"PK\x03\x04") and b"xl/workbook.xml" in data:
        from nlp.readers.xlsx import read_workbook

        return read_workbook(data, name)
    if head.startswith(b"PK\x03\x04"):
        from nlp.readers.docx import read_docx

        return read_docx(data, name)
    if head.startswith(b"\xd0\xcf\x11\xe0") and b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in data:
        from nlp.readers.xlsx import read_workbook

        return read_workbook(data, name)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{name}: legacy Word/Excel (OLE) file; save it as .docx or PDF first")
    from nlp.readers.text import decode

    text = decode(data, name)
    if _looks_like_html(text):
        from nlp.readers.html import html_to_text

        return Source(name, [html_to_text(text, name)], paged=False)
    return Source(name, [text], paged=False)


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head or ("<body" in head and "</" in head) or "<p>" in head
