"""Which unit's report for which year: read off the title in the first lines.

    unit_and_year("上海市普陀区财政局2024年度部门决算")        -> ("上海市普陀区财政局", 2024)
    unit_and_year("某某县教育局 2023 年度部门决算公开说明")     -> ("某某县教育局", 2023)
    unit_and_year("城西区文化和旅游局\\n2024年度部门决算公开说明") -> ("城西区文化和旅游局", 2024)
    unit_and_year("2024年度城西区财政局部门决算")              -> ("城西区财政局", 2024)

The title is often broken over two lines (unit, then "2024年度部门决算…"),
so the first few non-empty lines are joined before matching. Only a title
ending in 决算 (final accounts) or 预算 counts; a year elsewhere in the text
("2024年度收入总计…") is never taken. Returns (None, None) for what is not
found; a manifest given to `juesuan batch` overrides either.
"""
from __future__ import annotations

import re
import unicodedata

HEAD_LINES = 8  # title lines are at the top; stop before the body
HEAD_CHARS = 400

_YEAR = r"(?P<year>(?:19|20)\d{2})\s*年(?:度)?"
_KIND = r"(?:部门|单位|本级|机关|汇总)*\s*(?:决算|预算)"
# A unit name: CJK, letters, digits, brackets, joined by 和/与/及 naturally.
_UNIT = r"(?P<unit>[\u3400-\u9fff\w（）()〔〕·]{2,60}?)"
_UNIT_THEN_YEAR = re.compile(_UNIT + r"\s*[（(]?\s*" + _YEAR + r"\s*[）)]?\s*" + _KIND)
# Year first: only with 部门/单位 before 决算, so that "2024年度一般公共预算…"
# in the body is not read as a title.
_YEAR_THEN_UNIT = re.compile(_YEAR + r"\s*" + _UNIT + r"\s*(?:部门|单位)\s*(?:决算|预算)")
_SCOPE = re.compile(r"[(](?:本级|汇总|机关|本部|部门|单位)[)]$")
_LEADING = re.compile(r"^(?:关于|公开|[第]?[一二三四五六七八九十\d]+[、.．]|\d+)+")
_TRAILING = re.compile(r"(?:关于|的|之)+$")
# Words that show a match ran into the body, not a title.
_NOT_A_UNIT = ("目录", "部门概况", "收入", "支出", "主要原因", "决算情况", "说明")


def unit_and_year(text: str) -> tuple[str | None, int | None]:
    """(unit, year) from the title of a report, or None for what is absent."""
    head = _head(text)
    for pattern in (_UNIT_THEN_YEAR, _YEAR_THEN_UNIT):
        for m in pattern.finditer(head):
            unit = clean_unit(m.group("unit"))
            if unit and not any(w in unit for w in _NOT_A_UNIT):
                return unit, int(m.group("year"))
    # A year in a title line without a recognisable unit is still worth having.
    m = re.search(_YEAR + r"\s*" + _KIND, head)
    return None, int(m.group("year")) if m else None


def clean_unit(unit: str | None) -> str | None:
    """A unit name as written, width-folded, without spaces or lead-in words."""
    if not unit:
        return None
    unit = unicodedata.normalize("NFKC", unit)
    unit = re.sub(r"\s+", "", unit)
    unit = _TRAILING.sub("", _LEADING.sub("", unit))
    unit = _SCOPE.sub("", unit)
    if unit.count("(") != unit.count(")"):
        unit = unit.strip("()·")
    unit = unit.strip("·")
    return unit if len(unit) >= 2 else None


def unit_key(unit: str | None) -> str | None:
    """The form in which two spellings of one unit compare equal."""
    if not unit:
        return None
    return re.sub(r"[\s\W_]+", "", unicodedata.normalize("NFKC", unit)) or None


def _head(text: str) -> str:
    lines = []
    for line in text[:4000].splitlines():
        line = " ".join(line.split())
        if line:
            lines.append(line)
        if len(lines) >= HEAD_LINES:
            break
    # Join lines with nothing between them: a title broken after the unit
    # name must read as one line; a space is kept between the year's digits.
    return "".join(lines)[:HEAD_CHARS]
