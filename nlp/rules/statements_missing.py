import re

from nlp.accounts import FORMS
from nlp.accounts.forms import squeeze
from nlp.rules import Rule
from nlp.vocabulary import Evidence, Severity

# An empty statement may be left out if the report says so where it would stand.
_EMPTY_NOTE = re.compile(r"为空表|故本表无数据|本表无数据|无[^。\n]{0,40}故[^。\n]{0,10}空表")
_NOTE_LINES = 30  # unpaged input: how far below its first row a statement's note may stand
# A report announces its statements: a part or numbered heading (in its 目录
# or its body) naming them, "第二部分 某局2024年度部门决算表", "四、部门决算报表".
_ANNOUNCED = re.compile(r"^[ \t]*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、)[^\n。]{0,30}?决算(?:报表|公开表|表)[ \t]*$", re.M)
# ... or publishes them apart from this file: nothing here to judge.
_APART = re.compile(r"决算(?:报表|表)[^\n。]{0,12}(?:见附[表件]|另行公开|单独公开)")
_UNIT = re.compile(r"单位\s*[:：]\s*(?:万?元|千元)")
_TITLES_ANNOUNCE = 3  # standard statements named in the text: a list of them
_BY_TITLE = {t: f.key for f in FORMS for t in (f.title, *f.aliases)}
_TITLE = re.compile("|".join(re.escape(t) for t in sorted(_BY_TITLE, key=len, reverse=True)))


class StatementsMissing(Rule):
    """A report that publishes its statements (决算报表) leaves one of the
    nine standard statements out, or prints one empty, without the note
    that stands for an empty one ("本部门无政府性基金预算财政拨款收入支出，故
    本表无数据", "本表为空表"); or a whole report publishes none at all.
    Every department publishes all nine; a missing one hides figures the
    narrative rests on, and no other check can find what is not there. A
    report with no statement read is judged when it is a whole report (it
    has its 部门概况 and its 决算情况说明) or announces them (a part or
    heading naming its 部门决算表, or their titles listed); not when it says
    they are published apart ("见附表"), when their titles stand over a unit
    line (the tables are there, but not readable as tables), nor when it is
    an excerpt. A report whose every statement is empty is a blank form."""

    code = "JS504"
    name = "statements_missing"
    zh = "决算报表缺失"
    severity = Severity.ERROR
    evidence = Evidence.FIGURES
    summary = "a standard statement left out or empty without the note of an empty one, or none at all"
    summary_zh = "缺少标准决算报表或空表没有说明，或完全没有决算报表"
    rationale_zh = (
        "报告公开了决算报表，却缺少九张标准报表中的一张，或者某张报表为空表却没有空表说明（“本部门无政府性基金预算财政拨款收入支出，故本表无数据”、"
        "“本表为空表”）；或者一份完整的报告一张决算报表也没有。每个部门都应公开全部九张报表；缺表会隐藏正文所依据的数字，也使其他核对无从进行。"
        "没有读到任何报表的报告，只在它是完整的报告（既有部门概况，又有决算情况说明）或宣布了报表（目录或标题列出部门决算表，或列出各表名称）时判断；"
        "报告说明报表另行公开（“见附表”）、表名下有“单位：万元”（表格在，但无法按表格读取）或只是报告的节选时，不作判断。"
        "所有报表都为空表的报告是空白模板，不逐表判断。"
    )
    example = "（收入决算表之后直接是财政拨款收入支出决算总表，没有支出决算表）"

    def check(self, report, options):
        if not report.tables:
            yield from self._none(report)
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
        yield from self._empty(report, flat)

    def _empty(self, report, flat: str):
        """A statement printed empty, without its note below it or in the narrative."""
        if all(t.empty for t in report.tables):
            return  # a blank form, a template: no figures to leave out
        notes = [report.locate(m.start()) for m in _EMPTY_NOTE.finditer(report.text)]
        by_line = sorted(t.line for t in report.tables if t.line)
        for t in report.tables:
            form = next((f for f in FORMS if f.key == t.form), None)
            if not t.empty or form is None or _noted_empty(flat, form) or _noted_below(t, notes, by_line):
                continue
            cell = t.cell(None, None)
            yield self.finding(
                f"{cell.describe('zh')}为空表，却没有空表说明（如“本部门无……，故本表无数据”）",
                f"{cell.describe('en')} is empty, with no note saying why (such as “本部门无……，故本表无数据”)",
                [], location=None, signal=t.form, cell=cell,
            )

    def _none(self, report):
        """A whole report, or one that announces its statements, with none read."""
        text = report.text
        if _APART.search(text) or _titled_tables(text):
            return
        heading = _ANNOUNCED.search(text)
        titles = _listed_titles(text)
        if heading:
            said = (report.repaired.quote(*heading.span()) if report.repaired else heading.group(0)).strip()  # as written
            why_zh, why_en, at = f"报告列有“{said}”", f"the report lists “{said}”", heading.start()
        elif len(titles) >= _TITLES_ANNOUNCE:
            why_zh, why_en, at = f"报告列出了 {len(titles)} 张标准报表的名称", f"the report names {len(titles)} standard statements", None
        elif "部门概况" in text and "决算情况说明" in text:
            why_zh, why_en, at = "报告有部门概况和决算情况说明，是完整的决算报告", "the report has its 部门概况 and its 决算情况说明: it is a whole report", None
        else:
            return  # an excerpt, a narrative alone
        yield self.finding(
            f"没有决算报表：{why_zh}，却没有九张标准决算报表中的任何一张，也没有说明另行公开",
            f"no statements: {why_en}, but none of the nine standard statements is there, and nothing says they are published apart",
            [], location=report.locate(at) if at is not None else None, signal="none",
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


def _noted_below(statement, notes, lines: list[int]) -> bool:
    """An empty-table note on the statement's page (PDF), or below its first
    row (unpaged: before the next statement, within `_NOTE_LINES` lines)."""
    if statement.pages:
        return any(n.page in statement.pages for n in notes)
    if not statement.line:
        return False
    after = [n for n in lines if n > statement.line]
    end = min([statement.line + _NOTE_LINES, *after[:1]])
    return any(n.page is None and n.line is not None and statement.line <= n.line < end for n in notes)


def _listed_titles(text: str) -> set[str]:
    """The standard statements whose titles the text names (a 目录, a list
    of the statements), each title read whole (the longest at its place)."""
    return {_BY_TITLE[m.group(0)] for m in _TITLE.finditer(squeeze(text))}


def _titled_tables(text: str) -> bool:
    """A standard title with a unit line right under it: a statement is there, not read as a table."""
    for m in _UNIT.finditer(text):
        above = squeeze(text[max(0, m.start() - 80):m.start()])
        if any(t in above for f in FORMS for t in (f.title, *f.aliases)):
            return True
    return False
