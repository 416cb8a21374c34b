"""Change statements: what changed, against what, which way, by how much.

`parse_statement` reads one span of repaired text ("……支出决算数为 4865.98 万元，
比上年决算减少 195.65 万元，下降 3.87%，") into a `ChangeStatement`;
`find_cues` finds where statements may be, for explanations that are missing.
Amounts are converted to 万元.
"""
from __future__ import annotations

import re

from nlp.model import ChangeStatement
from nlp.vocabulary import Basis, Direction

# A figure, or a template placeholder left in ("XXX 万元", "××%").
# The lookbehind lets a figure start only where a run of digits (or X) starts,
# so a long run without a unit after it is scanned once, not once per digit.
NUM = r"(?<![\d.XxＸ×])(-?\d+(?:\.\d+)?|[XxＸ×]{2,})"
# 万 and 亿 without 元 ("短收 3534 万，"): a slip reports make, read as 万元 / 亿元.
UNIT = r"(亿元|千元|万元|元|万(?![人户个件次名辆台套美平亩吨公千米册份张株头只条座间所家项批场例字斤箱袋盒瓶])|亿(?![人美]))"
AMOUNT = re.compile(NUM + r"\s*" + UNIT)
NUMBER = re.compile(NUM)
PERCENT = re.compile(NUM + r"\s*%")
FIGURE = re.compile(AMOUNT.pattern + "|" + PERCENT.pattern)  # an amount or a percentage

