from nlp.accounts.figures import TOLERANCE, narrative_items, narrative_totals, place, quote
from nlp.rules import Rule
from nlp.vocabulary import Evidence, Severity


class NarrativeTotals(Rule):
    """A total the narrative states differs from the report's own statement
    by more than 0.01 万元: "收入支出总计0万元" where the 收入支出决算总表's
    总计 row says 2,995.39, "“三公”经费财政拨款支出年初预算为0.95万元" beside
    an empty 三公 table. The narrative and the statements are one account;
    when they disagree one of them is wrong, and the reader cannot tell
    which. The totals checked (收入支出总计, 本年收入/支出合计, 基本/项目支出,
    财政拨款收入支出总计, 一般公共预算财政拨款支出 and its 基本支出, 人员/公用
    经费, 三公 budget and actual) and the cells they are held to are data in
    nlp/accounts/figures.py; a blank cell counts as 0. An item named by its
    类, 款 and 项 ("一般公共服务支出（类）财政事务（款）行政运行（项）") is held to
    its row of the 一般公共预算财政拨款支出决算表: its 决算数 is the row's 合计."""

    code = "JS505"
    name = "narrative_totals"
    zh = "正文与报表不符"
    severity = Severity.ERROR
    evidence = Evidence.FIGURES
    summary = "a total in the narrative that differs from the statement"
    summary_zh = "正文所述合计数与决算报表不一致"
    rationale_zh = (
        "正文所述合计数与本报告决算报表中的对应数字相差超过 0.01 万元：正文写“收入支出总计0万元”，收入支出决算总表“总计”行却为 2,995.39；"
        "正文写“三公”经费年初预算 0.95 万元，三公经费表却为空表。正文与报表是同一本账，两者不一致必有一处错误，读者无从判断哪一个是对的。"
        "所核对的合计数（收入支出总计、本年收入/支出合计、基本/项目支出、财政拨款收入支出总计、一般公共预算财政拨款支出及其基本支出、"
        "人员/公用经费、三公经费预算数与决算数）及其对应的报表单元格以数据形式列在 nlp/accounts/figures.py 中；空白单元格按 0 计。"
        "按类、款、项写明的科目（“一般公共服务支出（类）财政事务（款）行政运行（项）”）的决算数与一般公共预算财政拨款支出决算表中该项的合计数核对。"
    )
    example = "收入支出总计0万元。（收入支出决算总表：总计 2,995.39）"

    def check(self, report, options):
        yield from self._items(report)
        for stated in narrative_totals(report):
            if not stated.differs:
                continue
            where = report.locate(stated.start, stated.end)
            at_zh, at_en = place(where)
            cell_zh, cell_en = stated.statement.cite(stated.row, stated.column)
            table = f"{stated.table_value:,.2f}" if stated.row is not None else "空表（0）"
            table_en = f"{stated.table_value:,.2f}" if stated.row is not None else "an empty table (0)"
            quoted = quote(report, stated.start, stated.end)
            yield self.finding(
                f"正文（{at_zh}）“{quoted}”与{cell_zh}所列 {table} 不符，{stated.claim.label}相差 {abs(stated.value - stated.table_value):,.2f} 万元",
                f"the narrative ({at_en}) states “{quoted}” but {cell_en} holds {table_en}: "
                f"{stated.claim.label} differs by {abs(stated.value - stated.table_value):,.2f} 万元",
                [], location=where, signal=stated.claim.form, cell=stated.statement.cell(stated.row, stated.column),
            )

    def _items(self, report):
        for it in narrative_items(report):
            if it.diff <= TOLERANCE + 1e-9:
                continue
            s, e, value = it.explanation.statement, it.explanation, it.value
            cell_zh, cell_en = it.statement.cite(it.row, it.column)
            at_zh, at_en = place(e.location)
            yield self.finding(
                f"正文（{at_zh}）“{s.item}”决算数 {s.amount:,.2f} 万元与{cell_zh}所列 {value:,.2f} 不符，相差 {it.diff:,.2f} 万元",
                f"the narrative ({at_en}) gives “{s.item}” an actual of {s.amount:,.2f} 万元 but {cell_en} holds {value:,.2f}, "
                f"a difference of {it.diff:,.2f} 万元",
                [e], location=e.location, signal="item", cell=it.statement.cell(it.row, it.column),
            )
