from typing import ClassVar

from nlp.accounts.figures import TOLERANCE, narrative_items, narrative_totals, place, quote
from nlp.accounts.sums import table_rounding
from nlp.rules import Rule
from nlp.vocabulary import Evidence, Severity


class Rounding(Rule):
    """A figure that agrees with the report's own statements only within
    rounding (尾差): the narrative's "收入支出总计2,995.4万元" beside the
    总表's 2,995.39, "约3,000万元", an item's 决算数 a cent off its row; a
    statement's total a cent or two off the sum of its parts (half a cent a
    part). Rounding is no error, and JS505 and JS506 let it pass; it is
    noted here so that a reader who adds the figures up knows why they do
    not meet exactly. A note only: it costs the score nothing, and a cell
    that JS505 or JS506 reports is not noted again."""

    code = "JS511"
    name = "rounding"
    zh = "尾差"
    severity = Severity.INFO
    evidence = Evidence.FIGURES
    scored = False
    summary = "a figure that agrees with the statements only within rounding"
    summary_zh = "数字与决算报表仅在四舍五入范围内相符（尾差）"
    rationale_zh = (
        "数字与本报告决算报表仅在四舍五入范围内相符（尾差）：正文写“收入支出总计2,995.4万元”，总表为 2,995.39；正文写“约3,000万元”；"
        "某项决算数与报表相差一分；报表中的合计数与其组成部分之和相差一两分（每个组成部分半分以内）。四舍五入不是错误，JS505、JS506 不作为问题；"
        "此处列出，是让核对数字的读者知道为何两者不完全相等。仅作提示，不扣分；JS505 或 JS506 已报告的单元格不重复列出。"
    )
    example = "收入支出总计2,995.4万元。（收入支出决算总表：总计 2,995.39）"
    options: ClassVar[dict] = {"max_findings": 20}

    def check(self, report, options):
        found = [*self._narrative(report), *self._items(report), *self._tables(report)]
        yield from found[: options["max_findings"]]
        if len(found) > options["max_findings"]:
            rest = len(found) - options["max_findings"]
            yield self.finding(f"另有 {rest} 处尾差", f"{rest} more figures agree only within rounding", [])

    def _narrative(self, report):
        for stated in narrative_totals(report):
            if not stated.rounded:
                continue
            where = report.locate(stated.start, stated.end)
            at_zh, at_en = place(where)
            cell_zh, cell_en = stated.statement.cite(stated.row, stated.column)
            quoted = quote(report, stated.start, stated.end)
            diff = abs(stated.value - stated.table_value)
            yield self.finding(
                f"正文（{at_zh}）“{quoted}”与{cell_zh}所列 {stated.table_value:,.2f} 仅在四舍五入范围内相符，尾差 {diff:,.2f} 万元",
                f"the narrative ({at_en}) states “{quoted}” and {cell_en} holds {stated.table_value:,.2f}: "
                f"they agree only within rounding, {diff:,.2f} 万元 apart",
                [], location=where, signal="narrative", cell=stated.statement.cell(stated.row, stated.column),
            )

    def _items(self, report):
        for it in narrative_items(report):
            if not 1e-9 < it.diff <= TOLERANCE + 1e-9:
                continue
            s, e, value = it.explanation.statement, it.explanation, it.value
            cell_zh, cell_en = it.statement.cite(it.row, it.column)
            at_zh, at_en = place(e.location)
            yield self.finding(
                f"正文（{at_zh}）“{s.item}”决算数 {s.amount:,.2f} 万元与{cell_zh}所列 {value:,.2f} 仅在四舍五入范围内相符，尾差 {it.diff:,.2f} 万元",
                f"the narrative ({at_en}) gives “{s.item}” an actual of {s.amount:,.2f} 万元 and {cell_en} holds {value:,.2f}: "
                f"they agree only within rounding, {it.diff:,.2f} 万元 apart",
                [e], location=e.location, signal="item", cell=it.statement.cell(it.row, it.column),
            )

    def _tables(self, report):
        for statement in report.tables:
            for m in table_rounding(statement):
                cell_zh, cell_en = statement.cite(m.row, m.column)
                diff = abs(m.found - m.expected)
                yield self.finding(
                    f"{cell_zh}为 {m.found:,.2f}，{m.parts_zh}为 {m.expected:,.2f}，尾差 {diff:,.2f} 万元（四舍五入所致）",
                    f"{cell_en} is {m.found:,.2f} and {m.parts_en} is {m.expected:,.2f}: "
                    f"a rounding difference of {diff:,.2f} 万元",
                    [], location=None, signal=statement.form, cell=statement.cell(m.row, m.column),
                )
