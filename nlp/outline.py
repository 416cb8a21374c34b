"""The outline of a report (第一部分 / 一、 / （一） / 1. / （1）) and the
section path in force at any offset of the repaired text."""
from __future__ import annotations

import bisect
import re

from nlp.repair import is_heading

_LEVELS = [
    re.compile(r"^第[一二三四五六七八九十]+部分"),
    re.compile(r"^[一二三四五六七八九十]+[、.．]"),
    re.compile(r"^[（(][一二三四五六七八九十]+[)）]"),
    re.compile(r"^\d{1,2}(?:[、．]|\.(?!\d))"),
    re.compile(r"^[（(]\d{1,2}[)）]"),
    re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩]"),
]


class Outline:
    """Headings found in the text; `section_at(offset)` gives the path."""

    def __init__(self, text: str):
        self._offsets: list[int] = []
        self._paths: list[list[str]] = []
        stack: list[tuple[int, str]] = []
        offset = 0
        for line in text.split("\n"):
            stripped = line.strip().lstrip("-•·* ")
            if stripped and is_heading(stripped):
                level = next((i for i, p in enumerate(_LEVELS) if p.match(stripped)), None)
                if level is not None:
                    while stack and stack[-1][0] >= level:
                        stack.pop()
                    stack.append((level, stripped))
                    self._offsets.append(offset)
                    self._paths.append([title for _, title in stack])
            offset += len(line) + 1

    def section_at(self, offset: int) -> list[str]:
        i = bisect.bisect_right(self._offsets, offset) - 1
        return list(self._paths[i]) if i >= 0 else []
