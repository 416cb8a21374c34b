"""Shares the narrative states ("基本支出2,336.91万元，占79.49%"), and the
share the statements' cells give.

A share is a part's figure followed by "占…%". Its whole is named after
"占" ("占本年支出合计的100.00%": `RATIOS`), or else it is the structure
the sentence opens ("本年收入合计…，其中：财政拨款收入…，占99.79%",
"一般公共预算财政拨款支出…主要用于以下方面：一般公共服务支出（类）…，占71.73%":
`STRUCTURES`). Both are data: a maintainer adds one here. The part is
found in the whole's statement by its name: a column of the whole's row
(收入 and 支出 by kind, the 三公 items), or a class (类) row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.accounts.figures import precision
from nlp.accounts.statements import Row, Statement, form_by_key

# A share is a name of 2 to 30 of these characters (its last 30 when longer),
# spaces, then the part's figure and "万元，占…%". The scan is anchored on the
# figure, after one of these characters or a space, and the name is read
# backwards from it (the name pattern, tried at every Chinese character, took
# ~30 steps at each).
_NAME_CHARS = frozenset("（）()“”") | frozenset(map(chr, range(0x4E00, 0xA000)))
_NAME_LENGTH = (2, 30)
_SHARE = re.compile(
    r"(?P<value>\d(?<=[\u4e00-\u9fff（）()“”\s]\d)[\d,]*(?:\.\d+)?)\s*万元[，,]\s*占(?:比)?"
    r"(?P<of>[\u4e00-\u9fff“”]{0,12}?)的?\s*(?P<pct>\d+(?:\.\d+)?)%")
_LOOK_BACK = 400  # a structure's opening words are in the sentence before its parts
_CLASS = re.compile(r"[（(]类[）)]$")
_THREE_PUBLIC = ("出国", "公务用车", "接待")


@dataclass(frozen=True)
class Cell:
    form: str
    row: str  # a regex for the row's name ("" the first row)
    column: tuple[str, ...]  # words of its header
    side: int | None = None


@dataclass(frozen=True)
class Structure:
    """A whole the narrative breaks into parts, each with its share."""

    label: str
    opening: str  # a regex for the words that open the sentence
    whole: Cell
    parts: str  # "columns": a column of the whole's row; "classes": a 类 row, the whole's column


STRUCTURES = (
    Structure("本年收入合计", r"本年收入(?:合计)?", Cell("income", "^合计$", ("本年收入合计",)), "columns"),
    Structure("本年支出合计", r"本年支出(?:合计)?", Cell("expenditure", "^合计$", ("本年支出合计",)), "columns"),
    Structure("一般公共预算财政拨款支出", r"一般公共预算财政拨款支出", Cell("general_expenditure", "^合计$", ("合计",)), "classes"),
    Structure("“三公”经费支出决算", r"三公”?经费", Cell("three_public", "", ("合计", "决算")), "columns"),
)


@dataclass(frozen=True)
class Ratio:
    """A part whose whole is named after "占": "一般公共预算财政拨款支出…占本年支出合计的…%"."""

    part_name: str  # a regex for the part's name
    of: str  # a regex for the words after "占"
    part: Cell
    whole: Cell


RATIOS = (
    Ratio(r"一般公共预算财政拨款支出$", r"^本年支出合计$", Cell("general_expenditure", "^合计$", ("合计",)),
          Cell("summary", "^本年支出合计", (), 1)),
)


@dataclass
class Share:
    """A share the narrative states, and the cells it is of."""

    label: str  # the part, as the narrative names it
    whole_label: str
    stated: float  # %
    written: str  # the percentage as written, "79.49"
    amount: float  # the part's figure as stated, 万元
    start: int  # offsets of the part's name and its share in the text
    end: int
    amount_at: int  # offset of the part's figure
    part: tuple[Statement, Row, str]
    whole: tuple[Statement, Row, str]

    @property
    def part_value(self) -> float:
        return self.part[1].values.get(self.part[2]) or 0.0

    @property
    def whole_value(self) -> float:
        return self.whole[1].values.get(self.whole[2]) or 0.0

    @property
    def table_share(self) -> float:
        return 100 * self.part_value / self.whole_value

    @property
    def differs(self) -> bool:
        """Outside what the cells, each rounded to 0.01, can give, by more
        than the stated precision and a unit of its rounding (0.02 points
        for two decimals)."""
        low, high = share_range(self.part_value, self.whole_value)
        slack = 2 * precision(self.written)
        return not low - slack <= self.stated <= high + slack


def share_range(part: float, whole: float) -> tuple[float, float]:
    """The percentages that a part and a whole rounded to 0.01 can give."""
    values = [100 * (part + dp) / (whole + dw) for dp in (-0.005, 0.005) for dw in (-0.005, 0.005) if whole + dw > 0]
    return (min(values), max(values)) if values else (0.0, 0.0)


def stated_shares(text: str, statements: list[Statement]) -> list[Share]:
    """Each share the narrative states whose part and whole the statements hold (a whole of 0 aside)."""
    found = []
    for start, written_name, m in _shares(text):
        name = re.sub(r"^(?:年度|其中[：:]?)", "", written_name)
        of = m.group("of")
        cells = _ratio(name, of, statements) if of else _structure(name, text, start, statements)
        if cells is None:
            continue
        (label, part, whole) = cells
        share = Share(name, label, float(m.group("pct")), m.group("pct"), float(m.group("value").replace(",", "")),
                      start + written_name.find(name), m.end(), m.start("value"), part, whole)
        if share.whole_value > 0:
            found.append(share)
    return found


def _shares(text: str):
    """(start, name, match of the figure onwards) of each share, left to right."""
    at = 0
    while m := _SHARE.search(text, at):
        end = m.start()
        while end > 0 and text[end - 1].isspace():  # the lookbehind saw a name character or a space
            end -= 1
        start = end
        while start > max(at, end - _NAME_LENGTH[1]) and text[start - 1] in _NAME_CHARS:
            start -= 1
        if end - start >= _NAME_LENGTH[0]:
            yield start, text[start:end], m
            at = m.end()
        else:
            at = m.start() + 1  # a later figure can start inside this match


def _ratio(name: str, of: str, statements):
    for ratio in RATIOS:
        if re.search(ratio.part_name, name) and re.search(ratio.of, of):
            part, whole = _cell(statements, ratio.part), _cell(statements, ratio.whole)
            if part and whole:
                return of, part, whole
    return None


def _structure(name: str, text: str, at: int, statements):
    before = text[max(0, at - _LOOK_BACK):at]
    before = before[before.rfind("。") + 1:]
    opened = [(m.start(), s) for s in STRUCTURES for m in re.finditer(s.opening, before)]
    if not opened:
        return None
    structure = max(opened, key=lambda o: o[0])[1]
    whole = _cell(statements, structure.whole)
    if whole is None:
        return None
    statement, row, column = whole
    if structure.parts == "classes":
        if not _CLASS.search(name):
            return None
        flat = _CLASS.sub("", name)
        part_row = next((r for r in statement.rows if r.level == 1 and re.sub(r"\s+", "", r.name) == flat), None)
        return (structure.label, (statement, part_row, column), whole) if part_row else None
    part_column = _part_column(name, row, column)
    return (structure.label, (statement, row, part_column), whole) if part_column else None


def _part_column(name: str, row: Row, whole_column: str) -> str | None:
    """The column of the whole's row that the part names: its header's
    first words ("财政拨款收入"), or a 三公 item's key word."""
    kind = whole_column.split("/")[-1]  # 决算数 beside 预算数
    for column in row.values:
        if column == whole_column or (kind != whole_column and column.split("/")[-1] != kind):
            continue
        head = column.split("/")[0]
        if head == name or any(k in name and k in head for k in _THREE_PUBLIC):
            return column
    return None


def _cell(statements: list[Statement], cell: Cell):
    statement = form_by_key(statements, cell.form)
    if statement is None or statement.empty:
        return None
    row = statement.find(cell.row, cell.side)
    if row is None:
        return None
    column = next((c for c in row.values if all(w in c for w in cell.column)), None)
    return (statement, row, column) if column else None
