import re

from nlp.rules import Rule, quote
from nlp.vocabulary import Evidence, Severity

_SHORT_OF_MONEY = re.compile(r"预算(?:资金)?有限|资金(?:有限|不足|紧张)|财力(?:有限|紧张|不足)|未拨付|未到位|经费不足")
_FIGURE = re.compile(r"^(?P<op>>=|<=|≥|≤|＞|＜|>|<|=)?(?P<value>-?\d+(?:\.\d+)?)")
_OPS = {"≥": ">=", "≤": "<=", "＞": ">", "＜": "<", None: "="}


class Contradiction(Rule):
    """A performance-table reason that its own row contradicts: a deviation
    reason where the target was met (a floor reached, a figure hit), "budget too small" where actual spending
    exceeded the target, or a score the row's rule cannot give (more than the
    weight, or less than full marks for a target met)."""

    code = "JS601"
    name = "contradiction"
    zh = "与绩效表矛盾"
    severity = Severity.ERROR
    evidence = Evidence.FIGURES
    summary = "reason contradicts its performance-table row"
    summary_zh = "原因与绩效自评表所填数字矛盾"
    rationale_zh = (
        "绩效自评表中某行的偏差原因与该行自己所填的指标值、实际完成值相矛盾：已达到指标却写偏差原因，或实际超出上限却说资金不足。原因与数字不能同时成立。"
    )
    example = "年度指标值 ≥20个，实际完成值 20个，偏差原因：项目论证不足。"

    def check(self, report, options):
        for e in report.explanations:
            r = e.row
            if r is None:
                continue
            deviation = _deviation(r.target, r.actual)
            what = f"{r.project} / {r.indicator}"
            zh, en = f"{what}（指标值 {r.target}，实际完成值 {r.actual}）", f"{what} (target {r.target}, actual {r.actual})"
            reason = quote(e.reason)
            if deviation == "none":
                yield self.finding(f"{zh}：已达到指标，却写有偏差原因：{reason}",
                                   f"{en}: target met, yet a deviation reason is given: {reason}", [e])
            elif deviation == "over" and _SHORT_OF_MONEY.search(e.reason) and r.target.lstrip().startswith(("<", "≤", "＜")):
                yield self.finding(f"{zh}：实际已超过上限，原因却是资金不足：{reason}",
                                   f"{en}: actual exceeds the ceiling, yet the reason is lack of money: {reason}", [e])
            weight, score = _number(r.weight), _number(r.score)
            if weight is None or score is None:
                continue
            if score > weight + 1e-9:
                yield self.finding(f"{zh}：得分 {r.score} 超过分值 {r.weight}",
                                   f"{en}: score {r.score} is more than the weight {r.weight}", [e])
            elif deviation == "none" and score < weight - 1e-9:
                yield self.finding(f"{zh}：已达到指标，分值 {r.weight} 却只得 {r.score} 分",
                                   f"{en}: target met but scored {r.score} of {r.weight}", [e])


def _deviation(target: str, actual: str) -> str | None:
    """How the actual value stands to the target: "none" (met, no deviation),
    "under", "over", or None when either is not a figure."""
    t, a = _FIGURE.match(target.replace(" ", "")), _FIGURE.match(actual.replace(" ", ""))
    if not t or not a:
        return None
    op, goal, value = _OPS.get(t.group("op"), t.group("op")), float(t.group("value")), float(a.group("value"))
    # A floor met or beaten leaves nothing to explain; under a ceiling is an
    # under-spend a reason may explain, over it an overspend.
    if abs(value - goal) < 1e-9:
        return "none" if op in ("=", ">=", "<=") else ("under" if op == ">" else "over")
    if op in (">=", ">"):
        return "none" if value > goal else "under"
    return "under" if value < goal else "over"


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None
