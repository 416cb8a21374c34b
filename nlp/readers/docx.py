"""DOCX text in document order, every element that holds text a reader sees.

Read: paragraphs; tables, nested tables too (a row becomes one line of
tab-separated cells, as the table parser expects; a row of one cell, a layout
table, gives its paragraphs as lines); content controls (w:sdt, around blocks,
rows, cells or runs); text boxes (w:txbxContent, their lines after the
paragraph that anchors them; of an mc:AlternateContent only the first branch
that holds text, so a text box is not read twice); hyperlinks, smart tags,
custom XML, simple and complex fields (their result, not their code) and
tracked insertions; then the headers, footers, footnotes and endnotes
(word/header*.xml, footer*.xml, footnotes.xml, endnotes.xml, in that order,
after the body, through the same walk; the separator lines between body and
notes are not text). Left out: tracked deletions (w:del, w:moveFrom), and text
a reader never sees — runs formatted hidden (w:vanish, directly or through a
character or paragraph style or the document defaults), smaller than 1 pt,
or white with no shading under it — which goes to `Source.hidden`. Each thing
left out (deleted text, hidden text, images, embedded documents) is counted
in `Source.warnings`.

The zip is checked first (`nlp.readers.zipguard`: zip bombs, absolute or
`..` member paths, links); python-docx parses its XML without resolving
entities and fetches nothing that the document links to.
"""
from __future__ import annotations

import io
import re
import zipfile

from nlp.errors import InputError
from nlp.model import HiddenText
from nlp.readers import Source
from nlp.readers.zipguard import check_zip

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}pic"
_VML_IMAGE = "{urn:schemas-microsoft-com:vml}imagedata"
# Elements that only wrap content (blocks, rows, cells or runs) and are read through.
_WRAPPERS = {f"{_W}{t}" for t in ("sdtContent", "customXml", "smartTag", "hyperlink", "fldSimple", "ins", "moveTo", "bdo", "dir")}
_DELETED = {f"{_W}del", f"{_W}moveFrom"}
_OFF = {"0", "false", "off"}
_WHITE = {"FFFFFF", "white"}
# Parts other than the body that hold text a reader sees, in the order they are read.
_PARTS = (re.compile(r"word/header(\d*)\.xml"), re.compile(r"word/footer(\d*)\.xml"),
          re.compile(r"word/(footnotes)\.xml"), re.compile(r"word/(endnotes)\.xml"))
_NOT_NOTES = {"separator", "continuationSeparator", "continuationNotice"}


def read_docx(data: bytes, name: str) -> Source:
    names = check_zip(data, name, kind="zip/DOCX")
    if "word/document.xml" not in names:
        raise InputError(f"{name}: a zip file but not a Word document (.docx)")
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        styles = document.styles.element
    except Exception as e:  # noqa: BLE001 - python-docx raises many kinds
        raise InputError(f"{name}: corrupt DOCX file ({type(e).__name__})") from None
    reader = _Reader(_Styles(styles), coloured_page=document.element.find(f"{_W}background") is not None)
    reader.blocks(document.element.body)
    for part in _other_parts(data, names, name):
        reader.blocks(part)
    text = "\n".join(reader.lines)
    if not text.strip():
        raise InputError(f"{name}: DOCX has no text" + ("（其余文字都是隐藏的）" if reader.hidden else ""))
    from nlp.accounts.raw import text_tables

    # its tables are cited by number: the lines are ours, not the file's
    return Source(name, [text], paged=False, warnings=reader.warnings(), hidden=reader.hidden,
                  tables=text_tables(text, numbered=True))


def _other_parts(data: bytes, names: list[str], name: str) -> list:
    """The roots to walk after the body: each header and footer (w:hdr,
    w:ftr), and each footnote and endnote that is not a separator."""
    from docx.oxml.parser import parse_xml  # resolves no entities, fetches nothing

    roots = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for pattern in _PARTS:
            found = sorted((m for m in map(pattern.fullmatch, names) if m), key=lambda m: (len(m.group(1)), m.group(1)))
            for m in found:
                try:
                    root = parse_xml(z.read(m.group(0)))
                except Exception as e:  # noqa: BLE001 - lxml and zipfile raise many kinds
                    raise InputError(f"{name}: corrupt DOCX file ({m.group(0)}: {type(e).__name__})") from None
                if root.tag in (f"{_W}footnotes", f"{_W}endnotes"):
                    roots += [note for note in root if note.get(f"{_W}type") not in _NOT_NOTES]
                else:
                    roots.append(root)
    return roots


def _on(el) -> bool:
    """A toggle property (<w:vanish/>, <w:vanish w:val="0"/>)."""
    return el.get(f"{_W}val", "true").lower() not in _OFF


