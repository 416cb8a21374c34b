"""The bundled example shows every quality rule firing at least once."""
from nlp import analyze
from nlp.rules import report_rules
from tests.extract_helpers import EXAMPLE


def test_every_rule_fires_on_the_example():
    report = analyze(EXAMPLE)
    fired = {f.code for f in report.findings}
    assert {r.code for r in report_rules()} <= fired, sorted({r.code for r in report_rules()} - fired)
    assert 0 < report.score < 100
