"""Specificity of a cause, in the spirit of Hope, Hu & Lu (2016): the concrete
tokens it names (amounts, percentages, dates, counts with units, 《documents》,
quoted names, document numbers, named places and projects), measured on the
cause without its report wrapping. The patterns are the classifier's
(nlp.features), so the vague rule and the vague model see the same things.
Not a rule: used by the vague rule and shown in its message."""
from __future__ import annotations

from functools import lru_cache

from nlp.features import CONCRETE, core, normalise
from nlp.normalize import drop_punctuation


def concrete_tokens(text: str) -> list[str]:
    body = core(normalise(text))
    return [m.group(0) for name, rx in CONCRETE.items() if name != "num" for m in rx.finditer(body)]


@lru_cache(maxsize=1 << 14)
def specificity(text: str) -> float:
    """Concrete tokens per 10 characters (0 for a cause that names nothing)."""
    chars = len(drop_punctuation(text, keep_underscore=True))
    return 10 * len(concrete_tokens(text)) / chars if chars else 0.0
