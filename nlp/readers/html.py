"""Visible text of an HTML page (lxml): blocks on their own lines, table rows
as tab-separated lines. Scripts and styles are dropped; nothing is fetched."""
from __future__ import annotations

from nlp.errors import InputError

_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "tr", "table", "title"}


def html_to_text(text: str, name: str) -> str:
    import lxml.html

    try:
        root = lxml.html.document_fromstring(text)
    except Exception as e:  # noqa: BLE001 - lxml raises ParserError, ValueError
        raise InputError(f"{name}: unreadable HTML ({type(e).__name__})") from None
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    out: list[str] = []
    _walk(root, out)
    result = "".join(out)
    if not result.strip():
        raise InputError(f"{name}: HTML page has no text")
    return result


def _walk(root, out: list[str]) -> None:
    """Text in document order; iterative, so that no nesting depth of a
    hostile page can exhaust Python's stack."""
    stack: list = [(root, False)]
    while stack:
        el, closing = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else ""
        if closing:
            if tag in _BLOCKS:
                out.append("\n")
            if el.tail:
                out.append(el.tail)
            continue
        if tag == "tr":
            cells = [" ".join(c.text_content().split()) for c in el if isinstance(c.tag, str) and c.tag in ("td", "th")]
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
