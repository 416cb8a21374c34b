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

This module decides what each trigger opens; the statement around it is read
by nlp.explained, reasons with no trigger word by nlp.untriggered, and the
changes left over by nlp.unexplained.

Works on repaired, normalised text (see repair.py, normalize.py): simplified
script, full-width Chinese punctuation, no spaces inside Chinese text, no
thousands separators, broken lines joined.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp.explained import (
    Marks,
    Spans,
    partial_statement,
    read_partial,
    says_little,
    sentence_start,
    statement_after,
    statement_before,
)
from nlp.model import ChangeStatement
from nlp.reasons import (
    ENUM_START,
    MAX_REASON,
    closing_bracket,
    first_of,
    in_heading,
    line_end,
    opens_statement,
    reason_end,
    skip_space,
    split_causes,
    trim_reason,
)
from nlp.repair import is_heading
from nlp.statements import AMOUNT, DIRECTION_WORD, measured_before
from nlp.triggers import FIND, Trigger, find_triggers
from nlp.unexplained import unexplained
from nlp.untriggered import reason_without_trigger, unmet_reasons
from nlp.vocabulary import Basis, Direction

_EMPTY_REASON = re.compile(r"^[\s无/—\-－.。、，：:；…⋯]*$")  # "……" too: a template's blank
_WRAP_MAX = 160  # characters between 受 and 影响, 由于 and 故
_AMOUNT_BEFORE = re.compile(AMOUNT.pattern + r"[，：。；]$")
# "决算数大于预算数", "超预算", "超出年初预算": a budget compared in words.
_BUDGET_COMPARED = re.compile(r"(?:大于|高于|超过|多于|超出|超|小于|低于|少于)(?:全年|调整后?的?|年初|年度)?预算")
# A note under a table ("注：本表……因四舍五入原因，……") gives no reason of a change.
_TABLE_NOTE = re.compile(r"(?:附)?注\s*[：:]")
# A note on the tables, or a pointer to one, in the slot: no reason ("主要原因是：\n具体情况详见……").
_NOTE_IN_SLOT = re.compile(r"(?:注|说明|备注|附注)\s*[：:]|(?:具体(?:情况)?)?(?:详见|参见|见附)")
_NOT_ITEMS = {"增加", "减少", "增长", "下降", "持平"}


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


# What a slot reads: the statement, the reason's span, the flags.
Read = tuple[ChangeStatement, tuple[int, int], list[str]]


def find_explanations(text: str, skip: list[tuple[int, int]] = ()) -> tuple[list[Found], list[Gap]]:
    """All explanations in `text`, and the changes that have no reason.

    `skip` lists spans (tables) that hold no narrative statements.
    """
    found: list[Found] = []
    blanks: list[Gap] = []
    consumed_to = 0
    marks = Marks(text)
    tables = Spans(skip)
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
    covered = Spans([(f.start, f.end) for f in found] + [(b.statement.start, b.statement.end) for b in blanks] + list(skip))
    reasons = Spans([(f.reason_start, f.reason_end) for f in found])
    gaps = []
    for s in unexplained(text, covered):
        floor = max([f.end for f in found if f.end <= s.start] + [0])
        reason = reason_without_trigger(text, s, floor)
        if reason and reasons.overlaps(*reason[1]):
            reason = None  # another change's reason, already read after its trigger
        if reason:
            statement, (a, b), flags = reason
            found.append(Found(statement, a, b, split_causes(text, a, b), "", flags))
        else:
            # An unchanged item is listed, but it is no change left unexplained.
            gaps.append(Gap(s, ["unchanged"] if _unchanged(s) else []))
    covered = Spans([(f.start, f.end) for f in found] + [(g.statement.start, g.statement.end) for g in blanks + gaps] + list(skip))
    for statement, (a, b), flags in unmet_reasons(text, covered):
        found.append(Found(statement, a, b, split_causes(text, a, b), "", flags))
    found.sort(key=lambda f: f.start)
    return found, sorted(blanks + gaps, key=lambda g: g.statement.start)


# ------------------------------------------------------------------ one slot


