"""Explanations: the reason after a trigger, split into causes, tied to the
change statement before it; and change statements that have no reason.

Works on repaired text (see repair.py): full-width Chinese punctuation, no
spaces inside Chinese text, no thousands separators, broken lines joined.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.model import ChangeStatement
from nlp.repair import is_heading
from nlp.statements import DIRECTION_WORD, PRIOR_CUE, find_cues, item_of, parse_statement, subject_of

_TAIL = r"(?:主要)?(?:是|为|有|在于|如下|分析)?[：:]?"
TRIGGER = re.compile(
    r"(?:决算数?|支出)?(?:大于|小于|高于|低于|超过|少于|多于|超出|等于)(?:年初|全年|调整)?预算数?的?(?:主要)?原因" + _TAIL
    + r"|(?:增加|减少|增长|下降|变动|变化|差异|偏差|增减变化|增减变动|增减)的?(?:主要)?原因" + _TAIL
    + r"|主要原因" + _TAIL
    + r"|原因(?:是|为|在于)[：:]?|(?<![的因])原因[：:]"
    + r"|主要(?:是由于|是因为|系|是|由于|因为)[：:]?"
)
ENUM_START = re.compile(r"^(?:[一二三四五六七八九十]+[、.．是]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|[①-⑩]|首先|第一[，、是])")
ENUM_ANY = re.compile(
    r"(?:^|(?<=[。；;，,：:\s]))(?:[一二三四五六七八九十]+[、.．是]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|[①-⑩]|首先|其次|再次|最后|第[一二三四五六七八九十]+[，、是])"
)
_MAX_REASON = 600
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
    for m in TRIGGER.finditer(text):
        if m.start() < consumed_to or _inside(m.start(), skip):
            continue
        statement = _statement_before(text, m, consumed_to)
        if statement is None:
            continue
        r_start = _skip_space(text, m.end())
        r_end = reason_end(text, r_start)
        reason = text[r_start:r_end].strip().rstrip("。；;，,、 ")
        if _EMPTY_REASON.match(reason):
            continue
        found.append(Found(statement, reason, r_start, r_end, split_causes(reason)))
        consumed_to = r_end
    covered = [(f.statement.start, f.reason_end) for f in found] + list(skip)
    return found, _unexplained(text, covered)


def _inside(pos: int, spans) -> bool:
    return any(a <= pos < b for a, b in spans)


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\n：:":
        i += 1
    return i


def _statement_before(text: str, trigger: re.Match, floor: int) -> ChangeStatement | None:
    """The change statement a trigger explains: its own sentence, or up to two
    sentences back in the same paragraph when its own states no figures."""
    para_start = text.rfind("\n", 0, trigger.start()) + 1
    lo = max(floor, para_start)
    hint = trigger.group(0)
    starts = [m.end() + lo for m in re.finditer(r"[。；！？]", text[lo : trigger.start()])]
    starts = [lo] + starts
    for back, start in enumerate(reversed(starts)):
        if back > 2:
            break
        s = parse_statement(text, start, trigger.start(), hint)
        if s is not None:
            if not s.item:
                s.item = _item_from_context(text, para_start, start, trigger.start(), s)
            return s
    return None


def _item_from_context(text: str, para_start: int, start: int, end: int, s: ChangeStatement) -> str:
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
    prev = text[para_start:start]
    for sentence in reversed([x for x in re.split(r"[。；]", prev) if x.strip()]):
        if sentence.lstrip().startswith("主要用于"):
            continue
        item = subject_of(sentence) if re.search(r"\d", sentence) else item_of(sentence, len(sentence))
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
        parts = re.split(r"[；;]", body)
    causes = [p.strip().strip("。；;，,、：: ") for p in parts]
    return [c for c in causes if c]


def _unexplained(text: str, covered: list[tuple[int, int]]) -> list[ChangeStatement]:
    """Change statements outside every explanation and table: one per sentence."""
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
        start = max(line_start, max((text.rfind(p, 0, cue.start()) + 1 for p in "。；"), default=0))
        end = min(x for x in (text.find(p, cue.end()) for p in "。；\n") if x >= 0) if any(
            text.find(p, cue.end()) >= 0 for p in "。；\n"
        ) else len(text)
        s = parse_statement(text, start, end)
        seen_until = end
        if s is None:
            continue
        if not s.item:
            s.item = _item_from_context(text, line_start, start, end, s)
        out.append(s)
    return out

