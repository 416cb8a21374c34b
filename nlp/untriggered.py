"""Reasons given with no trigger word.

A change statement that no trigger explains may still have a reason: the
clauses after its figures in its sentence ("比上年预算增加 85 万元，积极赴境外
开展经贸洽谈", "……增长 9.3%，办公楼维修所致"), unless they give the money's
effect or use, a measure or a note; clauses that open its own sentence — an
action ("新增……项目经费，"), a frugality policy ("严格落实过紧日子要求，公务
接待费较上年减少 0.35 万元"), a circumstance ("随着……", "按照……要求", "为保障……", "在……的
情况下") or a cause closed by a result word ("新增退休人员 3 人，导致……");
the sentence before one opened by 因此 / 所以; policy clauses earlier in its
paragraph, or a paragraph of them before the paragraph of the figures. A
purpose before the figures ("为保障防汛工作，……增加") says why the money was
spent and is a reason; "主要用于……" after them says what it bought and is
not. And why a shortfall happened ("……支付率 94%。未付资金属于……尚未……",
"质量指标：……尚未竣工验收"), where no change statement is read at all, or
in the sentence after one that states no figures of its own ("……完成率 60%。
部分设备采购延至下年。"). Such reasons are found only after every trigger
has been read (nlp.explanations) and are flagged ``no_trigger`` there; a
module of their own, because their words (policy, action) are a vocabulary
of their own.
"""
from __future__ import annotations

import re

from nlp.model import ChangeStatement
from nlp.reasons import ENUM_START, first_of, trim_reason
from nlp.repair import is_heading
from nlp.statements import DIRECTION_WORD, FIGURE, find_cues, parse_statement
from nlp.triggers import find_triggers
from nlp.vocabulary import Basis, Direction

# A reason with no trigger: the statement it explains, its span, its flags.
Untriggered = tuple[ChangeStatement, tuple[int, int], list[str]]

# Words of a frugality policy or an action taken, as reports put them
# before their figures or after them with no trigger word.
_POLICY = (
    r"落实|执行|贯彻|遵守|严守|压缩|压减|压降|压控|严控|控制|厉行|节约|节俭|勤俭|过紧日子|八项规定|从严|从紧"
    r"|规范|加强|强化"
)
_POLICY_WORDS = re.compile(_POLICY)
# An action that opens a clause before the figures names a driver on its own.
_ACTION = re.compile(
    _POLICY + r"|开展|推进|推行|实施|调整|改革|新增|取消|撤销|未列|未安排|未发生|未开展|暂停|精简"
    r"|新购|购置|新建|改造|维修|更换|招录|录用|调入|调出|退休|划入|划出|增设|完工|竣工|启用|投入使用"
    r"|使用|动用|启动|承办|举办|新开工|完成"
)
_NOT_A_REASON = re.compile(r"^(?:其中|占|主要用于|用于|详见|见|下同|包括|含|即|其余|合计|共计|累计|分别|同比|比上年|较上年|与上年)")
# A clause of circumstance that opens a sentence, before its figures: an
# event (随着……), a motive (为保障……), a condition (在……的情况下), read
# without its marker (`lead`); or a policy (按照……要求), read with it.
_CIRCUMSTANCE = re.compile(
    r"(?P<lead>随着|伴随着?|鉴于|基于|针对|面对|围绕|得益于|受益于|为了?(?=保障|保证|确保|完成|做好|落实|推进|推动|满足|加强|支持|促进|提升|提高"
    r"|解决|应对|配合|实现|加快|进一步|贯彻|适应|改善|巩固)|在?(?=[^，]{2,40}(?:情况|背景|形势|前提|支持|帮助|带动|推动|指导)下$))"
    r"|按照|根据|依据|依照|遵照|对照|结合"
)
# …and the words that make such a clause say how the report is made, not why a figure changed.
_HOW_REPORTED = re.compile(r"口径|统计|科目|分类|列示|公开|如下|说明|填报|格式|报表|编制|核算|规则|决算")
# "在……的情况下", "在……支持下": the closing words of a condition.
_CONDITION_END = re.compile(r"(?:(?:的)?(?:情况|背景|形势|前提))?下$")
# A word that closes a reason and opens its result: "新增退休人员 3 人，导致……".
_RESULT = re.compile(
    r"(?:(?:从而|进而)(?:使得?|导致|造成|致使)?|因此|因而|所以|为此|由此|故(?![障事意])|导致|造成|致使|使得)(?:了)?[，、]?"
)
# A clause after the figures that closes a reason with no trigger: "……增长 9.3%，办公楼维修所致".
_CLOSED = re.compile(r"(?:所致|引起|引致|造成|导致|带来|的结果)(?:的)?[。；]?$")
# Figures that keep a clause in the statement ("1 辆" does not): amounts, percentages, points, years.
_FIGURED = re.compile(FIGURE.pattern + r"|\d\s*个?百分点|\d{4}\s*年")
# What a subject that changed ends with when it is money — another item's change, not a driver's.
_MONEY = re.compile(r"(?:费|支出|收入|经费|资金|拨款|结余|结转|预算|决算|补助|基金)(?:用)?(?:支出|决算数?|预算数?)?$")
# An enumerated reason after the figures: "……减少 0.8 万元，一是……，二是……"
# (一方面……，另一方面…… is a trigger form: nlp.triggers).
_FIRST_OF_LIST = re.compile(r"^(?:一是|其一|首先)")