# A comparison with last year. A comparison with last year's budget or its
# execution ("比 2024 年预算", "较 2020 年执行数") has basis "other".
PRIOR_CUE = re.compile(
    r"(?:比|较|与|同|对比|相比)(?:上年|上一年度?|去年|上年度|上年同期|20\d\d\s*年度?|同期)"
    r"(?:(?P<other>预算执行数|预算数?|执行数|预计数|预期)|决算数?|同期|度|数)?(?:相比|比较|对比)?"
    r"|(?:比|较|与|同)(?P<executed>[^，。；\d]{0,24}?(?:\d{4}\s*年度?)?(?:预算)?执行数)(?:[（(][^）)]{0,20}[）)])?(?:相比|比较|对比)?"
    r"|同比"
)
INITIAL_CUE = re.compile(r"年初预算|年初目标")
# Against the budget as it stood at year end: named so, or a bare 预算 compared
# with ("较预算数减少 9.63 万元") or executed ("预算执行率为 87.42%").
FULL_CUE = re.compile(r"全年预算|调整(?:后的?)?预算|(?:比|较|与|同)预算|预算执行率|执行率")
# Any comparison with a budget: "较年初预算减少", "为年初预算的 97.35%".
BUDGET_COMPARE = re.compile(
    r"(?:比|较|与|同|为|占|达)(?:[^，。；\d]{0,12}?(?:批准|审议|审查)的)?(?:年初|全年|调整后?的?|年度)?(?:预算|目标)(?:数)?"
)
# How much of a budget was spent ("为年度预算的 83.5%"), beside which a change
# on last year may be stated with its basis left implicit ("下降 15.9%").
COMPLETION_WORD = re.compile(r"(?:为|占|达|完成)(?:了)?(?:年初|全年|调整后?的?|年度)?预算(?:数)?的")
COMPLETION_PHRASE = re.compile(COMPLETION_WORD.pattern + r"\s*\d+(?:\.\d+)?\s*%")
# Actual against budget in words: "决算数超出预算数 48.17 万元".
_BUDGET_IN_WORDS = re.compile(r"(?:大于|高于|超过|超出|多于|小于|低于|少于)(?:年初|全年|调整后?的?)?预算")
# A performance indicator against its target. Reports name the target
# 目标值 / 指标值 / 年度目标 / 年度指标值 / 计划数 / 预期值, and the actual 实际完成值 /
# 实际完成 / 实际值 / 完成值 (here with a figure: "年度目标 20 台，实际完成 12 台");
# a self-evaluation's score (自评得分, 扣分) is a target's figure too.
_TARGET = r"(?:年度|绩效)?(?:目标|指标|计划)(?:值|数)|(?:年度|绩效)(?:目标|指标)|预期(?:目标)?值"
_ACTUAL = r"实际完成(?:值|数)?|实际(?:值|数|达到)|完成值"
_IS = r"(?:是|为|：|达到?)?"
TARGET_CUE = re.compile(rf"目标值|指标值|实际完成值|指标完成率|绩效目标|自评得分|扣分|扣减\d|(?:{_TARGET}|{_ACTUAL}){_IS}\s*\d")
TARGET_STATEMENT = re.compile(rf"(?:{_TARGET}){_IS}\s*\d[^。；\n]{{0,30}}?(?:{_ACTUAL}){_IS}\s*\d")
# The budget figure nearest before the actual one: "年初预算为 0 万元，全年预算为
# 321.02 万元，支出决算为 307.82 万元" pairs 321.02 with 307.82.
# The actual is its 决算, or a clause's spending ("年初预算 500 万元，全年支出 580.5
# 万元"; not "其中基本支出", a part of the budget, nor 执行数, which a county's
# report compares with its final account).
BUDGET_ACTUAL = re.compile(
    r"(?=[年全调预])(?P<kind>年初|全年|调整后?的?)?预算(?:数|金额|安排)?(?:为|是|：)?\s*" + NUM + r"\s*" + UNIT
    + r"(?:(?!预算)[^。；]){0,40}?(?:决算(?:支出|收入)?|(?<=，)(?:全年|本年|当年)?(?:实际)?支出(?:决算)?)"
    + r"(?:数|金额)?(?:为|是|：)?\s*" + NUM + r"\s*" + UNIT
)
_FLAT_WORDS = "基本持平|持平|无变化|没有变化|无增减|一致|相同|无差异"
_INC_WORDS = "增加|增长|上升|提高|增多|多支出|超支|多收|超收|增收|增支|增|多(?=\\d)"
# "较预算数剩余 386 亿元" (賸余 in traditional reports): spent less than the budget.
_DEC_WORDS = "减少|下降|降低|减|下滑|少支出|节约|回落|短收|少收|减收|减支|压减|缩减|剩余|賸余|少(?=\\d)"
# The engine tries the words at every position of the text; a lookahead on
# their first characters turns most positions away at once (4x faster).
_FIRST = "".join(sorted({w[0] for w in f"{_FLAT_WORDS}|{_INC_WORDS}|{_DEC_WORDS}".split("|")}))
DIRECTION_WORD = re.compile(
    rf"(?=[{_FIRST}])(?:(?P<flat>{_FLAT_WORDS})|(?P<inc>{_INC_WORDS})了?|(?P<dec>{_DEC_WORDS})了?)"
)
CHANGE_AFTER_WORD = re.compile(
    r"(?:增加|增长|上升|提高|增多|多收|超收|增收|增支|减少|下降|降低|短收|少收|减收|减支|压减|缩减|剩余|賸余|减|增|多|少)了?[）)]?\s*" + NUM + r"\s*" + UNIT
)
PCT_AFTER_WORD = re.compile(r"(?:增长|增加|上升|提高|下降|减少|降低|增幅|降幅|减幅|差异率|偏差率)(?:了|为|是)?\s*" + NUM + r"\s*%")
# (Each pattern scanned over the whole text opens with a lookahead on its
# first characters: the engine turns most positions away at once.)
COMPLETION = re.compile(
    r"(?=完成|为|占|达|年初|全年|调整|年度|预算|执行率)"
    r"(?:(?:完成(?:了)?|为|占|达到?)?(?:年初|全年|调整后?的?|年度)?预算(?:数)?的\s*" + NUM + r"\s*%"
    r"|(?:预算)?执行率(?:仅|只)?(?:为|是|达到?)?\s*" + NUM + r"\s*%)"
)
COMPARE_WORD = re.compile(r"(?P<inc>大于|高于|超过|多于|超出|高出)|(?P<dec>小于|低于|少于)|(?P<flat>等于)")

