import re

from nlp.rules import Rule, quote
from nlp.vocabulary import Direction, Evidence, Severity

_UP = re.compile(r"增加|增长|新增|追加|提高|上涨|增多|扩大|上调|补缴|补发|新招录|新录用|调入")
_DOWN = re.compile(r"减少|下降|降低|压减|压缩|节约|缩减|下调|削减|未拨付|收回|取消|暂停|调出|减员")


# "上年一次性补发……本年无此项" explains a fall by last year's rise: the
# direction words describe last year, not this one.
_LAST_YEAR = re.compile(r"上年|去年|上一年|以前年度|往年")
_COMPARISON = re.compile(r"(?:较|比|与|同)(?:上年|去年|上一年度?)(?:同期)?(?:相比)?")
_GONE = re.compile(r"本年无|本年度无|不再|已完工|完工|已结束|到期")
# Words that explain an unchanged total by changes that cancel out.
_OFFSET = re.compile(r"相抵|抵消|抵减|持平|平衡|相当|一增一减|有增有减|增减")


def _about_last_year(text: str) -> bool:
    return bool(_LAST_YEAR.search(_COMPARISON.sub("", text)) or _GONE.search(text))


class DirectionMismatch(Rule):
    """A cause that points the other way from the change it explains: a reason
    about fewer staff or cut spending for an increase, or about new hires or
    added funds for a decrease. Only causes whose direction words all point
    one way are judged, and not those about last year's events ("上年一次性
    补发……") or about something that no longer applies ("已完工", "本年无").
    An item stated as unchanged ("与上年相比持平") whose reason says only that
    money fell, or only that it rose, is a contradiction too, unless the reason
    says the changes cancel out ("增减相抵")."""

    code = "JS401"
    name = "direction_mismatch"
    zh = "方向不符"
    severity = Severity.ERROR
    evidence = Evidence.FIGURES
    summary = "cause implies the opposite direction"
    summary_zh = "原因所示方向与变动相反"
    rationale_zh = (
        "原因所指方向与变动相反：支出增加却说人员减少、压减开支，或支出减少却说新录用人员、追加资金。只判断方向词一致的原因，不判断讲上年事项（“上年一次性补发……”）或已不再发生事项（“已完工”“本年无”）的原因。称“持平”的项目，原因却只讲减少或只讲增加，也是矛盾，除非说明增减相抵。"
    )
    example = "比上年增加 20.00 万元，主要原因是人员减少。"

    def check(self, report, options):
        for e in report.explanations:
            s = e.statement
            if not s or s.direction is None:
                continue
            if s.direction == Direction.NONE:
                yield from self._unchanged(e)
                continue
            if _figures_disagree(s):
                continue  # the words contradict the figures: one slip, reported by arithmetic (JS501)
            for c in e.causes:
                if _about_last_year(c.text):
                    continue
                up, down = _UP.findall(c.text), _DOWN.findall(c.text)
                item, cause = s.item or e.id, quote(c.text)
                if s.direction == Direction.INCREASE and down and not up:
                    yield self.finding(f"{item}增加，原因却说“{down[0]}”：{cause}",
                                       f"{item} increased but the cause says “{down[0]}”: {cause}", [e])
                elif s.direction == Direction.DECREASE and up and not down:
                    yield self.finding(f"{item}减少，原因却说“{up[0]}”：{cause}",
                                       f"{item} decreased but the cause says “{up[0]}”: {cause}", [e])

    def _unchanged(self, e):
        """An unchanged item whose reason moves money one way only."""
        if not e.reason or _OFFSET.search(e.reason) or _about_last_year(e.reason):
            return
        up, down = _UP.findall(e.reason), _DOWN.findall(e.reason)
        if bool(up) != bool(down):
            word = (up or down)[0]
            item, reason = e.statement.item or e.id, quote(e.reason)
            yield self.finding(f"{item}称与上年持平，原因却说“{word}”：{reason}",
                               f"{item} is stated as unchanged but the reason says “{word}”: {reason}", [e])


def _figures_disagree(s) -> bool:
    """An actual and a budget that move the other way from the words ("决算数大于预算数" for 1,511.89 against 1,560.05)."""
    if s.amount is None or s.compare_amount is None or abs(s.amount - s.compare_amount) < 0.01:
        return False
    return (s.amount > s.compare_amount) != (s.direction == Direction.INCREASE)
