"""Forms of a change statement and its reason that real reports use, one
invented sentence each (units, places and figures made up): the reason after
them is found whole, whatever the statement before it looks like."""
from __future__ import annotations

import pytest

from nlp import analyze


def _reasons(text: str) -> list[str]:
    return [e.reason for e in analyze("forms.txt", text=text, model=None).explanations]


# (what the case shows, the text, the reasons expected, in order)
FORMS = [
    # A bracket that only states the change again is part of the statement.
    ("bracket restating the percentage", "绿化支出增加46.2万元（增长12.4%），主要原因是新增滨河步道养护。", ["新增滨河步道养护"]),
    ("bracket restating, weak trigger", "绿化支出增加46.2万元（增幅12.4%），主要是新增滨河步道养护。", ["新增滨河步道养护"]),
    ("bracket restating a decrease", "印刷费减少3.1万元（下降20.5%），原因为宣传册改为电子版。", ["宣传册改为电子版"]),
    ("bracket holding a reason still is one", "印刷费下降20.5%（宣传册改为电子版）。", ["宣传册改为电子版"]),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=name) for name, t, e in FORMS])
def test_the_reason_after_a_statement_form_is_found(text, expected):
    assert _reasons(text) == expected