_UNIT = {"元": 1e-4, "千元": 0.1, "万元": 1.0, "万": 1.0, "亿元": 1e4, "亿": 1e4}


def number(value: str) -> float | None:
    """A figure as written, or None for a placeholder."""
    try:
        return float(value)
    except ValueError:
        return None


def to_wan(value: str, unit: str) -> float | None:
    n = number(value)
    return None if n is None else round(n * _UNIT[unit], 6)


# A change stated with its basis left implicit: "下降 4.18%", "增长率为 -9.4%".
IMPLICIT_CHANGE = re.compile(
    r"(?=[增减下降上短变])(?:(?:增加|增长|减少|下降|降低|上升|减收|增收|短收|减支|增支|降幅|增幅)(?:了|达到?|为|逾|超过)?\s*"
    + NUM + r"\s*(?:%|" + UNIT[1:-1] + ")"
    r"|(?:增长率|变动率|增减率)(?:为|是|：)?\s*-?\d)"
)
_BUDGET_CHANGE = re.compile(r"(?:比|较|与|同)(?:年初|全年|调整后?的?)?预算(?:数)?")


def find_cues(text: str) -> list[re.Match]:
    """Every place a change may be stated: a comparison with last year or a
    budget, a budget/actual pair, or a change whose basis is left implicit."""
    found = [PRIOR_CUE, BUDGET_ACTUAL, _BUDGET_CHANGE, IMPLICIT_CHANGE, COMPLETION, TARGET_STATEMENT]
    return sorted((m for p in found for m in p.finditer(text)), key=lambda m: m.start())


def parse_statement(text: str, start: int, end: int, hint: str = "", implicit_prior: bool = False) -> ChangeStatement | None:
    """Read text[start:end] as a change statement, or None when it states none.

    `hint` is the trigger that follows ("决算数小于预算数的主要原因"), which may
    carry the basis and direction when the span does not. With
    `implicit_prior`, a clause with a direction and an amount but no cue
    ("其中：公务接待费减少 0.15 万元") is read as a change on the prior year.
    """
    span = text[start:end]
    pairs = list(BUDGET_ACTUAL.finditer(span))
    budget_word = _first_match(_BUDGET_WORDS, span)
    prior = _prior_cues(span, pairs, budget_word, implicit_prior)
    hint_cmp = COMPARE_WORD.search(hint)
    budget_hint = bool(hint_cmp and "预算" in hint)
    last_prior = prior[-1].start() if prior else -1
    last_budget = _last_budget(span, last_prior, pairs, budget_word, budget_hint)
    if last_prior < 0 and last_budget < 0:
        if not budget_hint:
            return _target_statement(span, hint, start, end)
        last_budget = len(span)  # the basis is in the trigger itself
    word = DIRECTION_WORD.search(span, max(last_prior, 0))
    if not word and not FIGURE.search(span):
        return None  # "较年初预算有所增长" states a change with no figure; this states none
    if last_prior < last_budget and not _compares(span, pairs, hint_cmp, word):
        return None  # a budget named in passing ("全年预算总额 X 万元"), no comparison
    s = ChangeStatement(item="", basis=None, direction=None, text=span.strip(), start=start, end=end)
    if last_prior > last_budget:
        _read_prior(span, prior[-1], s)
        at = _change_before_bracket(span, prior[-1].start())
        if at is None:
            s.item = item_of(span, prior[-1].start())
        else:  # its own clause names it: "办公费增加……，印刷费减少 1.1 万元（较上年下降 20%）"
            clause = _clause_at(span, at)
            s.item = item_of(span[clause:], at - clause)
    else:
        _read_budget(span, pairs[-1] if pairs else None, hint, s)
        s.item = item_of(span, _first_budget(span))
    return s


