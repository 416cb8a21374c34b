"""Undo what PDF extraction and hand-made files do to Chinese text.

Every step is a regular-expression substitution on a `MappedText`, which
carries, for each character of the repaired text, the offset of the original
character it came from; so anything found in the repaired text can be pointed
back to its page and offset in the input.

Steps, in order:
0. text a reader cannot see removed: format characters (Unicode category Cf:
   zero-width spaces and joiners, bidi controls, soft hyphens, tags),
   variation selectors, and combining marks on a figure or a Chinese character
   ("8\u200c5.00 万元" -> "85.00 万元"); line and page separators (\f, \v,
   NEL, U+2028, U+2029) become line breaks, which step 6 joins where a
   sentence goes on ("主要\u2028原因是" -> "主要原因是"); a TAB outside a
   table row is a space (`is_table_row`);
1. compatibility forms to plain ones (full-width digits and letters, Kangxi
   radicals and CJK compatibility ideographs that PDF fonts produce, odd spaces);
2. running headers, footers and page numbers removed;
3. thousands separators removed ("13,604.76" -> "13604.76");
4. punctuation in Chinese text made full-width ("," -> "，", "(" -> "（",
   "资金暂未支出." -> "资金暂未支出。");
5. spaces inside Chinese text removed ("国有 资产" -> "国有资产");
6. lines broken inside a sentence joined again ("主要原\n\n因是" -> "主要原因是"),
   but not after a heading, before an outline marker, or around table rows;
   a figure cut at a line's end is joined even on a line that looks like a
   heading ("二、……预算 85 万\n元，" -> "二、……预算 85 万元，").

Then the text is normalised (nlp.normalize): pinyin glosses removed,
traditional script made simplified, "決算數(shù)" -> "决算数", and amounts and
percentages in Chinese numerals written as figures, "百分之八十五" -> "85%"
(nlp.numerals). The text before
that, as the report writes it, is kept (`RepairedText.written`, nlp.model) for
quoting.
"""
from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

from nlp.model import RepairedText
from nlp.normalize import GLOSS, needs_normalising, simplify
from nlp.numerals import FIGURE_IN_WORDS, figure_for

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Closing punctuation and characters that continue Chinese text.
_WIDE = CJK + r"\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014"

OUTLINE_MARKER = re.compile(
    r"^(?:[-•·*]\s*)?(?:"
    r"第[一二三四五六七八九十]+部分"
    r"|[一二三四五六七八九十]+[、.．]"
    r"|[（(][一二三四五六七八九十]+[)）]"
    r"|\d{1,2}(?:[、．]|\.(?!\d))"
    r"|[（(]\d{1,2}[)）]"
    r"|[①②③④⑤⑥⑦⑧⑨⑩]"
    r"|[一二三四五六七八九十]+是"
    r")"
)


