from typing import ClassVar

from nlp.rules import CorpusFinding, Quoted, Rule, Sharer, quote
from nlp.vocabulary import Evidence, Severity


class CopiedAcrossUnits(Rule):
    """The same or nearly the same reason appears in the reports of different
    units. Two units rarely change their spending for word-for-word the same
    reason; a reason copied from another unit's report (or from a template
    passed around) tells the reader nothing about this unit. Figures,
    punctuation, spaces and small edits do not hide a copy; reasons shorter
    than `min_chars` (after normalising) are too generic to call copies.
    `similarity` and `min_chars` also set the batch's near-duplicate index."""

    code = "JS801"
    name = "copied_across_units"
    zh = "跨单位雷同"
    severity = Severity.WARNING
    evidence = Evidence.STYLE
    summary = "same reason as in another unit's report"
    summary_zh = "原因与其他单位的报告雷同"
    rationale_zh = (
        "（批量）同一次批量中，其他单位的报告给出了相同或几乎相同的原因。各单位的情况不同，照抄的原因很少能说明本单位的变动，应追问本单位的真实原因。"
    )
    example = "甲区文化局与乙区文化局的说明都写“运河分馆建成开放，新增物业和安保服务经费”。"
    options: ClassVar[dict] = {"similarity": 90.0, "min_chars": 10}
    scope = "corpus"

    def check(self, shared: list[Sharer], options):
        long = [s for s in shared if s.chars >= options["min_chars"] and s.unit is not None]
        by_unit: dict[int, list[int]] = {}  # unit -> its documents, in run order
        for s in long:
            by_unit.setdefault(s.unit, []).append(s.document)
        if len(by_unit) < 2:
            return
        # Name at most ten other units, the first to give the reason.
        listed = sorted(by_unit, key=lambda u: min(by_unit[u]))[:11]
        for s in long:
            related = sorted({by_unit[u][0] for u in listed if u != s.unit})[:10]
            yield CorpusFinding(self.code, s.document, s.explanation, related, others=len(by_unit) - 1)

    def message(self, finding: CorpusFinding, quoted: Quoted, related: list[str]) -> tuple[str, str]:
        """(Chinese, English)."""
        n, named, reason = finding.others, "、".join(related[:3]), quote(quoted.reason)
        more_zh, more_en = (f"等，另有 {n - 3} 个", f" and {n - 3} more") if n > 3 else ("", "")
        return (f"另有 {n} 个单位的报告写有同一原因（{named}{more_zh}）：{reason}",
                f"the same reason is in the reports of {n} other unit{'s' if n > 1 else ''} ({named}{more_en}): {reason}")