# Words that name a budget the span is compared with, or a share of it spent.
_BUDGET_WORDS = (INITIAL_CUE, FULL_CUE, BUDGET_COMPARE, COMPLETION)


def _first_match(patterns, span: str) -> re.Match | None:
    """The match of the first of `patterns` that matches anywhere in `span`."""
    return next((m for m in (p.search(span) for p in patterns) if m), None)


def _prior_cues(span: str, pairs: list[re.Match], budget_word: re.Match | None, implicit_prior: bool) -> list:
    """The comparisons with last year in `span`, or the one a clause leaves
    implicit: with `implicit_prior` and no budget, or after how much of the
    budget was spent ("为年度预算的 83.5%，下降 15.9%")."""
    prior = list(PRIOR_CUE.finditer(span))
    if prior or pairs:
        return prior
    if (implicit_prior and not budget_word) or _completion_only(span, budget_word):
        return _implicit_cue(span, budget_word.end() if budget_word else 0)
    return prior


def _completion_only(span: str, budget_word: re.Match | None) -> bool:
    """The only budget the span names is the share of it spent."""
    if not budget_word:
        return False
    rest = COMPLETION_PHRASE.sub("", span)
    return not _first_match((INITIAL_CUE, FULL_CUE, BUDGET_COMPARE), rest)


def _last_budget(span: str, last_prior: int, pairs: list[re.Match], budget_word: re.Match | None, budget_hint: bool) -> int:
    """Where the span last names a budget (-1: nowhere, or only after a
    comparison with last year that the statement is about)."""
    last_budget = max([m.start() for m in pairs] + ([budget_word.start()] if budget_word else [-1]))
    if (
        last_prior >= 0 and last_budget > last_prior and not pairs
        and not budget_hint and not _BUDGET_IN_WORDS.search(span, last_prior)
    ):
        # "比上年减少 9 万元，比年初预算数减少 2 万元，主要是……": both bases, one
        # reason; the change on last year is the one a final account explains.
        return -1
    return last_budget


def _compares(span: str, pairs: list[re.Match], hint_cmp: re.Match | None, word: re.Match | None) -> bool:
    """Does the span (or its trigger) compare with the budget it names?"""
    flat = word is not None and bool(word.group("flat"))
    return bool(
        pairs or hint_cmp or flat or COMPLETION.search(span) or BUDGET_COMPARE.search(span) or "差异" in span
    )


def _target_statement(span: str, hint: str, start: int, end: int) -> ChangeStatement | None:
    """A performance indicator against its target, or None when the span states none."""
    if not (TARGET_CUE.search(span) and NUMBER.search(span)):
        return None
    s = ChangeStatement(item="", basis=Basis.TARGET, direction=None, text=span.strip(), start=start, end=end)
    return _read_target(span, hint, s)


def direction_of(word: re.Match) -> Direction:
    """The direction a word of DIRECTION_WORD or COMPARE_WORD names."""
    if word.group("flat"):
        return Direction.NONE
    return Direction.INCREASE if word.group("inc") else Direction.DECREASE


def _versus(value: float, other: float) -> Direction:
    return Direction.INCREASE if value > other else Direction.DECREASE if value < other else Direction.NONE


# "“三公”经费预算下降": this year's budget against last year's.
_BUDGET_MOVED = re.compile(r"(?<![共金营])预算(?:数)?(?:小幅|大幅|有所|略有)?(?:" + DIRECTION_WORD.pattern + ")")


def basis_of_words(span: str) -> Basis | None:
    """The basis a span's words name, where no statement could be read."""
    if TARGET_CUE.search(span):
        return Basis.TARGET
    cue = PRIOR_CUE.search(span)
    if cue:
        return Basis.OTHER if cue.group("other") or cue.group("executed") else Basis.PRIOR_YEAR
    if FULL_CUE.search(span):
        return Basis.FULL_YEAR_BUDGET
    if _BUDGET_MOVED.search(span):
        return Basis.OTHER  # "“三公”经费预算下降": this year's budget on last year's
    if "预算" in span:
        return Basis.INITIAL_BUDGET
    return None


