"""The standard statements of a department's final accounts (部门决算公开表),
as data: a maintainer adds a provincial variant here, nothing else.

A table is recognised by the title above it: its words, with spaces and
quotes taken out, contain a form's `title` or one of its `aliases`; the
longest match wins (财政拨款收入支出决算总表 holds 收入支出决算总表). Prefixes
(部门, 单位, the unit's name, 表一, 附表1-1) and suffixes (公开表) need no entry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Form:
    key: str  # stable, English: field names and JSON
    title: str  # the national title
    aliases: tuple[str, ...] = ()
    required: bool = True  # one of the nine every department publishes


FORMS = (
    Form("summary", "收入支出决算总表", ("收支决算总表",)),
    Form("income", "收入决算表"),
    Form("expenditure", "支出决算表"),
    Form("appropriation_summary", "财政拨款收入支出决算总表", ("财政拨款收支决算总表",)),
    Form("general_expenditure", "一般公共预算财政拨款支出决算表", ("一般公共预算财政拨款支出决算明细表",)),
    Form("basic_expenditure", "一般公共预算财政拨款基本支出决算表", ("一般公共预算财政拨款基本支出决算明细表",)),
    Form("three_public", "财政拨款三公经费支出决算表", ("一般公共预算财政拨款三公经费支出决算表", "三公经费支出决算表")),
    Form("government_fund", "政府性基金预算财政拨款收入支出决算表", ("政府性基金预算财政拨款支出决算表",)),
    Form("state_capital", "国有资本经营预算财政拨款收入支出决算表", ("国有资本经营预算财政拨款支出决算表",)),
)
BY_KEY = {f.key: f for f in FORMS}

_IGNORED = re.compile(r"[\s\"'“”‘’「」『』《》]")


def squeeze(text: str) -> str:
    """Text without spaces and quotes, as titles are compared."""
    return _IGNORED.sub("", text)


def form_of(caption: str) -> tuple[Form, str] | None:
    """The form whose title the caption holds, and the caption's line that
    holds it (the title as written): the line nearest the table that holds
    one, the longest title in it; None when no form's title is there."""
    for line in reversed(caption.split("\n")):
        best = _longest(squeeze(line))
        if best is not None:
            return best, line.strip()
    best = _longest(squeeze(caption))  # a title broken over lines
    return (best, best.title) if best else None


def _longest(flat: str) -> Form | None:
    found = [(len(t), f) for f in FORMS for t in (f.title, *f.aliases) if t in flat]
    return max(found, key=lambda x: x[0])[1] if found else None
