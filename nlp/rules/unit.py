import re

from nlp.normalize import plain
from nlp.rules import Rule, quote
from nlp.statements import AMOUNT
from nlp.vocabulary import Evidence, Severity

# A change whose figure has no unit: "比上年减少 371.82，降低 11.2%".
_NO_UNIT = re.compile(r"(?:增加|减少|增长|下降|降低|上升|增|减)了?\s*(\d+(?:\.\d+)?)\s*(?=[，。；,;、]|$)")
_SMALL_YUAN = 10000.0  # below this, an amount in 元 beside amounts in 万元 is suspect


class Unit(Rule):
    """The figures of one change are in units that cannot all be right: an
    amount in 元 beside amounts in 万元 or 亿元 ("支出 2.7 元，比上年减少 0.30
    万元" — 万 dropped by mistake), or a change written with no unit at all
    ("减少 371.82，下降 11.2%"). juesuan reads each figure in the unit written
    and does not guess; the slip is reported for the writer to correct."""

    code = "JS502"
    name = "unit"
    zh = "单位存疑"
    severity = Severity.WARNING
    evidence = Evidence.FIGURES
    summary = "amount in an impossible unit"
    summary_zh = "金额单位不可能"
    rationale_zh = (
        "同一变动的金额单位不可能都对：万元或亿元旁出现以“元”为单位的小额（“支出2.7元，比上年减少0.30万元”，漏写了“万”），或变动额没有单位。本工具按所写单位读数，不作猜测，把疑点报告给撰写人更正。"
    )
    example = "支出 2.70 元，比上年减少 0.30 万元。"

    def check(self, report, options):
        statements = [(e, e.statement) for e in report.explanations if e.statement] + [(m, m.statement) for m in report.missing]
        for target, s in statements:
            text = plain(s.text)
            amounts = list(AMOUNT.finditer(text))
            units = {m.group(2): m for m in amounts}
            small_yuan = [m for m in amounts if m.group(2) == "元" and _value(m) < _SMALL_YUAN]
            larger = {"万元", "万", "亿元", "亿"} & set(units)
            if small_yuan and larger:
                m = small_yuan[0]
                other = units[sorted(larger)[0]]
                item, said = s.item or target.id, quote(s.text)
                yield self.finding(
                    f"{item}：同一变动中 {m.group(0)} 与 {other.group(0)} 并列——是否应为 {m.group(1)} 万元？{said}",
                    f"{item}: {m.group(0)} beside {other.group(0)} in one change — is it {m.group(1)} 万元? {said}",
                    [target], signal="slip",
                )
            bare = _NO_UNIT.search(text)
            if bare and units:
                item, said = s.item or target.id, quote(s.text)
                yield self.finding(f"{item}：变动“{bare.group(0)}”没有单位：{said}",
                                   f"{item}: the change “{bare.group(0)}” has no unit: {said}", [target], signal="missing")


def _value(m: re.Match) -> float:
    try:
        return abs(float(m.group(1)))
    except ValueError:  # a placeholder (XXX 元)
        return _SMALL_YUAN