def reason_without_trigger(text: str, s: ChangeStatement, floor: int) -> Untriggered | None:
    """A reason given with no trigger word for a change that has none: clauses
    that open its own sentence (a frugality policy, a circumstance, or a
    cause closed by 导致 / 因此), the sentence before one that opens with
    因此 / 所以, the clauses after its figures in the same sentence, or
    policy clauses before it in its paragraph or the paragraph before when
    it opens its own. Not before `floor` (the end of the explanation before)."""
    own = _reason_opening(text, s) or _sentence_before_result(text, s, floor)
    if own:
        a, b, statement = own
        return statement, (a, b), ["no_trigger", "reason_before_figures"]
    end = first_of(text, "。；\n", s.end)
    tail = _trailing_clauses(text, s, end)
    if tail:
        a, b = trim_reason(text, *tail)
        if a < b:
            return s, (a, b), ["no_trigger"]
    lead = _policy_before(text, s, floor)
    if lead:
        a, b = trim_reason(text, *lead)
        if a < b:
            return s, (a, b), ["no_trigger", "reason_before_figures"]
    after = _sentence_after_shortfall(text, s, end)
    if after:
        return s, after, ["no_trigger"]
    return None


# A sentence after a shortfall that is no reason for it: what will be done, a template's note.
_NOT_WHY_NEXT = re.compile(r"[（(]?(?:下一步|今后|下阶段|接下来|将|拟|计划|下年度?将|注|说明|备注|附|如|以上|上述)")
# What such a reason says: something put off, not done yet, stopped or cut ("延至下年", "待审计后支付").
_HELD_UP = re.compile(r"延|推迟|滞后|迟|晚|缓|未|尚|待|暂|停|取消|调减|调整|变更|减少|不足|困难|影响|制约|受")


def _sentence_after_shortfall(text: str, s: ChangeStatement, end: int) -> tuple[int, int] | None:
    """"……年度目标 20 台，实际完成 12 台，完成率 60%。部分设备采购延至下年。": the
    sentence after a shortfall against a budget or a target, in its paragraph,
    when it states no figures, no change and no trigger, and is neither a
    heading, a measure to come (下一步, 今后) nor a template's note."""
    if s.basis not in _SHORT_OF or s.direction != Direction.DECREASE or text[end : end + 1] != "。":
        return None
    stop = first_of(text, "。；\n", end + 1)
    sentence = text[end + 1 : stop]
    if (
        len(re.findall(r"[\u4e00-\u9fff]", sentence)) < 4
        or re.search(r"\d", sentence)
        or find_cues(sentence)
        or find_triggers(sentence)
        or _NOT_WHY_NEXT.match(sentence)
        or ENUM_START.match(sentence)
        or is_heading(sentence.strip())
        or _names_change(sentence)
        or not _HELD_UP.search(sentence)
    ):
        return None
    a, b = trim_reason(text, end + 1, stop)
    return (a, b) if a < b else None


