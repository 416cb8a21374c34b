"""Figures written in Chinese numerals: "八十五万元", "一百二十点五万元",
"百分之十二点五", "两千零三十万元", "壹佰万元".

Every pattern downstream (amounts, percentages, changes) reads Arabic
figures, so repair rewrites a numeral that is an amount or a percentage as
one: "八十五万元" -> "85万元", "百分之八十五" -> "85%". Only a numeral right
before a unit of money or "%", or after 百分之, is a figure: a year
(二〇二四年), an item number (一、), a count (三人) or an ordinal (第二) is not.

Our own few lines rather than a library (cn2an was looked at): we need where
each numeral starts and ends, to keep repair's map to the input, and nothing
but amounts and percentages; and a colloquial numeral whose value is not
certain ("一万五", 15000 or 10005?) is left as written rather than guessed.
"""
from __future__ import annotations

import re

_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
}
_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10**4, "亿": 10**8}
_CHARS = "".join(_DIGITS) + "".join(_SMALL) + "".join(_BIG)
# A numeral opens with a digit or 十 ("千元" alone is a unit, not 1000 元).
_RUN = rf"[{''.join(_DIGITS)}十拾][{_CHARS}]*(?:点[{''.join(_DIGITS)}]+)?"

# A numeral before a unit of money (万 and 亿 alone as statements reads them,
# not before a counted thing) or "%", or after 百分之. Not after 数, 几, 上 or
# 近 ("数百万元" is several million, not one), a figure ("10亿元") or within
# a numeral.
FIGURE_IN_WORDS = re.compile(
    rf"百分之(?P<pct>{_RUN})"
    rf"|(?<![\d.数几上近逾余多{_CHARS}])(?P<num>{_RUN})"
    r"(?=[亿千万]?元(?![化论])|万(?![人户个件次名辆台套美])|亿(?![人美])|%)"
)


def chinese_number(text: str) -> str | None:
    """The figure a Chinese numeral writes, in Arabic digits ("一百二十点五"
    -> "120.5"), or None when it is not one numeral whose value is certain."""
    whole, _, fraction = text.partition("点")
    if any(c not in _DIGITS for c in fraction) or (_ and not fraction):
        return None
    value = integer(whole)
    if value is None:
        return None
    return str(value) + ("." + "".join(str(_DIGITS[c]) for c in fraction) if fraction else "")


def integer(text: str) -> int | None:
    """The whole number a Chinese numeral writes ("二十三" -> 23, "一二〇" -> 120),
    or None when its value is not certain."""
    if not text:
        return None
    if all(c in _DIGITS for c in text):
        # Digit by digit ("一二〇"); a single digit is itself.
        return int("".join(str(_DIGITS[c]) for c in text))
    total = section = 0
    digit: int | None = None
    for i, c in enumerate(text):
        if c in _DIGITS:
            if digit is not None and digit != 0 and _DIGITS[c] != 0:
                return None  # two digits in a row ("二二十")
            digit = _DIGITS[c]
        elif c in _SMALL:
            section += (1 if digit is None else digit) * _SMALL[c]
            digit = None
        else:  # 万, 亿
            if c == "亿":
                total = (total + section + (digit or 0)) * _BIG[c]
            else:
                total += (section + (digit or 0)) * _BIG[c]
            section, digit = 0, None
        if i == len(text) - 1 and c in _DIGITS and digit and i and text[i - 1] in "百佰千仟万亿":
            return None  # "三百五", "一万五": 350 or 305? left as written
    return total + section + (digit or 0)


def figure_for(m: re.Match) -> str | None:
    """What a match of FIGURE_IN_WORDS reads as, in Arabic figures (the unit
    after it is kept); None to leave it as written."""
    if m.group("pct") is not None:
        value = chinese_number(m.group("pct"))
        return None if value is None else value + "%"
    run = m.group("num")
    # "八十五万元": 万 belongs to the unit (85 万元), as a report means it.
    unit = run[-1] if run[-1] in _BIG and m.string.startswith("元", m.end()) and len(run) > 1 else ""
    value = chinese_number(run[: len(run) - len(unit)])
    return None if value is None else value + unit