def _slot(text: str, t: Trigger, floor: int, found: list[Found], marks: Marks) -> Found | Gap | None:
    """The explanation a trigger opens, a blank slot, or None when the trigger
    explains no change. Cheap refusals come first: a flood of triggers must
    be read in linear time."""
    if _TABLE_NOTE.match(text, skip_space(text, sentence_start(text, t.start, floor))):
        return None  # "注：……因四舍五入原因，……": a note on the tables gives no reason
    read = _wrapped_slot if t.form.kind == "wrap" else _lead_slot
    slot = read(text, t, floor, found, marks)
    if slot is None:
        return None
    statement, (r_start, r_end), flags = slot
    _apply_hints(statement, t)
    if found and (not statement.item or statement.item in _NOT_ITEMS) and _same_subject(text, found[-1], t.start):
        # "与上年相比，……；与年初预算相比，……" goes on about the same item.
        statement.item = found[-1].statement.item
    r_start, r_end = trim_reason(text, r_start, r_end)
    if r_start >= r_end or _EMPTY_REASON.match(text[r_start:r_end]) or _NOTE_IN_SLOT.match(text, r_start):
        return Gap(statement, ["blank_slot"])
    if t.form.kind == "back":
        flags.append("same_as_above")
    return Found(statement, r_start, r_end, split_causes(text, r_start, r_end), t.form.name, flags)


def _before(text: str, t: Trigger, floor: int, found: list[Found], marks: Marks, reach: str) -> ChangeStatement | None:
    """The statement before the trigger (nlp.explained), the latest reasons left out."""
    reasons = [(f.reason_start, f.reason_end) for f in found[-3:]]
    return statement_before(text, t, floor, reasons, marks, reach)


def _lead_slot(text: str, t: Trigger, floor: int, found: list[Found], marks: Marks) -> Read | None:
    """(statement, reason span, flags) for a trigger whose reason follows it
    ("主要原因是", "（", "原因同上")."""
    statement = _before(text, t, floor, found, marks, reach="paragraph" if t.form.strong else "sentence")
    sentence_at = sentence_start(text, t.start, floor)
    flags: list[str] = []
    if statement is not None and not t.form.strong and _purpose(text, t) and _figureless(statement):
        return None  # "水电费有所增加。主要为保障……": what the money is for, no figure to explain
    if statement is None and not t.form.strong:
        weak = _weak_statement(text, t, sentence_at, floor)
        if weak is None:
            return None
        statement, flags = weak
    if statement is None:
        statement = partial_statement(text, t, sentence_at, floor, marks)
        if statement is None:
            return None
        flags.append("statement_unparsed")
    return statement, _reason_span(text, t), flags


def _weak_statement(text: str, t: Trigger, sentence_at: int, floor: int) -> tuple[ChangeStatement, list[str]] | None:
    """The change a weak trigger ("主要是") explains when no statement stands
    before it: the figures after a reason that opens its sentence, or a
    change named without figures (in its sentence, or the one before when
    it opens its own); None when it explains nothing."""
    opens = says_little(text[max(sentence_at, t.start - 40) : t.start])
    if opens:
        # "报告称，主要是……。具体为：……减少 0.23 亿元": the figures follow.
        after = statement_after(text, first_of(text, "。；\n", t.end, t.end + MAX_REASON) + 1, t)
        if after is not None and after.start >= _reason_span(text, t)[1]:
            return after, ["reason_before_figures"]
    near = max(sentence_at, t.start - 30)
    purpose = _purpose(text, t)
    if _names_change(text, near, t.start):
        # "一部分经费减少是因为……", "决算数大于预算数，主要是……": the change is named, not figured.
        return read_partial(text, t, near, t.start), ["statement_unparsed"]
    ended = sentence_at - 1
    if opens and ended > floor and text[ended] == "。" and not purpose:
        # "……有所增加。主要是……", "……上升 15.2 个百分点。主要是……": the sentence before names it.
        before = max(sentence_start(text, ended, floor), ended - 40)
        # Figureless, the change must be one of money or a count ("人员有所增加。主要是负责……": a duty).
        if _names_change(text, before, ended, measured=not re.search(r"\d", text[before:ended])):
            return read_partial(text, t, before, ended), ["statement_unparsed"]
    # "……184 万元，系人员工资……" says what a level is made of; "系……所致", why it
    # is; after two amounts or a budget exceeded, 系 gives the cause of the difference.
    caused = (
        t.form.name != "attributed"
        or "所致" in text[t.end : first_of(text, "。；\n", t.end, t.end + MAX_REASON)]
        or _compares(text, sentence_at, t.start)
    )
    if (t.form.name in ("mainly", "is_because", "attributed") or t.form.kind == "wrap") and not purpose and caused:
        return _level(text, t, sentence_at)
    return None


def _purpose(text: str, t: Trigger) -> bool:
    """"主要为" names a purpose; "主要因为", "是因为" a cause."""
    return text.startswith("为", t.end - 1) and not text.startswith("因为", t.end - 2)


