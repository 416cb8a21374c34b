"""The bundled example shows every quality rule firing at least once (or
replaced by a stronger rule's finding on the same explanations)."""
from nlp import analyze
from nlp.rules import find_rule, report_rules
from tests.extract_helpers import EXAMPLE


def test_every_rule_fires_on_the_example():
    report = analyze(EXAMPLE)
    fired = {f.code for f in report.findings}
    fired |= {code for f in report.findings for code in find_rule(f.code).supersedes}
    assert {r.code for r in report_rules()} <= fired, sorted({r.code for r in report_rules()} - fired)
    assert 0 < report.score < 100
