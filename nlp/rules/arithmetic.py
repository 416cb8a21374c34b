import re
from typing import ClassVar

from nlp.rules import Rule
from nlp.statements import AMOUNT, to_wan
from nlp.vocabulary import Basis, Direction, Evidence, Severity


class Arithmetic(Rule):
    """A stated change, percentage, share or total disagrees with the stated
    amounts beyond rounding, or is impossible (a fall of more than 100%): the
    figures the explanation rests on are wrong, or the words ("决算数大于预算数")
    contradict them. Tolerances are 0.01 万元
    and 0.01 percentage point by default, on top of the error that rounding the
    stated amounts to 0.01 can cause."""

    code = "JS501"
    name = "arithmetic"
    zh = "数字不符"
    severity = Severity.ERROR
    evidence = Evidence.FIGURES
    summary = "figures do not add up"
    summary_zh = "数字加总或比例不符"
    rationale_zh = (
        "说明所写的变动额、变动率、占比或合计与所写金额不符（超出四舍五入的误差），或根本不可能（下降超过100%）；或文字（“决算数大于预算数”）与数字相反。说明依据的数字有误。能判断时，指出是哪一个数字写错：变动额、变动率还是本年金额。"
    )
    example = "支出决算数为 110.00 万元，比上年增加 10.00 万元，增长 20.00%。"
    options: ClassVar[dict] = {"tolerance": 0.01, "pct_tolerance": 0.01}

    def check(self, report, options):
        tol, ptol = options["tolerance"], options["pct_tolerance"]
        statements = [(e, e.statement) for e in report.explanations if e.statement] + [(m, m.statement) for m in report.missing]
        for target, s in statements:
            for zh, en in _statement_problems(s, tol, ptol):
                yield self.finding(f"{s.item or target.id}：{zh}", f"{s.item or target.id}: {en}", [target])
        for zh, en, start in _share_problems(report.text, tol, ptol):
            yield self.finding(zh, en, [], location=report.locate(start))


def _pct_range(change: float, base: float) -> tuple[float, float] | None:
    """The percentages that amounts rounded to 0.01 can give."""
    lows, highs = [], []
    for dc in (-0.005, 0.005):
        for db in (-0.005, 0.005):
            if base + db <= 0:
                return None
            value = 100 * (change + dc) / (base + db)
            lows.append(value)
            highs.append(value)
    return min(lows), max(highs)


def _outside(stated: float, bounds: tuple[float, float] | None, ptol: float) -> bool:
    """A stated percentage that no rounding of the amounts explains."""
    return bool(bounds) and not bounds[0] - ptol <= stated <= bounds[1] + ptol


def _statement_problems(s, tol: float, ptol: float):
    """Each problem of one statement as a (Chinese, English) pair."""
    if s.direction == Direction.DECREASE and s.change_pct is not None and s.change_pct > 100 + ptol:
        yield (f"下降 {s.change_pct:.2f}% 不可能：降幅不会超过 100%",
               f"a fall of {s.change_pct:.2f}% is impossible: nothing falls by more than 100%")
    elif s.basis == Basis.PRIOR_YEAR:
        if s.amount is not None and s.change is not None:
            yield from _prior_year_problems(s, tol, ptol)
    elif s.amount is not None and s.compare_amount is not None:
        yield from _budget_problems(s, tol, ptol)


# Last year's amount, where the statement gives it: "上年决算数为 146.90 万元".
_LAST_YEAR = re.compile(r"上年(?:度)?(?:决算)?数?(?:为|是)?\s*(?P<value>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>亿元|万元|千元|元|万)")


