from nlp.accounts.chart import misnamed
from nlp.accounts.forms import squeeze
from nlp.rules import Rule
from nlp.vocabulary import Evidence, Severity


class FunctionCode(Rule):
    """A statement row whose code and name disagree under the national chart
    of accounts (政府收支分类科目): "2080505 机关事业单位职业年金缴费支出",
    where 2080505 is 机关事业单位基本养老保险缴费支出 and the 职业年金 is 2080506;
    "2101101 事业单位医疗". Spending booked under the wrong code is reported
    to the wrong line of the national accounts, and every table that repeats
    the row repeats the error. The chart (function classification 类/款/项
    and the economic classification of the 基本支出 table) is data in
    nlp/data/; a code not in it is not checked (provinces add codes), and
    names are compared tolerantly (spaces, brackets, a trailing 支出, a
    wording close to the chart's). One finding per code and name, naming
    the first table that has the row and how many others repeat it."""

    code = "JS508"
    name = "function_code"
    zh = "科目编码不符"
    severity = Severity.WARNING
    evidence = Evidence.FIGURES
    summary = "a statement row whose code is another item under the national chart of accounts"
    summary_zh = "报表行的科目编码与科目名称按政府收支分类科目不对应"
    rationale_zh = (
        "报表行的科目编码与科目名称按国家政府收支分类科目不对应：“2080505 机关事业单位职业年金缴费支出”，而 2080505 是机关事业单位基本养老保险缴费支出，"
        "职业年金缴费支出应为 2080506；“2101101 事业单位医疗”，而 2101101 是行政单位医疗。编码错了，支出就记到了国家账目的另一行，"
        "重复该行的每张表都带着同一个错误。科目表（支出功能分类的类、款、项，以及基本支出表所用的经济分类）以数据形式放在 nlp/data/ 中；"
        "不在科目表中的编码不作检查（各地会增设科目），名称比较时不计空格、括号全半角、末尾的“支出”以及与科目表相近的写法。"
        "同一编码与名称只报告一次，指明首张含该行的报表及另有几张报表重复该行。"
    )
    example = "支出决算表：2080505 机关事业单位职业年金缴费支出 12.00"

    def check(self, report, options):
        seen: dict[tuple[str, str], list] = {}
        for statement in report.tables:
            for row in statement.rows:
                wrong = misnamed(row.code, row.name) if row.code else None
                if wrong is not None:
                    seen.setdefault((row.code, squeeze(row.name)), []).append((statement, row, wrong))
        for (statement, row, wrong), *others in seen.values():
            cell_zh, cell_en = statement.cite(row, None)
            if wrong.instead:
                zh = f"按科目表应为 {wrong.instead}（{wrong.code} 为“{wrong.chart_name}”）"
                en = f"which the chart of accounts numbers {wrong.instead} ({wrong.code} is “{wrong.chart_name}”)"
            else:
                zh = f"而科目表中 {wrong.code} 为“{wrong.chart_name}”"
                en = f"but the chart of accounts names {wrong.code} “{wrong.chart_name}”"
            also_zh = f"；另有 {len(others)} 张报表重复该行" if others else ""
            also_en = f"; {len(others)} more statements repeat the row" if others else ""
            yield self.finding(
                f"{cell_zh}科目编码 {wrong.code} 写作“{wrong.name}”，{zh}{also_zh}",
                f"{cell_en}: code {wrong.code} is written “{wrong.name}”, {en}{also_en}",
                [], location=None, signal=statement.form, cell=statement.cell(row, None),
            )