def _reason_opening(text: str, s: ChangeStatement) -> tuple[int, int, ChangeStatement] | None:
    """Clauses that open the statement's own span and say why — closed by a
    result word ("今年新增退休人员 3 人，导致退休费……"), opened by a
    circumstance ("随着……，"), or all of a frugality policy — with the
    statement read again without them."""
    clauses = list(re.finditer(r"[^，]+", text[s.start : s.end]))
    result = at = None
    for k, c in enumerate(clauses[1:], 1):
        if m := _RESULT.match(c.group(0)):
            result, at = k, s.start + c.start() + m.end()
            break
        if FIGURE.search(c.group(0)) or find_cues(c.group(0)):
            result, at = None, s.start + c.start()
            break
    if at is None:
        return None
    opening = [c.group(0) for c in clauses[:k]]
    if any(FIGURE.search(c) or find_cues(c) for c in opening):
        return None
    lead = _CIRCUMSTANCE.match(opening[0])
    cue = find_cues(text[at : s.end])
    if lead and (_HOW_REPORTED.search("".join(opening)) or "：" in text[at : at + cue[0].start() if cue else s.end]):
        return None  # "根据……规定，现将……公开如下：本年支出……"
    policy = all(_POLICY_WORDS.search(c) and not find_triggers(c) for c in opening)
    if result is None and not lead and not policy and not _driver_opening(opening):
        return None
    a, b = trim_reason(text, s.start, s.start + clauses[k - 1].end())
    if lead and lead.group("lead") is not None:
        a += lead.end()  # "随着里程增加" -> "里程增加"
        if condition := _CONDITION_END.search(text, a, b):
            b = condition.start()
    statement = parse_statement(text, at, s.end) or parse_statement(text, at, s.end, implicit_prior=True)
    if statement is None or a >= b or len(re.findall(r"[\u4e00-\u9fff]", text[a:b])) < 4 or is_heading(text[a:b]):
        return None
    return a, b, statement


def _driver_opening(opening: list[str]) -> bool:
    """Clauses before the figures that open with an action ("新增高标准农田建设
    项目经费，……", "使用上年结转资金支付……，……"): a driver named on its own."""
    said = "".join(opening)
    return bool(
        _ACTION.match(opening[0])
        and len(re.findall(r"[\u4e00-\u9fff]", said)) >= 6
        and not _HOW_REPORTED.search(said)
        and not find_triggers(said)
    )


def _sentence_before_result(text: str, s: ChangeStatement, floor: int) -> tuple[int, int, ChangeStatement] | None:
    """"本年度新增 2 个事业编制。因此，人员经费较上年增加……": the sentence
    before one that opens with a result word, when it states no figures."""
    result = _RESULT.match(text, s.start)
    if result is None or text[s.start - 1 : s.start] != "。":
        return None
    end = s.start - 1
    lo = max(floor, end - 300)  # a bounded look back: a flood of "。因此，" stays linear
    start = max(lo, *(text.rfind(p, lo, end) + 1 for p in "。；\n"))
    sentence = text[start:end]
    if FIGURE.search(sentence) or find_cues(sentence) or find_triggers(sentence) or is_heading(sentence.strip()):
        return None
    a, b = trim_reason(text, start, end)
    statement = parse_statement(text, result.end(), s.end) or parse_statement(text, result.end(), s.end, implicit_prior=True)
    if statement is None or len(re.findall(r"[\u4e00-\u9fff]", text[a:b])) < 4:
        return None
    return a, b, statement


