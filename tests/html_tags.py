"""An HTML page as a browser's tokenizer sees it, for the HTML tests."""
from __future__ import annotations

from html.parser import HTMLParser


class Tags(HTMLParser):
    """Elements and attributes (values unescaped), and the text kept apart."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def by_id(self, id: str) -> tuple[str, dict] | None:
        return next((t for t in self.tags if t[1].get("id") == id), None)