def _prior_year_problems(s, tol: float, ptol: float):
    """This year's amount, last year's where stated, the change and its
    percentage: which of them is the slip."""
    signed = s.change if s.direction == Direction.INCREASE else -s.change
    last = _stated_last_year(s.text)
    if last is not None and abs(s.amount - last - signed) > tol + 0.01:
        yield _wrong_change(s, last, ptol)
        return
    base = s.amount - signed if last is None else last
    if base < -tol:
        yield (f"增加额 {s.change:,.2f} 万元大于本年数 {s.amount:,.2f} 万元（上年将为 {base:,.2f}）",
               f"an increase of {s.change:,.2f} 万元 is more than this year's {s.amount:,.2f} 万元 (last year would be {base:,.2f})")
    elif s.change_pct is not None and _outside(s.change_pct, _pct_range(s.change, base), ptol):
        if last is None and _fits_another_amount(s, signed, ptol):
            return  # the change is of another amount the statement lists ("购置费 0.00 万元，运行维护费 16.80 万元，比上年减少……")
        yield _wrong_pct(s, signed, base, last)


def _stated_last_year(text: str) -> float | None:
    m = _LAST_YEAR.search(text)
    return to_wan(m.group("value"), m.group("unit")) if m else None


def _wrong_change(s, last: float, ptol: float) -> tuple[str, str]:
    actual = s.amount - last
    zh = f"变动额写为 {s.change:,.2f} 万元，但 {s.amount:,.2f} − {last:,.2f} = {actual:,.2f} 万元"
    en = f"change stated {s.change:,.2f} 万元, but {s.amount:,.2f} − {last:,.2f} = {actual:,.2f} 万元"
    if s.change_pct is not None and last > 0 and not _outside(s.change_pct, _pct_range(abs(actual), last), ptol):
        zh += f"，所写 {s.change_pct:.2f}% 与 {actual:,.2f} 相符：变动额有误"
        en += f", which the stated {s.change_pct:.2f}% fits: the change is the slip"
    return zh, en


def _wrong_pct(s, signed: float, base: float, last: float | None) -> tuple[str, str]:
    """The stated percentage disagrees: say so, and when this year's amount
    is what cannot be right (a total of 0 beside a change of 1.87%), say that."""
    pct = 100 * s.change / base
    said = (f"所写 {s.change_pct:.2f}% 与数字不符：变动额 {s.change:,.2f} 占上年 {base:,.2f} 万元的 {pct:.2f}%",
            f"stated {s.change_pct:.2f}% but {s.change:,.2f} on last year's {base:,.2f} 万元 is {pct:.2f}%")
    if last is None and s.change_pct > 0:
        implied_last = 100 * s.change / s.change_pct
        implied = implied_last + signed
        if abs(implied - s.amount) > max(1.0, 0.5 * implied):
            written = _as_written(s.text, s.amount)
            said = (f"按 {s.change:,.2f} 万元和 {s.change_pct:.2f}% 推算，上年为 {implied_last:,.2f} 万元、本年为 "
                    f"{implied:,.2f} 万元，但文中本年为 {written}：该金额有误",
                    f"{s.change:,.2f} 万元 and {s.change_pct:.2f}% give last year {implied_last:,.2f} 万元 and this year "
                    f"{implied:,.2f} 万元, but the text says this year is {written}: that amount is the slip")
    return said


def _as_written(text: str, value: float) -> str:
    """An amount as the statement prints it ("36.50元"), else in 万元."""
    for m in AMOUNT.finditer(text):
        if to_wan(m.group(1), m.group(2)) == value:
            return m.group(0)
    return f"{value:,.2f} 万元"


def _fits_another_amount(s, signed: float, ptol: float) -> bool:
    """Whether another amount the statement states is the one the change and percentage are of."""
    for m in AMOUNT.finditer(s.text):
        value = to_wan(m.group(1), m.group(2))
        if value is None or abs(value - s.amount) < 0.005 or abs(value - s.change) < 0.005:
            continue
        base = value - signed
        if base > 0 and not _outside(s.change_pct, _pct_range(s.change, base), ptol):
            return True
    return False


_WORDS = {Direction.INCREASE: "above", Direction.DECREASE: "below", Direction.NONE: "equal to"}
_WORDS_ZH = {Direction.INCREASE: "大于", Direction.DECREASE: "小于", Direction.NONE: "等于"}


def _words_disagree(s, figures_say: Direction, diff: float, tol: float) -> bool:
    """Words that say above, below or equal to budget where the figures do not."""
    # "基本持平" may cover a difference of up to 1%; any words fit a difference within tolerance.
    flat_enough = s.direction == Direction.NONE and abs(diff) <= max(tol, 0.01 * s.compare_amount)
    return s.direction != figures_say and figures_say != Direction.NONE and not flat_enough


