"""Explanations: every place where a report gives, or should give, a reason.

Recall first. Each trigger (nlp/triggers.py) opens a reason slot; the change
statement it explains is looked for around it (before for "……增加 5 万元，主要
原因是……", after for "受……影响，……下降 8.3%"). A strong trigger ("主要原因是")
makes an explanation even where no statement can be read: the statement then
holds what could be read (item, direction and amounts may be None) and the
explanation is flagged ``statement_unparsed``. A weak trigger ("主要是", "因",
"由于") counts only beside a change statement. A change statement with no
trigger after it may still have a reason with no trigger word: a clause after
its figures ("比上年预算增加 85 万元，积极赴境外开展经贸洽谈") or a paragraph of
frugality policy before them; those are flagged ``no_trigger``. A slot left
blank, and a change with no reason at all, become `Gap`s (missing reasons).

Works on repaired, normalised text (see repair.py, normalize.py): simplified
script, full-width Chinese punctuation, no spaces inside Chinese text, no
thousands separators, broken lines joined.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from nlp.model import ChangeStatement
from nlp.repair import is_heading
from nlp.statements import (
    AMOUNT, COMPARE_WORD, COMPLETION, DIRECTION_WORD, FIGURE, PRIOR_CUE, TARGET_CUE, basis_of_words, find_cues, item_of,
    parse_statement, subject_of, to_wan,
)
from nlp.reasons import (
    ENUM_START, MAX_REASON, closing_bracket, first_of, line_end, opens_statement, reason_end, skip_space, split_causes,
    trim_reason,
)
from nlp.triggers import FIND, Trigger, find_triggers

_EMPTY_REASON = re.compile(r"^[\s无/—\-－.。、，：:；]*$")
_WRAP_MAX = 160  # characters between 受 and 影响, 由于 and 故


@dataclass
class Found:
    """One explanation found in the text, before locations and sections.

    Offsets are into the normalised text; `causes` are spans of the reason.
    """

    statement: ChangeStatement
    reason_start: int
    reason_end: int
    causes: list[tuple[int, int]]
    trigger: str  # the trigger form's name, "" when no trigger word
    flags: list[str] = field(default_factory=list)

    @property
    def start(self) -> int:
        return min(self.statement.start, self.reason_start)

    @property
    def end(self) -> int:
        return max(self.statement.end, self.reason_end)


@dataclass
class Gap:
    """A change statement with no reason: none given, or a slot left blank."""

    statement: ChangeStatement
    flags: list[str] = field(default_factory=list)


def find_explanations(text: str, skip: list[tuple[int, int]] = ()) -> tuple[list[Found], list[Gap]]:
    """All explanations in `text`, and the changes that have no reason.

    `skip` lists spans (tables) that hold no narrative statements.
    """
    found: list[Found] = []
    blanks: list[Gap] = []
    consumed_to = 0
    marks = _Marks(text)
    tables = _Spans(skip)
    for t in find_triggers(text):
        if t.start < consumed_to or t.start in tables:
            continue
        slot = _slot(text, t, consumed_to, found, marks)
        if slot is None:
            continue
        if isinstance(slot, Gap):
            blanks.append(slot)
            consumed_to = max(consumed_to, t.end)
            continue
        found.append(slot)
        consumed_to = slot.end
    covered = _Spans([(f.start, f.end) for f in found] + [(b.statement.start, b.statement.end) for b in blanks] + list(skip))
    gaps = []
    for s in _unexplained(text, covered):
        reason = _reason_without_trigger(text, s, found)
        if reason:
            found.append(reason)
        else:
            gaps.append(Gap(s))
    found.sort(key=lambda f: f.start)
    return found, sorted(blanks + gaps, key=lambda g: g.statement.start)


# ------------------------------------------------------------------ one slot


def _slot(text: str, t: Trigger, floor: int, found: list[Found], marks: "_Marks") -> Found | Gap | None:
    """The explanation a trigger opens, a blank slot, or None when the trigger
    explains no change. Cheap refusals come first: a flood of triggers must
    be read in linear time."""
    if t.form.kind == "wrap":
        slot = _wrapped_slot(text, t, floor, found, marks)
        if slot is None:
            return None
        statement, (r_start, r_end), flags = slot
    else:
        flags: list[str] = []
        statement = _statement_before(text, t, floor, found, marks, reach="paragraph" if t.form.strong else "sentence")
        sentence_start = _sentence_start(text, t.start, floor)
        if statement is None and not t.form.strong:
            if _says_little(text[max(sentence_start, t.start - 40) : t.start]):
                # "报告称，主要是……。具体为：……减少 0.23 亿元": the figures follow.
                after = _statement_after(text, first_of(text, "。；\n", t.end, t.end + MAX_REASON) + 1, t)
                if after is not None and after.start >= _reason_span(text, t)[1]:
                    statement = after
                    flags.append("reason_before_figures")
            near = max(sentence_start, t.start - 30)
            level = t.form.name == "mainly" and not text.startswith("为", t.end - 1) and _AMOUNT_BEFORE.search(text, near, t.start)
            if statement is None and (DIRECTION_WORD.search(text, near, t.start) or level):
                # "一部分经费减少是因为……": the change is named, not figured;
                # "公车购置安排 517 万元，主要是……": the reason for a level.
                statement = _read_partial(text, t, near, t.start)
                flags.append("statement_unparsed")
            if statement is None:
                return None
        if statement is None:
            statement = _partial_statement(text, t, sentence_start, floor, marks)
            if statement is None:
                return None
            flags.append("statement_unparsed")
        r_start, r_end = _reason_span(text, t)
    _apply_hints(statement, t)
    if found and (not statement.item or statement.item in _NOT_ITEMS) and _same_subject(text, found[-1], t.start):
        # "与上年相比，……；与年初预算相比，……" goes on about the same item.
        statement.item = found[-1].statement.item
    r_start, r_end = trim_reason(text, r_start, r_end)
    if r_start >= r_end or _EMPTY_REASON.match(text[r_start:r_end]):
        return Gap(statement, ["blank_slot"])
    if t.form.kind == "back":
        flags.append("same_as_above")
    return Found(statement, r_start, r_end, split_causes(text, r_start, r_end), t.form.name, flags)


def _reason_span(text: str, t: Trigger) -> tuple[int, int]:
    if t.form.kind == "back":
        return t.start, t.end  # "原因同上" is all the reason there is
    if t.form.kind == "bracket":
        close = closing_bracket(text, t.start)
        return (t.end, close) if close is not None else (t.end, t.end)
    return _lead_reason(text, t)


def _wrapped_slot(text: str, t: Trigger, floor: int, found: list[Found], marks: "_Marks"):
    """(statement, reason span, flags) for "受……影响" / "由于……，故……": the
    change explained comes before the trigger in its sentence, or after it."""
    r_start, r_end, after = _wrapped(text, t)
    sentence_start = _sentence_start(text, t.start, floor)
    statement = None
    if text[sentence_start : t.start].strip("，：:、 "):
        statement = _statement_before(text, t, floor, found, marks, reach="own")
    if statement is not None:
        if after is None:  # "…持平，因车辆数量未变": the reason runs on
            r_end = reason_end(text, r_start)
        return statement, (r_start, r_end), []
    # "受…影响，县本级税收收入……下降 18.6%": the change follows.
    statement = _statement_after(text, r_end if after is None else after, t)
    if statement is not None:
        return statement, (r_start, r_end), ["reason_before_figures"]
    statement = _statement_before(text, t, floor, found, marks, reach="sentence")  # "……下降 6.1%。主要是受……影响"
    if statement is None:
        return None
    if after is None:
        r_end = reason_end(text, r_start)
    return statement, (r_start, r_end), []


def _in_heading(text: str, at: int) -> bool:
    return is_heading(text[text.rfind("\n", 0, at) + 1 : line_end(text, at)])


_AMOUNT_BEFORE = re.compile(AMOUNT.pattern + r"[，：]$")
_CHANGE_WORDS = re.compile("增减|变动|变化")


def _lead_reason(text: str, t: Trigger) -> tuple[int, int]:
    """The reason after a lead trigger: to the end of its sentence (or list),
    inside its bracket, or the body under a heading that asks for it."""
    line_start = text.rfind("\n", 0, t.start) + 1
    eol = line_end(text, t.start)
    if _in_heading(text, t.start):
        body = skip_space(text, eol)
        next_end = line_end(text, body)
        if body >= len(text) or is_heading(text[body:next_end]):
            return body, body  # the heading asks for a reason and gets none
        lead = FIND.match(text, body)  # "因由于工程尚未竣工验收" under the heading
        if lead:
            body = skip_space(text, lead.end())
        return body, reason_end(text, body)
    r_start = skip_space(text, t.end)
    if opens_statement(text, r_start):
        return r_start, r_start  # "主要原因是：" left blank; what follows is another change and its reason
    if text.startswith("（", r_start):  # "主要原因为：（主要是……；……）"
        close = closing_bracket(text, r_start, MAX_REASON)
        if close is not None:
            return r_start, close + 1
    opened = text.rfind("（", line_start, t.start)
    if opened > text.rfind("）", line_start, t.start):
        close = text.find("）", t.end, t.end + MAX_REASON)
        if close >= 0:  # "（主要是……）": the reason ends with its bracket
            return r_start, close
    return r_start, reason_end(text, r_start)


def _wrapped(text: str, t: Trigger) -> tuple[int, int, int | None]:
    """(reason start, reason end, where the text after the closing word starts):
    "受 X 影响" -> X; with no closing word within the sentence, the reason
    runs to the end of the clause and `after` is None."""
    stop = first_of(text, "。；\n", t.end, t.end + _WRAP_MAX)
    close = t.form.close_regex.search(text, t.end, stop)
    if close and close.start() > t.end:
        return t.end, close.start(), close.end()
    return t.end, first_of(text, "，。；\n", t.end), None


_NOT_ITEMS = {"增加", "减少", "增长", "下降", "持平"}


def _same_subject(text: str, previous: Found, at: int) -> bool:
    """No heading and no new item paragraph between the previous explanation and `at`."""
    between = text[previous.statement.start : at].split("\n")[1:]
    return not any(is_heading(line) or ENUM_START.match(line.strip()) for line in between)


class _Spans:
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


def _sentence_start(text: str, at: int, floor: int = 0) -> int:
    lo = max(floor, text.rfind("\n", 0, at) + 1, at - LOOK_BACK)
    return max([lo] + [text.rfind(p, lo, at) + 1 for p in "。！？"])


# --------------------------------------------------------- the statement


LOOK_BACK = 2000
"""How far before a trigger its statement is looked for, in characters. A
paragraph of real reports holds the statement within a few hundred; the
bound keeps a trigger repeated over a line of a megabyte linear."""


class _Marks:
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
        self.cues = _starts(r"[年同率]|预算|执行数|目标|完成", text)
        self.directions = [m.start() for m in words]
        self.targets = [m.start() for m in TARGET_CUE.finditer(text)]

    def may_state(self, start: int, end: int, hint: str) -> bool:
        if _any_in(self.targets, start, end) and _any_in(self.number_starts, start, end):
            return True  # "目标值为 3 公里，实际完成值为 0": counts in any unit
        if not _any_in(self.figures, start, end):
            # "较年初预算有所增长": a comparison and a direction, no figure.
            return _any_in(self.directions, start, end) and _any_in(self.cues, start, end)
        if _any_in(self.cues, start, end) or (COMPARE_WORD.search(hint) and "预算" in hint):
            return True
        return _any_in(self.directions, start, end)  # a change with its basis left implicit

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


def _any_in(positions: list[int], start: int, end: int) -> bool:
    i = bisect_left(positions, start)
    return i < len(positions) and positions[i] < end


def _statement_before(text: str, t: Trigger, floor: int, found: list[Found], marks: _Marks, reach: str) -> ChangeStatement | None:
    """The change statement a trigger explains: its own clause, else its own
    sentence, else (`reach` "paragraph") the sentences before it in the same
    paragraph, nearest first (when the trigger's sentence states no figures:
    "……决算为 10 万元。决算数小于预算数的主要原因：……"). With `reach`
    "sentence", only its own sentence, or the one before when the trigger
    opens its sentence ("……下降 8.4%。主要是……")."""
    reasons = [(f.reason_start, f.reason_end) for f in found[-3:]]
    para_start = max(text.rfind("\n", 0, t.start) + 1, t.start - LOOK_BACK)
    opens = reach == "sentence" and _says_little(text[max(para_start, t.start - 40) : t.start])
    if (reach == "paragraph" or opens) and marks.states_nothing(para_start, t.start):
        # "……完成年初预算的 95.89%。\n决算数小于预算数的主要原因：" - the
        # figures are in the paragraph before.
        prev_end = len(text[:para_start].rstrip())  # over blank lines
        prev_start = max(text.rfind("\n", 0, prev_end) + 1, prev_end - LOOK_BACK)
        if para_start and not is_heading(text[prev_start:prev_end]):
            para_start = prev_start
    lo = max(floor, para_start)
    end, hint = t.start, text[t.start : t.end]
    if not marks.may_state(para_start, end, hint):
        return None
    before = text[lo:end]
    clauses = [lo] + [lo + m.end() for m in re.finditer(r"[；。！？]", before)]
    sentences = [lo] + [lo + m.end() for m in re.finditer(r"[。！？]", before)]
    if reach == "own":
        sentences = sentences[-1:]
    elif reach == "sentence":
        # Its own sentence, and the one before when its own says little
        # before it ("……下降 8.4%。主要是……", "……。生态环境部称，主要是……").
        sentences = sentences[-2:] if _says_little(text[sentences[-1] : end]) else sentences[-1:]
    # A trigger that names a direction ("减少的主要原因") may explain the last
    # clause of the sentence before, whose basis is left implicit.
    implicit = bool(DIRECTION_WORD.search(hint))
    # Parts listed after 其中 leave the basis of their sentence implicit:
    # "…比上年减少 5 万元，其中：公务接待费减少 2 万元，主要原因是……".
    listed = "其中" in text[sentences[-1] : end]
    candidates = [(clauses[-1], end, listed), (sentences[-1], end, False)]
    parts = text.rfind("其中", clauses[-1], end)
    if parts > clauses[-1]:  # "……完成预算的 78%，其中：公务接待费决算 3.5 万元，……的主要原因是"
        candidates.insert(0, (skip_space(text, parts + 2), end, True))
    if implicit and len(clauses) > 1:
        candidates.append((clauses[-2], end, True))
    candidates += [(start, end, False) for start in reversed(sentences[-4:-1])]
    named = _clause_named(text, para_start, sentences[-1], end)
    if named:
        candidates.insert(2, (*named, True))
    # Then the nearest sentences again, reading a change that names no basis:
    # "……减少 37.84 亿元，下降 8.4%。主要是……", "增长率为 -9.4%，主要……".
    candidates += [(start, end, True) for start in reversed(sentences[-2:])]
    for start, stop, implicit_prior in candidates:
        s = parse_statement(text, start, stop, hint, implicit_prior)
        if s is not None:
            if not s.item:
                s.item = _item_from_context(text, para_start, start, end, reasons)
            if s.amount is None and s.basis == "prior_year" and s.item:
                s.amount = _amount_from_context(text, para_start, start, s.item)
            return s
    return None


def _says_little(before: str) -> bool:
    """Nothing, or only who says it, stands before a trigger in its sentence:
    "", "报告称，", "自然资源部介绍，减少部分"."""
    before = before.strip("，：:、 ")
    return len(before) <= 15 and not re.search(r"\d", before)


def _statement_after(text: str, start: int, t: Trigger) -> ChangeStatement | None:
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
        if word and not word.group("flat") or closed and FIGURE.search(text, start, end):
            s = _read_partial(text, t, start, end)
    return s


_SUBJECT_REACH = 120  # characters before a trigger that may name the change it explains


def _partial_statement(text: str, t: Trigger, sentence_start: int, floor: int, marks: "_Marks") -> ChangeStatement | None:
    """What can be read of the change a strong trigger explains when no
    statement could be parsed: the subject and direction words before it in
    its sentence (or the sentence before, when it opens its own). None when
    nothing there speaks of a change ("车辆 229 辆，与保有量差异原因是")."""
    start = max(sentence_start, t.start - _SUBJECT_REACH)
    end = t.start
    if not text[start:end].strip("，：:、 ") and sentence_start > floor:
        end = sentence_start
        start = max(_sentence_start(text, end - 1, floor), end - _SUBJECT_REACH)
    span = text[start:end]
    speaks_of_change = (
        t.direction or t.basis or _CHANGE_WORDS.search(text, t.start, t.end) or _in_heading(text, t.start)
        or _any_in(marks.figures, start, end) or _any_in(marks.directions, start, end) or COMPARE_WORD.search(span)
        or basis_of_words(span)
    )
    if not speaks_of_change:
        return None
    return _read_partial(text, t, start, end)


# Where the subject of a change ends: a clause mark, its direction word, a final 的.
_SUBJECT_END = re.compile(r"[，：:]|(?:明显|大幅|有所|略有|较大幅度|进一步)?(?:" + DIRECTION_WORD.pattern + r")|的$")
_DEGREE = ("较大幅度", "大幅度", "明显", "大幅", "小幅", "有所", "略有", "进一步", "均", "都")


def _read_partial(text: str, t: Trigger, start: int, end: int) -> ChangeStatement:
    span = text[start:end]
    word = COMPARE_WORD.search(span) or DIRECTION_WORD.search(span)
    direction = None
    if word:
        direction = "none" if word.group("flat") else "increase" if word.group("inc") else "decrease"
    elif not (t.direction or _CHANGE_WORDS.search(text, t.start, t.end) or basis_of_words(span)):
        direction = "none"  # "公车购置安排 517 万元，主要是……": no change is stated
    subject = _SUBJECT_END.split(span.strip())[0]
    while subject.endswith(_DEGREE):  # "“三公”经费明显" (减少的主要原因)
        subject = subject[: -len(next(w for w in _DEGREE if subject.endswith(w)))]
    item = item_of(subject, len(subject)) if subject else ""
    # "“三公”经费预算小幅下降的原因": the trigger's words finish the span's.
    words = span + text[t.start : t.end] if end == t.start else span
    basis = basis_of_words(words) or "prior_year"  # final accounts compare with last year
    return ChangeStatement(item=item, basis=basis, direction=direction, text=span.strip(), start=start, end=end)


def _apply_hints(s: ChangeStatement, t: Trigger) -> None:
    """The trigger's own words fill what the statement leaves open; a change
    that names no basis is on last year, as final accounts compare."""
    if s.direction is None and t.direction:
        s.direction = t.direction
    if t.basis == "target" or s.basis is None and t.basis:
        s.basis = t.basis
    if s.basis is None and s.direction is not None:
        s.basis = "prior_year"


def _amount_from_context(text: str, para_start: int, start: int, item: str) -> float | None:
    """This year's figure for the item from the sentence before, as in
    "……收入支出总计 2995.39 万元。与 2023 年度相比，收入支出总计减少……"."""
    previous = re.split(r"[。；]", text[para_start:start].rstrip("。；"))[-1]
    m = re.search(re.escape(item) + r"[^，。；\d]{0,6}?" + AMOUNT.pattern, previous)
    return to_wan(m.group(1), m.group(2)) if m else None


def _clause_named(text: str, lo: int, sentence_start: int, end: int) -> tuple[int, int] | None:
    """The earlier clause a trigger's sentence names: for "公务接待费支出减少的
    主要原因是", the clause "公务接待费支出决算减少 0.15 万元，下降 27.78%"."""
    own = text[sentence_start:end]
    subject = re.split(r"减少|增加|增长|下降|持平|大于|小于|高于|低于|的$", own)[0].strip("，：")
    if len(subject) < 3 or re.search(r"\d", subject):
        return None
    at = text.rfind(subject, lo, sentence_start)
    if at < 0:
        return None
    stop = min([e for e in (text.find(p, at) for p in "；。") if e >= 0] or [sentence_start])
    return at, min(stop, sentence_start)


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


