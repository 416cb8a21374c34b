"""The unit's name where the report writes it: the cover's first line
("上海市普陀区财政局2024年度部门决算"), the statements' headers (a name line
above a table's title, "编制单位：…") and the narrative's sentences that
open with it ("上海市普陀区财政局2024年度收入支出总计…", "第一部分…概况").

A name differs from the report's own (the cover's; without a cover, the
one written most) only where it is clearly another unit's:

- a placeholder ("上海市普陀区XX局") in a report whose own name has none;
- a full name, its region written out, whose region is not the report's
  ("上海市规划和自然资源局", the city's bureau, in the report of
  上海市普陀区规划和自然资源局) or whose unit is not (上海市普陀区民政局 in
  the 财政局's).

What legitimately differs passes: a short form (区财政局, 普陀区财政局), a
unit of the department (its name begins with the department's,
上海市普陀区财政局财政所, or it is listed among the units the department's
accounts include), a slip of a character (规划与自然资源局), a note in
brackets (（汇总）, （本级）).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from nlp.accounts.statements import Statement

_NAME = r"[\u4e00-\u9fffXＸ×xｘ（）()]{3,40}?"
_UNIT_END = re.compile(r"[局委办部院心厅所站队馆会处府社室署校园团场台组科]$")
_SELF = re.compile(r"^(?:本|我|该|各|部门|单位|年度)")
_YEAR = r"[ \t]{0,3}20\d\d[ \t]{0,3}年度?"
# What a report says of itself after its name and year: its accounts, totals, what it has none of.
_OWN = r"(?:部门|单位)?决算|(?:财政拨款)?收入支出总计|无|没有|预算绩效|政府采购|机关运行经费|实有"
_COVER = re.compile(rf"^\s*(?P<name>{_NAME}){_YEAR}\s*(?:部门|单位)?决算")
_HEADER = re.compile(rf"^(?:第[一二三四五六七八九十]+部分\s*)?(?P<name>{_NAME}){_YEAR}\s*(?:部门|单位)?决算|编制单位\s*[:：]\s*(?P<made_by>{_NAME})\s*$")
_TEXT = re.compile(
    rf"(?:^|(?<=[。；\n]))[ \t]{{0,3}}(?:第[一二三四五六七八九十]+部分\s*)?(?:纳入)?(?P<name>{_NAME})"
    rf"(?:(?:{_YEAR}|本年度)(?={_OWN})|概况)"
    rf"|编制单位\s*[:：]\s*(?P<made_by>{_NAME})(?=\s|$)", re.M)
_BRACKETS = re.compile(r"[（(][^（()）]{0,20}[）)]")
_PLACEHOLDER = re.compile(r"[XＸ×xｘ]{2,}|某某")
_REGION = re.compile(r"^(?:中共)?(?:[\u4e00-\u9fff]{1,7}?(?:省|自治区|市|自治州|州|盟|地区))?(?:[\u4e00-\u9fff]{1,6}?(?:区|县|旗|市))?")
# The units a department's accounts include are listed after these words.
_MEMBERS = re.compile(r"(?:编制范围的[^。]{0,10}单位包括|决算包括|下属[^。]{0,6}单位包括)")
_MEMBERS_SPAN = 800
_SIMILAR = 0.8  # a slip of a character or two in a name of ten


@dataclass
class Mention:
    """The unit's name as written in one place."""

    name: str  # as written, brackets and all
    start: int  # offsets in the text; -1 when not found there (a header read from the table's page)
    end: int
    place: str  # "cover", "header", "text"
    statement: Statement | None = None  # the statement whose header holds it

    @property
    def bare(self) -> str:
        return bare(self.name)


def bare(name: str) -> str:
    """The name without notes in brackets and spaces: "乌鲁木齐市人民政府（汇总）" -> "乌鲁木齐市人民政府"."""
    return re.sub(r"\s+", "", _BRACKETS.sub("", name))


def mentions(text: str, statements: list[Statement]) -> list[Mention]:
    """Every place the report writes a unit's name as its own, cover first."""
    found: list[Mention] = []
    first = next((line for line in text.split("\n") if line.strip()), "")
    cover = _COVER.match(first)
    if cover and _is_name(cover.group("name")):
        start = text.find(first) + cover.start("name")
        found.append(Mention(cover.group("name"), start, start + len(cover.group("name")), "cover"))
    for m in _TEXT.finditer(text):
        key = "name" if m.group("name") else "made_by"
        if _is_name(m.group(key)) and not (found and m.start(key) == found[0].start):
            found.append(Mention(m.group(key), m.start(key), m.end(key), "text"))
    for statement in statements:
        for line in statement.caption.split("\n"):
            m = _HEADER.match(line.strip())
            name = m and (m.group("name") or m.group("made_by"))
            if name and _is_name(name):
                at = _header_at(text, name, statement.title)
                found.append(Mention(name, at, at + len(name) if at >= 0 else -1, "header", statement))
    return found


def _header_at(text: str, name: str, title: str) -> int:
    """Where the header stands in the text: the name with the statement's
    title close after it; -1 when the text does not hold it so."""
    title = re.escape(re.sub(r"\s+", "", title))
    m = re.search(re.escape(name) + r"[^。]{0,60}?" + title, text)
    if m is None:  # a PDF's text may hold the title apart: the last "…决算表" line of that name
        m = next(reversed(list(re.finditer(re.escape(name) + _YEAR + r"\s*(?:部门|单位)?决算表", text))), None)
    return m.start() if m else -1


def own_name(found: list[Mention]) -> str | None:
    """The report's own name: the cover's, else the one written most."""
    if found and found[0].place == "cover":
        return found[0].bare
    counts = Counter(m.bare for m in found)
    return counts.most_common(1)[0][0] if counts else None


def members(text: str) -> str:
    """The text that lists the units the department's accounts include."""
    return "\n".join(text[m.end():m.end() + _MEMBERS_SPAN] for m in _MEMBERS.finditer(text))


def foreign(name: str, own: str, listed: str) -> str | None:
    """Why `name` is clearly not the unit `own`: "placeholder", "region",
    "unit"; None when it may well be the same unit or one of its own."""
    if name == own:
        return None
    if _PLACEHOLDER.search(name):
        return None if _PLACEHOLDER.search(own) else "placeholder"
    if own.endswith(name) or name.startswith(own) or _listed(name, listed):
        return None
    region, own_region = _region(name), _region(own)
    if not region:
        return None  # a short form: too little to tell another unit by
    if own_region and region != own_region:
        return "region"
    core, own_core = name[len(region):], own[len(own_region):]
    if own_core.endswith(core) or SequenceMatcher(None, core, own_core).ratio() >= _SIMILAR:
        return None
    return "unit"


def _listed(name: str, listed: str) -> bool:
    """Listed as a unit, not as the title that may follow the list
    unbroken in a PDF's text ("…（下属事业单位）上海市…局2024年度部门决算表")."""
    return any(not re.match(_YEAR, listed[m.end():]) for m in re.finditer(re.escape(name), listed))


def _region(name: str) -> str:
    return _REGION.match(name).group(0)


def _is_name(name: str) -> bool:
    flat = bare(name)
    return len(flat) >= 3 and bool(_UNIT_END.search(flat)) and not _SELF.match(flat)
