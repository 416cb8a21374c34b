"""The sums inside one statement, as an auditor adds them up.

- coded rows: each 类 is the sum of its 款, each 款 of its 项, the 合计 row
  of the 类 (function codes 201…, economic codes 301…);
- columns: the first amount column (本年收入合计, 本年支出合计, 合计) is the
  sum of the others (财政拨款收入 + …, 基本支出 + 项目支出 + …);
- 人员经费合计 = 301 + 303, 公用经费合计 = the other classes;
- 三公: 合计 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费, and
  the car's 小计 = 购置费 + 运行费, for the budget and for the actual;
- the two 总表: 本年收入合计 and 本年支出合计 the sums of their numbered
  items, and the two sides' 总计 equal.

Blank cells count 0. Each printed part is rounded to 0.01 万元, so a sum may
differ from its total by half a cent a part: 0.01 万元, or 0.005 per part
when there are more than two, is rounding (尾差): it passes `table_sums`
and is listed by `table_rounding`, a note (JS511), so that a cell is one
or the other, never both.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.accounts.statements import Row, Statement

TOLERANCE = 0.01
_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")


@dataclass
class Mismatch:
    """A cell that is not what the cells it sums make."""

    statement: Statement
    row: Row
    column: str
    found: float
    expected: float
    parts_zh: str  # what it should be the sum of
    parts_en: str
    tolerance: float  # what rounding its parts can make

    @property
    def rounding(self) -> bool:
        return abs(self.found - self.expected) <= self.tolerance + 1e-9


def table_sums(statement: Statement) -> list[Mismatch]:
    """The cells that are not the sum of their parts, beyond rounding."""
    return [m for m in _differences(statement) if not m.rounding]


def table_rounding(statement: Statement) -> list[Mismatch]:
    """The cells that are the sum of their parts only within rounding (尾差)."""
    return [m for m in _differences(statement) if m.rounding]


def _differences(statement: Statement) -> list[Mismatch]:
    """Every cell that differs from the sum of its parts by a cent or more."""
    if statement.form == "three_public":
        return _three_public(statement)
    if statement.form in ("summary", "appropriation_summary"):
        return _two_sided(statement)
    found = _hierarchy(statement) + _columns(statement)
    if statement.form == "basic_expenditure":
        found += _personnel(statement)
    return found


def _v(row: Row, column: str) -> float:
    return row.values.get(column) or 0.0


def _check(statement, row, column, parts: list[float], zh: str, en: str) -> list[Mismatch]:
    found, expected = _v(row, column), round(sum(parts), 2)
    if abs(found - expected) > 0.005:
        return [Mismatch(statement, row, column, found, expected, zh, en, max(TOLERANCE, 0.005 * len(parts)))]
    return []


def _hierarchy(statement: Statement) -> list[Mismatch]:
    out = []
    coded = [r for r in statement.rows if r.level]
    for parent in coded:
        children = [r for r in coded if r.side == parent.side and r.level == parent.level + 1 and r.code.startswith(parent.code)]
        if not children:
            continue
        for column in parent.values:
            codes = "、".join(c.code for c in children[:4])
            more = len(children) > 4
            out += _check(statement, parent, column, [_v(c, column) for c in children],
                          f"下级科目（{codes}{'等' if more else ''}）之和",
                          f"the sum of its sub-items ({codes.replace('、', ', ')}{', …' if more else ''})")
    for total in (r for r in statement.rows if r.name in ("合计", "总计") and not r.code):
        classes = [r for r in coded if r.side == total.side and r.level == 1]
        if classes:
            for column in total.values:
                out += _check(statement, total, column, [_v(c, column) for c in classes],
                              "各类科目之和", "the sum of its classes")
    return out


def _columns(statement: Statement) -> list[Mismatch]:
    if len(statement.columns) < 3 or "合计" not in statement.columns[0] or statement.form == "basic_expenditure":
        return []
    first, parts = statement.columns[0], statement.columns[1:]
    out = []
    for row in statement.rows:
        if any(row.values.get(c) is not None for c in statement.columns):
            out += _check(statement, row, first, [_v(row, c) for c in parts], "、".join(parts) + "之和",
                          "the sum of the other columns")
    return out


def _personnel(statement: Statement) -> list[Mismatch]:
    classes = [r for r in statement.rows if r.level == 1]
    out = []
    for pattern, chosen, zh in (("^人员经费合计$", ("301", "303"), "工资福利支出与对个人和家庭的补助之和"),
                                ("^公用经费合计$", None, "商品和服务支出等其他类之和")):
        total = statement.find(pattern)
        if total is None or not classes:
            continue
        parts = [r for r in classes if (r.code in chosen if chosen else r.code not in ("301", "303"))]
        column = next(iter(total.values), None)
        if column:
            out += _check(statement, total, column, [next(iter(r.values.values()), None) or 0.0 for r in parts], zh,
                          "the sum of its economic classes")
    return out


def _three_public(statement: Statement) -> list[Mismatch]:
    out = []
    for row in statement.rows:
        for kind in ("预算", "决算"):
            # "公务用车购置及运行维护费/公务用车购置费/预算数": the item is the part before 预算数
            item = {c: (c.split("/")[-2] if "/" in c else c) for c in statement.columns if kind in c.split("/")[-1]}
            total = next((c for c, i in item.items() if "合计" in i), None)
            trip = next((c for c, i in item.items() if "出国" in i), None)
            car = next((c for c, i in item.items() if i == "小计" or "购置及运行" in i), None)
            host = next((c for c, i in item.items() if "接待" in i), None)
            if total and trip and car and host:
                out += _check(statement, row, total, [_v(row, trip), _v(row, car), _v(row, host)],
                              "因公出国（境）费、公务用车购置及运行维护费、公务接待费之和", "the sum of its three items")
            buy = next((c for c, i in item.items() if "购置费" in i and "及" not in i), None)
            run = next((c for c, i in item.items() if "运行" in i and "购置" not in i), None)
            if car and buy and run:
                out += _check(statement, row, car, [_v(row, buy), _v(row, run)], "公务用车购置费与运行维护费之和",
                              "the sum of car purchase and running")
    return out


def _two_sided(statement: Statement) -> list[Mismatch]:
    out = []
    for side, label in ((0, "本年收入合计"), (1, "本年支出合计")):
        total = statement.find(f"^{label}", side)
        if total is None:
            continue
        items = [r for r in statement.rows if r.side == side and r.row < total.row and _NUMBERED.match(r.name)]
        for column in total.values:
            out += _check(statement, total, column, [_v(r, column) for r in items], "各收入项目之和" if side == 0 else "各支出项目之和",
                          "the sum of its numbered items")
    left, right = statement.find("^总计$", 0), statement.find("^总计$", 1)
    if left is not None and right is not None and left.values and right.values:
        out += _check(statement, right, next(iter(right.values)), [next(iter(left.values.values())) or 0.0],
                      "收入方总计", "the income side's 总计")
    return out