def _item_from_context(text: str, para_start: int, start: int, end: int, reasons: list[tuple[int, int]] = ()) -> str:
    """When the statement has no subject of its own ("与上年相比，减少…"), take
    it after the cue, else from the sentences before it in the paragraph."""
    span = text[start:end]
    cue = PRIOR_CUE.search(span)
    if cue:
        word = DIRECTION_WORD.search(span, cue.end())
        if word:
            subject = span[cue.end() : word.start()].strip("，,：: ").rstrip("各均都")
            if subject and not re.search(r"\d", subject):
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


# ----------------------------------------------- reasons with no trigger

# Words of a frugality policy or an action taken, as reports put them
# before their figures or after them with no trigger word.
_POLICY = (
    r"落实|执行|贯彻|遵守|严守|压缩|压减|压降|压控|严控|控制|厉行|节约|节俭|勤俭|过紧日子|八项规定|从严|从紧"
    r"|规范|加强|强化"
)
_POLICY_WORDS = re.compile(_POLICY)
_ACTION = re.compile(_POLICY + r"|开展|推进|推行|实施|调整|改革|新增|取消|撤销|未列|未安排|未发生|未开展|暂停|精简")
_NOT_A_REASON = re.compile(r"^(?:其中|占|主要用于|用于|详见|见|下同|包括|含|即|其余|合计|共计|累计|分别|同比|比上年|较上年|与上年)")


