"""Where a reason ends and how it splits into causes.

A reason runs to the end of its sentence, on over the next sentence when
that goes on with it (no figures, no trigger, no new part; or another
component with its amount; or a connective, "此外由于……"; or last year's base,
"……基数偏高"; always after a clause of time, "……填报预算时。"), through the
items of its own list (一是……。二是……；（2）……) or of the components it names
with their comparisons (……较上年减少 341 万元；……比上年增加 54 万元), and stops where a new change is
stated (after ；, a new item with its figures and its own trigger, or a
heading), at a template's note or a "下一步" of measures; its closing words
("……所致", "……等原因") and a bracketed note ("（详见附表 1）") are not part of it.

Works on repaired, normalised text (repair.py, normalize.py).
"""
from __future__ import annotations

import re
from itertools import pairwise

from nlp.numerals import integer
from nlp.repair import is_heading
from nlp.statements import (
    AMOUNT,
    BUDGET_ACTUAL,
    COMPARE_WORD,
    DIRECTION_WORD,
    FIGURE,
    PERCENT,
    PRIOR_CUE,
    degree_change,
    find_cues,
)
from nlp.triggers import FIND, find_triggers

_ENUM = (
    r"[一二三四五六七八九十]+[、.．是]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|[①-⑳]"
    r"|其[一二三四五六七八九十][，、：]|第[一二三四五六七八九十]+[，、是：]"
)
ENUM_START = re.compile(rf"^(?:{_ENUM}|首先)")
ENUM_ANY = re.compile(rf"(?:^|(?<=[。；;，,：:\s]))(?:{_ENUM}|首先|其次|再次|最后)")
MAX_REASON = 600
# A template's note to the writer left after a reason: "（如持平作持平表述）".
_INSTRUCTION = re.compile(r"[（(](?:如(?:有|无|持平|适用|涉及|不涉及)[^）)]{0,20}|如[^）)]{0,12}表述|注[：:][^）)]{0,30})[）)][。；]?$")
# A note in brackets at the end of a reason: "（详见附表 1）", "（下同）".
_NOTE = re.compile(r"[（(](?:详见|见|参见|具体见|下同|同上)[^（）()]{0,20}[）)]$")
# Words that close a reason without being part of it: "……所致", "……等原因".
_CLOSING = re.compile(r"(?:等)?(?:方面)?(?:的)?(?:原因|因素)?(?<!有)所致$|(?<=[\u4e00-\u9fff])(?:等)?(?:方面)?(?:的)?原因$")
_END_PUNCT = "。；;，,、. ：:"


def closing_bracket(text: str, opened: int, limit: int = 300) -> int | None:
    """The position of the "）" that closes the "（" at `opened` (brackets nest)."""
    depth = 0
    for m in _BRACKET.finditer(text, opened, min(len(text), opened + limit)):
        if m.group() == "\n":
            return None
        depth += 1 if m.group() == "（" else -1
        if depth == 0:
            return m.start()
    return None


_BRACKET = re.compile("[（）\n]")
_FIGURE_OR_CUE = re.compile(FIGURE.pattern + "|" + PRIOR_CUE.pattern)


def trim_reason(text: str, start: int, end: int) -> tuple[int, int]:
    """The reason without surrounding space, punctuation, a template's note
    and closing words ("…所致", "…等原因")."""
    while start < end and text[start] in " \t\n：:，,":
        start += 1
    while True:
        before = end
        while end > start and (text[end - 1] in _END_PUNCT or text[end - 1].isspace()):
            end -= 1
        for pattern in (_INSTRUCTION, _CLOSING, _NOTE):
            m = pattern.search(text, start, end)
            if m and m.end() == end and m.start() > start:
                end = m.start()
        if end == before:
            return start, end


def skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\n：:":
        i += 1
    return i


def line_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def in_heading(text: str, at: int) -> bool:
    """Is `at` on a heading line ("（二）变动原因")?"""
    return is_heading(text[text.rfind("\n", 0, at) + 1 : line_end(text, at)])


def first_of(text: str, chars: str, start: int, limit: int | None = None) -> int:
    """The first position at or after `start` holding one of `chars` (or the limit)."""
    limit = len(text) if limit is None else min(limit, len(text))
    ends = [e for e in (text.find(c, start, limit) for c in chars) if e >= 0]
    return min(ends) if ends else limit


# ------------------------------------------------------------ the reason


