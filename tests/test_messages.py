"""Every finding's message quotes its evidence: the words of the report it is
about (in “…”) or the figures it weighs, as the report prints them.

Run over each report rule's firing fixture (tests/fixtures/rules/), in every
language a finding is worded in.
"""

import re

import pytest

from nlp import analyze
from nlp.config import Settings
from nlp.rules import report_rules
from tests.test_rule_registry import FIXTURES

QUOTED = re.compile(r"“([^”]{2,})”")
FIGURE = re.compile(r"\d[\d,]*\.\d+|\d{4}")


def _plain(text: str) -> str:
    return re.sub(r"[\s,，]", "", text)


def _messages(finding) -> list[str]:
    return [m for m in (finding.message, getattr(finding, "message_en", None)) if m]


@pytest.mark.parametrize("rule", report_rules(), ids=lambda r: r.code)
def test_each_message_quotes_the_report(rule):
    path = FIXTURES / f"{rule.code}_fires.txt"
    text = path.read_text(encoding="utf-8")
    report = analyze(str(path), settings=Settings())
    hits = [f for f in report.findings if f.code == rule.code]
    assert hits
    said = _plain(report.text + "".join(h.text for h in report.hidden))  # JS901 quotes what the reader left out
    for finding in hits:
        for message in _messages(finding):
            quotes = [q.rstrip("…") for q in QUOTED.findall(message)]
            figures = [f for f in FIGURE.findall(message) if f.replace(",", "") in _plain(text)]
            assert any(_plain(q) in said for q in quotes) or figures, message
            assert "\n" not in message