def _reason_without_trigger(text: str, s: ChangeStatement, found: list[Found]) -> Found | None:
    """A reason given with no trigger word for a change that has none: the
    clauses after its figures in the same sentence, or policy clauses before
    it — in its own sentence ("严格落实过紧日子要求，公务接待费较上年减少 0.35
    万元"), its paragraph, or the paragraph before when it opens its own."""
    own = _policy_opening(text, s)
    if own:
        a, b, statement = own
        return Found(statement, a, b, split_causes(text, a, b), "", ["no_trigger", "reason_before_figures"])
    end = first_of(text, "。；\n", s.end)
    tail = _trailing_clauses(text, s, end)
    if tail:
        a, b = trim_reason(text, *tail)
        if a < b:
            return Found(s, a, b, split_causes(text, a, b), "", ["no_trigger"])
    lead = _policy_before(text, s, found)
    if lead:
        a, b = trim_reason(text, *lead)
        if a < b:
            return Found(s, a, b, split_causes(text, a, b), "", ["no_trigger", "reason_before_figures"])
    return None


def _policy_opening(text: str, s: ChangeStatement) -> tuple[int, int, ChangeStatement] | None:
    """Policy clauses that open the statement's own span, and the statement
    read again without them."""
    at = s.start
    for clause in text[s.start : s.end].split("，")[:-1]:
        if re.search(r"\d", clause) or find_cues(clause) or not _POLICY_WORDS.search(clause) or find_triggers(clause):
            break
        at += len(clause) + 1
    if at == s.start:
        return None
    statement = parse_statement(text, at, s.end) or parse_statement(text, at, s.end, implicit_prior=True)
    a, b = trim_reason(text, s.start, at)
    if statement is None or a >= b or len(re.findall(r"[\u4e00-\u9fff]", text[a:b])) < 4:
        return None
    return a, b, statement


