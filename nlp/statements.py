"""Change statements: what changed, against what, which way, by how much.

`parse_statement` reads one span of repaired text ("……支出决算数为 4865.98 万元，
比上年决算减少 195.65 万元，下降 3.87%，") into a `ChangeStatement`;
`find_cues` finds where statements may be, for explanations that are missing.
Amounts are converted to 万元.
"""
from __future__ import annotations

import re

from nlp.model import ChangeStatement

# A figure, or a template placeholder left in ("XXX 万元", "××%").
# The lookbehind lets a figure start only where a run of digits (or X) starts,
# so a long run without a unit after it is scanned once, not once per digit.
NUM = r"(?<![\d.XxＸ×])(-?\d+(?:\.\d+)?|[XxＸ×]{2,})"
AMOUNT = re.compile(NUM + r"\s*(亿元|万元|元)")
PERCENT = re.compile(NUM + r"\s*%")

PRIOR_CUE = re.compile(
    r"(?:比|较|与|同|对比)(?:上年|上一年度?|去年|上年度|上年同期|20\d\d\s*年度?|同期)(?:决算数?|同期|度|数)?(?:相比|比较|对比)?"
    r"|同比"
)
INITIAL_CUE = re.compile(r"年初预算")
FULL_CUE = re.compile(r"全年预算|调整(?:后的?)?预算")
# The budget figure nearest before the actual one: "年初预算为 0 万元，全年预算为
# 321.02 万元，支出决算为 307.82 万元" pairs 321.02 with 307.82.
BUDGET_ACTUAL = re.compile(
    r"(?P<kind>年初|全年|调整后?的?)?预算(?:数|金额)?(?:为|是|：)?\s*" + NUM + r"\s*(亿元|万元|元)"
    r"(?:(?!预算)[^。；]){0,40}?决算(?:数|金额)?(?:为|是|：)?\s*" + NUM + r"\s*(亿元|万元|元)"
)
_FLAT_WORDS = "基本持平|持平|无变化|没有变化|无增减|一致|相同|无差异"
_INC_WORDS = "增加|增长|上升|提高|增多|多支出|超支|增"
_DEC_WORDS = "减少|下降|降低|减|下滑|少支出|节约"
# The engine tries the words at every position of the text; a lookahead on
# their first characters turns most positions away at once (4x faster).
_FIRST = "".join(sorted({w[0] for w in f"{_FLAT_WORDS}|{_INC_WORDS}|{_DEC_WORDS}".split("|")}))
DIRECTION_WORD = re.compile(
    rf"(?=[{_FIRST}])(?:(?P<flat>{_FLAT_WORDS})|(?P<inc>{_INC_WORDS})了?|(?P<dec>{_DEC_WORDS})了?)"
)
CHANGE_AFTER_WORD = re.compile(r"(?:增加|增长|上升|提高|增多|减少|下降|降低|减|增)了?\s*" + NUM + r"\s*(亿元|万元|元)")
PCT_AFTER_WORD = re.compile(r"(?:增长|增加|上升|提高|下降|减少|降低|增幅|降幅|减幅|差异率|偏差率)(?:了|为|是)?\s*" + NUM + r"\s*%")
COMPLETION = re.compile(r"完成(?:了)?(?:年初|全年|调整)?预算(?:数)?的\s*" + NUM + r"\s*%|预算执行率(?:为|是)?\s*" + NUM + r"\s*%")
COMPARE_WORD = re.compile(r"(?P<inc>大于|高于|超过|多于|超出)|(?P<dec>小于|低于|少于)|(?P<flat>等于)")

_UNIT = {"元": 1e-4, "万元": 1.0, "亿元": 1e4}


def number(value: str) -> float | None:
    """A figure as written, or None for a placeholder."""
    try:
        return float(value)
    except ValueError:
        return None


def to_wan(value: str, unit: str) -> float | None:
    n = number(value)
    return None if n is None else round(n * _UNIT[unit], 6)


