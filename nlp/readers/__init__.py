"""Read a report file into pages of text.

The format is told by the bytes, not the extension (reports arrive renamed):
PDF, DOCX (a zip with word/document.xml), HTML, or plain text in UTF-8,
GBK/GB18030 or UTF-16. Every failure is an `InputError` with one line.
"""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field

from nlp.errors import InputError
from nlp.model import HiddenText

MAX_BYTES = 50 * 1024 * 1024  # a final-account report is a few MB at most
MAX_CHARS = 10_000_000  # of text read from a file; a long report has ~500,000


@dataclass
class Source:
    """The text of an input as read, before any repair.

    `pages` holds one string per page; `paged` is False for formats that have
    no pages (text, HTML, DOCX), where `pages` has a single element.
    `warnings` says, one line each, what the reader skipped or could not
    read as it is (bad bytes replaced, ...); `hidden` holds the text it left
    out because a reader of the rendered report never sees it.
    """

    name: str
    pages: list[str]
    paged: bool
    warnings: list[str] = field(default_factory=list)
    hidden: list[HiddenText] = field(default_factory=list)
    tables: list = field(default_factory=list)  # nlp.accounts.raw.RawTable, the PDF's statement tables


def read(path: str | os.PathLike, max_bytes: int | None = None) -> Source:
    name = os.fspath(path)
    return read_bytes(file_bytes(name, max_bytes), name)


_KINDS = {stat.S_IFIFO: ("命名管道", "a FIFO"), stat.S_IFCHR: ("字符设备", "a character device"),
          stat.S_IFBLK: ("块设备", "a block device"), stat.S_IFSOCK: ("套接字", "a socket")}


def file_bytes(path: str | os.PathLike, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file, at most `max_bytes` (default MAX_BYTES),
    or an InputError naming it. Opened without blocking and checked on the
    open descriptor: a FIFO, a device (a link to /dev/zero), a socket or a
    folder is refused before a byte is read, and the read stops one byte
    past the limit whatever the size said."""
    name = os.fspath(path)
    limit = MAX_BYTES if max_bytes is None else max_bytes
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise _kind(InputError(f"{name}: 无法打开；cannot open ({e.strerror or e})"), type(e).__name__) from None
    try:
        st = os.fstat(fd)
        kind = stat.S_IFMT(st.st_mode)
        if kind == stat.S_IFDIR:
            raise _kind(InputError(f"{name}: 是文件夹，不是报告文件；is a directory, not a report file"), "IsADirectoryError")
        if kind != stat.S_IFREG:
            zh, en = _KINDS.get(kind, ("特殊文件", "a special file"))
            raise _kind(InputError(f"{name}: 不是普通文件（{zh}），不读取；not a regular file ({en})"), "NotARegularFile")
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(limit + 1) if st.st_size <= limit else b""
    finally:
        os.close(fd)
    if st.st_size > limit or len(data) > limit:  # a file that grew while it was read is as large as that
        size = max(st.st_size, len(data)) / 2**20
        raise InputError(f"{name}: 文件过大（{size:.1f} MB，上限 {limit / 2**20:.0f} MB）；"
                         f"file too large ({size:.1f} MB; the limit is {limit / 2**20:.0f} MB)")
    return data


def _kind(error: InputError, kind: str) -> InputError:
    error.kind = kind  # the error class a batch's errors.csv shows
    return error


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
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{name}: legacy Word/Excel (OLE) file; save it as .docx, .xlsx or PDF first")
    from nlp.readers.text import decode_counted, replaced_warning

    text, replaced = decode_counted(data, name)
    warnings = [replaced_warning(name, replaced)] if replaced else []
    if _looks_like_html(text):
        from nlp.readers.html import read_html

        source = read_html(text, name)
        source.warnings[:0] = warnings
        return source
    return Source(name, [text], paged=False, warnings=warnings)


# A page that starts with markup (after a BOM, an XML declaration, comments),
# or names <html>/<body> in its first 64 KB (a long head of scripts or comments).
_FIRST_TAG = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|table)[\s>/]")


def _looks_like_html(text: str) -> bool:
    head = text[:65536].lower()
    return (_starts_with_markup(head) or "<html" in head or "<!doctype html" in head
            or ("<body" in head and "</" in head) or "<p>" in head[:2048])


def _starts_with_markup(head: str) -> bool:
    rest = head.lstrip("\ufeff \t\r\n")
    while rest.startswith(("<?xml", "<!--")):
        end = rest.find("?>" if rest.startswith("<?") else "-->")
        if end < 0:
            return False
        rest = rest[end + 2 :].lstrip("> \t\r\n")
    return bool(_FIRST_TAG.match(rest))