def _trailing_clauses(text: str, s: ChangeStatement, end: int) -> tuple[int, int] | None:
    """"……比 2024 年预算增加 85 万元，积极赴境外开展经贸洽谈": the clauses after
    those that state the change, to the end of its sentence, when they name
    an action and state no figures."""
    at = s.start
    for m in re.finditer(r"[^，]*(?:，|$)", text[s.start : end]):
        clause = m.group(0)
        if not clause:
            break
        if re.search(r"\d", clause) or DIRECTION_WORD.search(clause) or find_cues(clause) or _NOT_A_REASON.match(clause):
            at = s.start + m.end()  # still the statement (or its figures)
        else:
            break
    rest = text[at:end]
    if (
        at == s.start
        or len(re.findall(r"[\u4e00-\u9fff]", rest)) < 4
        or re.search(r"\d", rest)
        or find_triggers(rest)
        or not _ACTION.search(rest)
    ):
        return None
    return at, end


def _policy_before(text: str, s: ChangeStatement, found: list[Found]) -> tuple[int, int] | None:
    """Policy clauses before a change: "我单位认真执行《……》，杜绝……开支，我院
    2016 年三公经费开支……" in its paragraph, or a paragraph of them before
    the paragraph of the figures."""
    floor = max([f.end for f in found if f.end <= s.start] + [0])
    para = text.rfind("\n", 0, s.start) + 1
    windows = [(max(floor, para, s.start - 400), s.start)]
    prev_end = len(text[:para].rstrip())  # over blank lines
    if para > floor and prev_end > floor:
        prev = text.rfind("\n", 0, prev_end) + 1
        windows.append((max(floor, prev, prev_end - 400), prev_end))
    for lo, hi in windows:
        span = _policy_clauses(text, lo, hi)
        if span:
            return span
    return None