class _Styles:
    """The run properties that hide text, as the styles set them: looked up
    through `w:basedOn` to the document defaults."""

    def __init__(self, root):
        self.by_id = {s.get(f"{_W}styleId"): s for s in root.iter(f"{_W}style")}
        self.defaults = root.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")

    def prop(self, style_id: str | None, tag: str):
        seen = set()
        while style_id and style_id not in seen and style_id in self.by_id:
            seen.add(style_id)
            style = self.by_id[style_id]
            found = style.find(f"{_W}rPr/{_W}{tag}")
            if found is not None:
                return found
            based = style.find(f"{_W}basedOn")
            style_id = based.get(f"{_W}val") if based is not None else None
        return None


class _Reader:
    def __init__(self, styles: _Styles, coloured_page: bool):
        self.styles = styles
        self.coloured_page = coloured_page
        self.lines: list[str] = []
        self.length = 0  # of "\n".join(self.lines) so far, with the "\n" to come
        self.hidden: list[HiddenText] = []
        self.paragraphs = 0
        self.deleted = 0
        self.images = 0
        self.embedded = 0

    def warnings(self) -> list[str]:
        out = []
        if self.hidden:
            out.append(f"{len(self.hidden)} 处隐藏文字（{'、'.join(dict.fromkeys(h.why for h in self.hidden))}）未计入分析 hidden text left out")
        if self.deleted:
            out.append(f"修订中删除的 {self.deleted} 个字未计入 deleted text (tracked changes) left out")
        if self.images:
            out.append(f"{self.images} 张图片中的文字未读 text in images not read")
        if self.embedded:
            out.append(f"{self.embedded} 个嵌入文档未读 embedded documents (altChunk) not read")
        return out

    def _add(self, line: str) -> None:
        self.lines.append(line)
        self.length += len(line) + 1

    # ---------------------------------------------------------------- blocks

    def blocks(self, parent, shaded: bool = False) -> None:
        for el in parent:
            tag = el.tag
            if tag == f"{_W}p":
                self.paragraph(el, shaded)
            elif tag == f"{_W}tbl":
                self.table(el, shaded)
            elif tag == f"{_W}sdt":
                content = el.find(f"{_W}sdtContent")
                if content is not None:
                    self.blocks(content, shaded)
            elif tag in _WRAPPERS:
                self.blocks(el, shaded)
            elif tag in _DELETED:
                self.deleted += _deleted_chars(el)
            elif tag == f"{_W}altChunk":
                self.embedded += 1
            elif tag == f"{_MC}AlternateContent":
                branch = _branch(el)
                if branch is not None:
                    self.blocks(branch, shaded)

    def table(self, tbl, shaded: bool) -> None:
        above: dict[int, str] = {}  # grid column -> text, for vertically merged cells
        for tr in _children(tbl, f"{_W}tr"):
            cells: list[tuple[object, int, bool]] = []  # (tc or text of the cell above, span, shaded)
            col = _int(tr.find(f"{_W}trPr/{_W}gridBefore"), 0)
            row: dict[int, str] = {}
            tcs = list(_children(tr, f"{_W}tc"))
            for tc in tcs:
                span = _int(tc.find(f"{_W}tcPr/{_W}gridSpan"), 1)
                merge = tc.find(f"{_W}tcPr/{_W}vMerge")
                cell_shaded = shaded or _shaded(tc.find(f"{_W}tcPr/{_W}shd"))
                if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                    cells.append((above.get(col, ""), span, cell_shaded))
                else:
                    cells.append((tc, span, cell_shaded))
                col += span
            non_empty = [c for c in cells if not isinstance(c[0], str) and "".join(c[0].itertext()).strip()]
            if len(tcs) == 1 and len(non_empty) == 1:
                self.blocks(non_empty[0][0], non_empty[0][2])  # a layout table: its paragraphs are lines
                continue
            texts = []
            col = _int(tr.find(f"{_W}trPr/{_W}gridBefore"), 0)
            for content, span, cell_shaded in cells:
                text = content if isinstance(content, str) else self.cell_text(content, cell_shaded)
                for _ in range(span):
                    row[col] = text
                    texts.append(text)
                    col += 1
            above = row
            self._add("\t".join(texts))

    def cell_text(self, tc, shaded: bool) -> str:
        """A cell of a row of several as one line: its paragraphs run
        together, a nested table's cells separated by spaces."""
        inner = _Reader(self.styles, self.coloured_page)
        inner.length, inner.paragraphs = self.length, self.paragraphs
        inner.blocks(tc, shaded)
        self.hidden += inner.hidden
        self.paragraphs = inner.paragraphs
        self.deleted += inner.deleted
        self.images += inner.images
        self.embedded += inner.embedded
        return "".join(" ".join(line.split("\t")) for line in inner.lines).replace("\n", "")

    # ------------------------------------------------------------ paragraphs

    def paragraph(self, p, shaded: bool) -> None:
        self.paragraphs += 1
        number = self.paragraphs
        style = p.find(f"{_W}pPr/{_W}pStyle")
        p_style = style.get(f"{_W}val") if style is not None else None
        shaded = shaded or _shaded(p.find(f"{_W}pPr/{_W}shd"))
        pieces: list[tuple[str, str | None]] = []  # (text, why hidden)
        boxes: list = []  # text boxes anchored here, read after the paragraph
        self.inline(p, p_style, shaded, pieces, boxes)
        line, at = [], self.length
        for text, why in _merged(pieces):
            if why is None:
                line.append(text)
                at += len(text)
            elif text.strip():
                self.hidden.append(HiddenText(" ".join(text.split()), why, where=f"第 {number} 段", at=at))
        self._add("".join(line))
        for box in boxes:
            self.blocks(box)

    def inline(self, parent, p_style, shaded, pieces, boxes) -> None:
        for el in parent:
            tag = el.tag
            if tag == f"{_W}r":
                self.run(el, p_style, shaded, pieces, boxes)
            elif tag == f"{_W}sdt":
                content = el.find(f"{_W}sdtContent")
                if content is not None:
                    self.inline(content, p_style, shaded, pieces, boxes)
            elif tag in _WRAPPERS:
                self.inline(el, p_style, shaded, pieces, boxes)
            elif tag in _DELETED:
                self.deleted += _deleted_chars(el)
            elif tag == f"{_MC}AlternateContent":
                branch = _branch(el)
                if branch is not None:
                    self.inline(branch, p_style, shaded, pieces, boxes)

    def run(self, r, p_style, shaded, pieces, boxes) -> None:
        why = self.hiding(r, p_style, shaded)
        for el in r:
            tag = el.tag
            if tag == f"{_W}t":
                pieces.append((el.text or "", why))
            elif tag in (f"{_W}tab", f"{_W}ptab"):
                pieces.append((" ", why))  # a tab in a paragraph lines text up; it does not make a table row
            elif tag in (f"{_W}br", f"{_W}cr"):
                pieces.append(("\n", why))
            elif tag == f"{_W}noBreakHyphen":
                pieces.append(("-", why))
            elif tag == f"{_MC}AlternateContent":
                branch = _branch(el)
                if branch is not None:
                    self.drawing(branch, boxes)
            elif tag in (f"{_W}drawing", f"{_W}pict", f"{_W}object"):
                self.drawing(el, boxes)

    def drawing(self, el, boxes) -> None:
        boxes.extend(el.iter(f"{_W}txbxContent"))
        self.images += sum(1 for _ in el.iter(_PIC)) + sum(1 for _ in el.iter(_VML_IMAGE))

    def hiding(self, r, p_style, shaded) -> str | None:
        """Why a reader never sees this run's text, if so."""
        rstyle = r.find(f"{_W}rPr/{_W}rStyle")
        r_style = rstyle.get(f"{_W}val") if rstyle is not None else None

        def prop(tag):
            direct = r.find(f"{_W}rPr/{_W}{tag}")
            if direct is not None:
                return direct
            for found in (self.styles.prop(r_style, tag), self.styles.prop(p_style, tag)):
                if found is not None:
                    return found
            return self.styles.defaults.find(f"{_W}{tag}") if self.styles.defaults is not None else None

        vanish = prop("vanish")
        if vanish is not None and _on(vanish):
            return "w:vanish"
        size = prop("sz")
        if size is not None and _int(size, 24) < 2:  # half-points
            return "tiny"
        color = prop("color")
        if (color is not None and color.get(f"{_W}val") in _WHITE and not shaded and not self.coloured_page
                and prop("highlight") is None and not _shaded(prop("shd"))):
            return "white"
        return None


