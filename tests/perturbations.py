"""juesuan on the development records of ../shared/real_patterns, rewritten.

Each transformation below is a small named function that rewrites one record
of folds 1-4 in a way real reports write the same thing (PHRASINGS.md, issue
11): another trigger of the same meaning, traditional script with or without
pinyin glosses, the other width of punctuation, spaces around figures, amounts
in 元 or 亿元, the reason before the figures, a reason over 。, enumeration
markers, two items in one sentence, line breaks where a PDF leaves them. The
gold reason is carried along: it is marked in the text before the rewrite and
read back after it, so it stays an exact substring. A transformation that
does not apply to a record returns None.

The figures are those of tests/real_patterns.py (same matching, same tally),
per transformation and overall; the fold-0 records are never read.

    python -m tests.perturbations              # the table
    python -m tests.perturbations --misses NAME  # what one transformation loses
"""
from __future__ import annotations

import argparse
import re
import zlib
from collections.abc import Callable
from functools import lru_cache

from tests.real_patterns import DEVELOPMENT_FOLDS, Outcome, Tally, juesuan, load, no_reason, same_reason

# The gold reason is fenced by two private-use characters that no
# transformation touches; `_read_back` finds them and takes them out.
OPEN, CLOSE = "\ue000", "\ue001"

Transform = Callable[[dict], "dict | None"]


def _marked(record: dict) -> str | None:
    """The text with the gold reason fenced, or None when it cannot be placed."""
    text, reason = record["text"], record["reason"]
    if not reason:
        return text
    at = text.find(reason)
    if at < 0:
        return None
    return text[:at] + OPEN + reason + CLOSE + text[at + len(reason) :]


def _read_back(record: dict, marked: str | None) -> dict | None:
    """A copy of `record` whose text is `marked` without its fences and whose
    reason is what they fence."""
    if marked is None or marked == _marked(record):
        return None  # nothing changed: the transformation does not apply
    out = dict(record)
    a, b = marked.find(OPEN), marked.find(CLOSE)
    if record["reason"]:
        if a < 0 or b < a:
            return None
        out["reason"] = marked[a + 1 : b]
    out["text"] = marked.replace(OPEN, "").replace(CLOSE, "")
    return out


def _on_text(rewrite: Callable[[str], str]) -> Transform:
    """A transformation that rewrites the whole (marked) text."""

    def run(record: dict) -> dict | None:
        marked = _marked(record)
        return None if marked is None else _read_back(record, rewrite(marked))

    run.__name__, run.__doc__ = rewrite.__name__, rewrite.__doc__
    return run


def _pick(record: dict, options):
    """One of `options`, the same for a record on every run."""
    return options[zlib.crc32(record["rid"].encode()) % len(options)]


# ------------------------------------------------------------------ triggers

# The trigger as it stands before the reason: a lead form the record's own
# text uses, which another lead form of the same meaning may replace.
_LEAD_TRIGGER = re.compile(r"^(?:[主丰]要)?原因(?:主要)?(?:是|为|有)?[：:]?$|^主要(?:是|是由于|是因为|系|由于)[：:]?$")
_DIRECTION_WORDS = {"increase": "增长", "decrease": "下降", "none": "变动", None: "变动"}


def _swap_to(form: str, close: str = "") -> Transform:
    """The record's lead trigger replaced by `form` ("{d}" is the direction's
    word); `close` is written after the reason ("所致")."""

    def run(record: dict) -> dict | None:
        trigger, reason, text = record["trigger"] or "", record["reason"], record["text"]
        if not reason or not _LEAD_TRIGGER.match(trigger.strip()):
            return None
        at = text.find(reason)
        t = text.rfind(trigger, 0, max(at, 0))
        if at < 0 or t < 0 or text[t + len(trigger) : at].strip(" ：:，,") != "":
            return None
        new = form.format(d=_DIRECTION_WORDS[record["direction"]])
        out = dict(record)
        out["text"] = text[:t] + new + reason + close + text[at + len(reason) :]
        out["trigger"] = new
        return out

    run.__name__ = f"trigger {form}{'…' + close if close else ''}"
    run.__doc__ = f"The trigger written as {form}."
    return run