def reason_end(text: str, start: int) -> int:
    """Where the reason that starts at `start` ends: the end of its sentence,
    unless it is an enumeration (一、…。二、…。) whose next item follows or the
    next sentence goes on with it, or earlier, where a new change statement
    begins after a semicolon."""
    marker = _marker(text, start)
    limit = min(len(text), start + MAX_REASON)
    i = start
    while i < limit:
        c = text[i]
        if c == "\t":
            return i
        if c in "。！？\n":
            goes_on = _goes_on(text, i, start, marker)
            if goes_on is None:
                return i + 1 if c != "\n" else i
            i, marker = goes_on
            continue
        if c in "；;，,":
            marker = _next_item(text, i, marker)
        stop = _clause_stop(text, i, c, marker, start)
        if stop is not None:
            return stop
        i += 1
    return limit


def _goes_on(text: str, i: int, start: int, marker) -> tuple[int, tuple[str, int] | None] | None:
    """Where the reason goes on after the sentence end at i, and the list
    marker it is at: the next item of its own list, or a sentence that
    elaborates it. None: the reason ends there."""
    nxt = skip_space(text, i + 1)
    following = _marker(text, nxt)
    if marker and following and _continues(marker, following, text, start, nxt):
        return nxt, following
    said = text[start:i].strip(" ：:，,")
    if said and text[i] != "\n" and not following and _elaborates(text, i + 1, said):
        return i + 1, marker
    return None


def _next_item(text: str, i: int, marker):
    """The marker after the clause mark at i when it numbers the next item
    of the list ("一是……；二是……。三是……"), else `marker`."""
    following = _marker(text, skip_space(text, i + 1))
    if marker and following and following[0] == marker[0] and following[1] == marker[1] + 1:
        return following
    return marker


def _clause_stop(text: str, i: int, c: str, marker, start: int) -> int | None:
    """Where the reason ends at the character `c` at i, inside a sentence:
    None when it goes on."""
    if c in "；;":
        nxt = skip_space(text, i + 1)
        if _own_item(text, nxt, marker) or _next_component(text, start, i):
            return None
        if _states_change(text, i + 1) or _new_part(text, nxt):
            return i + 1  # "……主要原因是 A；1.总体情况：……" / "……；B 减少 3 万元，主要原因是……"
    if c == "其" and text.startswith("其中", i) and _shares(text, i):
        return i  # "……较多，其中一般公共预算财政拨款收入 948.77 万元，占 99.2%"
    if c in "，；" and _MEASURE.match(text, i + 1):
        return i  # "……尚未竣工验收，下一步将督促施工单位……": what will be done is no reason
    if c == "，" and _BARE_FIGURE.match(text, i + 1):
        return i  # "……由于严守八项规定，减少率 34.59%。": the figures again, no subject
    if c == "，" and opens_statement(text, i + 1):
        return i  # "……主要原因是 A，本年支出合计 500 万元，比上年增加 35 万元，主要原因是 B"
    return None


# A clause that is only a change in figures, with no subject of its own.
_BARE_FIGURE = re.compile(
    r"(?:同比|比上年|较上年)?(?:增长|增加|上升|提高|下降|减少|降低|增幅|降幅|减幅|增长率|减少率|下降率)(?:了|为|是|达)?"
    r"\s*-?\d+(?:\.\d+)?\s*(?:%|亿元|千元|万元|元)(?=[，。；;\n]|$)"
)


def _next_component(text: str, start: int, i: int) -> bool:
    """The reason text[start:i] names a component that moved, with its
    comparison and amount ("……运营补贴较上年减少 341.15 万元"), and the clause
    after the semicolon at i names another the same way, with no reason of its
    own to the end of its sentence ("；基本支出比上年增加 54.43 万元。")."""
    so_far = text[start:i]
    if not (PRIOR_CUE.search(so_far) and AMOUNT.search(so_far)) or find_triggers(so_far):
        return False
    sentence = re.match(r"[^。\n]*", text[i + 1 : i + 300]).group(0)
    clause = re.match(r"[^；;]*", sentence).group(0)
    return bool(PRIOR_CUE.search(clause) and AMOUNT.search(clause) and not find_triggers(sentence) and not _new_part(text, skip_space(text, i + 1)))


def _new_part(text: str, i: int) -> bool:
    """After a semicolon, a new part starts at i: another change with its own
    trigger, or an outline heading."""
    if opens_statement(text, i) or _figures_then_trigger(text, i):
        return True
    following = _marker(text, i)
    if following is None or re.match(r"[一二三四五六七八九十]+是|其[一二三]|首先", text[i : i + 4]):
        return False  # "一是……；二是……" goes on with a reason (the list it opens or its own)
    return is_heading(re.split(r"[，。；：]", text[i : line_end(text, i)])[0])


