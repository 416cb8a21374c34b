"""The change a reason explains: the statement found around a trigger.

A trigger's statement is looked for before it — its clause, its sentence, the
sentences before in its paragraph (`statement_before`) — or after it, when a
fronted reason comes first ("受……影响，县本级税收收入……下降 18.6%",
`statement_after`); two levels side by side with no change word ("2024 年决算数
为 580.5 万元，2023 年决算数为 500 万元") are read as one (nlp.levels). Where
no statement can be parsed, a strong trigger still explains something:
`partial_statement` reads what it can (subject, direction words) and leaves
the rest None. A statement with no subject of its own
("与上年相比，减少……") takes its item from the sentences before it.

Kept apart from nlp.explanations, which decides what a trigger opens, so that
each module reads in one sitting; both work on repaired, normalised text.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from nlp.levels import read_statement
from nlp.model import ChangeStatement
from nlp.reasons import ENUM_START, first_of, in_heading, skip_space
from nlp.repair import is_heading
from nlp.statements import (
    AMOUNT,
    COMPARE_WORD,
    DIRECTION_WORD,
    FIGURE,
    PRIOR_CUE,
    TARGET_CUE,
    basis_of_words,
    direction_of,
    item_of,
    parse_statement,
    subject_of,
    to_wan,
)
from nlp.triggers import Trigger, find_triggers
from nlp.vocabulary import Basis, Direction

LOOK_BACK = 2000
"""How far before a trigger its statement is looked for, in characters. A
paragraph of real reports holds the statement within a few hundred; the
bound keeps a trigger repeated over a line of a megabyte linear."""

_CHANGE_WORDS = re.compile("增减|变动|变化")


class Spans:
    """Spans of the text (merged where they overlap), asked whether a
    position falls inside one in logarithmic time."""

    def __init__(self, spans):
        merged: list[list[int]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]

    def __contains__(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]

    def overlaps(self, a: int, b: int) -> bool:
        """Does text[a:b] share a position with one of the spans?"""
        i = bisect_right(self.starts, a) - 1
        return (i >= 0 and a < self.ends[i]) or (i + 1 < len(self.starts) and self.starts[i + 1] < b)


def sentence_start(text: str, at: int, floor: int = 0) -> int:
    lo = max(floor, text.rfind("\n", 0, at) + 1, at - LOOK_BACK)
    return max([lo] + [text.rfind(p, lo, at) + 1 for p in "。！？"])


class Marks:
    """Where the text has figures and the words a change statement is made
    of, found in one pass, so that a trigger with none of them before it is
    passed over at once: a line of a megabyte of triggers is then read in
    linear time. The marks are a superset of what `parse_statement` needs:
    a figure (or a flat word), and a cue, a budget or a direction word."""

    def __init__(self, text: str):
        numbers = list(_NUMBER_RUN.finditer(text))  # runs, not digits: a megabyte of digits is one
        self.number_starts = [m.start() for m in numbers]
        self.number_ends = [m.end() for m in numbers]
        # A figure (AMOUNT, PERCENT) is marked at its unit: a span that
        # starts inside a figure still ends at its unit.
        figures = [m.end() - 1 for m in _FIGURE_END.finditer(text)]
        words = list(DIRECTION_WORD.finditer(text))
        self.figures = sorted(figures + [m.start() for m in words if m.group("flat")])  # 持平 needs no figure
        self.cues = _starts(r"[年同率]|预算|执行数|目标|完成|有所|略有|明显|大幅|小幅", text)  # 有所增加: by degree
        self.directions = [m.start() for m in words]
        self.targets = [m.start() for m in TARGET_CUE.finditer(text)]

    def may_state(self, start: int, end: int, hint: str) -> bool:
        if any_in(self.targets, start, end) and any_in(self.number_starts, start, end):
            return True  # "目标值为 3 公里，实际完成值为 0": counts in any unit
        if not any_in(self.figures, start, end):
            # "较年初预算有所增长": a comparison and a direction, no figure.
            return any_in(self.directions, start, end) and any_in(self.cues, start, end)
        if any_in(self.cues, start, end) or (COMPARE_WORD.search(hint) and "预算" in hint):
            return True
        return any_in(self.directions, start, end)  # a change with its basis left implicit

    def states_nothing(self, start: int, end: int) -> bool:
        i = bisect_right(self.number_ends, start)  # the first run that ends after `start`
        return not (i < len(self.number_starts) and self.number_starts[i] < end)


_NUMBER_RUN = re.compile(r"\d+|[XxＸ×]{2,}")
# Every figure ends in a run of digits (or X), spaces and a unit.
# Possessive, and anchored at the start of a run, so that a megabyte of
# digits is read once rather than once per digit.
_FIGURE_END = re.compile(r"(?:(?<!\d)\d++|(?<![XxＸ×])[XxＸ×]{2,}+)\s*+(?:亿元|千元|万元|元|万|亿|%)")


def _starts(pattern: str, text: str) -> list[int]:
    return [m.start() for m in re.finditer(pattern, text)]


def any_in(positions: list[int], start: int, end: int) -> bool:
    i = bisect_left(positions, start)
    return i < len(positions) and positions[i] < end


# ------------------------------------------------------- before the trigger

Candidate = tuple[int, int, bool]  # a span to read, and whether its basis may be left implicit


def statement_before(
    text: str, t: Trigger, floor: int, reasons: list[tuple[int, int]], marks: Marks, reach: str
) -> ChangeStatement | None:
    """The change statement a trigger explains: its own clause, else its own
    sentence, else (`reach` "paragraph") the sentences before it in the same
    paragraph, nearest first (when the trigger's sentence states no figures:
    "……决算为 10 万元。决算数小于预算数的主要原因：……"). With `reach`
    "sentence", only its own sentence, or the one before when the trigger
    opens its sentence ("……下降 8.4%。主要是……"); with "own", its own sentence.
    `reasons` are the spans of the latest reasons found, which name no item."""
    para_start = _paragraph_start(text, t, marks, reach)
    end, hint = t.start, text[t.start : t.end]
    if not marks.may_state(para_start, end, hint):
        return None
    for start, stop, implicit_prior in _candidates(text, max(floor, para_start), para_start, end, hint, reach):
        s = read_statement(text, start, stop, hint, implicit_prior)
        if s is not None:
            if not s.item:
                s.item = item_from_context(text, para_start, start, end, reasons)
            if s.amount is None and s.basis == Basis.PRIOR_YEAR and s.item:
                s.amount = _amount_from_context(text, para_start, start, s.item)
            return s
    return None


def _paragraph_start(text: str, t: Trigger, marks: Marks, reach: str) -> int:
    """Where the trigger's paragraph starts, or the paragraph before when its
    own states no figures before it: "……完成年初预算的 95.89%。\\n决算数小于
    预算数的主要原因：" (not over a heading)."""
    para_start = max(text.rfind("\n", 0, t.start) + 1, t.start - LOOK_BACK)
    opens = reach == "sentence" and says_little(text[max(para_start, t.start - 40) : t.start])
    if (reach == "paragraph" or opens) and marks.states_nothing(para_start, t.start):
        prev_end = len(text[:para_start].rstrip())  # over blank lines
        prev_start = max(text.rfind("\n", 0, prev_end) + 1, prev_end - LOOK_BACK)
        if para_start and not is_heading(text[prev_start:prev_end]):
            return prev_start
    return para_start


