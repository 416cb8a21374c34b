"""Decode text bytes without being told the encoding.

BOM first, then UTF-8, then GB18030, a superset of GBK and GB2312. Measured
in LIBRARIES.md to beat charset detectors on short Chinese text. Files cut or
edited by hand have a few bad bytes: up to one in 500 (at least 4) are
replaced by U+FFFD and counted (`decode_counted`), so that the reader can say
so; more, and the file is not text in that encoding.
"""
from __future__ import annotations

import codecs
import re
import threading

from nlp.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, name: str) -> str:
    return decode_counted(data, name)[0]


def decode_counted(data: bytes, name: str) -> tuple[str, int]:
    """The text, and how many bad bytes (or runs of them) were replaced."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _counted(data, encoding, name)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _counted(data, utf16, name)
    for encoding in ("utf-16-le", "utf-16-be"):
        text = _plausible_utf16(data, encoding)
        if text is not None:
            return _clean(text, name), 0
    if b"\x00" in data[:4096]:
        raise InputError(f"{name}: binary file, not a report (PDF, DOCX, HTML or text)")
    try:
        return _clean(data.decode("utf-8"), name), 0
    except UnicodeDecodeError:
        pass
    allowed = max(4, len(data) // 500)
    text, replaced = _replaced(data, "utf-8")
    # UTF-8 with a few bad bytes still has many good multibyte characters;
    # GBK read as UTF-8 has almost none (and GB18030 would read UTF-8 as
    # valid nonsense, so UTF-8 is asked first).
    if replaced <= allowed and sum(c > "\x7f" for c in text) >= 11 * replaced:
        return _clean(text, name), replaced
    try:
        return _clean(data.decode("gb18030"), name), 0
    except UnicodeDecodeError:
        pass
    text, replaced = _replaced(data, "gb18030")
    if replaced <= allowed:
        return _clean(text, name), replaced
    raise InputError(f"{name}: binary file or unknown text encoding (tried UTF-8, GB18030, UTF-16)")


def replaced_warning(name: str, replaced: int) -> str:
    """What the reader says of the bytes it could not decode."""
    return f"{name}: {replaced} 个字节无法解码，已替换为“\ufffd”（{replaced} undecodable byte(s) replaced）"


_counter = threading.local()


def _count_and_replace(e: UnicodeDecodeError) -> tuple[str, int]:
    _counter.bytes += e.end - e.start
    return "\ufffd", e.end


codecs.register_error("juesuan.count", _count_and_replace)


def _replaced(data: bytes, encoding: str) -> tuple[str, int]:
    """`data` decoded with bad bytes replaced, and how many bytes were."""
    _counter.bytes = 0
    text = data.decode(encoding, errors="juesuan.count")
    return text, _counter.bytes


def _counted(data: bytes, encoding: str, name: str) -> tuple[str, int]:
    text, replaced = _replaced(data, encoding)
    return _clean(text, name), replaced


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text of mostly ASCII/CJK has NULs in every other byte or none."""
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


_READABLE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2018-\u201f\x20-\x7e\n\r\t]")


def _plausible_utf16(data: bytes, encoding: str) -> str | None:
    """Mostly-Chinese UTF-16 has no NUL bytes to tell it by; it decodes to
    readable Chinese, which other encodings' bytes almost never do."""
    if len(data) % 2:
        return None
    try:
        text = data[:8192].decode(encoding)
    except UnicodeDecodeError:
        return None
    if len(_READABLE.findall(text)) < 0.95 * len(text) or not re.search(r"[\n。，]", text):
        return None
    return data.decode(encoding, errors="replace")


def _clean(text: str, name: str) -> str:
    controls = sum(1 for c in text[:20000] if c < " " and c not in "\t\n\r\f")
    if controls > max(10, len(text[:20000]) // 50):
        raise InputError(f"{name}: binary file, not a report (PDF, DOCX, HTML or text)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{name}: empty file")
    return text
