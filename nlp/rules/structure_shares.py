import re

from nlp.accounts.figures import narrative_totals, place
from nlp.accounts.shares import share_range, stated_shares
from nlp.rules import Rule
from nlp.vocabulary import Evidence, Severity

# JS501 holds the shares of "…万元，其中：…" to the narrative's own figures.
_TOTAL_THEN_PARTS = re.compile(r"(?<![\d,.])(?P<total>\d[\d,]*(?:\.\d+)?)\s*万元[，,]\s*其中[：:]")


class StructureShares(Rule):
    """A share the narrative states that the report's own statements do
    not give: "一般公共服务支出（类）2,106.66万元，占71.73%" where the
    一般公共预算财政拨款支出决算表 gives 2,106.66 of 2,940.05, 71.65%. The
    structure paragraphs (收入 by kind of 本年收入合计, 支出 by kind of
    本年支出合计, the classes of 一般公共预算财政拨款支出, the 三公 items,
    "占本年支出合计的…%") are recomputed from the cells; a share off by more
    than the stated precision and a unit of its rounding (0.02 points for
    two decimals, beyond what the cells' own rounding gives) is wrong. A
    share that JS501 already finds at odds with the narrative's own
    figures, or whose part's figure JS505 reports, is not reported again.
    The structures and their cells are data in nlp/accounts/shares.py."""

    code = "JS510"
    name = "structure_shares"
    zh = "结构占比不符"
    severity = Severity.ERROR
    evidence = Evidence.FIGURES
    summary = "a share in the narrative that the statements' cells do not give"
    summary_zh = "正文所述结构占比与决算报表数字算得的占比不一致"
    rationale_zh = (
        "正文所述占比与按本报告决算报表单元格重新计算的占比不符：正文写“一般公共服务支出（类）2,106.66万元，占71.73%”，"
        "一般公共预算财政拨款支出决算表却是 2,940.05 中的 2,106.66，即 71.65%。核对的结构段落包括收入按类别占本年收入合计、"
        "支出按类别占本年支出合计、一般公共预算财政拨款支出的各类占比、三公经费各项占比，以及“占本年支出合计的…%”；"
        "差额超过所写精度再加末位一个单位的四舍五入（两位小数为 0.02 个百分点，且在报表数字自身四舍五入的范围之外）即为不符。"
        "JS501 已按正文自身数字发现的占比问题、或其金额已由 JS505 报告的，不再重复报告。结构与对应单元格以数据形式列在 nlp/accounts/shares.py 中。"
    )
    example = "一般公共服务支出（类）2,106.66万元，占71.73%。（一般公共预算财政拨款支出决算表：2,106.66 / 2,940.05 = 71.65%）"

    def check(self, report, options):
        wrong_figures = [(s.start, s.end) for s in narrative_totals(report) if s.differs]
        for share in stated_shares(report.text, report.tables):
            if not share.differs or _arithmetic_finds(report.text, share):
                continue
            if any(start <= share.amount_at < end for start, end in wrong_figures):
                continue
            where = report.locate(share.start, share.end)
            at_zh, at_en = place(where)
            part_zh, part_en = share.part[0].cite(share.part[1], share.part[2])
            whole_zh, whole_en = share.whole[0].cite(share.whole[1], share.whole[2])
            quoted = report.text[share.start:share.end]
            yield self.finding(
                f"正文（{at_zh}）“{quoted}”与报表不符：{part_zh} {share.part_value:,.2f} 占{whole_zh} "
                f"{share.whole_value:,.2f} 的 {share.table_share:.2f}%，相差 {abs(share.stated - share.table_share):.2f} 个百分点",
                f"the narrative ({at_en}) states “{quoted}” but {part_en}, {share.part_value:,.2f}, is "
                f"{share.table_share:.2f}% of {whole_en}, {share.whole_value:,.2f}: "
                f"{abs(share.stated - share.table_share):.2f} points apart",
                [], location=where, signal=share.part[0].form, cell=share.part[0].cell(share.part[1], share.part[2]),
            )


def _arithmetic_finds(text: str, share) -> bool:
    """Whether JS501 reports this share: it opens a "…万元，其中：" sentence
    and disagrees with the figures the narrative states."""
    sentence = text[max(0, share.start - 400):share.start]
    sentence = sentence[sentence.rfind("。") + 1:]
    totals = list(_TOTAL_THEN_PARTS.finditer(sentence))
    if not totals:
        return False
    whole = float(totals[-1].group("total").replace(",", ""))
    if whole <= 0:
        return False
    low, high = share_range(share.amount, whole)
    return not low - 0.01 <= share.stated <= high + 0.01