def _trailing_clauses(text: str, s: ChangeStatement, end: int) -> tuple[int, int] | None:
    """"……比 2024 年预算增加 85 万元，积极赴境外开展经贸洽谈": the clauses after
    those that state the change, to the end of its sentence, when they state
    no figures and say why, not what the money did or where the change stands
    (_SAYS_OTHER, _EFFECT)."""
    at = s.start
    for m in re.finditer(r"[^，]*(?:，|$)", text[s.start : end]):
        clause = m.group(0)
        if not clause or _FIRST_OF_LIST.match(clause):
            break
        counted = s.basis == Basis.TARGET and re.search(r"\d", clause)  # "实际完成 12 台": an indicator's count
        if _FIGURED.search(clause) or counted or find_cues(clause) or _NOT_A_REASON.match(clause) or _names_change(clause):
            at = s.start + m.end()  # still the statement (or its figures)
        else:
            break
    rest = text[at:end]
    if (
        at == s.start
        or len(re.findall(r"[\u4e00-\u9fff]", rest)) < 4
        or _FIGURED.search(rest)
        or find_triggers(rest)
        or _SAYS_OTHER.match(rest)
        or _EFFECT.search(rest)
    ):
        return None
    return at, end


# What follows a change's figures and says something other than why: the
# money's effect, a measure to come, an instruction, a total (its use, parts
# and notes are _NOT_A_REASON, kept with the statement before this is asked).
_SAYS_OTHER = re.compile(
    r"(?:保障了?|确保|有效|有力|较好|圆满|顺利|全面|完成了?|实现了?|满足了?|促进了?|推动了?|为|"
    r"具体|下一步|今后|将|需|应|请|如|总计|均为|全部|主要(?:包括|有))"
)
# …or where the change stands: "……均实现“双降”", "居各区首位".
_EFFECT = re.compile(r"实现|双降|双增|(?:位)?居[^，。]{0,8}(?:首位|前列|第|之首)|排名")
# Against a budget or a target, a shortfall whose next sentence may say why.
_SHORT_OF = (Basis.INITIAL_BUDGET, Basis.FULL_YEAR_BUDGET, Basis.TARGET)


def _names_change(clause: str) -> bool:
    """Does a clause with no figures say more of a change ("下降明显"), or state
    another item's ("印刷费基本持平"), rather than a driver's ("接待批次减少")?"""
    word = DIRECTION_WORD.search(clause)
    if word is None or _ACTION.match(clause):  # "新增绿化带喷灌用水": an action, not a change
        return False
    subject = clause[: word.start()].rstrip("均也亦都有所略稍明显较大幅")
    return len(re.findall(r"[\u4e00-\u9fff]", subject)) < 2 or bool(_MONEY.search(subject))


def _policy_before(text: str, s: ChangeStatement, floor: int) -> tuple[int, int] | None:
    """Policy clauses before a change: "我单位认真执行《……》，杜绝……开支，我院
    2016 年三公经费开支……" in its paragraph, or a paragraph of them before
    the paragraph of the figures."""
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


# ------------------------------------------------- a shortfall and why, no trigger

# A shortfall stated in figures: money left unpaid, a rate under 100 %.
_SHORTFALL = re.compile(
    r"(?:未支(?:付|出)?|未付|未拨付|未使用|暂未支出|尚未支出|结余)(?:资金)?\s*\d"
    r"|(?:支付率|执行率|完成率|支出进度)(?:为|是|达到?)?\s*(?:\d|[1-8]\d)(?:\.\d+)?\s*%"
    r"|\d\s*(?:万元|元)[^。；\n]{0,20}(?:暂未|尚未|未)(?:支出|支付|拨付|使用)"
)
# A performance indicator's own line: "2.质量指标：……".
_INDICATOR = re.compile(r"^\s*(?:\d{1,2}[、.．]|[（(]\d{1,2}[)）])?[^\s：:，。]{0,12}指标\s*\d{0,2}[：:]")
# Where either may be: words that open no other branch, so one pass over a report is cheap.
_CANDIDATE = re.compile(r"(?=[未结支执完暂尚指])(?:未支|未付|未拨付|未使用|结余|支付率|执行率|完成率|支出进度|[暂尚]未|指标\s*\d{0,2}[：:])")
_LINE = re.compile(r"[^\n]+")
# Lines of bare figures (a table row flattened by extraction), then the line that goes on.
_CELLS_AFTER = re.compile(r"(?:\n+[ \t]*[-+−]?\d[\d,.]*[%％]?[ \t]*)+\n+[^\n]+")
# A clause saying what is not done yet, the reason for the shortfall.
_UNMET = re.compile(r"尚未|未能|还未|暂未|尚余|尚处|仍处|正在")
# A clause that is the shortfall itself or what will be done, not its reason.
_NOT_WHY = re.compile(r"\s*(?:待|下一步|今后|将|预计|资金|款项)")


