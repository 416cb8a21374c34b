"""The ways a report introduces a reason: one table, extended in one place.

Each `TriggerForm` is a row: a regular expression on normalised text
(simplified script, full-width ，：；（）, no spaces inside Chinese text), how
the reason sits around it (`kind`), whether it marks a reason on its own
(`strong`) or only beside a change statement, and what its words say of the
direction and basis ("减少的原因" → decrease; "小于年初预算数的原因" →
initial_budget). Named groups in a pattern carry those hints: `inc`, `dec`,
`flat` for the direction, `full` / `budget` / `target` for the basis (else
the row's `basis`).

Kinds:
- ``lead``: the reason follows ("主要原因是：……");
- ``wrap``: the reason sits between the trigger and a closing word
  ("受……影响", "由于……，故……"), `close` names the closing words; the change
  it explains may come before or after;
- ``bracket``: the reason is the bracket after a figure ("增长 45%（上年基数较低）");
- ``part``: the trigger's words open the reason and belong to it
  ("一方面……，另一方面……");
- ``back``: the slot points back at another reason ("原因同上"): the trigger
  is the whole reason, and a reason that names nothing.

Rows are tried in order at each position, so longer forms come first. Every
row has invented examples in tests/fixtures/triggers.jsonl; a row without one
fails the tests.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from nlp.vocabulary import Basis, Direction

# OCR slips seen in real text: 丰要 / 主耍 for 主要.
_MAIN = "[主丰][要耍]"
# What may follow 原因 before the reason: 是 / 为 / 系 / 主要是 / 有两点 / ：
_COUNT = r"(?:[一二两三四五六七八九十\d]+)(?:大|个|点|方面)(?:的)?(?:原因)?"
_TAIL = rf"(?:{_MAIN})?(?:(?:有|是)?{_COUNT}|是|为|系(?!统|列)|有|在于|如下|仍是|，是|分析|说明)?[：:]?"
_INC = "增加|增长|上升|提高|增多|增收|超支|多收|超收"
# A template's instruction names the trigger it asks for: "……不用说明变动原因".
_INSTRUCTED = "说明|分析|解释|填写|列明|注明|写明"
_DEC = "减少|下降|降低|减收|节支|短收|少收|回落"


@dataclass(frozen=True)
class TriggerForm:
    name: str
    pattern: str
    kind: str = "lead"  # lead | wrap | bracket | part | back
    strong: bool = True
    close: str | None = None  # wrap: the words that end the reason
    after: str | None = None  # what the text just before must end with ("[，；]")
    not_after: str | None = None  # what it must not end with ("说明": "……不用说明变动原因")
    basis: Basis | None = None  # the basis the form itself names, where its groups do not

    @cached_property
    def regex(self) -> re.Pattern:
        return re.compile(self.pattern)

    @cached_property
    def close_regex(self) -> re.Pattern | None:
        return re.compile(self.close) if self.close else None

    @cached_property
    def _after(self) -> tuple[re.Pattern | None, re.Pattern | None]:
        return tuple(re.compile(f"(?:{p})$") if p else None for p in (self.after, self.not_after))

    def fits(self, before: str) -> bool:
        """Does the form fit after `before` (the few characters before it)?
        Kept out of the pattern, so that every branch of `FIND` opens with
        the character it matches and the scan skips the other positions."""
        after, not_after = self._after
        return not ((after and not after.search(before)) or (not_after and not_after.search(before)))


FORMS: tuple[TriggerForm, ...] = (
    # 决算数小于（大于）年初预算数的主要原因是 / 低于预算的主要情况： / 低于预算主要是
    TriggerForm(
        "compare_budget",
        r"(?:决算数?|支出|收入|执行数)?(?:(?P<inc>大于|高于|超过|多于|超出|超)|(?P<dec>小于|低于|少于)|(?P<flat>等于))"
        r"(?P<either>（(?:大于|小于|高于|低于)）)?"
        r"(?:(?P<full>全年|调整后?的?)|年初|年度)?(?P<budget>预算)(?:数)?的?"
        rf"(?:(?:{_MAIN})?(?:原因|情况){_TAIL}|{_MAIN}(?:是由于|是因为|是|系|由于|因为))",
    ),
    # 减少的主要原因是 / 增减变化的主要原因是： / 下降原因主要是 / 持平原因
    TriggerForm(
        "direction_reason",
        rf"(?:(?P<inc>{_INC}|增幅较大)|(?P<dec>{_DEC}|降幅较大|结余|节余)|(?P<flat>持平)|增减变化|增减变动|增减|变动|变化|差异|偏差)"
        rf"(?:幅度)?(?:较大|明显|较多)?(?:部分)?的?(?:{_MAIN})?原因{_TAIL}",
        not_after=_INSTRUCTED,
    ),
    # 执行率偏低的原因 / 未执行的主要原因是 / 资金结余原因：
    TriggerForm(
        "execution_reason",
        rf"(?P<dec>未执行|未支出|未支付|未拨付|执行率(?:偏)?低|执行进度(?:缓)?慢|支出进度(?:缓)?慢)(?:部分)?的?(?:{_MAIN})?原因{_TAIL}",
        basis=Basis.FULL_YEAR_BUDGET,
    ),
    # 未完成目标的原因是 / 偏离绩效目标的原因 / 扣分原因为：
    TriggerForm(
        "target_reason",
        rf"(?:(?P<dec>未完成|未达成|未达到|未实现|未达)|偏离)(?:年度)?(?:绩效)?(?P<target>目标|指标)(?:值)?的?(?:{_MAIN})?原因{_TAIL}"
        rf"|(?P<score>扣分)(?:的)?(?:{_MAIN})?原因{_TAIL}",
    ),
    # 主要原因是： / 主要原因一是… / 主要原因有两点：其一… / 主要有三大原因，
    TriggerForm("main_reason", rf"{_MAIN}原因{_TAIL}|{_MAIN}有{_COUNT}[：:，]?|究其原因[，：:]?", not_after=_INSTRUCTED),
    # 原因同上
    TriggerForm("same_as_above", r"(?:原因|理由)同上|同上原因", kind="back"),
    # 原因是 / 原因为 / 原因主要是 / 原因仍是 / 原因：
    TriggerForm("reason_is", rf"原因(?:{_MAIN})?(?:是|为|在于|仍是)[：:]?|原因(?:分析|说明|如下)?[：:]", not_after="[的因及]"),
    # 原因严守八项规定……: bare 原因 after a comma, the reason straight after it
    TriggerForm("bare_reason", r"原因(?![是为：:，。；、在同分说如及的]|\s)", strong=False, after="[，；]"),
    # 具体情况是：
    # ("具体情况如下：" opens a list of figures, not a reason)
    TriggerForm("specifics", r"具体原因(?:是|为|如下)?[：:]|具体情况(?:是|为)[：:]", strong=False),
    # ……减少 0.8 万元，情况说明：…… / 。变动情况说明：
    TriggerForm("situation_note", r"(?:变动|增减|变化|差异)?情况说明[：:]", strong=False, after="[，；。]"),
    # ……减少 0.8 万元，一方面……，另一方面……: both sides are the reason
    TriggerForm("on_one_hand", r"一方面", kind="part", strong=False, after="[，；。]"),
    # 受……影响 / 主要是受……影响 / 主要受……因素影响
    TriggerForm("affected_by", rf"(?:{_MAIN}(?:是)?)?受(?:到)?(?!益|理|托|让|赠|聘|委|训|奖)", kind="wrap", strong=False, close="(?:的)?影响"),
    # 由于……，故/所以/导致…… (a lead when nothing closes it)
    TriggerForm("due_to_so", r"(?:因)?由于", kind="wrap", strong=False, close="(?:，)?(?:所以|故|因此|因而|导致|致使|使得|造成)"),
    # 因……使得…… / 因公务接待任务减少，…… (not 因公出国, 因公负伤: terms)
    TriggerForm(
        "because_so", r"因(?!公(?:出|负|殉|牺|死|伤|外|干|差)|此|素|而|为|由|子|果|地|病|私|事|工|伤|时|数|应|材|人|故|特)", kind="wrap", strong=False,
        close="(?:，)?(?:使得|导致|致使|造成|所以|故)", not_after="[原基诱起成主]",
    ),
    # 主要是由于 / 主要是因为 / 主要系 / 主要是 / 主要为 / 这主要是 / 主要是因
    TriggerForm(
        "mainly",
        rf"(?:这|其)?{_MAIN}(?:是由于|是由於|是因为|是因(?!公)|由于|因为|因(?!公|为)|系|是(?!指)|为(?!了)|得益于|源于)",
        strong=False,
    ),
    # 是因为 / 是由于 / 得益于 / 归因于
    TriggerForm("is_because", r"(?:是|则是)(?:因为|由于)|得益于|归因于|源于", strong=False),
    # 这表明 / 这说明
    TriggerForm("this_shows", r"这(?:表明|说明)", strong=False),
    # ，系调入调出品迭增加 / 下降 3.02%系……所致 / 。系……所致 (系 right after a change)
    TriggerForm("attributed", r"系(?!统|列|数|指)", strong=False, after="[，；。%元]"),
    # 增长率为 -9.4%，主要在校学生人数下降 / …%，是本年工资变动 / …%，为本年食堂改造
    TriggerForm(
        "after_figure", rf"{_MAIN}(?![用包职任有])|(?:是|为)(?!了|指|\d|年初|全年|调整|年度|预算|上年|去年|同期)", strong=False,
        after="[%元万]，",
    ),
    # 增长 38.7%（主要是……） / 增长 316%（因去年同期基数较小）/ 增长 45%（上年基数较低）;
    # not "增加 80.5 万元（增长 15.2%）": a bracket that only states the change again
    TriggerForm(
        "bracketed",
        rf"（(?:{_MAIN}(?:是|系|为|由于|因为)?|因|由于|系|受)?(?!其中|含|不含|包括|详见|见|下同|注|占|同比|比上年|较上年|净额|净增|净减|合计|共计|累计|即|折合|约|\d)"
        rf"(?!(?:{_INC}|{_DEC}|增幅|降幅|减幅|涨幅)(?:率|幅度|比例)?(?:了|为|是|达)?\s*-?[\d.]+\s*(?:%|％|个百分点|倍|万元|亿元|元|[）)，]))",
        kind="bracket",
        strong=False,
        after="[%元]",
    ),
)

_DIRECTION = {"inc": Direction.INCREASE, "dec": Direction.DECREASE, "flat": Direction.NONE}


@dataclass(frozen=True)
class Trigger:
    """One trigger found in the text."""

    form: TriggerForm
    start: int
    end: int
    direction: Direction | None  # what the trigger's own words say
    basis: Basis | None

    @property
    def text(self) -> str:
        return self.form.name


def _first_chars(pattern: str) -> str | None:
    """The characters a match of `pattern` can start with, or None when that
    cannot be told (then no shortcut is taken). Read from the parsed pattern."""
    from re import _parser  # the parser of the re module (sre_parse before 3.11)

    def first(items) -> set[str] | None:
        out: set[str] = set()
        for op, arg in items:
            name = str(op)
            if name == "LITERAL":
                return out | {chr(arg)}
            if name == "IN" and all(str(o) == "LITERAL" for o, _ in arg):
                return out | {chr(a) for _, a in arg}
            if name == "SUBPATTERN":
                inner = first(arg[3])
                return None if inner is None else out | inner
            if name == "BRANCH":
                parts = [first(b) for b in arg[1]]
                return None if None in parts else out.union(*parts)
            if name in ("MAX_REPEAT", "MIN_REPEAT"):
                inner = first(arg[2])
                if inner is None:
                    return None
                out |= inner
                if arg[0] > 0:
                    return out
                continue  # optional: what follows may start the match too
            return None
        return None

    try:
        chars = first(_parser.parse(pattern))
    except Exception:  # noqa: BLE001 - an unknown form of the parser: no shortcut
        return None
    return "".join(sorted(chars)) if chars else None


def _find_pattern() -> re.Pattern:
    """All forms as one pattern, a named group each, behind a lookahead on
    their first characters: the engine tries every position of the text,
    and the lookahead turns most of them away at once."""
    branches = "|".join(f"(?P<{f.name}>{re.sub(r'[(][?]P<[a-z]+>', '(?:', f.pattern)})" for f in FORMS)
    starts = [_first_chars(f.pattern) for f in FORMS]
    if None in starts:
        return re.compile(branches)
    return re.compile(f"(?=[{re.escape(''.join(sorted(set(''.join(starts)))))}])(?:{branches})")


FIND = _find_pattern()
_BY_NAME = {f.name: f for f in FORMS}


def find_triggers(text: str) -> list[Trigger]:
    """Every trigger in `text`, in order, none overlapping."""
    out = []
    at = 0
    while m := FIND.search(text, at):
        form = _BY_NAME[m.lastgroup]
        if not form.fits(text[max(0, m.start() - 4) : m.start()]):
            at = m.start() + 1
            continue
        at = m.end()
        groups = {k: v for k, v in form.regex.match(text, m.start()).groupdict().items() if v}
        # A template's "大于（小于）" left as written says neither.
        direction = None if "either" in groups else next((d for g, d in _DIRECTION.items() if g in groups), None)
        basis = None
        if "target" in groups or "score" in groups:
            basis = Basis.TARGET
            direction = direction or (Direction.DECREASE if "score" in groups else None)  # points lost
        elif "budget" in groups:
            basis = Basis.FULL_YEAR_BUDGET if "full" in groups else Basis.INITIAL_BUDGET
        out.append(Trigger(form, m.start(), m.end(), direction, basis or form.basis))
    return out
