"""Changes left unexplained: the statements no explanation covers.

After every trigger has been read, the change statements outside every
explanation and table are what a report states without a reason — one per
clause, and one per part listed after 其中 ("其中：公务接待费支出决算持平；……").
A statement with no figures of its own right after a change says more of that
change and is not another (`_comments_on`). nlp.explanations then looks for a
reason with no trigger word for each; the rest are missing reasons.
"""
from __future__ import annotations

import re

from nlp.explained import Spans, item_from_context
from nlp.model import ChangeStatement
from nlp.reasons import line_end, skip_space
from nlp.statements import COMPLETION, FIGURE, find_cues, parse_statement

Clause = tuple[int, int, bool]  # a span, and whether it is a part listed after 其中


def unexplained(text: str, covered: Spans) -> list[ChangeStatement]:
    """Change statements outside every span of `covered` (explanations and
    tables) and outside tab-separated rows."""
    out: list[ChangeStatement] = []
    seen_until = -1
    for cue in find_cues(text):
        if cue.start() < seen_until or cue.start() in covered:
            continue
        line_start = text.rfind("\n", 0, cue.start()) + 1
        eol = line_end(text, cue.end())
        if "\t" in text[line_start:eol]:
            continue
        clauses, seen_until = _clauses_at(text, cue, line_start, eol)
        for a, b, listed in clauses:
            if a in covered:
                continue
            s = parse_statement(text, a, b, implicit_prior=listed) or parse_statement(text, a, b, implicit_prior=True)
            if s is None or _comments_on(text, out[-1] if out else None, s):
                continue
            if not s.item:
                s.item = item_from_context(text, line_start, a, b)
            out.append(s)
    return out


def _clauses_at(text: str, cue: re.Match, line_start: int, eol: int) -> tuple[list[Clause], int]:
    """The clause of a cue, and the parts its sentence lists after 其中; and
    where they end."""
    start = max([line_start] + [text.rfind(p, line_start, cue.start()) + 1 for p in "。；"])
    parts = text.rfind("其中", start, cue.start())
    start = skip_space(text, parts + 2) if parts >= 0 else start
    ends = [text.find(p, cue.end()) for p in ("。", "；", "\n", "其中")]
    end = min([e for e in ends if e >= 0] or [len(text)])
    clauses = [(start, end, False)]
    parts_at = end + 1 if text.startswith("。其中", end) else end
    if not text.startswith("其中", parts_at):
        return clauses, end
    sentence_end = min(e for e in (text.find("。", parts_at), eol) if e >= 0)
    starts = [skip_space(text, parts_at + 2)] + [parts_at + m.end() for m in re.finditer("；", text[parts_at:sentence_end])]
    clauses += [(a, b, True) for a, b in zip(starts, [*starts[1:], sentence_end], strict=True)]
    return clauses, sentence_end


def _comments_on(text: str, previous: ChangeStatement | None, s: ChangeStatement) -> bool:
    """A statement with no figures of a generic subject right after a change
    ("……决算为 10.00 万元。决算数与预算数基本持平。") says more of that
    change; it is not another."""
    return (
        previous is not None
        and not FIGURE.search(COMPLETION.sub("", s.text))  # "完成年初预算的 100%" adds no figure of its own
        and s.start - previous.end < 40
        and not find_cues(COMPLETION.sub("", text[previous.end : s.start]))  # "完成年初预算的 100%。" may stand between
        and (re.fullmatch(r"(?:支出|收入)?(?:决算数?|预算数?)?", s.item or "") or not COMPLETION.sub("", s.text).strip("。；，、 "))
    )
