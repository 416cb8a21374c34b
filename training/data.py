"""The training data: the corpus and the user's labelled files, read into one
set of rows, with the vague lexicon and what the metrics say about the data."""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from nlp.classifier import LabelledData, read_labelled
from nlp.errors import InputError

REPO = Path(__file__).resolve().parent.parent


@dataclass
class TrainingData:
    labelled: LabelledData
    info: dict  # metrics.json "data": sources, counts, sha256 of the rows, lexicon file
    lexicon: list[str]  # vague-lexicon phrases
    overridden: int  # corpus lines replaced by a --data row with the same text


def read_data(corpus_dir: Path, data_files=(), use_corpus: bool = True, lexicon_file: Path | None = None) -> TrainingData:
    """The corpus's causes.jsonl (unless `use_corpus` is false) and the
    labelled `data_files`; a row of a data file overrides a corpus line with
    the same text. Raises `InputError` when a file cannot be read."""
    data = LabelledData()
    sources = []
    overridden = 0
    corpus_file = corpus_dir / "causes.jsonl"
    if use_corpus:
        if not corpus_file.is_file():
            raise InputError(f"{corpus_file}: no corpus there (use --corpus DIR, or --data FILE --no-corpus)")
        read_labelled([corpus_file], data)
        sources.append(rel(corpus_file))
    if data_files:
        user = read_labelled(data_files)
        mine = {r.text for r in user.rows}
        overridden = sum(r.text in mine for r in data.rows)
        data.rows = [r for r in data.rows if r.text not in mine] + user.rows
        data.errors += user.errors
        data.unlabelled += user.unlabelled
        data.duplicates += user.duplicates
        sources += [rel(Path(p)) for p in data_files]
    lexicon_file = Path(lexicon_file) if lexicon_file else corpus_dir / "vague_lexicon.txt"
    phrases = []
    if lexicon_file.is_file():
        lines = lexicon_file.read_text(encoding="utf-8").splitlines()
        phrases = [p for p in lines if p.strip() and not p.startswith("#")]
    digest = hashlib.sha256()
    for r in data.rows:
        digest.update(json.dumps([r.text, r.label, r.vague], ensure_ascii=False).encode("utf-8"))
    info = {
        "sources": sources,
        "rows": len(data.rows),
        "sha256": digest.hexdigest(),
        "labels": dict(sorted(Counter(r.label for r in data.rows).items())),
        "vague": {"true": sum(r.vague is True for r in data.rows), "false": sum(r.vague is False for r in data.rows),
                  "missing": sum(r.vague is None for r in data.rows)},
        "bad_rows": len(data.errors),
        "unlabelled_rows": len(data.unlabelled),
        "duplicate_rows": len(data.duplicates),
        "lexicon": {"file": rel(lexicon_file) if lexicon_file.is_file() else None, "phrases": len(phrases)},
    }
    return TrainingData(data, info, phrases, overridden)


def rel(p: Path) -> str:
    """A path as the metrics show it: relative to the repository."""
    try:
        return os.path.relpath(Path(p).resolve(), REPO)
    except ValueError:  # another drive (Windows)
        return str(p)
