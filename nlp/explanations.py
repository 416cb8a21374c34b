"""Explanations: the reason after a trigger, split into causes, tied to the
change statement before it; and change statements that have no reason.

Works on repaired text (see repair.py): full-width Chinese punctuation, no
spaces inside Chinese text, no thousands separators, broken lines joined.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from nlp.model import ChangeStatement
from nlp.repair import is_heading
from nlp.statements import AMOUNT, COMPARE_WORD, DIRECTION_WORD, PRIOR_CUE, find_cues, item_of, parse_statement, subject_of, to_wan

_TAIL = r"(?:主要)?(?:是|为|有|在于|如下|分析)?[：:]?"
TRIGGER = re.compile(
    r"(?:决算数?|支出)?(?:大于|小于|高于|低于|超过|少于|多于|超出|等于)(?:年初|全年|调整)?预算数?的?(?:主要)?原因" + _TAIL
    + r"|(?:增加|减少|增长|下降|变动|变化|差异|偏差|增减变化|增减变动|增减)的?(?:主要)?原因" + _TAIL
    + r"|主要原因" + _TAIL
    + r"|原因(?:是|为|在于)[：:]?|(?<![的因及])原因[：:]"
    + r"|主要(?:是由于|是因为|系|是|由于|因为)[：:]?"
)
ENUM_START = re.compile(r"^(?:[一二三四五六七八九十]+[、.．是]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|[①-⑩]|首先|第一[，、是])")
ENUM_ANY = re.compile(
    r"(?:^|(?<=[。；;，,：:\s]))(?:[一二三四五六七八九十]+[、.．是]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|[①-⑩]|首先|其次|再次|最后|第[一二三四五六七八九十]+[，、是])"
)
_MAX_REASON = 600
# A template's note to the writer left after a reason: "（如持平作持平表述）".
_INSTRUCTION = re.compile(r"[（(](?:如(?:有|无|持平|适用|涉及|不涉及)[^）)]{0,20}|如[^）)]{0,12}表述|注[：:][^）)]{0,30})[）)][。；]?$")
_LINE_BREAK = re.compile(r"\s*\n\s*")
_EMPTY_REASON = re.compile(r"^[\s无/—\-－.。、，]*$")


@dataclass
class Found:
    """One explanation found in the text, before locations and sections."""

    statement: ChangeStatement
    reason: str
    reason_start: int
    reason_end: int
    causes: list[str]


def find_explanations(text: str, skip: list[tuple[int, int]] = ()) -> tuple[list[Found], list[ChangeStatement]]:
    """All explanations in `text`, and the change statements with no reason.

    `skip` lists spans (tables) that hold no narrative statements.
    """
    found: list[Found] = []
    consumed_to = 0
    marks = _Marks(text)
    for m in TRIGGER.finditer(text):
        if m.start() < consumed_to or _inside(m.start(), skip):
            continue
        statement = _statement_before(text, m, consumed_to, [(f.reason_start, f.reason_end) for f in found[-3:]], marks)
        if statement is None:
            continue
        if found and (not statement.item or statement.item in _NOT_ITEMS) and _same_subject(text, found[-1], m.start()):
            # "与上年相比，……；与年初预算相比，……" goes on about the same item.
            statement.item = found[-1].statement.item
        r_start = _skip_space(text, m.end())
        r_end = reason_end(text, r_start)
        reason = _INSTRUCTION.sub("", _LINE_BREAK.sub("", text[r_start:r_end].strip())).rstrip("。；;，,、. ")
        if _EMPTY_REASON.match(reason):
            continue
        found.append(Found(statement, reason, r_start, r_end, split_causes(reason)))
        consumed_to = r_end
    covered = [(f.statement.start, f.reason_end) for f in found] + list(skip)
    return found, _unexplained(text, covered)


_NOT_ITEMS = {"增加", "减少", "增长", "下降", "持平"}


def _same_subject(text: str, previous: Found, at: int) -> bool:
    """No heading and no new item paragraph between the previous explanation and `at`."""
    between = text[previous.statement.start : at].split("\n")[1:]
    return not any(is_heading(line) or ENUM_START.match(line.strip()) for line in between)


def _inside(pos: int, spans) -> bool:
    return any(a <= pos < b for a, b in spans)


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\n：:":
        i += 1
    return i


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
        self.cues = _starts(r"[年同]|预算", text)
        self.directions = [m.start() for m in words]

    def may_state(self, start: int, end: int, hint: str) -> bool:
        if not _any_in(self.figures, start, end):
            return False
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
_FIGURE_END = re.compile(r"(?:(?<!\d)\d++|(?<![XxＸ×])[XxＸ×]{2,}+)\s*+(?:亿元|万元|元|%)")


def _starts(pattern: str, text: str) -> list[int]:
    return [m.start() for m in re.finditer(pattern, text)]


def _any_in(positions: list[int], start: int, end: int) -> bool:
    i = bisect_left(positions, start)
    return i < len(positions) and positions[i] < end


def _statement_before(text: str, trigger: re.Match, floor: int, reasons: list[tuple[int, int]], marks: _Marks) -> ChangeStatement | None:
    """The change statement a trigger explains: its own clause, else its own
    sentence, else the sentences before it in the same paragraph, nearest
    first (when the trigger's sentence states no figures:
    "……决算为 10 万元。决算数小于预算数的主要原因：……")."""
    para_start = max(text.rfind("\n", 0, trigger.start()) + 1, trigger.start() - LOOK_BACK)
    if marks.states_nothing(para_start, trigger.start()):
        # "……完成年初预算的 95.89%。\n决算数小于预算数的主要原因：" - the
        # figures are in the paragraph before.
        prev_start = max(text.rfind("\n", 0, max(para_start - 1, 0)) + 1, para_start - LOOK_BACK)
        if para_start and not is_heading(text[prev_start : para_start - 1]):
            para_start = prev_start
    lo = max(floor, para_start)
    end, hint = trigger.start(), trigger.group(0)
    if not marks.may_state(para_start, end, hint):
        return None
    before = text[lo:end]
    clauses = [lo] + [lo + m.end() for m in re.finditer(r"[；。！？]", before)]
    sentences = [lo] + [lo + m.end() for m in re.finditer(r"[。！？]", before)]
    # A trigger that names a direction ("减少的主要原因") may explain the last
    # clause of the sentence before, whose basis is left implicit.
    implicit = bool(DIRECTION_WORD.search(hint))
    # Parts listed after 其中 leave the basis of their sentence implicit:
    # "…比上年减少 5 万元，其中：公务接待费减少 2 万元，主要原因是……".
    listed = "其中" in text[sentences[-1] : end]
    candidates = [(clauses[-1], end, listed), (sentences[-1], end, False)]
    if implicit and len(clauses) > 1:
        candidates.append((clauses[-2], end, True))
    candidates += [(start, end, False) for start in reversed(sentences[-4:-1])]
    named = _clause_named(text, para_start, sentences[-1], end)
    if named:
        candidates.insert(2, (*named, True))
    for start, stop, implicit_prior in candidates:
        s = parse_statement(text, start, stop, hint, implicit_prior)
        if s is not None:
            if not s.item:
                s.item = _item_from_context(text, para_start, start, end, reasons)
            if s.amount is None and s.basis == "prior_year" and s.item:
                s.amount = _amount_from_context(text, para_start, start, s.item)
            return s
    return None


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
            subject = span[cue.end() : word.start()].strip("，,：: ")
            if subject and not re.search(r"\d", subject):
                return subject
    # The paragraph so far, and the line before it when that names an item
    # ("1、一般公共服务支出（类）…（项）。" on a line of its own).
    prev_line_start = text.rfind("\n", 0, max(para_start - 1, 0)) + 1
    prev_line = text[prev_line_start : max(para_start - 1, 0)]
    prev = _without_reasons(text, para_start, start, reasons)
    if para_start and ENUM_START.match(prev_line.strip()) and not TRIGGER.search(prev_line):
        prev = prev_line + "。" + prev
    for sentence in reversed([x for x in re.split(r"[。；]", prev) if x.strip()]):
        if sentence.lstrip().startswith("主要用于"):
            continue
        item = subject_of(sentence) or item_of(sentence, len(sentence))
        if item:
            return item
    return ""


def reason_end(text: str, start: int) -> int:
    """Where the reason that starts at `start` ends: the end of its sentence,
    unless it is an enumeration (一、…。二、…。) whose next item follows, or
    earlier, where a new change statement begins after a semicolon."""
    marker = _marker(text, start)
    limit = min(len(text), start + _MAX_REASON)
    i = start
    while i < limit:
        c = text[i]
        if c == "\t":
            return i
        if c in "。！？\n":
            nxt = _skip_space(text, i + 1)
            following = _marker(text, nxt)
            if marker and following and _continues(marker, following, text, start, nxt):
                marker = following
                i = nxt
                continue
            if c != "\n" and not following and _elaborates(text, i + 1):
                i += 1
                continue
            return i + 1 if c != "\n" else i
        if c in "；;" and _states_change(text, i + 1):
            return i + 1
        i += 1
    return limit


_NUMERALS = "一二三四五六七八九十"


def _marker(text: str, i: int) -> tuple[str, int] | None:
    """The enumeration marker at i as (style, number), e.g. ("x、", 2) for 二、."""
    m = ENUM_START.match(text[i : i + 6]) or ENUM_ANY.match(text[i : i + 6])
    if not m:
        return None
    token = m.group(0)
    digits = re.search(r"\d+", token)
    if digits:
        return re.sub(r"\d+", "n", token), int(digits.group(0))
    numeral = re.search(f"[{_NUMERALS}]+", token)
    if numeral and not token.startswith("第"):
        value = sum(_NUMERALS.index(ch) + 1 for ch in numeral.group(0)[-1:]) + (9 if len(numeral.group(0)) > 1 else 0)
        return token.replace(numeral.group(0), "x"), value
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


def _elaborates(text: str, i: int) -> bool:
    """The sentence at i, in the same paragraph, goes on with the reason:
    it states no new figures, has no trigger and starts no new part."""
    sentence = re.match(r"[^。！？\n]*[。！？]?", text[i : i + 300]).group(0)
    return bool(
        sentence.strip()
        and not re.search(r"\d|[XxＸ×]{2}", sentence)
        and not TRIGGER.search(sentence)
        and not re.match(r"\s*(?:其中|主要用于|[（(]|具体|详见|注)", sentence)
    )


def _states_change(text: str, i: int) -> bool:
    """Does the clause starting at i state a new change?"""
    clause = re.match(r"[^；;。\n]*", text[i : i + 200]).group(0)
    return bool(find_cues(clause)) and bool(re.search(r"\d", clause))


def split_causes(reason: str) -> list[str]:
    """一、…；二、… / 1. 2. / 一是…二是… / …；… -> one cause per part."""
    marks = list(ENUM_ANY.finditer(reason))
    if len(marks) >= 2:
        parts = [reason[: marks[0].start()]] + [
            reason[m.end() : (marks[k + 1].start() if k + 1 < len(marks) else len(reason))] for k, m in enumerate(marks)
        ]
    else:
        body = reason[marks[0].end() :] if marks and marks[0].start() == 0 else reason
        parts = re.split(r"[；;。]", body)
    causes = [p.strip().strip("。；;，,、：: ") for p in parts]
    return [c for c in causes if c]


def _unexplained(text: str, covered: list[tuple[int, int]]) -> list[ChangeStatement]:
    """Change statements outside every explanation and table: one per clause,
    and one per part after 其中 ("其中：公务接待费支出决算持平；……")."""
    out: list[ChangeStatement] = []
    seen_until = -1
    for cue in find_cues(text):
        if cue.start() < seen_until or _inside(cue.start(), covered):
            continue
        line_start = text.rfind("\n", 0, cue.start()) + 1
        line_end = text.find("\n", cue.end())
        line_end = len(text) if line_end < 0 else line_end
        if "\t" in text[line_start:line_end]:
            continue
        start = max([line_start] + [text.rfind(p, 0, cue.start()) + 1 for p in "。；"])
        parts = text.rfind("其中", start, cue.start())
        start = _skip_space(text, parts + 2) if parts >= 0 else start
        ends = [text.find(p, cue.end()) for p in ("。", "；", "\n", "其中")]
        end = min([e for e in ends if e >= 0] or [len(text)])
        spans = [(start, end, False)]
        parts_at = end + 1 if text.startswith("。其中", end) else end
        if text.startswith("其中", parts_at):
            end = parts_at
            sentence_end = min([e for e in (text.find("。", end), line_end) if e >= 0])
            clause_starts = [_skip_space(text, end + 2)] + [m.end() for m in re.finditer("；", text[: sentence_end]) if m.end() > end]
            clause_ends = clause_starts[1:] + [sentence_end]
            spans += [(a, b, True) for a, b in zip(clause_starts, clause_ends)]
            end = sentence_end
        seen_until = end
        for a, b, implicit in spans:
            if _inside(a, covered):
                continue
            s = parse_statement(text, a, b, implicit_prior=implicit)
            if s is None:
                continue
            if not s.item:
                s.item = _item_from_context(text, line_start, a, b)
            out.append(s)
    return out