def _read_target(span: str, hint: str, s: ChangeStatement) -> ChangeStatement:
    """A performance indicator against its target: "目标值为 100%，实际完成值为 97.62%"."""
    target = re.search(rf"(?:{_TARGET}){_IS}\s*" + NUM, span)
    actual = re.search(rf"(?:{_ACTUAL}|实际支出){_IS}\s*" + NUM, span)
    if re.search(r"未完成|未达[到成]?|未实现|低于", span + hint):
        s.direction = Direction.DECREASE
    elif target and actual and number(target.group(1)) is not None and number(actual.group(1)) is not None:
        s.direction = _versus(number(actual.group(1)), number(target.group(1)))
    s.item = item_of(span, min(m.start() for m in (TARGET_CUE.search(span), target, actual) if m))
    return s


def subject_of(sentence: str) -> str:
    """The subject of any sentence that states an amount or a comparison."""
    cues = [m.start() for m in (PRIOR_CUE.search(sentence), AMOUNT.search(sentence), BUDGET_ACTUAL.search(sentence)) if m]
    return item_of(sentence, min(cues)) if cues else ""


# A rate of change with its basis left implicit: "增长率为 -9.4%".
RATE = re.compile(r"(?P<kind>增长率|增幅|降幅|减幅|变动率|增减率|比率)(?:为|是|：|达到?)?\s*(?P<value>-?\d+(?:\.\d+)?)\s*%")


def _implicit_cue(span: str, after: int = 0) -> list:
    """A change on last year that names no basis, at or after `after`: a rate
    ("增长率为 -9.4%") or a direction word before a figure ("减少 37.84 亿元，
    下降 8.4%")."""
    rate = RATE.search(span, after)
    if rate:
        value = float(rate.group("value"))
        falls = rate.group("kind") in ("降幅", "减幅") or value < 0
        direction = Direction.DECREASE if falls else Direction.INCREASE if value else Direction.NONE
        return [_EmptyCue(rate.start(), direction, abs(value))]
    word = DIRECTION_WORD.search(span, after)
    if word and (word.group("flat") or AMOUNT.search(span, word.end()) or PERCENT.search(span, word.end())):
        return [_EmptyCue(word.start())]
    degree = degree_change(span, after)
    return [_EmptyCue(degree.start())] if degree else []


def degree_change(text: str, at: int = 0) -> re.Match | None:
    """A money or count change named by degree ("项目支出有所增加"; not "人员有所增加")."""
    degree = _DEGREE_CHANGE.search(text, at)
    return degree if degree and measured_before(text, degree.start()) else None


# A change named by degree, with no figure: "有所增加"; not "有所增加的单位", a noun phrase.
_DEGREE_CHANGE = re.compile(r"(?=[有略明大小])(?:有所|略有|明显|大幅|小幅)(?:增加|增长|上升|提高|减少|下降|降低)(?![的率])")
# What a subject ends with when its change is one of money or of a count.
_MEASURED = re.compile(
    r"(?:费|支出|收入|经费|资金|拨款|补助|基金|结余|结转|开支|成本|人数|次数|批次|人次|数量|户数|车辆数)(?:用)?(?:决算数?)?[均都也]?(?:有所|略有|明显|大幅|小幅|进一步)?$"
)


def measured_before(text: str, at: int) -> bool:
    """Does the subject ending at `at` name money or a count ("项目支出", "接待批次")?"""
    return bool(_MEASURED.search(text, max(0, at - 12), at))


class _EmptyCue:
    """Stands for a comparison cue the clause leaves implicit (a rate gives
    its own direction and percentage)."""

    def __init__(self, at: int, direction: Direction | None = None, pct: float | None = None):
        self._at = at
        self.direction, self.pct = direction, pct

    def start(self) -> int:
        return self._at

    def end(self) -> int:
        return self._at


