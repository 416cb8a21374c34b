import re
from dataclasses import dataclass

from nlp.numerals import integer
from nlp.rules import Rule
from nlp.vocabulary import Evidence, Severity

# Line-opening markers, highest level first: 一、 （一） 1、 （1）.
# What follows must be a word, so that table cells ("1、 2、") and figures
# ("1.5 万元") are not items.
_MARKERS = [
    re.compile(r"(?P<n>[一二三四五六七八九十]{1,3})、(?=[\u4e00-\u9fff（(“《])"),
    re.compile(r"[（(](?P<n>[一二三四五六七八九十]{1,3})[)）](?=[\u4e00-\u9fff“《])"),
    re.compile(r"(?P<n>\d{1,2})(?:[、．]|\.(?!\d))\s?(?=[\u4e00-\u9fff（(“《])"),
    re.compile(r"[（(](?P<n>\d{1,2})[)）](?=[\u4e00-\u9fff“《])"),
]
_PART = re.compile(r"第[一二三四五六七八九十]+部分")
_OPENERS = frozenset("一二三四五六七八九十（(第")  # what a marker or a 第X部分 opens with, besides a digit


@dataclass(frozen=True)
class _Item:
    start: int  # offset of the marker in the text
    label: str  # the marker as written: "二、", "（3）"
    number: int


def _runs(text: str) -> list[list[_Item]]:
    """Items of one level under one parent, in the order of the text: a
    marker of a higher level (or a 第X部分) ends the runs below it."""
    open_runs: dict[int, list[_Item]] = {}
    runs: list[list[_Item]] = []
    offset = 0
    for line in text.split("\n"):
        body = line.lstrip(" \t\u3000")
        start = offset + len(line) - len(body)
        offset += len(line) + 1
        if not (body[:1] in _OPENERS or body[:1].isdecimal()):  # most lines: no marker tried (\d is isdecimal)
            continue
        level, m = next(((i, m) for i, p in enumerate(_MARKERS) if (m := p.match(body))), (None, None))
        if level is None:
            if _PART.match(body):
                level = -1
            else:
                continue
        for deeper in [lv for lv in open_runs if lv > level]:
            runs.append(open_runs.pop(deeper))
        if m is not None:
            n = m.group("n")
            number = int(n) if n.isdigit() else integer(n)
            if number:
                open_runs.setdefault(level, []).append(_Item(start, m.group(0).strip(), number))
    return runs + list(open_runs.values())


def swapped(run: list[_Item]) -> list[tuple[_Item, _Item]]:
    """Neighbours written in the wrong order: N+1 then N, where the items
    around them (at least one) continue the count as if they were swapped."""
    pairs = []
    for i in range(len(run) - 1):
        a, b = run[i], run[i + 1]
        if b.number != a.number - 1:
            continue
        before = run[i - 1].number if i > 0 else None
        after = run[i + 2].number if i + 2 < len(run) else None
        if (before, after) == (None, None):
            continue
        if before in (None, b.number - 1) and after in (None, a.number + 1):
            pairs.append((a, b))
    return pairs


class Numbering(Rule):
    """Headings or items numbered out of order: "二、" before "一、", item 8
    before item 7. Sections and items were moved, deleted or pasted in after
    the report was drafted, and nobody read it through; the figures beside
    them may belong elsewhere. Only a swap that the neighbours confirm is
    reported (…6、8、7、… or 二、一、三、), so that a table's numbered rows
    or a list cut by page breaks is not taken for one."""

    code = "JS702"
    name = "numbering"
    zh = "编号错乱"
    severity = Severity.WARNING
    evidence = Evidence.STYLE
    summary = "sections or items numbered out of order"
    summary_zh = "标题或条目编号顺序颠倒"
    rationale_zh = (
        "标题或条目的编号顺序颠倒：“二、”在“一、”之前，第8项在第7项之前。说明报告在起草后移动、删除或粘贴过段落而未通读，"
        "旁边的数字也可能张冠李戴。只报告前后编号能印证的对调（…6、8、7、… 或 二、一、三、），以免把表格的编号行或被分页截断的列表误当作错乱。"
    )
    example = "二、收入决算情况说明……\n一、收入支出决算总体情况说明……\n三、支出决算情况说明……"

    def check(self, report, options):
        for run in _runs(report.text):
            for a, b in swapped(run):
                targets = [e for e in report.explanations if a.start <= e.span[0] and e.span[1] <= _end_of(run, b, len(report.text))]
                yield self.finding(
                    f"编号顺序颠倒：“{a.label}”写在“{b.label}”之前",
                    f"numbered out of order: “{a.label}” comes before “{b.label}”",
                    targets, location=report.locate(a.start, a.start + len(a.label)),
                )


def _end_of(run: list[_Item], item: _Item, default: int) -> int:
    """Where the item after `item` in its run starts (the end of `item`'s text)."""
    later = [x.start for x in run if x.start > item.start]
    return min(later, default=default)