def _budget_problems(s, tol: float, ptol: float):
    """The actual amount against the budget: the words, the difference rate, the completion rate."""
    diff = round(s.amount - s.compare_amount, 6)
    figures_say = Direction.INCREASE if diff > tol else Direction.DECREASE if diff < -tol else Direction.NONE
    if _words_disagree(s, figures_say, diff, tol):
        yield (f"文中称决算数{_WORDS_ZH[s.direction]}预算数，但决算 {s.amount:,.2f} 万元、预算 {s.compare_amount:,.2f} 万元，"
               f"实为{_WORDS_ZH[figures_say]}",
               f"the text says actual is {_WORDS[s.direction]} budget, but {s.amount:,.2f} vs budget {s.compare_amount:,.2f} 万元 "
               f"is {_WORDS[figures_say]} it")
    if s.compare_amount <= 0:
        return
    if s.change_pct is not None and _outside(s.change_pct, _pct_range(abs(diff), s.compare_amount), ptol):
        rate = 100 * abs(diff) / s.compare_amount
        yield (f"所写差异率 {s.change_pct:.2f}% 与数字不符：{s.amount:,.2f} 与 {s.compare_amount:,.2f} 万元相差 {rate:.2f}%",
               f"stated difference rate {s.change_pct:.2f}% but {s.amount:,.2f} vs {s.compare_amount:,.2f} 万元 is {rate:.2f}%")
    # Amounts too small to give a range leave only 0% to state.
    if s.completion_pct is not None and _outside(s.completion_pct, _pct_range(s.amount, s.compare_amount) or (0.0, 0.0), ptol):
        rate = 100 * s.amount / s.compare_amount
        yield (f"所写完成率 {s.completion_pct:.2f}% 与数字不符：{s.amount:,.2f} ÷ {s.compare_amount:,.2f} 万元 = {rate:.2f}%",
               f"stated completion {s.completion_pct:.2f}% but {s.amount:,.2f} of {s.compare_amount:,.2f} 万元 is {rate:.2f}%")


# "本年收入 24214.48 万元，其中：财政拨款收入 21520.17 万元，占 88.87%；……"
# The figure's first digit opens the pattern (the lookbehind after it: not
# inside another figure), so the scan jumps from digit to digit.
_TOTAL = re.compile(r"(?P<total>\d(?<![\d.]\d)\d*(?:\.\d+)?)\s*(?P<unit>亿元|万元|元)[，,]\s*其中[：:]")
_PART = re.compile(r"(?P<name>[\u4e00-\u9fff（）()“”]{2,30}?)(?<![\d.])(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|元)[，,]\s*占(?:比)?(?:本年\w{0,6}的?)?\s*(?P<pct>\d+(?:\.\d+)?)%")


def _share_problems(text: str, tol: float, ptol: float):
    """Shares of a total that disagree with the amounts: (Chinese, English, offset)."""
    for total in _TOTAL.finditer(text):
        ends = [e for e in (text.find("。", total.end()), text.find("\n", total.end())) if e >= 0]
        # A list of shares is one sentence; a longer run is not one (and would
        # make the part pattern scan too much).
        sentence = text[total.end() : min(ends or [len(text)])][:2000]
        whole = to_wan(total.group("total"), total.group("unit"))
        if not whole:
            continue
        for part in _PART.finditer(sentence):
            value = to_wan(part.group("value"), part.group("unit"))
            stated = float(part.group("pct"))
            if _outside(stated, _pct_range(value, whole), ptol):
                name, share = part.group("name").strip("，；"), 100 * value / whole
                yield (
                    f"{name}：所写占比 {stated:.2f}% 与数字不符：{value:,.2f} ÷ {whole:,.2f} 万元 = {share:.2f}%",
                    f"{name}: stated share {stated:.2f}% but {value:,.2f} of {whole:,.2f} 万元 is {share:.2f}%",
                    total.start(),
                )
