"""The training data: the corpus and the user's labelled files, read into one
set of rows, with the vague lexicon and what the metrics say about the data."""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from nlp.classifier import LabelledData, read_labelled
from nlp.errors import InputError
from nlp.normalize import plain

REPO = Path(__file__).resolve().parent.parent
# Real report phrasing, rewritten and labelled twice (../shared/real_patterns/README.md);
# absent on a user's machine: train.py then trains without it.
CONTEXTS = "contexts.jsonl"  # corpus causes written with their item (beside causes.jsonl)
# Corpus causes written in the way real reports phrase them (stock phrases,
# restated components, figures, PDF breaks), with their item; a held-out
# slice of them scores the labels with few real-pattern causes (training.real_patterns).
REAL_STYLE = "real_style.jsonl"
REAL_PATTERNS = REPO.parent / "shared" / "real_patterns" / "statements.jsonl"


@dataclass(frozen=True)
class RealCause:
    """One cause of a real-pattern record: `label` is the rewriter's (who saw
    the source), `vague` the second annotator's (who had the newest
    conventions); the two flags say where the labellers disagreed."""

    text: str
    label: str
    vague: bool | None
    fold: int  # by source; fold 0 is held out for the final figures
    item: str | None  # the item whose change the cause explains
    label_disagreed: bool
    vague_disagreed: bool


def read_real(path: Path = REAL_PATTERNS) -> list[RealCause]:
    """The labelled causes of the usable real-pattern records, in file order
    ([] when the file is absent). Causes the second annotator marked not
    usable are left out."""
    path = Path(path)
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line) if line.strip() else {}
        if not record or record.get("usable") is False:
            continue
        for c in record.get("causes") or []:
            if not c.get("label") or c.get("usable_b") is False:
                continue
            out.append(RealCause(
                text=c["text"], label=c["label"], vague=c.get("vague"), fold=int(record["fold"]),
                item=record.get("item") or None,
                label_disagreed=c.get("label_a", c["label"]) != c.get("label_b", c["label"]),
                vague_disagreed=c.get("vague_a", c.get("vague")) != c.get("vague_b", c.get("vague")),
            ))
    return out


# Real-pattern lines count REAL_WEIGHT corpus lines; one the two labellers
# disagreed on (label for the label head, vagueness for the vague head) counts
# DISAGREED_WEIGHT of that. Chosen by grouped cross-validation on folds 1-4
# (`python -m training.real_patterns --select`; docs/labelling.md).
REAL_WEIGHT = 10.0
DISAGREED_WEIGHT = 0.5


def weighted_rows(corpus, real, weight=REAL_WEIGHT, disagreed=DISAGREED_WEIGHT):
    """((causes, labels, weights), (causes, vagues, weights)) for the two heads:
    corpus rows (texts) at weight 1, real-pattern causes ((text, item), the text in
    the script the model reads, `nlp.normalize.plain`) at `weight` (times
    `disagreed` where the labellers disagreed on that head's target); lines
    of weight 0 are left out."""
    texts, labels, lw, vtexts, vagues, vw = [], [], [], [], [], []
    for r in corpus:
        texts.append(r.cause), labels.append(r.label), lw.append(1.0)
        if r.vague is not None:
            vtexts.append(r.cause), vagues.append(r.vague), vw.append(1.0)
    for c in real:
        w = weight * (disagreed if c.label_disagreed else 1.0)
        if w > 0:
            texts.append((plain(c.text), c.item)), labels.append(c.label), lw.append(w)
        w = weight * (disagreed if c.vague_disagreed else 1.0)
        if c.vague is not None and w > 0:
            vtexts.append((plain(c.text), c.item)), vagues.append(c.vague), vw.append(w)
    return (texts, labels, lw), (vtexts, vagues, vw)


def real_prior(real, labels) -> dict | None:
    """The label shares of the real-pattern causes over `labels` (one added to
    each count, so a label seen rarely is not ruled out); None without any."""
    if not real:
        return None
    counts = Counter(c.label for c in real)
    total = sum(counts[lab] + 1 for lab in labels)
    return {lab: round((counts[lab] + 1) / total, 6) for lab in sorted(labels)}


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass
class TrainingData:
    labelled: LabelledData
    info: dict  # metrics.json "data": sources, counts, sha256 of the rows, lexicon file
    lexicon: list[str]  # vague-lexicon phrases
    overridden: int  # corpus lines replaced by a --data row with the same text
    real: list[RealCause] = field(default_factory=list)  # real-pattern causes (weighted in training)