def find_cues(text: str) -> list[re.Match]:
    """Every place a change may be stated (prior-year cue or budget/actual pair)."""
    return sorted(list(PRIOR_CUE.finditer(text)) + list(BUDGET_ACTUAL.finditer(text)), key=lambda m: m.start())


def parse_statement(text: str, start: int, end: int, hint: str = "", implicit_prior: bool = False) -> ChangeStatement | None:
    """Read text[start:end] as a change statement, or None when it states none.

    `hint` is the trigger that follows ("决算数小于预算数的主要原因"), which may
    carry the basis and direction when the span does not. With
    `implicit_prior`, a clause with a direction and an amount but no cue
    ("其中：公务接待费减少 0.15 万元") is read as a change on the prior year.
    """
    span = text[start:end]
    prior = list(PRIOR_CUE.finditer(span))
    if not prior and implicit_prior and not BUDGET_ACTUAL.search(span):
        word = re.search(r"增加|减少|增长|下降|降低|上升|持平", span)
        if word and (word.group(0) == "持平" or AMOUNT.search(span, word.end())):
            prior = [_EmptyCue(word.start())]
    budget = list(BUDGET_ACTUAL.finditer(span))
    budget_word = INITIAL_CUE.search(span) or FULL_CUE.search(span)
    hint_cmp = COMPARE_WORD.search(hint)
    last_prior = prior[-1].start() if prior else -1
    last_budget = max([m.start() for m in budget] + ([budget_word.start()] if budget_word else [-1]))
    if last_prior < 0 and last_budget < 0:
        if hint_cmp and "预算" in hint:
            last_budget = len(span)  # the basis is in the trigger itself
        else:
            return None
    flat = DIRECTION_WORD.search(span)
    flat = flat if flat and flat.group("flat") else None
    if not flat and not (AMOUNT.search(span) or PERCENT.search(span)):
        return None

    if last_prior < last_budget and not (budget or hint_cmp or flat or COMPLETION.search(span) or "差异" in span):
        return None  # a budget named in passing ("全年预算总额 X 万元"), no comparison
    s = ChangeStatement(item="", basis="", direction="", text=span.strip(), start=start, end=end)
    if last_prior > last_budget:
        _read_prior(span, prior[-1], s)
    else:
        _read_budget(span, budget[-1] if budget else None, hint, s)
    s.item = item_of(span, prior[-1].start() if s.basis == "prior_year" else _first_amount(span))
    return s


def subject_of(sentence: str) -> str:
    """The subject of any sentence that states an amount or a comparison."""
    cues = [m.start() for m in (PRIOR_CUE.search(sentence), AMOUNT.search(sentence), BUDGET_ACTUAL.search(sentence)) if m]
    return item_of(sentence, min(cues)) if cues else ""


class _EmptyCue:
    """Stands for a comparison cue the clause leaves implicit."""

    def __init__(self, at: int):
        self._at = at

    def start(self) -> int:
        return self._at

    def end(self) -> int:
        return self._at


def _read_prior(span: str, cue, s: ChangeStatement) -> None:
    s.basis = "prior_year"
    after = span[cue.end() :]
    before = span[: cue.start()]
    word = DIRECTION_WORD.search(after)
    change = CHANGE_AFTER_WORD.search(after)
    pct = PCT_AFTER_WORD.search(after)
    amount = AMOUNT.search(before)
    if change and to_wan(*change.groups()) is not None:
        s.change = abs(to_wan(*change.groups()))
    if pct and number(pct.group(1)) is not None:
        s.change_pct = abs(number(pct.group(1)))
    if amount:
        s.amount = to_wan(*amount.groups())
    if word is None:
        s.direction = "none"
    elif word.group("flat"):
        s.direction = "none"
    else:
        s.direction = "increase" if word.group("inc") else "decrease"
        if s.change is not None and number(change.group(1)) < 0:  # "增加 -3 万元"
            s.direction = "decrease" if s.direction == "increase" else "increase"
    if s.change == 0 and not s.change_pct:
        s.direction = "none"


