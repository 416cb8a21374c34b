"""Data files that ship with juesuan (the vague lexicon), read once."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def vague_lexicon() -> list[str]:
    text = resources.files("nlp").joinpath("data/vague_lexicon.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
