from nlp.accounts.figures import place
from nlp.accounts.names import foreign, members, mentions, own_name
from nlp.rules import Rule
from nlp.vocabulary import Evidence, Severity

_WHY = {
    "placeholder": ("是未填写的占位名称", "is a placeholder left unfilled"),
    "region": ("是另一地区或另一级的单位名称", "names a unit of another region or level"),
    "unit": ("是另一单位的名称", "names another unit"),
}


class UnitName(Rule):
    """The report names another unit where its own name must stand: a
    statement headed "上海市普陀区XX局2024年度部门决算表" in the report of
    上海市普陀区财政局, the city's bureau named above the tables of a
    district's. The cover, the statements' headers and the sentences the
    narrative opens with its own name must name one unit; a header or a
    paragraph carried over from a template or another unit's report is
    wrong, and so may be the figures under it. Only a name that is clearly
    another unit's is flagged (a placeholder, a name whose region or unit
    differs); short forms (区财政局), the department's own units (its
    本级, those its accounts list), a slip of a character and notes in
    brackets (（汇总）) pass. The names are read in nlp/accounts/names.py."""

    code = "JS509"
    name = "unit_name"
    zh = "单位名称不一致"
    severity = Severity.WARNING
    evidence = Evidence.FIGURES
    summary = "another unit's name where the report's own must stand"
    summary_zh = "封面、报表表头或正文中的单位名称与本报告单位不一致"
    rationale_zh = (
        "报告在应写本单位名称的地方写了另一个单位：上海市普陀区财政局的报告中，报表表头写“上海市普陀区XX局2024年度部门决算表”；"
        "区级单位的报表上方写着市级单位的名称。封面、报表表头和正文中以本单位名称开头的句子应指同一个单位；"
        "从模板或其他单位报告中带来的表头或段落是错误的，其下的数字也可能有误。只报告明显属于另一单位的名称（占位名称、地区或单位不同的名称）；"
        "简称（区财政局）、部门所属单位（本级、决算编制范围所列单位）、个别错字以及括号中的说明（（汇总））均不作为问题。"
    )
    example = "（上海市普陀区财政局2024年度部门决算）第二部分 上海市普陀区XX局2024年度部门决算表"

    def check(self, report, options):
        found = mentions(report.text, report.tables)
        own = own_name(found)
        if own is None:
            return
        listed = members(report.text)
        headed = {m.start for m in found if m.place == "header" and m.start >= 0}
        for m in found:
            why = foreign(m.bare, own, listed)
            if why is None or (m.place == "text" and m.start in headed):
                continue
            where = report.locate(m.start, m.end) if m.start >= 0 else None
            at_zh, at_en = place(where)
            if m.statement is not None:
                cite_zh, cite_en = (m.statement.title, f"the {m.statement.title}") if at_zh else m.statement.cite(None, None)
                in_zh, in_en = f"{cite_zh}的表头", f"the header of {cite_en}"
            else:
                in_zh, in_en = ("封面" if m.place == "cover" else "正文"), ("the cover" if m.place == "cover" else "the narrative")
            if at_zh:
                in_zh, in_en = f"{in_zh}（{at_zh}）", f"{in_en} ({at_en})"
            yield self.finding(
                f"{in_zh}写“{m.name}”，{_WHY[why][0]}：本报告单位为“{own}”",
                f"{in_en} names “{m.name}”, which {_WHY[why][1]}: the report is “{own}”'s",
                [], location=where, signal=why, cell=m.statement.cell(None, None) if m.statement is not None else None,
            )