def _read_budget(span: str, pair: re.Match | None, hint: str, s: ChangeStatement) -> None:
    kind = pair.group("kind") if pair else None
    if kind:
        s.basis = "initial_budget" if kind == "年初" else "full_year_budget"
    else:
        full = FULL_CUE.search(span) or FULL_CUE.search(hint)
        initial = INITIAL_CUE.search(span) or INITIAL_CUE.search(hint)
        s.basis = "full_year_budget" if full and (not initial or full.start() > initial.start()) else "initial_budget"
    if pair:
        s.compare_amount = to_wan(pair.group(2), pair.group(3))
        s.amount = to_wan(pair.group(4), pair.group(5))
        if s.amount is not None and s.compare_amount is not None:
            s.change = round(abs(s.amount - s.compare_amount), 6)
    diff = re.search(r"(?:差异率|偏差率|差异)(?:为|是)?\s*" + NUM + r"\s*%", span)
    if diff and number(diff.group(1)) is not None:
        s.change_pct = abs(number(diff.group(1)))
    completion = COMPLETION.search(span)
    if completion:
        s.completion_pct = number(completion.group(1) or completion.group(2))
    stated = COMPARE_WORD.search(hint) or COMPARE_WORD.search(span)
    word = DIRECTION_WORD.search(span)
    if stated:
        s.direction = "increase" if stated.group("inc") else "decrease" if stated.group("dec") else "none"
    elif s.amount is not None and s.compare_amount is not None:
        diff_amount = round(s.amount - s.compare_amount, 6)
        s.direction = "increase" if diff_amount > 0 else "decrease" if diff_amount < 0 else "none"
    elif word:
        s.direction = "none" if word.group("flat") else "increase" if word.group("inc") else "decrease"
    else:
        s.direction = "none"


def _first_amount(span: str) -> int:
    cue = BUDGET_ACTUAL.search(span) or AMOUNT.search(span)
    return cue.start() if cue else len(span)


_LEAD = re.compile(
    r"^(?:[-•·*\s]*)(?:[（(]如[^）)]{0,12}表述[）)])?(?:(?:与|比|较)[^，,]{0,8}(?:相比|比较)[，,]?)?(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|[①-⑩])?\s*"
    r"(?:其中[：:]?)?(?:20\d\d\s*年(?:度)?)?(?:[，,：:])?(?:(?:与|比|较)[^，,]{0,8}(?:相比|比较)[，,]?)?"
)
# Words that end a subject without being part of it ("……：支出决算数为").
_TAILS = tuple(sorted({
    "：支出", "，支出", ":支出", ",支出", "：", "，", ":", ",", "的", "各", "均", "分别", "全年", "年初", "调整后", "调整",
    "决算数为", "决算为", "决算数", "决算", "年初预算数为", "年初预算为", "年初预算数", "年初预算",
    "全年预算数为", "全年预算为", "全年预算数", "全年预算", "为", "是", "共计", "合计", "总计为", "收支",
}, key=len, reverse=True))
_GENERIC = re.compile(r"^(?:与|比|较)?(?:上年|年初预算|全年预算)?(?:相比)?$")


def item_of(span: str, cue_start: int) -> str:
    """What the statement is about, as written: the subject before the first
    amount or comparison ("公务接待费支出 73.71 万元" -> "公务接待费")."""
    head = span[:cue_start]
    amount = AMOUNT.search(head)
    if amount:
        head = head[: amount.start()]
    head = re.split(r"[。；\n]", head)[-1]
    head = _LEAD.sub("", head.strip())
    while head.endswith(_TAILS):
        head = head[: -len(next(t for t in _TAILS if head.endswith(t)))]
    head = head.strip("，,：: ")
    if head.endswith("支出") and head[:-2].endswith("费"):
        head = head[:-2]
    return "" if _GENERIC.match(head) else head