def _names_change(text: str, start: int, end: int, measured: bool = False) -> bool:
    """text[start:end] names a change without figures: a direction word, or
    a budget compared ("决算数大于预算数", "超预算"). Not a noun phrase made
    of one ("收入有所增加的单位"); with `measured`, only a change of money or
    a count ("项目支出有所增加", not "人员有所增加")."""
    if _BUDGET_COMPARED.search(text, start, end):
        return True
    for word in DIRECTION_WORD.finditer(text, start, end):
        head = text[word.end() + 1 : end].strip("，：:、 ") if text.startswith("的", word.end()) else ""
        if head and not _CHANGED_PART.match(head):
            continue  # "……增加的单位": what the phrase names is no change
        if measured and not measured_before(text, word.start()):
            continue
        return True
    return False


# What "……增加的" may name and still be the change: its part, its amount, its money.
_CHANGED_PART = re.compile(r"(?:部分|原因|主要|幅度|金额|资金|支出|费用|经费|收入|数额)")


def _compares(text: str, start: int, end: int) -> bool:
    """text[start:end] compares two amounts ("2024 年决算数为 580 万元，2023 年
    决算数为 500 万元"; "年初预算 500 万元，全年支出 580 万元") or a budget exceeded."""
    if _BUDGET_COMPARED.search(text, start, end):
        return True
    return len(AMOUNT.findall(text, start, end)) >= 2 and bool(_TWO_LEVELS.search(text, start, end))


# What makes two amounts a comparison: last year named, two years, a budget and its spending.
_TWO_LEVELS = re.compile(r"上年|去年|上一年|\d{4}年.{0,40}?\d{4}年|预算.{0,40}?(?:决算|支出|执行)")


def _level(text: str, t: Trigger, sentence_at: int) -> tuple[ChangeStatement, list[str]] | None:
    """A level the reason right after it explains: "公车购置安排 517 万元，主要
    是……", "……安排 0 万元。这是由于……" (the level ends the sentence before)."""
    at = t.start - 1 if text.startswith(("这", "其"), t.start - 1) else t.start
    if at == sentence_at and at > 0 and text[at - 1] == "。":
        sentence_at = sentence_start(text, at - 1)
    start = max(sentence_at, at - 30)
    if not _AMOUNT_BEFORE.search(text, start, at):
        return None
    return read_partial(text, t, start, at - 1), ["statement_unparsed"]


def _reason_span(text: str, t: Trigger) -> tuple[int, int]:
    if t.form.kind == "back":
        return t.start, t.end  # "原因同上" is all the reason there is
    if t.form.kind == "part":
        return t.start, reason_end(text, t.start)
    if t.form.kind == "bracket":
        close = closing_bracket(text, t.start)
        return (t.end, close) if close is not None else (t.end, t.end)
    return _lead_reason(text, t)


def _wrapped_slot(text: str, t: Trigger, floor: int, found: list[Found], marks: Marks) -> Read | None:
    """(statement, reason span, flags) for "受……影响" / "由于……，故……": the
    change explained comes before the trigger in its sentence, or after it."""
    r_start, r_end, after = _wrapped(text, t)
    sentence_at = sentence_start(text, t.start, floor)
    statement = None
    if text[sentence_at : t.start].strip("，：:、 "):
        statement = _before(text, t, floor, found, marks, reach="own")
    if statement is not None:
        if after is None:  # "…持平，因车辆数量未变": the reason runs on
            r_end = reason_end(text, r_start)
        return statement, (r_start, r_end), []
    # "受…影响，县本级税收收入……下降 18.6%": the change follows.
    later = statement_after(text, r_end if after is None else after, t)
    figured = later is not None and any(v is not None for v in (later.amount, later.change, later.change_pct))
    if later is not None and (after is not None or figured):
        return later, (_with_subject(text, t, sentence_at, r_start), r_end), ["reason_before_figures"]
    # "……减少 1 万元。主要是受 A，控制接待支出，……" (no 影响): the clauses after an
    # unclosed reason that state no figures go on with it.
    statement = _before(text, t, floor, found, marks, reach="sentence")  # "……下降 6.1%。主要是受……影响"
    if statement is None and later is not None:
        return later, (r_start, r_end), ["reason_before_figures"]
    flags = []
    if statement is None:
        # "……增速偏低，主要是受……影响"; "报告称，主要是受……影响。具体为：……减少 0.23 亿元";
        # "公车购置安排 517 万元，主要是受……影响".
        weak = _weak_statement(text, t, sentence_at, floor)
        if weak is None:
            return None
        statement, flags = weak
    if after is None:
        r_end = reason_end(text, r_start)
    return statement, (r_start, r_end), flags


