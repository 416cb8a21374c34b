"""The rule registry, ruff's fixture-per-code habit: every module of
`nlp/rules` is one registered rule with a stable code, a name, a Chinese
name, a summary and its Chinese `summary_zh`, a rationale and an example, and each rule has a fixture
that fires and a near miss that does not:

    tests/fixtures/rules/JS101_fires.txt   JS101_passes.txt    (a report rule: one report)
    tests/fixtures/rules/JS801_fires/      JS801_passes/       (a corpus rule: a few reports)

A new rule module without its pair fails here. The fixtures are invented
reports; a report rule's is analysed with every rule on (no settings file),
a corpus rule's folder is run through `juesuan batch`.
"""

from __future__ import annotations

import ast
import csv
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import nlp.rules
from nlp import analyze
from nlp.config import Settings
from nlp.rules import Rule, corpus_rules, find_rule, registry, report_rules
from nlp.vocabulary import Severity

FIXTURES = Path(__file__).parent / "fixtures" / "rules"

# Codes are stable: once published, a code keeps its rule (users select and
# ignore rules by code, and the batch tables have a column per code).
PUBLISHED = {
    "JS101": "missing",
    "JS201": "vague",
    "JS202": "restated",
    "JS203": "non_explanation",
    "JS301": "repeated",
    "JS302": "blanket",
    "JS401": "direction_mismatch",
    "JS501": "arithmetic",
    "JS502": "unit",
    "JS601": "contradiction",
    "JS503": "year_mismatch",
    "JS504": "statements_missing",
    "JS505": "narrative_totals",
    "JS701": "template_leftover",
    "JS702": "numbering",
    "JS703": "doubled_punctuation",
    "JS801": "copied_across_units",
    "JS802": "sticky_across_years",
    "JS901": "hidden_text",
}


def rule_modules() -> list[str]:
    return [info.name for info in pkgutil.iter_modules(nlp.rules.__path__, prefix="nlp.rules.")]


@pytest.mark.parametrize("module", rule_modules())
def test_every_module_is_one_registered_rule(module):
    mod = importlib.import_module(module)
    defined = [c for c in vars(mod).values() if isinstance(c, type) and issubclass(c, Rule) and c.__module__ == module]
    assert len(defined) == 1, f"{module} defines {len(defined)} rules"
    assert [r for r in registry() if type(r) is defined[0]], f"{module}'s rule is not in the registry"


def test_the_registry_holds_the_rules_of_the_modules_and_nothing_else():
    assert sorted(type(r).__module__ for r in registry()) == sorted(rule_modules())


# Layers above the rules (layer 4): nothing in nlp/rules may import them.
ABOVE_RULES = {"pipeline", "report", "limits", "batch", "cli"}


@pytest.mark.parametrize("path", sorted(Path(nlp.rules.__file__).parent.glob("*.py")), ids=lambda p: p.name)
def test_rules_import_nothing_above_their_layer(path):
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported |= {node.module} | {f"{node.module}.{a.name}" for a in node.names if node.module == "nlp"}
    above = sorted(m for m in imported if m.startswith("nlp.") and m.split(".")[1] in ABOVE_RULES)
    assert above == [], f"{path.name} imports {above}"


def test_codes_and_names_are_unique_and_stable():
    codes = [r.code for r in registry()]
    names = [r.name for r in registry()]
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)
    assert codes == sorted(codes)
    for rule in registry():
        assert re.fullmatch(r"JS\d{3}", rule.code)
        assert PUBLISHED.get(rule.code, rule.name) == rule.name, f"{rule.code} was {PUBLISHED[rule.code]}"
    assert set(PUBLISHED) <= set(codes), "a published rule is gone"
    assert find_rule("JS301") is find_rule("repeated")