def _candidates(text: str, lo: int, para_start: int, end: int, hint: str, reach: str) -> list[Candidate]:
    """The spans that may hold the statement, in the order they are tried."""
    clauses = [lo] + [lo + m.end() for m in re.finditer(r"[；。！？]", text[lo:end])]
    sentences = _sentences_in_reach(text, lo, end, reach)
    # Parts listed after 其中 leave the basis of their sentence implicit:
    # "…比上年减少 5 万元，其中：公务接待费减少 2 万元，主要原因是……".
    listed = "其中" in text[sentences[-1] : end]
    candidates = [(clauses[-1], end, listed), (sentences[-1], end, False)]
    parts = text.rfind("其中", clauses[-1], end)
    if parts > clauses[-1]:  # "……完成预算的 78%，其中：公务接待费决算 3.5 万元，……的主要原因是"
        candidates.insert(0, (skip_space(text, parts + 2), end, True))
    # A trigger that names a direction ("减少的主要原因") may explain the last
    # clause of the sentence before, whose basis is left implicit.
    if DIRECTION_WORD.search(hint) and len(clauses) > 1:
        candidates.append((clauses[-2], end, True))
    candidates += [(start, end, False) for start in reversed(sentences[-4:-1])]
    named = _clause_named(text, para_start, sentences[-1], end)
    if named:
        candidates.insert(2, (*named, True))
    # Then the nearest sentences again, reading a change that names no basis:
    # "……减少 37.84 亿元，下降 8.4%。主要是……", "增长率为 -9.4%，主要……".
    candidates += [(start, end, True) for start in reversed(sentences[-2:])]
    return candidates