TRIGGER_FORMS = (
    _swap_to("主要原因是"),
    _swap_to("原因是"),
    _swap_to("原因为："),
    _swap_to("主要是"),
    _swap_to("主要是由于"),
    _swap_to("主要系", "所致"),
    _swap_to("这主要是因为"),
    _swap_to("是因为"),
    _swap_to("原因主要是"),
    _swap_to("{d}的主要原因是"),
    _swap_to("{d}原因主要是："),
    _swap_to("变动的原因为"),
    _swap_to("增减变化的主要原因是："),
    _swap_to("原因在于"),
    _swap_to("究其原因，"),
    _swap_to("这是由于"),
    _swap_to("主要因为"),
    _swap_to("系", "所致"),
    _swap_to("主要源于"),
    _swap_to("其原因是"),
    _swap_to("主要原因系"),
    _swap_to("{d}的原因主要有："),
    _swap_to("变动原因："),
    _swap_to("原因分析："),
    _swap_to("主要是受", "影响"),
    _swap_to("原 因是"),
    _swap_to("主要原因 是："),
)


# ------------------------------------------------------------------ script


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t").convert


# Pinyin a mirror site puts after a character (tone marks as they print them).
_GLOSSES = {
    "數": "shù", "萬": "wàn", "經": "jīng", "費": "fèi", "決": "jué", "較": "jiào", "長": "cháng",
    "減": "jiǎn", "務": "wù", "撥": "bō", "開": "kāi", "會": "huì", "單": "dān", "項": "xiàng",
    "實": "shí", "財": "cái", "預": "yù", "增": "zēng", "導": "dǎo", "購": "gòu",
}


def traditional(text: str) -> str:
    """Traditional script (OpenCC s2t)."""
    out = _s2t()(text)
    return out if len(out) == len(text) else text


def traditional_glossed(text: str) -> str:
    """Traditional script with pinyin glosses after some characters, as mirror sites print it."""
    return "".join(c + f"({_GLOSSES[c]})" if c in _GLOSSES else c for c in traditional(text))


# ------------------------------------------------------------------ characters

