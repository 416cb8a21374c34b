"""Visible text of an HTML page (lxml): blocks on their own lines, table rows
as tab-separated lines. Scripts and styles are dropped; nothing is fetched.

Text a reader of the page never sees is left out and reported in
`Source.hidden`: an element with the `hidden` attribute, or styled
`display:none`, `visibility:hidden|collapse` or `opacity:0` (inline, or by a
`<style>` rule whose selector is a tag, `.class`, `#id` or a list of them),
a `<template>`, and the text of an `<svg>` drawing. `aria-hidden` text is
read: it is hidden from screen readers, not from the eye. Stylesheets that
are linked, not written in the page, are never fetched, so what they hide
is read. The parser reads nesting up to 2,048 deep (libxml2's limit with
huge_tree); a deeper page is refused, not cut short in silence.
"""
from __future__ import annotations

import dataclasses
import itertools
import re

from nlp.errors import InputError
from nlp.model import HiddenText

_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "tr", "table", "title"}
_DROPPED = "//script|//style|//noscript"
_XML_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")
_SIZE = re.compile(r"([\d.]+)\s*(px|pt|em|rem|%)?$")
_SIMPLE_SELECTOR = re.compile(r"^([a-zA-Z][\w-]*)?((?:[.#][\w-]+)*)$")


def read_html(text: str, name: str):
    """The page as a `Source`: its visible text, what was hidden, and a
    warning per kind of thing left out."""
    import lxml.etree
    import lxml.html

    from nlp.readers import Source

    # An XML declaration (XHTML) is not HTML's business; lxml refuses a str with one.
    text = _XML_DECLARATION.sub("", text, count=1)
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except Exception as e:  # noqa: BLE001 - lxml raises ParserError, ValueError
        raise InputError(f"{name}: unreadable HTML ({type(e).__name__})") from None
    fatal = [e for e in parser.error_log if e.level == lxml.etree.ErrorLevels.FATAL]
    if fatal:
        depth = "nested too deep" if "depth" in fatal[0].message.lower() else fatal[0].message.strip()
        raise InputError(f"{name}: HTML 无法完整读取（{depth}，第 {fatal[0].line} 行后的文字会丢失）；refused rather than read in part")
    hiding = _hiding_selectors(root)
    for bad in root.xpath(_DROPPED):
        bad.drop_tree()
    out: list[str] = []
    found: list[tuple[int, HiddenText]] = []  # (where in `out`, what)
    _walk(root, out, found, hiding)
    result = "".join(out)
    starts = list(itertools.accumulate((len(piece) for piece in out), initial=0))
    hidden = [dataclasses.replace(h, at=starts[i]) for i, h in found]
    if not result.strip():
        raise InputError(f"{name}: HTML page has no text" + ("（其余文字都是隐藏的）" if hidden else ""))
    warnings = []
    if hidden:
        warnings.append(f"{len(hidden)} 处隐藏文字（{'、'.join(dict.fromkeys(h.why for h in hidden))}）未计入分析 hidden text left out")
    from nlp.accounts.raw import text_tables

    # its tables are cited by number: the lines are ours, not the file's
    return Source(name, [result], paged=False, warnings=warnings, hidden=hidden, tables=text_tables(result, numbered=True))


def _hiding_selectors(root) -> dict[str, str]:
    """Simple selectors ("p", ".x", "#y", "span.x") that the page's own
    <style> rules hide, with what hides them; anything more complex is not matched."""
    found: dict[str, str] = {}
    for style in root.iter("style"):
        css = re.sub(r"/\*.*?\*/", "", style.text or "", flags=re.DOTALL)
        for block in css.split("}"):
            selectors, _, body = block.rpartition("{")  # "@media print { .x { display:none" -> ".x ", "display:none"
            selectors = selectors.rpartition("{")[2]
            why = _hiding_style(body)
            if why:
                found.update((s.strip().lower(), why) for s in selectors.split(",") if _SIMPLE_SELECTOR.match(s.strip()))
    return found


def _why_hidden(el, tag: str, hiding: dict[str, str]) -> str | None:
    if tag in ("template", "svg"):
        return tag
    if el.get("hidden") is not None:
        return "hidden"
    why = _hiding_style(el.get("style") or "")
    if why:
        return why
    if hiding:
        classes = (el.get("class") or "").lower().split()
        ident = (el.get("id") or "").lower()
        names = {tag, *(f".{c}" for c in classes), *(f"{tag}.{c}" for c in classes)}
        if ident:
            names |= {f"#{ident}", f"{tag}#{ident}"}
        for selector in names & hiding.keys() or [s for s in hiding if s.count(".") + s.count("#") > 1]:
            if _matches(selector, tag, classes, ident):
                return hiding[selector]
    return None


def _hiding_style(style: str) -> str | None:
    """What in these CSS declarations hides the text, if anything."""
    for declaration in style.split(";"):
        prop, _, value = declaration.partition(":")
        prop, value = prop.strip().lower(), value.lower().replace("!important", "").strip()
        if prop == "display" and value == "none":
            return "display:none"
        if prop == "visibility" and value in ("hidden", "collapse"):
            return "visibility:hidden"
        if prop == "opacity" and re.fullmatch(r"0*\.?0*%?", value) and value:
            return "opacity:0"
        size = _SIZE.match(value) if prop == "font-size" else None
        if size and _float(size.group(1)) < (0.1 if size.group(2) in ("em", "rem") else 1):
            return "tiny"
    return None


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 1.0


def _matches(selector: str, tag: str, classes: list[str], ident: str) -> bool:
    """A compound selector ("div.a.b", ".a#x") against one element."""
    head, rest = _SIMPLE_SELECTOR.match(selector).groups()
    if head and head != tag:
        return False
    parts = re.findall(r"([.#])([\w-]+)", rest)
    return all((v in classes) if k == "." else (v == ident) for k, v in parts)


def _walk(root, out: list[str], hidden: list, hiding: dict[str, str], anchor: int | None = None) -> None:
    """Text in document order; iterative, so that no nesting depth of a
    hostile page can exhaust Python's stack. Hidden text goes to `hidden`
    with its place in `out` (or `anchor`, the row's place, inside a cell)."""
    stack: list = [(root, False)]
    while stack:
        el, closing = stack.pop()
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if closing:
            if tag in _BLOCKS:
                out.append("\n")
            if el.tail:
                out.append(el.tail)
            continue
        why = _why_hidden(el, tag, hiding) if tag else None
        if why:
            words = " ".join(el.text_content().split())
            if words:
                hidden.append((len(out) if anchor is None else anchor, HiddenText(words, why, where=f"<{tag}>")))
            if el.tail:
                out.append(el.tail)
            continue
        if tag == "tr":
            cells = []
            for c in el:
                if isinstance(c.tag, str) and c.tag in ("td", "th"):
                    parts: list[str] = []
                    _walk_inside(c, parts, hidden, hiding, len(out))
                    cells.append(" ".join("".join(parts).split()))
            out.append("\n" + "\t".join(cells) + "\n")
            if el.tail:
                out.append(el.tail)
            continue
        if tag in _BLOCKS:
            out.append("\n")
        if el.text and tag:
            out.append(el.text)
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))


def _walk_inside(cell, out: list[str], hidden: list, hiding: dict[str, str], anchor: int) -> None:
    """A table cell's visible text (its own tail is the row's business)."""
    if _why_hidden(cell, cell.tag, hiding):
        _walk(cell, [], hidden, hiding, anchor)
        return
    if cell.text:
        out.append(cell.text)
    for child in cell:
        _walk(child, out, hidden, hiding, anchor)
