"""The package's layers: no module imports from a layer above its own.

Reading a report runs upward through these layers, and each may use only what
is below it (or beside it, without a loop). A new module must be given a layer
here, so that where it belongs is decided once. `python -m tests.test_layers`
prints the import graph between the parts of the package.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

NLP = Path(__file__).resolve().parent.parent / "nlp"

LAYERS = (
    {"errors", "vocabulary", "grouping", "resources", "config", "sheets", "xlsx"},  # words, settings, helpers
    {"model", "frames", "readers", "repair", "normalize", "numerals", "accounts"},  # text in, plain data
    {"outline", "statements", "levels", "triggers", "reasons", "explanations", "explained", "untriggered", "unexplained",
     "tables", "features", "specificity", "similarity"},  # reading the text
    {"classifier"},  # labelling causes
    {"rules", "score"},  # judging
    {"pipeline"},  # one report, end to end
    {"__init__"},  # the public API: analyze, classify
    {"report", "limits"},  # outputs, the sandbox
    {"batch"},  # many reports
    {"cli", "__main__", "serve"},  # command lines, the web service
)
LAYER = {part: number for number, parts in enumerate(LAYERS) for part in parts}


def part_of(path: Path) -> str:
    """nlp/rules/vague.py -> rules; nlp/model.py -> model; nlp/__init__.py -> __init__."""
    relative = path.relative_to(NLP).with_suffix("")
    return relative.parts[0]


def imported_parts(path: Path) -> set[str]:
    """The parts of nlp that a module imports, deferred imports included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "nlp" else [f"nlp.{a.name}" for a in node.names]
        for name in names:
            if name == "nlp":
                found.add("__init__")
            elif name.startswith("nlp."):
                head = name.split(".")[1]
                # `from nlp import __version__, InputError`: names the package defines
                found.add(head if (NLP / head).exists() or (NLP / f"{head}.py").exists() else "__init__")
    return found


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for path in sorted(NLP.rglob("*.py")):
        source = part_of(path)
        edges.setdefault(source, set()).update(imported_parts(path) - {source})
    return edges


def test_every_part_has_a_layer():
    assert set(graph()) - set(LAYER) == set(), "give the new module a layer in LAYERS"


def test_no_import_runs_upward():
    upward = sorted(
        f"{source} (layer {LAYER[source]}) imports {target} (layer {LAYER[target]})"
        for source, targets in graph().items()
        for target in targets
        if source in LAYER and target in LAYER and LAYER[target] > LAYER[source]
    )
    assert upward == []


def test_no_loop_inside_a_layer():
    edges = graph()
    loops = sorted(f"{a} <-> {b}" for a in edges for b in edges[a] if a < b and a in edges.get(b, ()))
    assert loops == []


@pytest.mark.parametrize("path", sorted(NLP.rglob("*.py")), ids=lambda p: str(p.relative_to(NLP)))
def test_no_module_is_over_500_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 500, f"{lines} lines: split it along its seams"


if __name__ == "__main__":
    edges = graph()
    for number, parts in reversed(list(enumerate(LAYERS))):
        for part in sorted(parts & set(edges)):
            below = ", ".join(sorted(edges[part], key=lambda p: (-LAYER.get(p, 99), p)))
            sys.stdout.write(f"{number} {part:<13} -> {below}\n")
