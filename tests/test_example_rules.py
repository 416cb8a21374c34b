"""The bundled example shows every quality rule firing at least once (or
replaced by a stronger rule's finding on the same explanations), each
finding worded in Chinese and in English."""
import re

from nlp import analyze
from nlp.rules import find_rule, report_rules
from tests.extract_helpers import EXAMPLE


def test_every_rule_fires_on_the_example():
    report = analyze(EXAMPLE)
    fired = {f.code for f in report.findings}
    fired |= {code for f in report.findings for code in find_rule(f.code).supersedes}
    # Plain text cannot hide text: JS901 (hidden_text) fires on the HTML of its fixture, not on the example.
    # The example's statements have no budget column (JS102) and no misnumbered row (JS508), and its
    # figures are pinned: those and JS509–JS511 (unit name, shares, rounding) fire on their fixtures.
    expected = {r.code for r in report_rules()} - {"JS901", "JS102", "JS508", "JS509", "JS510", "JS511"}
    assert expected <= fired, sorted(expected - fired)
    assert 0 < report.score < 100


def test_every_finding_of_the_example_is_worded_in_chinese_and_in_english():
    report = analyze(EXAMPLE)
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for f in report.findings:
        # What each says beside its quotes (“…”): Chinese words in one, English words in the other.
        said, said_en = (re.sub(r"“[^”]*”", "", m) for m in (f.message, f.message_en))
        assert cjk.search(said) and not re.search(r"[a-z]{3,} [a-z]{2,}", said), f.message
        assert re.search(r"[a-z]{3,} [a-z]{2,}", said_en), f.message_en
        assert len(cjk.findall(said)) > len(cjk.findall(said_en)), f
        # The same figures in both (the Chinese may name one twice).
        figures = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?%?")
        assert set(figures.findall(f.message)) == set(figures.findall(f.message_en)), f
