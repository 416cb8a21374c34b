import re
from collections import Counter

from nlp.rules import Rule
from nlp.vocabulary import Evidence, Severity

# The report's own name for itself: "2024年度部门决算", "2024年部门决算情况说明".
_TITLE_YEAR = re.compile(r"(20\d\d)\s*年度?\s*(?:部门|单位)决算")
# Places that must carry the report's year: its own title and section titles,
# and the date its balances are stated at.
# (?=[2截]): the branches' first characters, so that the scan passes over
# every other position at once.
_OWN_YEAR = re.compile(
    r"(?=[2截])(?:(?P<title>(?P<y1>20\d\d)\s*年度?\s*(?:部门|单位)决算(?:情况|公开)?(?:说明)?)"
    r"|(?P<date>截至\s*(?P<y2>20\d\d)\s*年\s*12\s*月\s*31\s*日))"
)
# "与2023年度部门决算相比": a comparison names last year on purpose.
_COMPARED = re.compile(r"(?:比|较|与|同|对比|上年|上一年度?)\s*$")


class YearMismatch(Rule):
    """The report names another year where its own must stand: a section
    titled "2023年度部门决算情况说明" or balances "截至2023年12月31日" in the
    report for 2024. The text was carried over from last year's report and not
    brought up to date, so the figures beside it may be last year's too. The
    report's year is the one its own title gives most often; comparisons with
    last year ("与2023年度部门决算相比") are not flagged."""

    code = "JS503"
    name = "year_mismatch"
    zh = "年度不符"
    severity = Severity.ERROR
    evidence = Evidence.FIGURES
    summary = "another year where the report's own must stand"
    summary_zh = "应写本年度处写了其他年度"
    rationale_zh = (
        "报告在应写本年度的地方写了其他年度：2024年度报告中出现“2023年度部门决算情况说明”或“截至2023年12月31日”。这些文字是从上年报告中带过来而未更新的，旁边的数字也可能是上年的。报告年度取标题中出现最多的年度；与上年比较的写法（“与2023年度部门决算相比”）不作为问题。"
    )
    example = "（2024年度部门决算中）2023年度部门决算情况说明；截至2023年12月31日，本单位共有车辆5辆。"

    def check(self, report, options):
        year = report_year(report.text)
        if year is None:
            return
        for m in _OWN_YEAR.finditer(report.text):
            said = int(m.group("y1") or m.group("y2"))
            if said == year or _COMPARED.search(report.text[max(0, m.start() - 6) : m.start()]):
                continue
            targets = [e for e in report.explanations if e.span[0] <= m.start() < e.span[1]]
            yield self.finding(
                f"本报告为 {year} 年度，文中却写“{m.group(0)}”",
                f"the report is for {year} but says “{m.group(0)}”",
                targets, location=report.locate(m.start(), m.end()),
            )


def report_year(text: str) -> int | None:
    """The year the report's title names most often (the later one on a tie)."""
    years = Counter(int(m.group(1)) for m in _TITLE_YEAR.finditer(text))
    if not years:
        return None
    return max(years, key=lambda y: (years[y], y))