def read_data(corpus_dir: Path, data_files=(), use_corpus: bool = True, lexicon_file: Path | None = None,
              real_file: Path | None = None) -> TrainingData:
    """The corpus's causes.jsonl (unless `use_corpus` is false), the
    labelled `data_files` and the real-pattern causes of `real_file` (when
    given and present); a row of a data file overrides a corpus line with
    the same text. Raises `InputError` when a file cannot be read."""
    data = LabelledData()
    corpus_files = _read_corpus(corpus_dir, data) if use_corpus else []
    overridden = _add_user_rows(data, data_files) if data_files else 0
    real = read_real(real_file) if real_file else []
    lexicon_file = Path(lexicon_file) if lexicon_file else corpus_dir / "vague_lexicon.txt"
    phrases = _lexicon(lexicon_file)
    read = [*corpus_files, *map(Path, data_files), *([Path(real_file)] if real else []),
            *([lexicon_file] if lexicon_file.is_file() else [])]
    info = {
        "sources": [rel(p) for p in [*corpus_files, *map(Path, data_files)]],
        "rows": len(data.rows),
        "sha256": _rows_sha256(data),
        "labels": dict(sorted(Counter(r.label for r in data.rows).items())),
        "vague": {"true": sum(r.vague is True for r in data.rows), "false": sum(r.vague is False for r in data.rows),
                  "missing": sum(r.vague is None for r in data.rows)},
        "bad_rows": len(data.errors),
        "unlabelled_rows": len(data.unlabelled),
        "duplicate_rows": len(data.duplicates),
        "lexicon": {"file": rel(lexicon_file) if lexicon_file.is_file() else None, "phrases": len(phrases)},
        "files": {rel(p): file_sha256(p) for p in read},
        "real_patterns": _real_info(real_file, real) if real else None,
    }
    return TrainingData(data, info, phrases, overridden, real)


def _read_corpus(corpus_dir: Path, data: LabelledData) -> list[Path]:
    """The corpus's labelled causes, and those written with their item or in
    the real-report style; the files read."""
    corpus_file = corpus_dir / "causes.jsonl"
    if not corpus_file.is_file():
        raise InputError(f"{corpus_file}: no corpus there (use --corpus DIR, or --data FILE --no-corpus)")
    files = [corpus_file] + [corpus_dir / f for f in (CONTEXTS, REAL_STYLE) if (corpus_dir / f).is_file()]
    for path in files:
        read_labelled([path], data)
    return files


def _add_user_rows(data: LabelledData, data_files) -> int:
    """Add the rows of the user's files, each replacing a corpus line with its
    text; how many corpus lines were replaced."""
    user = read_labelled(data_files)
    mine = {r.text for r in user.rows}
    overridden = sum(r.text in mine for r in data.rows)
    data.rows = [r for r in data.rows if r.text not in mine] + user.rows
    data.errors += user.errors
    data.unlabelled += user.unlabelled
    data.duplicates += user.duplicates
    return overridden


def _lexicon(path: Path) -> list[str]:
    if not path.is_file():
        return []
    return [p for p in path.read_text(encoding="utf-8").splitlines() if p.strip() and not p.startswith("#")]


def _rows_sha256(data: LabelledData) -> str:
    digest = hashlib.sha256()
    for r in data.rows:
        context = [r.item, r.section] if r.item or r.section else []
        digest.update(json.dumps([r.text, r.label, r.vague, *context], ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def _real_info(real_file: Path, real: list[RealCause]) -> dict:
    return {
        "file": rel(Path(real_file)), "causes": len(real),
        "folds": {str(k): sum(c.fold == k for c in real) for k in sorted({c.fold for c in real})},
        "labels": dict(sorted(Counter(c.label for c in real).items())),
        "label_disagreed": sum(c.label_disagreed for c in real),
        "vague_disagreed": sum(c.vague_disagreed for c in real),
    }


def rel(p: Path) -> str:
    """A path as the metrics show it: relative to the repository."""
    try:
        # not resolved: ../shared may be a link (in a worktree), and the path a model records must not depend on it
        return os.path.relpath(os.path.abspath(p), REPO)
    except ValueError:  # another drive (Windows)
        return str(p)