@pytest.mark.parametrize("rule", registry(), ids=lambda r: r.code)
def test_every_rule_is_documented(rule):
    assert re.fullmatch(r"[a-z]+(?:_[a-z]+)*", rule.name)
    assert re.fullmatch(r"[\u4e00-\u9fff]{2,8}", rule.zh), rule.zh
    assert rule.summary and not rule.summary.endswith(".")
    assert "summary_zh" in vars(type(rule)), "the summary in Chinese, for juesuan rules"
    assert re.search(r"[\u4e00-\u9fff]{2}", rule.summary_zh) and not rule.summary_zh.endswith("。")
    assert "rationale_zh" in vars(type(rule)) and len(re.findall(r"[\u4e00-\u9fff]", rule.rationale_zh)) > 40, \
        "the rationale in Chinese, for juesuan rules CODE"
    assert len(rule.rationale) > 80, "the docstring says what the rule flags and why"
    assert re.search(r"[\u4e00-\u9fff]", rule.example), "an example in a report's words"
    assert rule.severity in set(Severity)
    assert rule.scope in ("report", "corpus")
    assert isinstance(rule.options, dict)
    if rule.scope == "corpus":
        assert callable(getattr(rule, "message", None)), "a corpus rule words its findings"


def test_every_fixture_belongs_to_a_rule():
    codes = {r.code for r in registry()}
    stray = [p.name for p in FIXTURES.glob("JS*") if p.name.split("_")[0] not in codes]
    assert stray == []


@pytest.mark.parametrize("kind", ["fires", "passes"])
@pytest.mark.parametrize("rule", report_rules(), ids=lambda r: r.code)
def test_report_rule_fixtures(rule, kind):
    path = FIXTURES / f"{rule.code}_{kind}.txt"
    assert path.is_file(), f"{rule.code} ({rule.name}) has no fixture {path.name}"
    report = analyze(str(path), settings=Settings())
    hits = [f for f in report.findings if f.code == rule.code]
    if kind == "fires":
        assert hits, f"{path.name} should make {rule.code} fire"
        assert all(f.rule == rule.name and f.severity == rule.severity for f in hits)
        assert all(_worded_in_chinese(f.message) and re.search(r"[a-z]{3,} [a-z]{2,}", f.message_en) for f in hits)
    else:
        assert hits == [], f"{path.name} should not make {rule.code} fire: {[f.message for f in hits]}"


@pytest.mark.parametrize("kind", ["fires", "passes"])
@pytest.mark.parametrize("rule", corpus_rules(), ids=lambda r: r.code)
def test_corpus_rule_fixtures(rule, kind, tmp_path):
    from nlp.batch.run import run_batch

    folder = FIXTURES / f"{rule.code}_{kind}"
    assert folder.is_dir(), f"{rule.code} ({rule.name}) has no fixture folder {folder.name}/"
    assert len(list(folder.glob("*.txt"))) >= 2, "a corpus rule compares reports"
    run_batch([str(folder)], str(tmp_path / "out"), workers=1, progress=False)
    with open(tmp_path / "out" / "findings.csv", encoding="utf-8-sig", newline="") as f:
        hits = [row for row in csv.DictReader(f) if row["code"] == rule.code]
    if kind == "fires":
        assert hits, f"{folder.name} should make {rule.code} fire"
        assert all(h["scope"] == "corpus" and h["rule"] == rule.name and h["severity"] == rule.severity for h in hits)
        assert all("“" in h["message"] for h in hits), "the message quotes the reason"
        assert all(_worded_in_chinese(h["message"]) for h in hits), "in Chinese by default"
        run_batch([str(folder)], str(tmp_path / "en"), workers=1, progress=False, lang="en")
        with open(tmp_path / "en" / "findings.csv", encoding="utf-8-sig", newline="") as f:
            english = [row["message"] for row in csv.DictReader(f) if row["code"] == rule.code]
        assert len(english) == len(hits) and all(re.search(r"[a-z]{3,} [a-z]{2,}", m) for m in english)
    else:
        assert hits == [], f"{folder.name} should not make {rule.code} fire: {[h['message'] for h in hits]}"


def _worded_in_chinese(message: str) -> bool:
    """Chinese words beside what the message quotes (“…”), item names aside:
    a Chinese message has a Chinese word of its own in every rule's wording."""
    return bool(re.search(r"[，：；（）]|原因|变动|不符|模板|报告|问题|说明|单位|指标|相同|含糊|有误", re.sub(r"“[^”]*”", "", message)))
