"""The cause labels are spelt once, in nlp.vocabulary: adding one touches that
module and the corpus, nothing else in code."""

import ast
from pathlib import Path

import pytest

from nlp.vocabulary import LABELS, Label, Severity, label_zh

NLP = Path(__file__).resolve().parent.parent / "nlp"
# "other" is also a basis and a regex group's name: too common a word to search for.
DISTINCT = set(LABELS) - {"other"}


@pytest.mark.parametrize("path", sorted(NLP.rglob("*.py")), ids=lambda p: str(p.relative_to(NLP)))
def test_no_module_but_the_vocabulary_spells_a_label(path):
    if path.name == "vocabulary.py":
        return
    spelt = {
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and node.value in DISTINCT
    }
    assert spelt == set(), "import the label from nlp.vocabulary"


def test_every_label_has_a_chinese_name_and_a_colour():
    for label in Label:
        assert label.zh and label.colour.startswith("#")
    assert len({label.zh for label in Label}) == len(LABELS)


def test_members_behave_as_their_strings():
    assert Label("no_change") == "no_change" and f"{Label.OTHER}" == "other"
    assert label_zh("staffing") == "人员与薪酬" and label_zh("my_own_label") == "my_own_label"
    assert sorted(Severity, key=lambda s: s.rank) == [Severity.ERROR, Severity.WARNING, Severity.INFO]