def _sentences_in_reach(text: str, lo: int, end: int, reach: str) -> list[int]:
    """The starts of the sentences before `end` that the statement may be in."""
    sentences = [lo] + [lo + m.end() for m in re.finditer(r"[。！？]", text[lo:end])]
    if reach == "own":
        return sentences[-1:]
    if reach == "sentence":
        # Its own sentence, and the one before when its own says little
        # before it ("……下降 8.4%。主要是……", "……。生态环境部称，主要是……").
        return sentences[-2:] if says_little(text[sentences[-1] : end]) else sentences[-1:]
    return sentences


def says_little(before: str) -> bool:
    """Nothing, or only who says it, stands before a trigger in its sentence:
    "", "报告称，", "自然资源部介绍，减少部分"."""
    before = before.strip("，：:、 ")
    return len(before) <= 15 and not re.search(r"\d", before)


# -------------------------------------------------------- after the trigger


def statement_after(text: str, start: int, t: Trigger) -> ChangeStatement | None:
    """The change a fronted reason explains, in the rest of its sentence:
    "受……影响，县本级税收收入完成 8.73 亿元，下降 18.6%"."""
    start = skip_space(text, start)
    while start < len(text) and text[start] in "，,、":
        start += 1
    end = first_of(text, "。；\n", start, start + 300)
    if end <= start:
        return None
    s = parse_statement(text, start, end, implicit_prior=True)
    if s is None and t.form.kind == "wrap":
        # No comparison, but a direction ("受……影响，今年工程类采购增幅明显回落")
        # or a result after a closing word ("由于……，所以本年项目结转资金为 18 万元").
        word = COMPARE_WORD.search(text, start, end) or DIRECTION_WORD.search(text, start, end)
        closed = t.form.close_regex.search(text, max(start - 4, 0), start)
        if (word and not word.group("flat")) or (closed and FIGURE.search(text, start, end)):
            s = read_partial(text, t, start, end)
        elif closed and _SHORTFALL.search(text, start, end):
            # "由于……，故道路硬化任务未能按期完成": a target missed, in words.
            s = read_partial(text, t, start, end)
            s.direction, s.basis = Direction.DECREASE, Basis.TARGET
    return s


_SHORTFALL = re.compile(r"未(?:能)?(?:按期|如期|按时)?(?:完成|达到|达标|实现|验收|竣工)|滞后|延期")


# ------------------------------------------------ what can be read of it

_SUBJECT_REACH = 120  # characters before a trigger that may name the change it explains


def partial_statement(text: str, t: Trigger, sentence_at: int, floor: int, marks: Marks) -> ChangeStatement | None:
    """What can be read of the change a strong trigger explains when no
    statement could be parsed: the subject and direction words before it in
    its sentence (or the sentence before, when it opens its own). None when
    nothing there speaks of a change ("车辆 229 辆，与保有量差异原因是")."""
    start = max(sentence_at, t.start - _SUBJECT_REACH)
    end = t.start
    if not text[start:end].strip("，：:、 其这") and sentence_at > floor:  # "……有所增加。其原因是"
        end = sentence_at
        start = max(sentence_start(text, end - 1, floor), end - _SUBJECT_REACH)
    span = text[start:end]
    speaks_of_change = (
        t.direction or t.basis or _CHANGE_WORDS.search(text, t.start, t.end) or in_heading(text, t.start)
        or any_in(marks.figures, start, end) or any_in(marks.directions, start, end) or COMPARE_WORD.search(span)
        or basis_of_words(span)
    )
    if not speaks_of_change:
        return None
    return read_partial(text, t, start, end)


# Where the subject of a change ends: a clause mark, its direction word, a final 的.
_SUBJECT_END = re.compile(r"[，：:]|(?:明显|大幅|有所|略有|较大幅度|进一步)?(?:" + DIRECTION_WORD.pattern + r")|的$")
_DEGREE = ("较大幅度", "大幅度", "明显", "大幅", "小幅", "有所", "略有", "进一步", "均", "都")