# This year's figure is a budget ("预算 4.5 万元", "安排“三公”经费 12.40 万元"):
# compared with last year, it is a budget against last year's budget.
_BUDGET_LEVEL = re.compile(
    r"(?<![共金营])预算(?:数|拨款|安排)?(?:为|是|：)?\s*\d|(?<![共金营])预算(?:数)?\s*$"
    r"|安排(?!的[^，。；]{0,10}支出)[^，。；\d决]{0,12}\d"  # "安排“三公”经费 12.40 万元", not "安排的……支出"
)


def _read_prior(span: str, cue, s: ChangeStatement) -> None:
    """Fill `s` from a change on last year: the figures after the cue, this
    year's amount before it."""
    other = isinstance(cue, re.Match) and (cue.group("other") or cue.group("executed"))
    s.basis = Basis.OTHER if other or _BUDGET_LEVEL.search(span, 0, cue.start()) else Basis.PRIOR_YEAR
    if isinstance(cue, _EmptyCue) and cue.direction:
        s.direction, s.change_pct = cue.direction, cue.pct
        s.amount = None
        return
    at, after = cue.start(), span[cue.end() :]
    restated = _change_before_bracket(span, at)
    if restated is not None:  # "增加 80.5 万元（较上年增长 15.2%）": the figures are the change's
        at, after = restated, span[restated:]
    change = CHANGE_AFTER_WORD.search(after)
    pct = PCT_AFTER_WORD.search(after)
    amount = AMOUNT.search(span[:at])
    if change and to_wan(*change.groups()) is not None:
        s.change = abs(to_wan(*change.groups()))
    if pct and number(pct.group(1)) is not None:
        s.change_pct = abs(number(pct.group(1)))
    if amount:
        s.amount = to_wan(*amount.groups())
    word = DIRECTION_WORD.search(after)
    s.direction = _prior_direction(word, s, change)
    compared = _COMPARED_LEVEL.match(after)
    if compared and not word and s.amount is not None and to_wan(*compared.groups()) is not None:
        # "2024 年决算 580.5 万元，较 2023 年决算 500 万元": the levels give the change
        s.compare_amount = to_wan(*compared.groups())
        s.change, s.direction = round(abs(s.amount - s.compare_amount), 6), _versus(s.amount, s.compare_amount)


# Last year's level right after the cue: "较 2023 年决算 500 万元".
_COMPARED_LEVEL = re.compile(r"(?:决算|支出|收入)?(?:数|金额)?(?:为|的)?\s*" + NUM + r"\s*" + UNIT)


def _change_before_bracket(span: str, at: int) -> int | None:
    """Where the change starts when the cue at `at` opens a bracket after it
    ("项目支出增加 80.5 万元（较上年增长 15.2%）"), else None."""
    if not span[:at].endswith(("（", "(")):
        return None
    words = list(DIRECTION_WORD.finditer(span, _clause_at(span, at), at))
    return words[0].start() if words and CHANGE_AFTER_WORD.match(span, words[0].start()) else None


def _clause_at(span: str, at: int) -> int:
    return max(span.rfind(p, 0, at) for p in "，。；：") + 1


_REVERSED = {Direction.INCREASE: Direction.DECREASE, Direction.DECREASE: Direction.INCREASE}


def _prior_direction(word: re.Match | None, s: ChangeStatement, change: re.Match | None) -> Direction:
    if not s.change and not s.change_pct and 0 in (s.change, s.change_pct):
        return Direction.NONE  # "同比增加 0 万元，同比增长 0%"
    if word is None:
        return Direction.NONE
    direction = direction_of(word)
    if direction in _REVERSED and s.change is not None and number(change.group(1)) < 0:
        return _REVERSED[direction]  # "增加 -3 万元"
    return direction


_DIFFERENCE_PCT = re.compile(r"(?:差异率|偏差率|差异)(?:为|是)?\s*" + NUM + r"\s*%")