# What may stand before 因 / 由于 and is not the reason's subject: when, who reports, a list's mark.
_NOT_SUBJECT = re.compile(
    r"(?:[（(]?[一二三四五六七八九十\d]{1,2}[）)、.．]|其中|同时|此外|另外|主要|这|其|今年|当年|年内|本年度?|20\d\d年度?|[上下]半年"
    r"|(?:本|我|该)(?:单位|部门|局|院|校|委|办|中心|所|站))+"
)


def _with_subject(text: str, t: Trigger, sentence_at: int, r_start: int) -> int:
    """Where a fronted reason starts: at the subject before 因 / 由于 when one
    stands there ("部分工程因雨季停工，致使……" -> "部分工程因雨季停工")."""
    if t.form.name not in ("because_so", "due_to_so"):
        return r_start
    subject = text[sentence_at : t.start]
    rest = subject[m.end() :] if (m := _NOT_SUBJECT.match(subject)) else subject
    if len(rest) < 2 or re.search(r"[\d，：:、；\s]", rest) or DIRECTION_WORD.search(rest):
        return r_start
    return sentence_at + len(subject) - len(rest)


def _lead_reason(text: str, t: Trigger) -> tuple[int, int]:
    """The reason after a lead trigger: to the end of its sentence (or list),
    inside its bracket, or the body under a heading that asks for it."""
    if in_heading(text, t.start):
        return _reason_under_heading(text, t)
    r_start = skip_space(text, t.end)
    if opens_statement(text, r_start):
        return r_start, r_start  # "主要原因是：" left blank; what follows is another change and its reason
    if text.startswith("（", r_start) and not ENUM_START.match(text[r_start : r_start + 6]):
        # "主要原因为：（主要是……；……）"; "（1）……；（2）……" is a list, not a bracket
        close = closing_bracket(text, r_start, MAX_REASON)
        if close is not None:
            return r_start, close + 1
    line_start = text.rfind("\n", 0, t.start) + 1
    opened = text.rfind("（", line_start, t.start)
    if opened > text.rfind("）", line_start, t.start):
        close = text.find("）", t.end, t.end + MAX_REASON)
        if close >= 0:  # "（主要是……）": the reason ends with its bracket
            return r_start, close
    return r_start, reason_end(text, r_start)


def _reason_under_heading(text: str, t: Trigger) -> tuple[int, int]:
    """The body under a heading that asks for a reason ("（二）变动原因")."""
    body = skip_space(text, line_end(text, t.start))
    if body >= len(text) or is_heading(text[body : line_end(text, body)]):
        return body, body  # the heading asks for a reason and gets none
    lead = FIND.match(text, body)  # "因由于工程尚未竣工验收" under the heading
    if lead:
        body = skip_space(text, lead.end())
    return body, reason_end(text, body)


def _wrapped(text: str, t: Trigger) -> tuple[int, int, int | None]:
    """(reason start, reason end, where the text after the closing word starts):
    "受 X 影响" -> X; with no closing word within the sentence, the reason
    runs to the end of the clause and `after` is None."""
    stop = first_of(text, "。；\n", t.end, t.end + _WRAP_MAX)
    close = t.form.close_regex.search(text, t.end, stop)
    if close and close.start() > t.end:
        return t.end, close.start(), close.end()
    return t.end, first_of(text, "，。；\n", t.end), None


def _same_subject(text: str, previous: Found, at: int) -> bool:
    """No heading and no new item paragraph between the previous explanation and `at`."""
    between = text[previous.statement.start : at].split("\n")[1:]
    return not any(is_heading(line) or ENUM_START.match(line.strip()) for line in between)


def _apply_hints(s: ChangeStatement, t: Trigger) -> None:
    """The trigger's own words fill what the statement leaves open; a change
    that names no basis is on last year, as final accounts compare."""
    if s.direction is None and t.direction:
        s.direction = t.direction
    if t.basis == Basis.TARGET or (s.basis is None and t.basis):
        s.basis = t.basis
    if s.basis is None and s.direction is not None:
        s.basis = Basis.PRIOR_YEAR


def _figureless(s: ChangeStatement) -> bool:
    return all(v is None for v in (s.amount, s.compare_amount, s.change, s.change_pct, s.completion_pct))


def _unchanged(s: ChangeStatement) -> bool:
    """Stated as unchanged: 持平, a change of 0, or the same amount twice
    ("年初预算为 10.00 万元，支出决算为 10.00 万元")."""
    return s.direction == Direction.NONE or s.change == 0 or (s.amount is not None and s.amount == s.compare_amount)
