import re

from nlp.accounts import FORMS
from nlp.accounts.forms import squeeze
from nlp.rules import Rule
from nlp.vocabulary import Evidence, Severity

# An empty statement may be left out if the report says so where it would stand.
_EMPTY_NOTE = re.compile(r"为空表|故本表无数据|本表无数据|无[^。\n]{0,40}故[^。\n]{0,10}空表")


class StatementsMissing(Rule):
    """A report that publishes its statements (决算报表) leaves one of the
    nine standard statements out, without the note that stands for an empty
    one ("本部门无政府性基金预算财政拨款收入支出，故本表无数据", "本表为空
    表"). Every department publishes all nine; a missing one hides figures
    the narrative rests on, and no other check can find what is not there.
    Reports whose statements are not among the tables read (published as a
    separate spreadsheet, or no statements at all) are not judged."""

    code = "JS504"
    name = "statements_missing"
    zh = "决算报表缺失"
    severity = Severity.ERROR
    evidence = Evidence.FIGURES
    summary = "a standard statement left out, without the note of an empty one"
    summary_zh = "缺少标准决算报表，也没有空表说明"
    rationale_zh = (
        "报告公开了决算报表，却缺少九张标准报表中的一张，也没有空表说明（“本部门无政府性基金预算财政拨款收入支出，故本表无数据”、"
        "“本表为空表”）。每个部门都应公开全部九张报表；缺表会隐藏正文所依据的数字，也使其他核对无从进行。"
        "报表不在所读表格中的报告（另以电子表格公开，或没有报表）不作判断。"
    )
    example = "（收入决算表之后直接是财政拨款收入支出决算总表，没有支出决算表）"

    def check(self, report, options):
        if not report.tables:
            return
        present = {t.form: t for t in report.tables}
        flat = squeeze(report.text)
        for n, form in enumerate(FORMS):
            if not form.required or form.key in present or _noted_empty(flat, form):
                continue
            # the statement it would follow (or precede), quoted as the report titles it
            before = [present[f.key] for f in reversed(FORMS[:n]) if f.key in present]
            near = before[0] if before else next(present[f.key] for f in FORMS[n + 1 :] if f.key in present)
            where = "之后" if before else "之前"
            yield self.finding(
                f"缺少{form.title}：报告公开了其余 {len(present)} 张标准决算报表，“{near.title}”{where}没有这一张，也没有空表说明",
                f"the {form.title} is missing: the report publishes {len(present)} other standard statements, "
                f"but not this one {'after' if where == '之后' else 'before'} “{near.title}”, and no note says it is empty",
                [], location=None, signal=form.key,
            )


def _noted_empty(flat: str, form) -> bool:
    """The form's title, not inside a longer one's (支出决算表 in
    政府性基金预算财政拨款收入支出决算表), followed closely by an empty-table note."""
    longer = [t for f in FORMS if f is not form for t in (f.title, *f.aliases)]
    for title in (form.title, *form.aliases):
        for m in re.finditer(re.escape(title), flat):
            inside = any(m.start() >= t.find(title) and flat.startswith(t, m.start() - t.find(title))
                         for t in longer if title in t and t != title)
            if not inside and _EMPTY_NOTE.search(flat, m.end(), m.end() + 80):
                return True
    return False
