#!/usr/bin/env python3
"""Validate corpora/causes.jsonl and corpora/vague_lexicon.txt; print statistics.

Checks: every line is a JSON object with exactly the keys text, label, vague,
source (in that order); labels in the taxonomy; vague is a bool; no duplicate
texts; file sorted by text; at least 1,700 lines and 150 per label; vague share
30–38 %; template share below 40 %; lexicon has 80–200 entries after a '#' header.

  python3 corpora/tools/validate.py              # check and print a table
  python3 corpora/tools/validate.py --readme     # also rewrite the stats block in README.md
Exit status 1 if any check fails.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

CORPORA = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(CORPORA.parent))
from nlp.vocabulary import LABELS  # noqa: E402 - the taxonomy's labels, in its order

CAUSES = CORPORA / "causes.jsonl"
LEXICON = CORPORA / "vague_lexicon.txt"
README = CORPORA / "README.md"
KEYS = ["text", "label", "vague", "source"]
BEGIN, END = "<!-- stats:begin -->", "<!-- stats:end -->"


def main() -> int:
    errors: list[str] = []
    rows = read_rows(errors)
    check_counts(rows, errors)
    entries = read_lexicon(errors)
    report = stats(rows, entries)
    print(report)
    if "--readme" in sys.argv[1:]:
        write_readme(report, errors)
    if errors:
        print("\nFAILED:", *errors, sep="\n  ")
        return 1
    print("\nOK: all checks passed")
    return 0


def read_rows(errors: list[str]) -> list[dict]:
    """The corpus lines, each checked for its keys, label, vague flag, source and spelling."""
    rows = []
    for n, line in enumerate(CAUSES.read_text(encoding="utf-8").splitlines(), 1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"line {n}: invalid JSON ({e})")
            continue
        errors.extend(f"line {n}: {problem}" for problem in row_problems(obj, line))
        rows.append(obj)
    texts = [r["text"] for r in rows]
    dups = [t for t, c in Counter(texts).items() if c > 1]
    if dups:
        errors.append(f"{len(dups)} duplicate texts, e.g. {dups[:3]}")
    if texts != sorted(texts):
        errors.append("file is not sorted by text")
    return rows


def row_problems(obj: dict, line: str) -> list[str]:
    problems = []
    if list(obj) != KEYS:
        problems.append(f"keys {list(obj)} != {KEYS}")
    if obj.get("label") not in LABELS:
        problems.append(f"unknown label {obj.get('label')!r}")
    if not isinstance(obj.get("vague"), bool):
        problems.append("vague is not a bool")
    if obj.get("source") not in ("written", "template"):
        problems.append(f"unknown source {obj.get('source')!r}")
    t = obj.get("text")
    if not isinstance(t, str) or not t.strip() or t != t.strip():
        problems.append("empty or untrimmed text")
    if json.dumps(obj, ensure_ascii=False) != line:
        problems.append("not written with ensure_ascii=False / default separators")
    return problems


def check_counts(rows: list[dict], errors: list[str]) -> None:
    total = len(rows)
    by_label = Counter(r["label"] for r in rows)
    vague_by_label = Counter(r["label"] for r in rows if r["vague"])
    if total < 1700:
        errors.append(f"only {total} lines (< 1700)")
    for lab in LABELS:
        if by_label[lab] < 150:
            errors.append(f"label {lab}: only {by_label[lab]} lines (< 150)")
        if vague_by_label[lab] == 0:
            errors.append(f"label {lab}: no vague lines")
    share = sum(r["vague"] for r in rows) / total if total else 0
    if not 0.30 <= share <= 0.38:
        errors.append(f"vague share {share:.1%} outside 30–38%")
    n_tmpl = sum(r["source"] == "template" for r in rows)
    if total and n_tmpl / total >= 0.40:
        errors.append(f"template share {n_tmpl / total:.1%} >= 40%")


def read_lexicon(errors: list[str]) -> list[str]:
    lex = LEXICON.read_text(encoding="utf-8").splitlines()
    if not lex or not lex[0].startswith("#"):
        errors.append("vague_lexicon.txt: first line must be a '#' comment")
    entries = [line.strip() for line in lex if line.strip() and not line.startswith("#")]
    if not 80 <= len(entries) <= 200:
        errors.append(f"vague_lexicon.txt: {len(entries)} entries (want 80–200)")
    if len(set(entries)) != len(entries):
        errors.append("vague_lexicon.txt: duplicate entries")
    return entries


def stats(rows: list[dict], entries: list[str]) -> str:
    """The statistics table that README.md carries between its markers."""
    total = len(rows)
    by_label = Counter(r["label"] for r in rows)
    vague_by_label = Counter(r["label"] for r in rows if r["vague"])
    tmpl_by_label = Counter(r["label"] for r in rows if r["source"] == "template")
    n_vague = sum(r["vague"] for r in rows)
    n_tmpl = sum(r["source"] == "template" for r in rows)
    share = n_vague / total if total else 0
    lens = sorted(len(r["text"]) for r in rows)
    table = ["| label | lines | vague | vague share | written | template |",
             "|---|---:|---:|---:|---:|---:|"]
    for lab in LABELS:
        n = by_label[lab]
        table.append(f"| `{lab}` | {n} | {vague_by_label[lab]} | {vague_by_label[lab] / n:.1%} | "
                     f"{n - tmpl_by_label[lab]} | {tmpl_by_label[lab]} |" if n else f"| `{lab}` | 0 | | | | |")
    table.append(f"| **all** | **{total}** | **{n_vague}** | **{share:.1%}** | "
                 f"**{total - n_tmpl}** | **{n_tmpl}** |")
    summary = [
        "",
        f"Template share: {n_tmpl / total:.1%}. Text length (characters): "
        f"min {lens[0]}, median {lens[len(lens) // 2]}, max {lens[-1]}; "
        f"{sum(n <= 10 for n in lens)} lines of at most 10 characters, "
        f"{sum(n >= 40 for n in lens)} of 40 or more. Vague lexicon: {len(entries)} entries.",
    ]
    return "\n".join(table + summary)


def write_readme(report: str, errors: list[str]) -> None:
    doc = README.read_text(encoding="utf-8")
    a, b = doc.find(BEGIN), doc.find(END)
    if a < 0 or b < a:
        errors.append("README.md has no stats markers")
    else:
        doc = doc[:a + len(BEGIN)] + "\n" + report + "\n" + doc[b:]
        README.write_text(doc, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
