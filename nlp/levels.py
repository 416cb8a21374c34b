"""Two levels of one item side by side, with no change word between them.

"项目支出 2024 年决算数为 580.5 万元，2023 年决算数为 500 万元，主要原因是……"
compares this year with last; a county's "教育支出执行数为 8.5 亿元，决算数为
8.6 亿元" compares the final account with the execution the people's congress
reviewed. `read_statement` reads such a span where `parse_statement` finds no
comparison: the change is the difference of the two levels. (A budget beside
its spending is a pair `parse_statement` reads itself: BUDGET_ACTUAL.)
"""
from __future__ import annotations

import re
from itertools import pairwise

from nlp.model import ChangeStatement
from nlp.statements import AMOUNT, DIRECTION_WORD, NUM, PRIOR_CUE, UNIT, item_of, parse_statement, to_wan
from nlp.vocabulary import Basis, Direction

# A year's level: "2024 年决算数为 580.5 万元", "上年决算 500 万元", "本年支出决算 580.5 万元".
# The year may stand right before the figure: "项目支出 580.5 万元，上年 500 万元", "上年数 500 万元".
YEAR_LEVEL = re.compile(
    r"(?=[本今当上去2])(?P<year>本年度?|今年|当年|上年度?|去年|上一年度?|20\d\d\s*年度?)"
    r"(?:(?:(?!预算)[^，。；\d]){0,12}?(?:决算|支出|收入)(?:合计|总计)?(?:数|金额)?|数)?(?:为|是|：)?\s*" + NUM + r"\s*" + UNIT
)
# The execution reviewed and the final account: "执行数为 8.5 亿元，决算数为 8.6 亿元".
EXECUTED_LEVEL = re.compile(r"(?=[执决])(?P<side>执行数|决算数?)(?:为|是|：)?\s*" + NUM + r"\s*" + UNIT)


def read_statement(text: str, start: int, end: int, hint: str = "", implicit_prior: bool = False) -> ChangeStatement | None:
    """`parse_statement`, else two levels of one item read as a change."""
    s = parse_statement(text, start, end, hint, implicit_prior)
    if s is not None:
        return s
    span = text[start:end]
    for pattern, pick, basis in ((YEAR_LEVEL, _this_year, Basis.PRIOR_YEAR), (EXECUTED_LEVEL, _final, Basis.OTHER)):
        for a, b in pairwise(pattern.finditer(span)):
            this = pick(a, b)
            if this is None or re.search(r"[。；]", span[a.end() : b.start()]):
                continue
            last = b if this is a else a
            amount, compare = to_wan(*this.group(2, 3)), to_wan(*last.group(2, 3))
            if amount is None or compare is None:
                continue
            item = item_of(span, a.start()) or item_of(span, a.start(2))
            return _change(span, start, end, item, basis, amount, compare)
    return _level_then_last_year(span, start, end)


def _change(span: str, start: int, end: int, item: str, basis: Basis, amount: float, compare: float) -> ChangeStatement:
    direction = Direction.INCREASE if amount > compare else Direction.DECREASE if amount < compare else Direction.NONE
    return ChangeStatement(
        item=item, basis=basis, direction=direction, text=span.strip(), start=start, end=end,
        amount=amount, compare_amount=compare, change=round(abs(amount - compare), 6),
    )


def _level_then_last_year(span: str, start: int, end: int) -> ChangeStatement | None:
    """An item's amount, then last year's in the next clause: "公务接待费 2.1 万元，
    上年决算 3.5 万元" (the clause of the amount compares nothing itself)."""
    last = next((m for m in YEAR_LEVEL.finditer(span) if m["year"][0] in "上去"), None)
    if last is None or span[last.start() - 1 : last.start()] not in ("，", "、"):
        return None
    before = span[: last.start() - 1]
    clause = before[max(before.rfind(p) for p in "，；：。") + 1 :]
    amounts = list(AMOUNT.finditer(clause))
    if len(amounts) != 1 or DIRECTION_WORD.search(clause) or PRIOR_CUE.search(clause) or "预算" in clause:
        return None
    amount, compare = to_wan(*amounts[0].groups()), to_wan(*last.group(2, 3))
    if amount is None or compare is None:
        return None
    return _change(span, start, end, item_of(clause, amounts[0].start()), Basis.PRIOR_YEAR, amount, compare)


def _this_year(a: re.Match, b: re.Match) -> re.Match | None:
    """Which of two levels is this year's, when the other is an earlier year's
    (None for one year's income beside another's spending)."""
    sides = [{w for w in ("收入", "支出") if w in m[0]} for m in (a, b)]
    if all(sides) and sides[0] != sides[1]:
        return None
    ages = [0 if y.startswith(("本", "今", "当")) else 1 if y.startswith(("上", "去")) else None for y in (a["year"], b["year"])]
    if None not in ages:
        return None if ages[0] == ages[1] else (a if ages[0] < ages[1] else b)
    if ages == [None, None]:
        ya, yb = (int(m["year"][:4]) for m in (a, b))
        return None if ya == yb else (a if ya > yb else b)
    relative, written = (a, b) if ages[0] is not None else (b, a)
    return relative if relative["year"][0] in "本今当" else written


def _final(a: re.Match, b: re.Match) -> re.Match | None:
    """The final account of an execution and a final account, else None."""
    sides = {a["side"][0], b["side"][0]}
    return None if sides != {"执", "决"} else (a if a["side"][0] == "决" else b)