def _own_item(text: str, i: int, marker) -> bool:
    """The next item of the reason's own list starts at i ("一是……；二是……"),
    whatever it states: `marker` has already moved on to it."""
    following = _marker(text, i)
    return bool(marker and following and following[0] == marker[0] and following[1] in (marker[1], marker[1] + 1))


def _figures_then_trigger(text: str, i: int) -> bool:
    """The clause at i states figures and its sentence, or the next one from
    its first word, gives a reason for them: "……；其中：公车购置安排 517 万元，主要
    是……" / "……；公务用车运行费减少 9.63 万元。主要原因是……"."""
    clause_end = first_of(text, "，。；\n", i, i + 120)
    if not _FIGURE_OR_CUE.search(text, i, clause_end):
        return False
    end = first_of(text, "。；\n", i, i + 300)
    if text.startswith("。", end) and FIND.match(text, end + 1):
        return True
    return any(t.form.kind != "bracket" for t in find_triggers(text[clause_end:end]))


def _marker(text: str, i: int) -> tuple[str, int] | None:
    """The enumeration marker at i as (style, number), e.g. ("x、", 2) for 二、."""
    m = ENUM_START.match(text[i : i + 6]) or ENUM_ANY.match(text[i : i + 6])
    if not m:
        return None
    token = m.group(0)
    digits = re.search(r"\d+", token)
    if digits:
        return re.sub(r"\d+", "n", token), int(digits.group(0))
    numeral = re.search("[一二三四五六七八九十]+", token)
    if numeral and not token.startswith("第"):
        value = integer(numeral.group(0))
        return token.replace(numeral.group(0), "x"), value or 0
    circled = re.match("[①-⑳]", token)
    if circled:
        return "circled", ord(token[0]) - ord("①") + 1
    return token, 0


def _continues(marker, following, text: str, start: int, nxt: int) -> bool:
    """The next sentence is the next item of the reason's own list."""
    line_end = text.find("\n", nxt)
    line = text[nxt : line_end if line_end >= 0 else len(text)]
    return (
        following[0] == marker[0]
        and following[1] == marker[1] + 1
        and not is_heading(line)
        and not _states_change(text, nxt)
    )


_MEASURE = re.compile(r"\s*(?:下一步|今后|下阶段|下一阶段|我们将|我单位将|我局将|将进一步|将继续)")
_NOT_GOING_ON = re.compile(r"\s*(?:其中|主要用于|[（(]|具体(?![体表]现为)|详见|注|下一步|今后|下阶段|我们将|将)")


def _elaborates(text: str, i: int, so_far: str) -> bool:
    """The sentence at i, in the same paragraph, goes on with the reason
    `so_far`: it states no figures of its own (years and counts may be there),
    has no trigger and starts no new part. A reason that lists components
    with their amounts goes on with another one ("……减少 9.35 万元。项目支出
    减少 43.25 万元。"); one that goes on with a connective ("此外", "以及")
    may give a cause of its own ("。此外由于……")."""
    sentence = re.match(r"[^。！？\n]*[。！？]?", text[i : i + 300]).group(0)
    if not sentence.strip():
        return False
    if _UNFINISHED.search(so_far):
        # "……在年度终了后。将……": a clause of time cannot end the reason.
        return not (opens_statement(text, i) or is_heading(sentence))
    if _NOT_GOING_ON.match(sentence) or _ASIDE.search(sentence):
        return False
    if _BASE_EFFECT.search(sentence) and not find_triggers(sentence):
        return True  # "……积极的财政政策。当年支出增长 24.3%，基数偏高。": last year's figures are the reason
    joined = _CONNECTIVE.match(sentence)
    figures = AMOUNT.search(sentence) or PERCENT.search(sentence) or re.search(r"[XxＸ×]{2}", sentence)
    if figures and not (_component(sentence) and (joined or AMOUNT.search(so_far))) and not (joined and _aside(sentence)):
        return False
    return bool(joined or not find_triggers(sentence))


# A sentence that says what the money did or bought, how the unit was rated,
# where it ranks, what comes next, or notes the table: no more of the reason.
_ASIDE = re.compile(
    r"用于|满意度|获得感|自评得分|评价等级|排名|位列|位居|名列|说明[：:]|注[：:]|本表|下一步|今后|将进一步|将继续"
    r"|(?:确保|保障|提升|提高|促进|推动)了"
)
# A high or low base last year: figures given as a reason, not a change of their own.
_BASE_EFFECT = re.compile(r"基数(?:偏|较|过)?(?:高|大|低|小)[。！？]?$")
# A reason cut after a clause of time ("……填报预算时。", "……年度终了后。") is unfinished.
_UNFINISHED = re.compile(r"(?:时|之后|以后|(?<![之以然最落今随前])后|期间|之际|过程中|情况下|前提下)$")