def _policy_clauses(text: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The clauses of text[lo:hi] up to the first with an amount, when they
    state a frugality policy and nothing else (no trigger, no purpose, no heading)."""
    window = text[lo:hi]
    figure = FIGURE.search(window)
    stop = lo + (max(window.rfind(p, 0, figure.start()) for p in "，。；\n") + 1 if figure else len(window))
    span = text[lo:stop]
    if (
        len(re.findall(r"[\u4e00-\u9fff]", span)) < 8
        or not _POLICY_WORDS.search(span)
        or find_triggers(span)
        or "用于" in span  # "主要用于：……" says what the money is for
        or ENUM_START.match(span.strip())  # an item's own heading line
        or is_heading(span.strip())
    ):
        return None
    start = lo + len(span) - len(span.lstrip("，。；\n "))
    return start, stop


# ----------------------------------------------- changes with no reason


def _comments_on(text: str, previous: ChangeStatement | None, s: ChangeStatement) -> bool:
    """A statement with no figures of a generic subject right after a change
    ("……决算为 10.00 万元。决算数与预算数基本持平。") says more of that
    change; it is not another."""
    return (
        previous is not None
        and not FIGURE.search(COMPLETION.sub("", s.text))  # "完成年初预算的 100%" adds no figure of its own
        and s.start - previous.end < 40
        and not find_cues(COMPLETION.sub("", text[previous.end : s.start]))  # "完成年初预算的 100%。" may stand between
        and (re.fullmatch(r"(?:支出|收入)?(?:决算数?|预算数?)?", s.item or "") or not COMPLETION.sub("", s.text).strip("。；，、 "))
    )


def _unexplained(text: str, covered: _Spans) -> list[ChangeStatement]:
    """Change statements outside every explanation and table: one per clause,
    and one per part after 其中 ("其中：公务接待费支出决算持平；……")."""
    out: list[ChangeStatement] = []
    seen_until = -1
    for cue in find_cues(text):
        if cue.start() < seen_until or cue.start() in covered:
            continue
        line_start = text.rfind("\n", 0, cue.start()) + 1
        eol = line_end(text, cue.end())
        if "\t" in text[line_start:eol]:
            continue
        start = max([line_start] + [text.rfind(p, line_start, cue.start()) + 1 for p in "。；"])
        parts = text.rfind("其中", start, cue.start())
        start = skip_space(text, parts + 2) if parts >= 0 else start
        ends = [text.find(p, cue.end()) for p in ("。", "；", "\n", "其中")]
        end = min([e for e in ends if e >= 0] or [len(text)])
        spans = [(start, end, False)]
        parts_at = end + 1 if text.startswith("。其中", end) else end
        if text.startswith("其中", parts_at):
            end = parts_at
            sentence_end = min([e for e in (text.find("。", end), eol) if e >= 0])
            clause_starts = [skip_space(text, end + 2)] + [end + m.end() for m in re.finditer("；", text[end:sentence_end])]
            clause_ends = clause_starts[1:] + [sentence_end]
            spans += [(a, b, True) for a, b in zip(clause_starts, clause_ends)]
            end = sentence_end
        seen_until = end
        for a, b, implicit in spans:
            if a in covered:
                continue
            s = parse_statement(text, a, b, implicit_prior=implicit) or parse_statement(text, a, b, implicit_prior=True)
            if s is None or _comments_on(text, out[-1] if out else None, s):
                continue
            if not s.item:
                s.item = _item_from_context(text, line_start, a, b)
            out.append(s)
    return out
