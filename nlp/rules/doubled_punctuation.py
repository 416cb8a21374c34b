import re
from typing import ClassVar

from nlp.rules import Rule
from nlp.vocabulary import Evidence, Severity

# A mark written twice ("。。", "，，"), or a line holding only the mark that
# ended the line before it. Three or more in a row ("。。。") is a way of
# writing an ellipsis, not a slip.
_DOUBLED = re.compile(
    # The mark opens the pattern (the lookbehind after it: not after another
    # mark), so the scan jumps from mark to mark.
    r"(?P<mark>[。，；、：！？])(?<![。，；、：！？][。，；、：！？])(?:(?P=mark)(?![。，；、：！？])|[ \t\u3000]*\n[ \t\u3000]*(?P=mark)[ \t\u3000]*(?=\n|$))"
)


class DoubledPunctuation(Rule):
    """A punctuation mark doubled ("财政拨款。。", a line that is only "。"
    under a sentence that already ended): a sign that the text was edited
    after it was checked, and that it was not read again before it was
    published. Minor alone; beside other findings it tells a reviewer how
    carefully the report was made."""

    code = "JS703"
    name = "doubled_punctuation"
    zh = "标点重复"
    severity = Severity.INFO
    evidence = Evidence.STYLE
    summary = "a punctuation mark doubled"
    summary_zh = "标点符号重复"
    rationale_zh = (
        "标点符号重复（“财政拨款。。”，或在已经结束的句子下另起一行只写一个“。”）：说明文字在核对后又被改动，发布前没有再读一遍。"
        "单独看是小问题，与其他问题一起可以让审阅者判断报告编制是否认真。连续三个及以上（“。。。”）是省略号的写法，不作为问题。"
    )
    example = "包括一般公共预算财政拨款和政府性基金预算财政拨款。。"
    options: ClassVar[dict] = {"max_findings": 10}

    def check(self, report, options):
        found = list(_DOUBLED.finditer(report.text))
        for m in found[: options["max_findings"]]:
            line_start = report.text.rfind("\n", 0, m.start()) + 1
            before = report.text[max(line_start, m.start() - 20) : m.start()].strip()
            targets = [e for e in report.explanations if e.span[0] <= m.start() < e.span[1]]
            yield self.finding(
                f"标点重复：“…{before}{m.group('mark')}{m.group('mark')}”",
                f"punctuation doubled: “…{before}{m.group('mark')}{m.group('mark')}”",
                targets, location=report.locate(m.start(), m.end()),
            )
        if len(found) > options["max_findings"]:
            rest = len(found) - options["max_findings"]
            yield self.finding(f"另有 {rest} 处标点重复", f"punctuation doubled in {rest} more places", [], location=None)