_TO_FULL = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"})
_TO_HALF = str.maketrans({"，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "。": "."})
_FIGURE = re.compile(r"-?\d+(?:\.\d+)?%?")


def full_width(text: str) -> str:
    """Full-width punctuation throughout."""
    return text.translate(_TO_FULL)


def half_width(text: str) -> str:
    """Half-width punctuation throughout (。 written as a full stop)."""
    return text.translate(_TO_HALF)


def spaced_figures(text: str) -> str:
    """A space on each side of every figure ("增加 12.5 万元")."""
    return _FIGURE.sub(lambda m: f" {m.group()} ", text)


_CJK_PAIR = re.compile(r"(?<=[\u4e00-\u9fff])(?=[\u4e00-\u9fff])")


def spaced_characters(text: str) -> str:
    """A space between every fifth pair of Chinese characters ("原 因是"), as PDF extraction leaves them."""
    count = iter(range(len(text)))
    return _CJK_PAIR.sub(lambda m: " " if next(count) % 5 == 4 else "", text)


def line_breaks(text: str) -> str:
    """A line break every 23 characters, mid-sentence, as PDF extraction leaves them."""
    return "\n".join(text[i : i + 23] for i in range(0, len(text), 23))


# ------------------------------------------------------------------ units

_WAN = re.compile(r"(-?\d+(?:\.\d+)?)(\s*)万元")


def _figure(value: float, places: int) -> str:
    out = f"{value:.{places}f}"
    return out.rstrip("0").rstrip(".") if "." in out else out


def in_yuan(text: str) -> str:
    """Amounts in 元 (万元 × 10 000)."""
    return _WAN.sub(lambda m: f"{_figure(float(m.group(1)) * 1e4, 2)}{m.group(2)}元", text)


def in_yi(text: str) -> str:
    """Amounts in 亿元 (万元 ÷ 10 000)."""
    return _WAN.sub(lambda m: f"{_figure(float(m.group(1)) / 1e4, 6)}{m.group(2)}亿元", text)


# ------------------------------------------------------------------ structure

_STOPS = "。；;.，,"


def _tail_reason(record: dict) -> tuple[str, str] | None:
    """(what comes before the trigger, the reason) when the record is one
    statement, a lead trigger and the reason running to the end of the text."""
    trigger, reason, text = record["trigger"] or "", record["reason"], record["text"]
    if not reason or not trigger or not _LEAD_TRIGGER.match(trigger.strip()):
        return None
    at = text.find(reason)
    t = text.rfind(trigger, 0, max(at, 0))
    if at < 0 or t < 0 or text[at + len(reason) :].strip(" 。.；;，,\n") or text[t + len(trigger) : at].strip(" ：:，,"):
        return None
    head = text[:t].rstrip(" " + _STOPS)
    return (head, reason.rstrip(" " + _STOPS)) if head else None


def _moved_before(record: dict, opening: str, closing: str) -> dict | None:
    """The reason written before the sentence of its figures, inside `opening`…`closing`."""
    parts = _tail_reason(record)
    if parts is None or re.search("[，,。；;]", parts[1]):
        return None
    head, reason = parts
    cut = max(head.rfind(c) for c in "。；;\n") + 1  # the figures' own sentence
    out = dict(record)
    out["text"] = f"{head[:cut]}{opening}{reason}{closing}，{head[cut:].lstrip()}。"
    out["reason"], out["trigger"] = reason, opening
    return out


def affected_before(record: dict) -> dict | None:
    """The reason moved before the figures: "受……影响，……下降 8.3%。"."""
    return _moved_before(record, "受", "影响")


def due_to_before(record: dict) -> dict | None:
    """The reason moved before the figures: "由于……，……减少 3 万元。"."""
    return _moved_before(record, "由于", "")


def because_before(record: dict) -> dict | None:
    """The reason moved before the figures: "因……，……下降 8.3%。"."""
    return _moved_before(record, "因", "")


_CLAUSE = re.compile(r"[，,；;]")


def _clauses(record: dict) -> tuple[str, list[str]] | None:
    parts = _tail_reason(record)
    if parts is None:
        return None
    clauses = [c for c in _CLAUSE.split(parts[1]) if c.strip()]
    return (parts[0], clauses) if len(clauses) >= 2 else None


def _rebuild(record: dict, head: str, trigger: str, reason: str) -> dict:
    out = dict(record)
    out["text"] = f"{head}，{trigger}{reason}。"
    out["reason"], out["trigger"] = reason, trigger
    return out


def over_full_stop(record: dict) -> dict | None:
    """The reason runs over 。: its first clause ends with a full stop."""
    parts = _clauses(record)
    if parts is None:
        return None
    head, clauses = parts
    return _rebuild(record, head, record["trigger"], clauses[0] + "。" + "，".join(clauses[1:]))


_NUMERALS = "一二三四五六七八九十"


def enumerated_shi(record: dict) -> dict | None:
    """The reason's clauses as 一是……；二是……."""
    parts = _clauses(record)
    if parts is None or len(parts[1]) > 10:
        return None
    head, clauses = parts
    return _rebuild(record, head, "主要原因：", "；".join(f"{_NUMERALS[i]}是{c}" for i, c in enumerate(clauses)))


def enumerated_brackets(record: dict) -> dict | None:
    """The reason's clauses as （1）……；（2）……."""
    parts = _clauses(record)
    if parts is None:
        return None
    head, clauses = parts
    return _rebuild(record, head, "主要原因是：", "；".join(f"（{i + 1}）{c}" for i, c in enumerate(clauses)))


def enumerated_qiyi(record: dict) -> dict | None:
    """The reason's clauses as 主要原因有两点：其一，……；其二，……."""
    parts = _clauses(record)
    if parts is None or len(parts[1]) > 3:
        return None
    head, clauses = parts
    count = "两三"[len(clauses) - 2]
    return _rebuild(record, head, f"主要原因有{count}点：", "；".join(f"其{_NUMERALS[i]}，{c}" for i, c in enumerate(clauses)))


TRANSFORMS: tuple[Transform, ...] = (
    *TRIGGER_FORMS,
    _on_text(traditional),
    _on_text(traditional_glossed),
    _on_text(full_width),
    _on_text(half_width),
    _on_text(spaced_figures),
    _on_text(spaced_characters),
    _on_text(in_yuan),
    _on_text(in_yi),
    affected_before,
    due_to_before,
    because_before,
    over_full_stop,
    enumerated_shi,
    enumerated_brackets,
    enumerated_qiyi,
    _on_text(line_breaks),
)

# ------------------------------------------------------------------ several items


def _joinable(record: dict) -> bool:
    return bool(record["reason"]) and _tail_reason(record) is not None


def several_items(records: list[dict]) -> list[tuple[dict, list[dict]]]:
    """Two records of one fold written as one sentence ("……；……", the
    second from its own sentence on): (the joined text as a record, the two
    golds)."""
    pool = [r for r in records if _joinable(r)]
    out = []
    for a, b in zip(pool[::2], pool[1::2], strict=False):
        if a["fold"] != b["fold"]:
            continue
        joined = dict(a)
        joined["rid"] = f"{a['rid']}+{b['rid']}"
        # b's own sentence only: the figures, its trigger and its reason.
        t = b["text"].rfind(b["trigger"], 0, b["text"].find(b["reason"]))
        cut = max(b["text"].rfind(c, 0, t) for c in "。；;\n") + 1
        if not b["text"][cut:t].strip(" ，,"):  # "……增长 5.7%。主要原因是……"
            cut = max(b["text"].rfind(c, 0, max(cut - 1, 0)) for c in "。；;\n") + 1
        joined["text"] = a["text"].rstrip(" 。.；;，,") + "；" + b["text"][cut:]
        out.append((joined, [a, b]))
    return out


# ------------------------------------------------------------------ the table


def measure(records: list[dict], extractor=juesuan) -> dict[str, Tally]:
    """One tally per transformation (the records it applies to), "original"
    for the records as they are and "several_items" for joined pairs."""
    tallies: dict[str, Tally] = {"original": Tally()}
    for r in records:
        tallies["original"].add(r, extractor(r))
    for transform in TRANSFORMS:
        tally = tallies.setdefault(transform.__name__, Tally())
        for r in records:
            changed = transform(r)
            if changed is not None:
                tally.add(changed, extractor(changed))
    joined = tallies.setdefault("several_items", Tally())
    for text_record, golds in several_items(records):
        outcome = extractor(text_record)
        for gold in golds:
            others = [g["reason"] for g in golds if g is not gold]
            # The other item's reason is found, not an extra of this one.
            mine = [f for f in outcome.reasons if not any(same_reason(f["reason"], o) for o in others)]
            joined.add(gold, Outcome(mine, outcome.reported))
    return tallies


def overall(tallies: dict[str, Tally]) -> Tally:
    """Every perturbed record together (the originals left out)."""
    out = Tally()
    for name, t in tallies.items():
        if name == "original":
            continue
        for k in ("gold", "found", "matched", "direction", "basis", "slots", "reported"):
            setattr(out, k, getattr(out, k) + getattr(t, k))
        out.misses += t.misses
        out.extras += t.extras
    return out


def table(tallies: dict[str, Tally]) -> str:
    keys = ("records", "recall", "precision", "direction", "basis", "no_reason_reported")
    rows = [("transformation", *keys)]
    for name, t in [*tallies.items(), ("overall (perturbed)", overall(tallies))]:
        f = t.figures()
        rows.append((name, *("—" if f[k] is None else str(f[k]) for k in keys)))
    widths = [max(len(r[i]) for r in rows) + 2 for i in range(len(keys) + 1)]
    return "\n".join(f"{r[0]:{widths[0]}s}" + "".join(f"{c:>{w}s}" for c, w in zip(r[1:], widths[1:], strict=True)) for r in rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.perturbations", description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", metavar="NAME", help="print what juesuan misses under one transformation")
    args = parser.parse_args(argv)
    records = load(DEVELOPMENT_FOLDS)
    tallies = measure(records)
    print(table(tallies))
    if args.misses:
        t = tallies[args.misses]
        # What the records as they are already lose is not the transformation's doing.
        before = {r["rid"] for r, _ in tallies["original"].misses} | {r["rid"] for r, _ in tallies["original"].extras}
        for r, o in t.misses:
            if r["rid"] in before:
                continue
            print(f"\nMISS {r['rid']} {r['text']!r}\n  gold: {r['reason']!r} no_reason={no_reason(r)}\n  found: {o.reasons} reported={o.reported}")
        for r, f in t.extras:
            if r["rid"] in before:
                continue
            print(f"\nEXTRA {r['rid']} {r['text'][:100]!r}\n  gold: {r['reason']!r}\n  found: {f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
