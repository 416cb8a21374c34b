"""The table of trigger forms (nlp/triggers.py): every form has invented
examples in tests/fixtures/trigger_forms.jsonl, and each example gives one
explanation with that form, its reason, direction and basis."""
from __future__ import annotations

import json
import re

import pytest

from nlp import analyze
from nlp.triggers import FORMS
from tests.extract_helpers import FIXTURES

EXAMPLES = [json.loads(line) for line in (FIXTURES / "trigger_forms.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_form_has_an_example():
    assert {f.name for f in FORMS} <= {e["form"] for e in EXAMPLES}, {f.name for f in FORMS} - {e["form"] for e in EXAMPLES}
    assert {e["form"] for e in EXAMPLES} <= {f.name for f in FORMS}


def test_form_names_are_unique():
    assert len({f.name for f in FORMS}) == len(FORMS)


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e['form']}-{i}" for i, e in enumerate(EXAMPLES)])
def test_form_example(example):
    report = analyze("example.txt", text=example["text"], model=None)
    assert len(report.explanations) == 1, [(e.trigger, e.reason) for e in report.explanations]
    e = report.explanations[0]
    assert e.trigger == example["form"]
    assert e.reason == example["reason"]
    assert (e.statement.direction, e.statement.basis) == (example["direction"], example["basis"])
    # The location covers the reason in the original text.
    original = re.sub(r"\s", "", example["text"][e.location.start : e.location.end])
    assert re.sub(r"\s", "", example["reason"]) in original