def unmet_reasons(text: str, covered) -> list[Untriggered]:
    """Why a shortfall stated with no trigger word happened: "……未支 518 万元，
    支付率 94%。未付资金属于个别项目尚未完成竣工决算审计……，待……" or, on a
    performance indicator's own line, "2.质量指标：工程尚未竣工验收". The
    first clause saying what is not done yet, with the clauses after it that
    are neither the shortfall itself nor what will be done. Flagged
    ``no_trigger`` and ``statement_unparsed``: only the basis is known."""
    out: list[Untriggered] = []
    # Only paragraphs with a shortfall or an indicator's line are read: one pass finds them.
    starts = sorted({text.rfind("\n", 0, m.end() - 1) + 1 for m in _CANDIDATE.finditer(text)})
    for at in starts:
        para = _LINE.match(text, at)
        if para is None:
            continue
        start, end = para.span()
        heading = _INDICATOR.match(para.group(0))
        if heading and (cells := _CELLS_AFTER.match(text, end)):
            end = cells.end()  # "指标1：……\n42.5\n38.2\n已竣工，尚余……": its row flattened, a cell a line
        body = text[start:end]
        if not (heading or _SHORTFALL.search(body)):
            continue
        sentences = list(re.finditer(r"[^。；]+[。；]?", body))
        indicator = heading is not None
        for k, m in enumerate(sentences):
            a, b = start + m.start(), start + m.end()
            near = text[start + sentences[k - 1].start() if k else a : b]
            if not (indicator or _SHORTFALL.search(near)) or a in covered or find_triggers(m.group(0)):
                continue
            span = _unmet_clauses(text, a, b)
            if span is None or span[0] in covered:
                continue
            target = indicator or "指标" in text[start:b] or "目标" in text[start:b]
            basis = Basis.TARGET if target else Basis.FULL_YEAR_BUDGET
            # An indicator's line with no figures states no change; with its target and actual, a shortfall.
            figured = re.search(r"\d", text[start + (heading.end() if heading else 0) : span[0]])
            direction = Direction.NONE if indicator and not figured else Direction.DECREASE
            statement = ChangeStatement(item="", basis=basis, direction=direction, text=near.strip(), start=span[0], end=span[0])
            out.append((statement, span, ["no_trigger", "statement_unparsed"]))
    return out


def _unmet_clauses(text: str, a: int, b: int) -> tuple[int, int] | None:
    """The reason in the sentence text[a:b]: from the first clause saying what
    is not done yet (after its subject's "属于"), to the first clause that is
    the shortfall itself or what will be done."""
    clauses = list(re.finditer(r"[^，。；]+", text[a:b]))
    first = next((i for i, c in enumerate(clauses) if _UNMET.search(c.group(0)) and not _NOT_WHY.match(c.group(0))), None)
    if first is None:
        return None
    start = a + clauses[first].start()
    if heading := _INDICATOR.match(clauses[first].group(0)):
        start += heading.end()  # "2.质量指标：工程尚未竣工验收"
    elif (lead := re.match(r"[^，。；]{0,12}?(?:属于|系|是)", clauses[first].group(0))) and lead.end() < len(clauses[first].group(0)):
        start += lead.end()
    end = a + clauses[first].end()
    for c in clauses[first + 1 :]:
        if _NOT_WHY.match(c.group(0)) or re.search(r"\d", c.group(0)):
            break
        end = a + c.end()
    start, end = trim_reason(text, start, end)
    if len(re.findall(r"[\u4e00-\u9fff]", text[start:end])) < 4:
        return None
    return start, end