@dataclass
class MappedText:
    """Text plus, per character, the offset of its source character (an
    array of machine integers: slicing and extending it are memory copies)."""

    text: str
    origin: array

    def sub(self, pattern: re.Pattern, repl, spread: bool = False) -> MappedText:
        """Each match replaced; `repl` returning the match leaves it. With
        `spread`, a replacement of another length spans what it replaces
        (first and last characters on theirs), so a quote of it takes all."""
        text, old = self.text, self.origin
        pieces: list[str] = []
        origin = array("q")
        last = 0
        # A tight loop: most matches of the line-break step are left as they are.
        replace = repl if callable(repl) else None
        for m in pattern.finditer(text):
            new = repl if replace is None else replace(m)
            start, end = m.span()
            if new == text[start:end]:
                continue
            pieces.append(text[last:start])
            origin.extend(old[last:start])
            pieces.append(new)
            n, span = len(new), end - start
            if n == span:
                # One for one ("(" -> "（", a bracket pair widened): each keeps its own.
                origin.extend(old[start:end])
            elif new and spread:
                origin.extend(old[start + (span - 1 if i == n - 1 else i * span // n)] for i in range(n))
            elif new:
                # Replacement characters point at the start of what they replace.
                anchor = old[min(start, len(old) - 1)] if old else 0
                origin.extend(array("q", [anchor]) * n)
            last = end
        if not pieces:
            return self
        pieces.append(text[last:])
        origin.extend(old[last:])
        return MappedText("".join(pieces), origin)


_MAX_ROUNDS = 4


def repair(pages: list[str], paged: bool = True) -> RepairedText:
    page_starts, offset = [], 0
    for p in pages:
        page_starts.append(offset)
        offset += len(p) + 1  # pages are joined with "\n"
    joined = "\n".join(_strip_running_lines(pages))
    mt = _settle(_untab(_unhide(MappedText(joined, _identity(len(joined))))))
    written, written_at = mt.text, None
    if needs_normalising(written) or FIGURE_IN_WORDS.search(written):
        # Normalised text is repaired again (a gloss removed can leave two
        # characters a space apart, or unblock a bracket pair), following
        # the map into `written`, until both leave it alone; the same steps as
        # the first pass, since a gloss removed can put a combining mark on a
        # Chinese character or leave a tab alone on its line.
        wt = MappedText(written, _identity(len(written)))
        for _ in range(_MAX_ROUNDS):
            normalised = _figures(_plain(wt))
            if normalised is wt:
                break
            wt = _settle(_untab(_unhide(normalised)))
        if wt.text != written:
            written_at = wt.origin
            mt = MappedText(wt.text, _compose(mt.origin, written_at))
    original = "\n".join(pages)
    line_starts = [0] + [m.end() for m in re.finditer("\n", original)]
    return RepairedText(mt.text, mt.origin, page_starts, paged, line_starts, written, written_at)


def _plain(mapped: MappedText) -> MappedText:
    """`mapped` with glosses removed and in simplified script, its origin map
    carried through (each character keeps the origin of the character it was
    converted from). `mapped` itself when there is nothing to do. One pass:
    a gloss revealed by removing another is left for the next round."""
    if not needs_normalising(mapped.text):
        return mapped
    out = mapped.sub(GLOSS, "")
    simple = simplify(out.text)
    if simple != out.text:
        out = MappedText(simple, out.origin)
    return out


def _figures(mapped: MappedText) -> MappedText:
    """Amounts and percentages in Chinese numerals as figures ("八十五万元" ->
    "85万元"), each spanning the numeral it replaces."""
    return mapped.sub(FIGURE_IN_WORDS, lambda m: figure_for(m) or m.group(0), spread=True)


def _settle(mt: MappedText) -> MappedText:
    # Each step can make work for another (a space removed brings a bracket
    # pair within reach, a line joined closes one), so they run until the
    # text stops changing: repairing repaired text changes nothing.
    for _ in range(_MAX_ROUNDS):
        before = mt.text
        for pattern, repl in _STEPS:
            mt = mt.sub(pattern, repl)
        mt = mt.sub(_LINE_BREAK, _join_or_keep)
        if mt.text == before:
            break
    return mt


def _identity(n: int) -> array:
    import numpy as np

    out = array("q")
    out.frombytes(np.arange(n, dtype=np.int64).tobytes())
    return out


def _compose(outer: array, inner: array) -> array:
    """outer[i] for each i in inner (array indexing, done by numpy)."""
    import numpy as np

    out = array("q")
    if inner:
        out.frombytes(np.frombuffer(outer, dtype=np.int64)[np.frombuffer(inner, dtype=np.int64)].tobytes())
    return out


# -- step 0: what a reader cannot see ---------------------------------------

# Characters str.splitlines breaks at, besides "\n" and "\r" (gone already).
_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))  # variation selectors: a glyph variant, same character
# Most of a text, none of the characters asked about below: ASCII but for the
# separators in _BREAKS (\v \f \x1c-\x1e), and Chinese characters. Dropped
# before the text's characters are counted, which is faster than counting all.
_ORDINARY = re.compile(r"[\x00-\x0a\x0d-\x1b\x1f-\x7e\u4e00-\u9fff]+")


def _unhide(mt: MappedText) -> MappedText:
    """`mt` without the characters a reader cannot see, and with line and
    page separators as line breaks. The characters are told by their Unicode
    category, among those the text holds (a few thousand at most)."""
    odd = [c for c in set(_ORDINARY.sub("", mt.text)) if c >= "\x7f" or c in _BREAKS]
    hidden = "".join(c for c in odd if unicodedata.category(c) == "Cf" or _is_selector(c))
    breaks = "".join(c for c in odd if c in _BREAKS)
    # A combining mark on a digit or a Chinese character changes nothing a
    # reader sees there; on a latin letter (a pinyin tone) it is kept.
    marks = "".join(c for c in odd if unicodedata.category(c) in ("Mn", "Me") and not _is_selector(c))
    parts = [f"[{re.escape(chars)}]" for chars in (hidden, breaks) if chars]
    if marks:
        parts.append(rf"(?<=[\d.%{CJK}])[{re.escape(marks)}]+")
    if not parts:
        return mt
    return mt.sub(re.compile("|".join(parts)), lambda m: "\n" if m.group(0) in breaks else "")


def _is_selector(c: str) -> bool:
    return any(lo <= ord(c) <= hi for lo, hi in _SELECTORS)


_TABBED_LINE = re.compile(r"^[^\n\t]*\t[^\n]*", re.M)
_CLAUSE_MARK = re.compile(r"[，。；：,;:]")  # ASCII too: widths are normalised after this step


def is_table_row(line: str) -> bool:
    """Readers give table rows as tab-separated cells. A row has three cells
    or more (empty ones count: "\t\t受理率\t\t\t"), or two without a clause
    mark ("项目名称\tXX项目"); a sentence with a tab in it, or indented by one,
    is not a row ("\t2024年收入……，比上年增加\t85.00万元。")."""
    inner = line.strip(" \t").count("\t")
    return line.count("\t") >= 3 or inner >= 2 or (inner == 1 and not _CLAUSE_MARK.search(line))


# A row some readers (and copies of web pages) give with cells between bars:
# "产出指标 | 数量指标 | 20台 | 12台 | 8 | 5 | 部分设备延至下年" (three cells or more
# with something in them: "||" is no row).
_BAR = re.compile(r"(?<![ \t])[ \t]*[|｜][ \t]*")  # from a run's start only: linear


def _unbar(mt: MappedText) -> MappedText:
    """A row's bars as the tabs that other readers give a row (each bar on
    its own, so that the cells keep their offsets)."""
    text = mt.text
    if "|" not in text and "｜" not in text:
        return mt
    ends = [m.start() for m in re.finditer("\n", text)] + [len(text)]
    rows: dict[int, bool] = {}  # line number -> is it a row of bars

    def tab(m: re.Match) -> str:
        n = bisect_left(ends, m.start())
        if n not in rows:
            line = text[ends[n - 1] + 1 if n else 0 : ends[n]]
            rows[n] = sum(1 for cell in re.split("[|｜]", line) if cell.strip()) >= 3
        return "\t" if rows[n] else m.group(0)

    return mt.sub(_BAR, tab)


def _untab(mt: MappedText) -> MappedText:
    """TABs outside table rows as spaces (one for one: the map stays)."""
    mt = _unbar(mt)
    if "\t" not in mt.text:
        return mt
    return mt.sub(_TABBED_LINE, lambda m: m.group(0) if is_table_row(m.group(0)) else m.group(0).replace("\t", " "))


# -- step 1: compatibility forms -------------------------------------------

# The wide forms of （），：；！？ (U+FF01, FF08, FF09, FF0C, FF1A, FF1B, FF1F) are
# kept, so they are left out of the class rather than matched and put back.
_COMPAT = re.compile(
    r"[\u00a0\u2000-\u200a\u202f\u205f\u2e80-\u2fdf\u3000\uf900-\ufaff"
    r"\uff02-\uff07\uff0a\uff0b\uff0d-\uff19\uff1c-\uff1e\uff20-\uff5e]|\*\*"
)



def _compat(m: re.Match) -> str:
    c = m.group(0)
    if c == "**":  # markdown emphasis
        return ""
    return unicodedata.normalize("NFKC", c)


# -- step 2: running headers, footers, page numbers ------------------------

_PAGE_NUMBER = re.compile(r"^[\s\-—－–·•]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／共]\s*\d{1,4}\s*页?)?[\s\-—－–·•]*$")


def _strip_running_lines(pages: list[str]) -> list[str]:
    """Blank out page numbers and lines repeated at the top or bottom of most
    pages, keeping every page's length so offsets stay valid."""
    if len(pages) < 2:
        return pages
    edges: Counter = Counter()
    for p in pages:
        lines = [ln.strip() for ln in p.split("\n") if ln.strip()]
        for ln in set(lines[:2] + lines[-2:]):
            edges[re.sub(r"\d+", "#", ln)] += 1
    running = {k for k, n in edges.items() if n >= max(3, len(pages) // 2)}
    out = []
    for p in pages:
        lines = p.split("\n")
        nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
        edge = set(nonblank[:2] + nonblank[-2:])
        for i in edge:
            ln = lines[i].strip()
            if _PAGE_NUMBER.match(ln) or re.sub(r"\d+", "#", ln) in running:
                lines[i] = " " * len(lines[i])
        out.append("\n".join(lines))
    return out


# -- steps 3 to 5 ----------------------------------------------------------

_WIDE_PUNCT = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", ".": "。"}

# Half-width punctuation in Chinese text; "," and ":" between digits stay.
# Every branch opens with the character it matches (lookbehinds after it), so
# the scan jumps from candidate to candidate instead of trying each position.
# A full stop after a Chinese character, a bracket or a percentage ends a
# sentence ("资金暂未支出.", "下降 5.2%."), not
# before a figure, a letter or another dot ("2.5", "说明.docx", "等...").
_HALF_PUNCT = re.compile(
    r"[,:](?!(?<=\d[,:])\d)|;|[!?](?<=[\u4e00-\u9fff][!?])|\.(?<=[\u4e00-\u9fff）”%][.])(?![\dA-Za-z.])"
)


def _widen(m: re.Match) -> str:
    if m.group(1) is None:
        return _WIDE_PUNCT[m.group(0)]
    # A bracket pair is one match, so the punctuation inside is widened here.
    return "（" + _HALF_PUNCT.sub(lambda p: _WIDE_PUNCT[p.group(0)], m.group(1)) + "）"


_STEPS = [
    (_COMPAT, _compat),
    (re.compile(r"[,，](?<=\d[,，])(?=\d{3}(?:\D|$))"), ""),
    (re.compile(rf"{_HALF_PUNCT.pattern}|\(([^()\n]{{0,40}}[{CJK}][^()\n]{{0,40}})\)"), _widen),
    (re.compile(rf"[ ](?<=[{_WIDE}\dA-Za-z%][ ])[ ]*(?=[{_WIDE}])|[ ](?<=[{_WIDE}][ ])[ ]*(?=[\dA-Za-z%=<>≥≤(（])"), ""),
]

# -- step 6: broken lines --------------------------------------------------

# A whole run of spaces, tabs and line breaks with a line break in it. The
# pattern opens with the run's first character (its lookbehind after it: not
# after a space or tab) so the scan jumps from candidate to candidate; written
# `(?<![ \t])[ \t]*\n(?:[ \t]*\n)*[ \t]*`, it was tried at every character.
_LINE_BREAK = re.compile(r"[ \t\n](?<![ \t][ \t\n])(?:(?<=\n)|[ \t]*\n)[ \t\n]*")
_SENTENCE_END = "。！？!?"


def _join_or_keep(m: re.Match) -> str:
    text = m.string
    start, end = m.span()
    prev = text[text.rfind("\n", 0, start) + 1 : start]
    next_end = text.find("\n", end)
    nxt = text[end:next_end] if next_end >= 0 else text[end:]
    keep = "\n\n" if text.count("\n", start, end) > 1 else "\n"
    # Table rows first: most line breaks of a report are between them.
    if "\t" in prev or "\t" in nxt or not prev.strip() or not nxt.strip():
        return keep
    if prev.rstrip()[-1] in _SENTENCE_END or OUTLINE_MARKER.match(nxt.lstrip()):
        return keep
    if (_FIGURE_LINE.fullmatch(prev.strip()) and nxt.lstrip()[:1].isdigit()) or (
        _FIGURE_LINE.fullmatch(nxt.strip()) and prev.rstrip()[-1] in "0123456789%％"
    ):
        return keep  # "42.5\n38.2", "实际值 95%\n92%": a flattened row's cells, never one figure
    if _BROKEN_FIGURE.search(prev) and _FIGURE_GOES_ON.match(nxt) and re.search(f"[{CJK}]", prev):
        return ""  # "……预算 85 万\n元，" / "下降 1\n6.3%": a figure cut at the line's end
    if is_heading(prev):
        return keep
    return ""


_FIGURE_LINE = re.compile(r"[-+−]?\d[\d,]*(?:\.\d+)?[%％]?")  # a line that is one figure only
_BROKEN_FIGURE = re.compile(r"(?:\d[.,]?|\d\s*[万亿千])$")
_FIGURE_GOES_ON = re.compile(r"(?:\d|[万亿千]?元|%|万|亿)")


_SENTENCE_MARK = re.compile(r"[。，；：:]|\d+(?:\.\d+)?万?元")  # a heading has no clause marks and no amounts


def is_heading(line: str) -> bool:
    """A short line that opens with an outline marker and is not a sentence."""
    line = line.strip()
    return bool(
        OUTLINE_MARKER.match(line)
        and len(line) <= 40
        and not _SENTENCE_MARK.search(line[3:])
        and not re.match(r"^(?:[-•·*]\s*)?[一二三四五六七八九十]+是", line)
        # A functional item cut before its (项) or a dangling word continues.
        and not (re.search(r"（[类款]）", line) and "（项）" not in line)
        and line[-1] not in "及和与的、（"
        and line.count("（") + line.count("(") == line.count("）") + line.count(")")
    )