def _merged(pieces: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """Neighbouring pieces hidden for the same reason (or shown) as one."""
    out: list[tuple[str, str | None]] = []
    for text, why in pieces:
        if out and out[-1][1] == why:
            out[-1] = (out[-1][0] + text, why)
        else:
            out.append((text, why))
    return out


def _children(parent, tag: str):
    """`tag` children of `parent`, also inside content controls and custom XML around them."""
    for el in parent:
        if el.tag == tag:
            yield el
        elif el.tag == f"{_W}sdt":
            content = el.find(f"{_W}sdtContent")
            if content is not None:
                yield from _children(content, tag)
        elif el.tag in (f"{_W}customXml", f"{_W}ins", f"{_W}moveTo"):
            yield from _children(el, tag)


def _branch(alternate):
    """The branch of an mc:AlternateContent to read: the first that holds text,
    else the first; never two (they are the same content twice)."""
    branches = [b for b in alternate if b.tag in (f"{_MC}Choice", f"{_MC}Fallback")]
    for b in branches:
        if any((t.text or "").strip() for t in b.iter(f"{_W}t")):
            return b
    return branches[0] if branches else None


def _deleted_chars(el) -> int:
    return sum(len(t.text or "") for t in el.iter(f"{_W}delText", f"{_W}t"))


def _shaded(shd) -> bool:
    """A shading element that paints something other than white or nothing."""
    if shd is None:
        return False
    fill = (shd.get(f"{_W}fill") or "auto").upper()
    return fill not in ("AUTO", "FFFFFF") or (shd.get(f"{_W}val") or "clear") not in ("clear", "nil")


def _int(el, default: int) -> int:
    try:
        return int(el.get(f"{_W}val")) if el is not None else default
    except (TypeError, ValueError):
        return default