def _aside(sentence: str) -> bool:
    """A sentence joined by a connective that gives figures of its own but
    compares nothing and gives no reason of its own ("而本年仅结转了 6.32 万元")."""
    return not (PRIOR_CUE.search(sentence) or BUDGET_ACTUAL.search(sentence) or COMPARE_WORD.search(sentence)
                or find_triggers(sentence))


# Words that join a sentence to the one before it.
_CONNECTIVE = re.compile(r"\s*(?:此外|另外|同时|以及|加之|再加上|而且|并且|而|另一方面)")


def _component(sentence: str) -> bool:
    """A part of the change, named with its own direction and amount
    ("项目支出减少 43.25 万元"), compared with nothing stated and with no trigger."""
    amount = AMOUNT.search(sentence)
    return bool(
        amount
        and DIRECTION_WORD.search(sentence, 0, amount.start())
        and not (PRIOR_CUE.search(sentence) or BUDGET_ACTUAL.search(sentence) or COMPARE_WORD.search(sentence))
        and not find_triggers(sentence)
        and not _shares(sentence, 0)
    )


def opens_statement(text: str, i: int) -> bool:
    """A new change and its own reason start at i: its first clause holds a
    figure or a comparison, and its sentence compares (比上年, a budget/actual
    pair) and then gives a trigger. What stands there is not the reason of the
    trigger before it."""
    if not _FIGURE_OR_CUE.search(text[i : first_of(text, "，。；\n", i, i + 120)]):
        return False
    sentence = re.match(r"[^。；;\n]*", text[i : i + 300]).group(0)
    cue = PRIOR_CUE.search(sentence) or BUDGET_ACTUAL.search(sentence)
    return bool(cue and find_triggers(sentence[cue.end() :]))


def _states_change(text: str, i: int) -> bool:
    """Does the clause starting at i state a new change: a comparison with
    figures, or a change with its own trigger ("……；公务用车运行费减少 1 万元，
    主要原因是……")? A component listed with its amount ("……；项目支出减少
    43.25 万元") goes on with the reason."""
    clause = re.match(r"[^；;。\n]*", text[i : i + 200]).group(0)
    if not re.search(r"\d", clause):
        return bool(degree_change(clause) and find_triggers(clause))  # "……；印刷费有所减少，主要是……"
    explicit = PRIOR_CUE.search(clause) or BUDGET_ACTUAL.search(clause) or COMPARE_WORD.search(clause)
    return bool(explicit or (find_cues(clause) and find_triggers(clause)))


def _shares(text: str, i: int) -> bool:
    """Does the clause at i list shares of a total ("……万元，占 99.2%")?"""
    return bool(re.match(r"[^。；\n]{0,60}?占(?:比)?[^。；\n]{0,12}?\d+(?:\.\d+)?%", text[i : i + 100]))


def split_causes(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The reason text[start:end] as one span per cause: 一、…；二、… / 1. 2. /
    一是…二是… / 其一…其二… / …；…"""
    reason = text[start:end]
    spans = []
    for a, b in _cause_parts(reason):
        a, b = _without_end_punctuation(reason, a, b)
        if a < b:
            spans.append((start + a, start + b))
    return spans


def _cause_parts(reason: str) -> list[tuple[int, int]]:
    """The parts of a reason: between its list markers when it has two or
    more, else between its sentence and clause ends (after a leading marker)."""
    marks = list(ENUM_ANY.finditer(reason))
    if len(marks) >= 2:
        ends = [m.start() for m in marks[1:]] + [len(reason)]
        return [(0, marks[0].start())] + [(m.end(), e) for m, e in zip(marks, ends, strict=True)]
    body = marks[0].end() if marks and marks[0].start() == 0 else 0
    cuts = [body] + [m.end() for m in re.finditer(r"[；;。]", reason) if m.end() > body] + [len(reason) + 1]
    return [(a, b - 1 if b <= len(reason) else len(reason)) for a, b in pairwise(cuts)]


def _without_end_punctuation(reason: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (reason[a] in _END_PUNCT or reason[a].isspace()):
        a += 1
    while b > a and (reason[b - 1] in _END_PUNCT or reason[b - 1].isspace()):
        b -= 1
    return a, b
