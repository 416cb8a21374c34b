import re
from functools import lru_cache
from typing import ClassVar

from nlp.rules import Rule, quote
from nlp.specificity import specificity
from nlp.vocabulary import Evidence, Severity


class Vague(Rule):
    """A cause that names nothing an auditor could verify: no project, policy,
    event, unit, document, quantity or date, only generic phrases. Three
    signals, and the message says which fired: the trained vague model
    (`model`), a phrase from the vague lexicon in a cause with no concrete
    token (`lexicon`), and, when no model has judged the cause, no concrete
    token at all in a short cause (`specificity`, after Hope, Hu & Lu 2016).
    The specificity (concrete tokens per 10 characters) is always shown."""

    code = "JS201"
    name = "vague"
    zh = "原因含糊"
    severity = Severity.WARNING
    evidence = Evidence.STYLE
    summary = "cause names nothing verifiable"
    example = "主要原因是：工作需要。"
    options: ClassVar[dict] = {"short": 20}

    def check(self, report, options):
        lexicon = _lexicon_pattern()
        for e in report.explanations:
            for n, c in enumerate(e.causes, 1):
                signals = []
                concrete = specificity(c.text)
                if c.vague:
                    signals.append("model")
                if concrete == 0 and lexicon.search(c.text):
                    signals.append("lexicon")
                if c.vague is None and concrete == 0 and len(c.text) <= options["short"]:
                    signals.append("specificity")  # only without a model's judgement
                if signals:
                    where = f"cause {n} of {e.id}" if len(e.causes) > 1 else e.id
                    yield self.finding(
                        f"vague cause ({', '.join(signals)}; specificity {concrete:.1f}) in {where}: {quote(c.text)}",
                        [e],
                        signal="+".join(signals),
                    )


@lru_cache(maxsize=1)
def _lexicon_pattern() -> re.Pattern:
    """The vague lexicon as one alternation (a phrase found anywhere in the cause)."""
    from nlp.resources import vague_lexicon

    return re.compile("|".join(map(re.escape, vague_lexicon())) or "(?!)")