def read_partial(text: str, t: Trigger, start: int, end: int) -> ChangeStatement:
    """text[start:end] read as a change with no figures: its subject, the
    direction its words name and the basis they name (else last year's)."""
    span = text[start:end]
    word = COMPARE_WORD.search(span) or DIRECTION_WORD.search(span)
    direction = None
    if word:
        direction = direction_of(word)
    elif not (t.direction or _CHANGE_WORDS.search(text, t.start, t.end) or basis_of_words(span)):
        direction = Direction.NONE  # "公车购置安排 517 万元，主要是……": no change is stated
    subject = _SUBJECT_END.split(span.strip())[0]
    while subject.endswith(_DEGREE):  # "“三公”经费明显" (减少的主要原因)
        subject = subject[: -len(next(w for w in _DEGREE if subject.endswith(w)))]
    item = item_of(subject, len(subject)) if subject else ""
    # "“三公”经费预算小幅下降的原因": the trigger's words finish the span's.
    words = span + text[t.start : t.end] if end == t.start else span
    # Final accounts compare with last year; a level compares with nothing.
    basis = basis_of_words(words) or (Basis.OTHER if direction == Direction.NONE and not word else Basis.PRIOR_YEAR)
    return ChangeStatement(item=item, basis=basis, direction=direction, text=span.strip(), start=start, end=end)


# ------------------------------------------------- item and amount from context


def _amount_from_context(text: str, para_start: int, start: int, item: str) -> float | None:
    """This year's figure for the item from the sentence before, as in
    "……收入支出总计 2995.39 万元。与 2023 年度相比，收入支出总计减少……"."""
    previous = re.split(r"[。；]", text[para_start:start].rstrip("。；"))[-1]
    m = re.search(re.escape(item) + r"[^，。；\d]{0,6}?" + AMOUNT.pattern, previous)
    return to_wan(m.group(1), m.group(2)) if m else None


def _clause_named(text: str, lo: int, sentence_at: int, end: int) -> tuple[int, int] | None:
    """The earlier clause a trigger's sentence names: for "公务接待费支出减少的
    主要原因是", the clause "公务接待费支出决算减少 0.15 万元，下降 27.78%"."""
    own = text[sentence_at:end]
    subject = re.split(r"减少|增加|增长|下降|持平|大于|小于|高于|低于|的$", own)[0].strip("，：")
    if len(subject) < 3 or re.search(r"\d", subject):
        return None
    at = text.rfind(subject, lo, sentence_at)
    if at < 0:
        return None
    stop = min([e for e in (text.find(p, at) for p in "；。") if e >= 0] or [sentence_at])
    return at, min(stop, sentence_at)


def _without_reasons(text: str, start: int, end: int, reasons) -> str:
    """text[start:end] with each character inside a reason span turned into
    "。", so earlier reasons read as empty sentences (built by slicing)."""
    out, at = [], start
    for a, b in sorted(reasons):
        a, b = max(a, at), min(b, end)
        if a >= b:
            continue
        out += [text[at:a], "。" * (b - a)]
        at = b
    out.append(text[at:end])
    return "".join(out)


def item_from_context(text: str, para_start: int, start: int, end: int, reasons: list[tuple[int, int]] = ()) -> str:
    """When the statement has no subject of its own ("与上年相比，减少…"), take
    it after the cue, else from the sentences before it in the paragraph."""
    subject = _subject_after_cue(text[start:end])
    if subject:
        return subject
    # The paragraph so far, and the line before it when that names an item
    # ("1、一般公共服务支出（类）…（项）。" on a line of its own).
    prev_line_start = text.rfind("\n", 0, max(para_start - 1, 0)) + 1
    prev_line = text[prev_line_start : max(para_start - 1, 0)]
    prev = _without_reasons(text, para_start, start, reasons)
    if para_start and ENUM_START.match(prev_line.strip()) and not find_triggers(prev_line):
        prev = prev_line + "。" + prev
    for sentence in reversed([x for x in re.split(r"[。；]", prev) if x.strip()]):
        if sentence.lstrip().startswith("主要用于"):
            continue
        item = subject_of(sentence) or item_of(sentence, len(sentence))
        if item:
            return item
    return ""


def _subject_after_cue(span: str) -> str:
    """"与上年相比，公用经费减少……" -> "公用经费"; "" when none stands there."""
    cue = PRIOR_CUE.search(span)
    word = DIRECTION_WORD.search(span, cue.end()) if cue else None
    if not word:
        return ""
    subject = span[cue.end() : word.start()].strip("，,：: ").rstrip("各均都")
    return subject if subject and not re.search(r"\d", subject) else ""
