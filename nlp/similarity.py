"""Near-duplicate reasons: normalised text plus fuzzy matching, so that
punctuation, spaces, figures and small edits do not hide a copy."""
from __future__ import annotations

from functools import lru_cache

from nlp.grouping import Groups
from nlp.normalize import chain, drop_punctuation, fold_width, mask_figures

_KEY = chain(fold_width, mask_figures, drop_punctuation)


@lru_cache(maxsize=1 << 14)
def normalise(text: str) -> str:
    """Width-folded, figures masked, punctuation and spaces dropped."""
    return _KEY(text)


def group_similar(texts: list[str], threshold: float = 90.0) -> list[list[int]]:
    """Indexes of texts grouped by near-identity (rapidfuzz ratio >= threshold
    on the normalised text, joined transitively). Groups of one are left out."""
    from rapidfuzz import fuzz, process

    keys = [normalise(t) for t in texts]
    joined = Groups(len(keys))

    # Identical keys join at once; the fuzzy pass compares distinct keys only.
    first: dict[str, int] = {}
    for i, k in enumerate(keys):
        if k in first:
            joined.union(first[k], i)
        else:
            first[k] = i
    distinct = list(first)
    if len(distinct) > 1:
        import numpy as np

        scores = process.cdist(distinct, distinct, scorer=fuzz.ratio, score_cutoff=threshold)
        for a, b in zip(*np.nonzero(np.triu(scores, 1)), strict=True):
            if min(len(distinct[a]), len(distinct[b])) >= 4:
                joined.union(first[distinct[a]], first[distinct[b]])
    return joined.groups(min_size=2)