def _read_budget(span: str, pair: re.Match | None, hint: str, s: ChangeStatement) -> None:
    """Fill `s` from actual against budget: a budget/actual pair, a stated
    difference, a completion rate, the words of the span or its trigger."""
    s.basis = _budget_basis(span, pair, hint)
    if pair:
        s.compare_amount = to_wan(pair.group(2), pair.group(3))
        s.amount = to_wan(pair.group(4), pair.group(5))
        if s.amount is not None and s.compare_amount is not None:
            s.change = round(abs(s.amount - s.compare_amount), 6)
    diff = _DIFFERENCE_PCT.search(span)
    if diff and number(diff.group(1)) is not None:
        s.change_pct = abs(number(diff.group(1)))
    completion = COMPLETION.search(span)
    if completion:
        s.completion_pct = number(completion.group(1) or completion.group(2))
    stated = COMPARE_WORD.search(hint) or COMPARE_WORD.search(span)
    s.direction = _budget_direction(span, stated, s)
    stated_change = CHANGE_AFTER_WORD.search(span)
    if s.change is None and stated_change and to_wan(*stated_change.groups()) is not None:
        s.change = abs(to_wan(*stated_change.groups()))
    if s.change == 0 and not s.change_pct and not stated:
        s.direction = Direction.NONE  # "较预算增加（减少）0.00 万元"


def _budget_basis(span: str, pair: re.Match | None, hint: str) -> Basis:
    """The budget compared with: the pair's own word, else the later of
    全年 and 年初 in the span or its trigger."""
    kind = pair.group("kind") if pair else None
    if kind:
        return Basis.INITIAL_BUDGET if kind == "年初" else Basis.FULL_YEAR_BUDGET
    full = FULL_CUE.search(span) or FULL_CUE.search(hint)
    initial = INITIAL_CUE.search(span) or INITIAL_CUE.search(hint)
    return Basis.FULL_YEAR_BUDGET if full and (not initial or full.start() > initial.start()) else Basis.INITIAL_BUDGET


def _budget_direction(span: str, stated: re.Match | None, s: ChangeStatement) -> Direction:
    """Which way actual differs from budget: as stated in words, else as
    the figures say, else as a direction word or the completion rate says."""
    if stated:
        return direction_of(stated)
    if s.amount is not None and s.compare_amount is not None:
        return _versus(round(s.amount - s.compare_amount, 6), 0)
    word = DIRECTION_WORD.search(span)
    if word:
        return direction_of(word)
    if s.completion_pct is not None:  # "执行率 94%": below the budget
        return _versus(s.completion_pct, 100)
    return Direction.NONE


def _first_budget(span: str) -> int:
    """Where the subject of a budget comparison ends: its first figure or comparison."""
    found = (BUDGET_ACTUAL.search(span), AMOUNT.search(span), BUDGET_COMPARE.search(span), COMPLETION.search(span))
    cues = [m.start() for m in found if m]
    return min(cues) if cues else len(span)


_LEAD = re.compile(
    r"^(?:[-•·*\s]*)(?:[（(]如[^）)]{0,12}表述[）)])?(?:(?:与|比|较)[^，,]{0,8}(?:相比|比较)[，,]?)?(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|[①-⑩])?\s*"
    r"(?:其中[：:]?)?(?:之所以)?(?:本单位|我单位|本部门|本院|本校|我局|本局)?(?:20\d\d\s*年(?:度)?)?(?:[，,：:])?(?:(?:与|比|较)[^，,]{0,8}(?:相比|比较)[，,]?)?"
)
# Words that end a subject without being part of it ("……：支出决算数为").
_TAILS = tuple(sorted({
    "：支出", "，支出", ":支出", ",支出", "：", "，", ":", ",", "的", "各", "均", "分别", "全年", "年初", "调整后", "调整",
    "决算数为", "决算为", "决算数", "决算", "年初预算数为", "年初预算为", "年初预算数", "年初预算",
    "全年预算数为", "全年预算为", "全年预算数", "全年预算", "为", "是", "共计", "合计", "总计为", "收支", "完成", "执行数",
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
