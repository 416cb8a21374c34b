import re

from nlp.rules import Rule, quote

_NOTHING = re.compile(
    r"^(?:满意度)?(?:实际情况)?(?:为)?\d*(?:\.\d+)?%?(?:满意)+$"
    r"|^满意度(?:实际情况)?(?:为|达到)?\d+(?:\.\d+)?%(?:满意)?$"
    r"|^(?:已|均|基本|全部|完全|已经)*(?:达成|达到|完成|实现)(?:了)?(?:预期|目标|年度目标|预期目标|绩效目标|任务|计划)?(?:效果|要求)?$"
    r"|^(?:无|没有|暂无|正常|按计划执行|按计划完成|已完成|完成|不适用|良好|较好|好)$"
)


class NonExplanation(Rule):
    """Text in the reason slot that explains nothing: a restated result
    ("满意度达到100%", "已完成目标") or a filler word ("无", "正常"). It
    fills the form without telling the reader why there is a deviation."""

    code = "JS203"
    name = "non_explanation"
    severity = "warning"
    summary = "reason slot holds no explanation"

    def check(self, report, options):
        for e in report.explanations:
            if e.causes and all(_NOTHING.match(re.sub(r"[\s，。,.；;！!]", "", c.text)) for c in e.causes):
                yield self.finding(f"no explanation in the reason of {_what(e)}: {quote(e.reason)}", [e])


def _what(e) -> str:
    if e.row:
        return f"{e.row.project} / {e.row.indicator}"
    return e.statement.item or e.id
