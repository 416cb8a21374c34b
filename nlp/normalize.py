"""Normalisation: small steps on text, each consumer chaining the ones it needs.

Script. Reports copied by mirror sites come back in traditional script, often
with a pinyin gloss after some characters: "決算數(shù)較上年增加12.50萬(wàn)元，
增長(cháng)2.76%". Every pattern downstream (amounts, triggers, outline
markers, the classifier's features) is written for simplified text, so the
repaired text is made plain: glosses removed (`strip_glosses`), then the
script converted (`simplify`) with OpenCC's "t2s" (traditional to simplified)
table. `plain` does both to any short string (a cause, an item, a line of a
label file); repair does them to the whole text, keeping its map.

The conversion keeps the length of the text (every entry of OpenCC's t2s
tables maps a character or phrase to one of the same length), so the map from
each character back to the input stays valid; should the converter ever
return a different length, that chunk is converted character by character.

Most reports are simplified already and contain neither a gloss nor a
character that t2s changes: one scan of the text for a tone-marked vowel or
such a character skips all the work for them. A text with no character that
t2s converts *on its own* is taken to be simplified and left alone, even where
a phrase of OpenCC's table would match (its table reads "打坏" as
traditional for "打坯"; simplified text means "damaged"). For the same reason
坏 is never converted: in a report, and in what t2s makes of 壞, it is 壞.

Characters. `fold_width` (NFKC: full-width digits and letters to half-width),
`fold_case`, `drop_spaces`, `drop_punctuation` and `mask_figures` are the
steps the comparisons are made of; `chain` composes them. The near-duplicate
key (nlp.similarity) and the classifier's text (nlp.features, which
nlp.specificity shares) are each one chain of these steps.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"

# A pinyin gloss: 1-7 lowercase latin letters with a tone mark, in brackets of
# either width: "(wàn)", "（shù）", "(cháng)". Not "(PPP)", "(abc)" or "(a)".
GLOSS = re.compile(rf"[(（](?=[a-zü]{{0,6}}[{_TONED}])[a-zü{_TONED}]{{1,7}}[)）]")

# Characters kept whatever the converter says (see the module docstring).
_KEEP = "坏"
_CHUNK = 1 << 14  # characters per call of the converter (cut at a line break)
_ROUNDS = 4  # removing a gloss can reveal another: "((wàn)wàn)"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class _T2S:
    """The converter and what it changes, loaded once on first use."""

    def __init__(self) -> None:
        import opencc

        self.convert = opencc.OpenCC("t2s").convert
        # Every character of the basic plane the converter changes on its
        # own (OpenCC's tables hold CJK ideographs: unified, extension A,
        # compatibility forms). Asking for the supplementary planes too would
        # cost 50 ms at every start; a text with such a character is simply
        # converted (see `needed`).
        ranges = [(0x2E80, 0xA000), (0xF900, 0xFB00)]
        chars = [chr(i) for lo, hi in ranges for i in range(lo, hi)]
        out = self.convert("\n".join(chars)).split("\n")
        if len(out) != len(chars):  # never seen: ask one character at a time
            out = [self.convert(c) for c in chars]
        changed = [c for c, o in zip(chars, out, strict=True) if o != c and c not in _KEEP]
        bmp = "".join(changed)
        # A class of BMP characters compiles to a bitmap; astral ones would
        # make the scan ten times slower, so any astral character is a suspect.
        self.traditional = re.compile(f"[{bmp}]")
        self.suspect = re.compile(f"[{_TONED}{bmp}\U00010000-\U0010ffff]")

    def needed(self, text: str) -> bool:
        """Whether `text` has a character the converter changes on its own
        (any character beyond the basic plane counts as one)."""
        return bool(self.traditional.search(text) or _ASTRAL.search(text))

    def __call__(self, text: str) -> str:
        """`text` in simplified script, of the same length."""
        if not self.needed(text):
            return text
        pieces, start = [], 0
        while start < len(text):
            end = start + _CHUNK
            if end < len(text):
                cut = text.rfind("\n", start, end)
                end = cut + 1 if cut > start else end
            pieces.append(self._chunk(text[start:end]))
            start = end
        return "".join(pieces)

    def _chunk(self, chunk: str) -> str:
        try:
            out = self.convert(chunk)
        except UnicodeEncodeError:  # a lone surrogate: it is kept, the rest converted
            out = None
        if out is None or len(out) != len(chunk):
            out = "".join(self._char(c) for c in chunk)
        if _KEEP in chunk:
            out = "".join(c if c in _KEEP else o for c, o in zip(chunk, out, strict=True))
        return out

    def _char(self, c: str) -> str:
        try:
            o = self.convert(c)
        except UnicodeEncodeError:
            return c
        return o if len(o) == 1 else c


_t2s: _T2S | None = None


def _converter() -> _T2S:
    global _t2s
    if _t2s is None:
        _t2s = _T2S()
    return _t2s


def needs_normalising(text: str) -> bool:
    """False when `text` surely has no gloss and nothing to convert (one scan)."""
    return _converter().suspect.search(text) is not None


def strip_glosses(text: str) -> str:
    """`text` without its pinyin glosses, however they nest ("((wàn)wàn)")."""
    for _ in range(_ROUNDS):
        text, n = GLOSS.subn("", text)
        if not n:
            break
    return text


def simplify(text: str) -> str:
    """`text` in simplified script, of the same length (itself when there is
    no character to convert)."""
    return _converter()(text)


@lru_cache(maxsize=1 << 16)
def plain(text: str) -> str:
    """`text` with pinyin glosses removed, in simplified script. Simplified
    text without glosses comes back unchanged (the same object)."""
    if not needs_normalising(text):
        return text
    return simplify(strip_glosses(text))


# ------------------------------------------------------------------ characters

_SPACES = re.compile(r"\s+")
_WORD_RUN = re.compile(r"\w+")  # letters, CJK, digits and "_"
_FIGURE = re.compile(r"\d+(?:\.\d+)?")
_GROUPED_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")  # "1,234.5" and "3,4" are one figure

Step = Callable[[str], str]


def fold_width(text: str) -> str:
    """NFKC: full-width digits, letters and punctuation to their plain forms."""
    return unicodedata.normalize("NFKC", text)


def fold_case(text: str) -> str:
    return text.lower()


def drop_spaces(text: str) -> str:
    return _SPACES.sub("", text)


def drop_punctuation(text: str, *, keep_underscore: bool = False) -> str:
    """Letters, digits and CJK characters only: spaces and punctuation dropped,
    "_" with them unless `keep_underscore` (the classifier's features keep it,
    as they were trained)."""
    kept = "".join(_WORD_RUN.findall(text))
    return kept if keep_underscore else kept.replace("_", "")


def mask_figures(text: str, *, grouped: bool = False) -> str:
    """Every figure as "0", so that "6名" and "12名" read alike. With
    `grouped`, a run of figures joined by "," or "." ("1,234.5") is one figure."""
    return (_GROUPED_FIGURE if grouped else _FIGURE).sub("0", text)


def chain(*steps: Step) -> Step:
    """The steps applied left to right, as one function."""

    def run(text: str) -> str:
        for step in steps:
            text = step(text)
        return text

    return run
