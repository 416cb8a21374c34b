import re

from nlp.normalize import plain
from nlp.rules import Rule, quote
from nlp.vocabulary import Evidence, Severity

_NOTHING = re.compile(
    r"^(?:满意度)?(?:实际情况)?(?:为)?\d*(?:\.\d+)?%?(?:满意)+$"
    r"|^满意度(?:实际情况)?(?:为|达到)?\d+(?:\.\d+)?%(?:满意)?$"
    r"|^(?:已|均|基本|全部|完全|已经)*(?:达成|达到|完成|实现)(?:了)?(?:预期|目标|年度目标|预期目标|绩效目标|任务|计划)?(?:效果|要求)?$"
    r"|^(?:无|没有|暂无|正常|按计划执行|按计划完成|已完成|完成|不适用|良好|较好|好)$"
    # "主要用于……": what the money is for, not why it changed.
    r"|^(?:主要)?用于"
)
# "原因同上": the slot points back at the reason above; with none above, it names none.
_SAME_AS_ABOVE = re.compile(r"^(?:原因|理由)?同上$")
# "和上年一致，没有增减变化": a reason that only says nothing changed.
_NO_CHANGE = re.compile(
    r"上年度|上年|去年|以前年度|相比|比较|和|与|同|较|比"
    r"|基本|均|都|一致|相同|持平|没有|无|未发生|增减|变化|变动|差异|保持|不变"
)


class NonExplanation(Rule):
    """Text in the reason slot that explains nothing: a restated result
    ("满意度达到100%", "已完成目标"), a filler word ("无", "正常"), a
    statement that nothing changed ("和上年一致，没有增减变化"), a pointer back
    ("原因同上") where no real reason stands above it in the section, or what the money is for ("主要用于……"). It fills the form without telling the reader
    why there is a deviation."""

    code = "JS203"
    name = "non_explanation"
    zh = "非解释"
    severity = Severity.WARNING
    evidence = Evidence.MISSING
    summary = "reason slot holds no explanation"
    summary_zh = "原因栏未作解释"
    rationale_zh = (
        "原因栏里写了字，却没有解释：满意度、上文并无原因的“同上”、“无变化”、用途说明（“主要用于……”）或“基本达到预期”之类。看起来有说明，实际上没有原因。"
    )
    example = "偏差原因分析：已完成。"

    def check(self, report, options):
        above = None  # the last explanation with a real reason, in reading order
        for e in report.explanations:
            if not e.causes:
                continue
            if all(_points_back(c.text) for c in e.causes):
                if above is not None and above.section == e.section:
                    continue  # "原因同上" under a real reason: that reason is its own
            elif not all(_says_nothing(c.text) for c in e.causes):
                above = e
                continue
            above = None
            reason = quote(e.reason)
            yield self.finding(f"{_what(e)}的原因未作解释：{reason}", f"no explanation in the reason of {_what(e)}: {reason}", [e])


def _bare(cause: str) -> str:
    return re.sub(r"[\s，。,.；;！!、]", "", plain(cause))


def _says_nothing(cause: str) -> bool:
    text = _bare(cause)
    return bool(_NOTHING.match(text)) or (bool(text) and not _NO_CHANGE.sub("", text))


def _points_back(cause: str) -> bool:
    return bool(_SAME_AS_ABOVE.match(_bare(cause)))


def _what(e) -> str:
    if e.row:
        return f"{e.row.project} / {e.row.indicator}"
    return e.statement.item or e.id
