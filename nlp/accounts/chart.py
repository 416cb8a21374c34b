"""The national chart of accounts (政府收支分类科目), as data, and a row's code
held to it.

Two charts, code<TAB>name, written from the 2024 edition: the function
classification (nlp/data/function_codes.tsv, 支出功能分类: 类 3 digits, 款 5,
项 7, all starting 2) and the departmental economic classification
(nlp/data/economic_codes.tsv, 部门预算支出经济分类: 类 3, 款 5, starting 3)
that the 基本支出 table uses. The two never share a code, so one lookup serves
both. A code in no chart is not checked: provinces add codes of their own.

Names are compared tolerantly: spaces, half- and full-width brackets, a
trailing 支出, a level marker (（项）) and a name cut short by a wrapped cell
do not count, and a wording close to the chart's (most characters in order
the same) passes. A name is wrong when it is the chart's name of another code
of the same level, or when it is unlike its own code's name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources

_CHARTS = ("data/function_codes.tsv", "data/economic_codes.tsv")
_BRACKETS = str.maketrans("()［］[]", "（）（）（）")
_LIKE = 0.5  # the share of characters, in order, that two wordings of one name have in common


@dataclass(frozen=True)
class Misnamed:
    """A row whose name is not its code's name in the chart."""

    code: str  # the row's code
    name: str  # as written
    chart_name: str  # the chart's name for the code
    instead: str | None  # the code the chart gives the written name, when it gives one


@lru_cache(maxsize=1)
def chart() -> dict[str, str]:
    """Every code of both charts and its name."""
    found = {}
    for path in _CHARTS:
        text = resources.files("nlp").joinpath(path).read_text(encoding="utf-8")
        for line in text.splitlines():
            if line.strip() and not line.startswith("#"):
                code, name = line.split("\t")
                found[code.strip()] = name.strip()
    return found


@lru_cache(maxsize=1)
def _by_name() -> dict[tuple[str, int, str], list[str]]:
    """Codes by (classification, level, name key): 行政运行 is a 项 under many 款."""
    index: dict[tuple[str, int, str], list[str]] = {}
    for code, name in chart().items():
        index.setdefault((code[0], len(code), name_key(name)), []).append(code)
    return index


def name_key(name: str) -> str:
    """A name as compared: "机关事业单位职业年金缴费支出（项）" -> "机关事业单位职业年金缴费"."""
    key = re.sub(r"\s+", "", name).translate(_BRACKETS)
    key = re.sub(r"^(?:其中[:：])", "", key)
    key = re.sub(r"（[类款项]）$", "", key)
    return re.sub(r"支出$", "", key) or key


def misnamed(code: str, name: str) -> Misnamed | None:
    """The row's code and name against the chart; None when they agree,
    the code is not in the chart or the row has no name."""
    expected = chart().get(code)
    if expected is None or not name.strip() or len(code) not in (3, 5, 7):
        return None
    written, wanted = name_key(name), name_key(expected)
    if written == wanted:
        return None
    others = [c for c in _by_name().get((code[0], len(code), written), []) if c != code]
    siblings = [c for c in others if c[:-2] == code[:-2]]
    instead = (siblings or others)[0] if len(siblings or others) == 1 else None
    if instead is None and _like(written, wanted):
        return None
    return Misnamed(code, name.strip(), expected, instead)


def _like(written: str, wanted: str) -> bool:
    if written in wanted or wanted in written:  # a cell cut short, a name with a qualifier
        return True
    if written.startswith("其他") and wanted.startswith("其他"):  # 其他…支出: the 款's name in any wording
        written, wanted = written[2:], wanted[2:]
    return SequenceMatcher(None, written, wanted).ratio() >= _LIKE
