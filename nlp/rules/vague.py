import re
from functools import lru_cache
from typing import ClassVar

from nlp.rules import Rule, quote
from nlp.similarity import normalise
from nlp.specificity import core, specificity
from nlp.vocabulary import Evidence, Severity


class Vague(Rule):
    """A cause that names nothing an auditor could verify: no project, policy,
    event, unit, document, quantity or date, only generic phrases. Three
    signals, and the message says which fired: the trained vague model
    (`model`), a phrase from the vague lexicon in a cause with no concrete
    token (`lexicon`), and, when no model has judged the cause, no concrete
    token at all in a short cause (`specificity`, after Hope, Hu & Lu 2016).
    The specificity (concrete tokens per 10 characters) is always shown. A
    vague cause copied to several explanations is one finding naming them all."""

    code = "JS201"
    name = "vague"
    zh = "原因含糊"
    severity = Severity.WARNING
    evidence = Evidence.STYLE
    summary = "cause names nothing verifiable"
    summary_zh = "原因中没有可核实的内容"
    rationale_zh = (
        "原因没有提到审计人员可以核实的内容：没有项目、政策、事件、单位、文件、数量或日期，只有笼统的说法。三个信号：训练好的含糊模型、含糊用语词表中的短语（且原因中无具体内容）、以及无模型判断时的短原因无具体内容；问题中写明是哪个信号，并给出具体度。同一含糊原因照抄到多条说明，只算一个问题。"
    )
    example = "主要原因是：工作需要。"
    options: ClassVar[dict] = {"short": 20}

    def check(self, report, options):
        # One vague cause copied to several explanations is one finding naming them all.
        found: dict[str, list] = {}
        for e in report.explanations:
            for n, c in enumerate(e.causes, 1):
                concrete = specificity(c.text)
                signals = _signals(c, concrete, options)
                if signals:
                    place = (e.id, n if len(e.causes) > 1 else None)
                    found.setdefault(normalise(c.text), []).append((e, place, c, signals, concrete))
        for copies in found.values():
            _, _, c, signals, concrete = copies[0]
            where_zh, where = _where([place for _, place, _, _, _ in copies])
            said = quote(c.text)
            yield self.finding(
                f"{where_zh}含糊（{'、'.join(_SIGNAL_ZH[s] for s in signals)}；具体度 {concrete:.1f}）：{said}",
                f"vague cause ({', '.join(signals)}; specificity {concrete:.1f}) in {where}: {said}",
                list({e.id: e for e, _, _, _, _ in copies}.values()),
                signal="+".join(signals),
            )


def _where(places: list[tuple[str, int | None]]) -> tuple[str, str]:
    """Where a cause stands, in Chinese and English: "E3第2条原因" / "cause 2 of E3", or the explanations it was copied to."""
    zh = [f"{e}第{n}条" if n else e for e, n in places]
    en = [f"cause {n} of {e}" if n else e for e, n in places]
    if len(places) == 1:
        return f"{zh[0]}原因" if places[0][1] else f"{zh[0]}的原因", en[0]
    return f"{len(places)} 条说明（{'、'.join(zh)}）的原因", f"{len(places)} explanations ({', '.join(en)})"


_SIGNAL_ZH = {"model": "模型判定", "lexicon": "含糊用语", "specificity": "无具体内容"}


def _signals(cause, concrete: float, options) -> list[str]:
    signals = []
    if cause.vague:
        signals.append("model")
    # In the cause's core: a tail that restates the change ("导致支出减少") is not the cause's vagueness.
    if concrete == 0 and _lexicon_pattern().search(core(cause.text)):
        signals.append("lexicon")
    if cause.vague is None and concrete == 0 and len(cause.text) <= options["short"]:
        signals.append("specificity")  # only without a model's judgement
    return signals


@lru_cache(maxsize=1)
def _lexicon_pattern() -> re.Pattern:
    """The vague lexicon as one alternation (a phrase found anywhere in the cause)."""
    from nlp.resources import vague_lexicon

    return re.compile("|".join(map(re.escape, vague_lexicon())) or "(?!)")
