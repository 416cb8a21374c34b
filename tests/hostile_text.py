"""Hostile text, issue 16 family 1: text the reader cannot see must not hide
a figure or a reason, and no verdict without evidence.

Each report is the little report of tests/hostile_corpus.py plus one line
that states an 85 % change without a reason (UNEXPLAINED), written with the
trick of its class. Classes:

    hidden_format    invisible format characters (Unicode Cf), variation
                     selectors and combining marks inside the figures
    line_separator   \\f, \\v, NEL, U+2028, U+2029 inside the trigger 主要原因是
    tab_in_text      a TAB at the start of, or inside, a statement line
    chinese_numerals amounts and percentages in Chinese numerals
    bad_bytes        GBK / UTF-8 with a few stray bytes
    no_evidence      text in which no change statement can be recognised

`cases()` feeds tests/hostile_corpus.py (every case through `score` and
`batch`); tests/test_hostile_text.py asserts what each must give.
"""
from __future__ import annotations

from tests.hostile_corpus import REPORT_LINES, Case

UNEXPLAINED = "2.住房保障支出（类）住房改革支出（款）购房补贴（项）：支出决算数为 185.00 万元，比上年决算增加 85.00 万元，增长 85.00%。"
REASONED = "2024年度收入总计 1204.56 万元，比上年增加 120.30 万元，增长 11.10%，主要原因是新增文化惠民演出经费。"

# (name, character) put inside the figures "85.00": each is invisible to a reader.
HIDDEN = [
    ("zwsp", "\u200b"), ("zwnj", "\u200c"), ("zwj", "\u200d"), ("word_joiner", "\u2060"), ("bom", "\ufeff"),
    ("soft_hyphen", "\u00ad"), ("lrm", "\u200e"), ("rlm", "\u200f"), ("alm", "\u061c"), ("lre", "\u202a"),
    ("rlo", "\u202e"), ("lri", "\u2066"), ("pdi", "\u2069"), ("invisible_times", "\u2062"),
    ("mongolian_vs", "\u180e"), ("vs16", "\ufe0f"), ("vs_supplement", "\U000e0100"), ("cgj", "\u034f"),
    ("combining_acute", "\u0301"), ("tag_a", "\U000e0041"),
]
# Line and page separators a reader sees as a break, put inside the trigger.
SEPARATORS = [("ff", "\f"), ("vt", "\v"), ("nel", "\x85"), ("ls", "\u2028"), ("ps", "\u2029")]

# (name, the report's words, change in 万元, change in %): each states the 85 % change of UNEXPLAINED.
NUMERALS = [
    ("plain", "支出决算数为一百八十五万元，比上年决算增加八十五万元，增长百分之八十五。", 85.0, 85.0),
    ("decimal", "支出决算数为二百零五点五万元，比上年决算增加一百二十点五万元，增长百分之十二点五。", 120.5, 12.5),
    ("zero_inside", "支出决算数为两千零三十万元，比上年决算增加两千零三十万元，增长百分之一百。", 2030.0, 100.0),
    ("capitals", "支出决算数为贰佰万元，比上年决算增加壹佰万元，增长百分之壹佰。", 100.0, 100.0),
    ("yuan", "支出决算数为一百八十五万元，比上年决算增加八十五万元，增长八十五%。", 85.0, 85.0),
    ("wan_yuan_digits", "支出决算数为185.00万元，比上年决算增加八十五万元，增长百分之八十五。", 85.0, 85.0),
]
NUMERAL_ITEM = "2.住房保障支出（类）住房改革支出（款）购房补贴（项）："


def report(extra: str) -> str:
    """The little report with `extra` as its last line."""
    return "\n".join([*REPORT_LINES, extra]) + "\n"


def hidden(mark: str) -> str:
    return report(UNEXPLAINED.replace("85.00", "8" + mark + "5.00"))


def separated(sep: str, at: int) -> str:
    """The report with `sep` inside the trigger 主要原因是 of REASONED, after
    its `at`-th character."""
    trigger = "主要原因是"
    return report(UNEXPLAINED).replace(REASONED, REASONED.replace(trigger, trigger[:at] + sep + trigger[at:]))


def tabbed(where: str) -> str:
    line = {
        "start": "\t" + UNEXPLAINED,
        "inside": UNEXPLAINED.replace("比上年决算增加", "比上年决算增加\t"),
        "after_item": UNEXPLAINED.replace("：", "：\t", 1),
    }.get(where)
    if line is None:  # "start_and_reason": the reasoned line, a TAB before it and in its trigger
        return report(UNEXPLAINED).replace(REASONED, "\t" + REASONED.replace("主要原因是", "主要原因是\t"))
    return report(line)


def numerals(words: str) -> str:
    return report(NUMERAL_ITEM + words)


def bad_bytes(encoding: str, stray: int = 3, size: int = 11 * 1024) -> bytes:
    """The report repeated to about `size` bytes, with `stray` bytes set to 0xFF."""
    one = report(UNEXPLAINED).encode(encoding)
    data = bytearray(one * max(1, round(size / len(one))))
    for k in range(stray):
        data[101 + k * (len(data) // (stray + 1))] = 0xFF
    return bytes(data)


NO_EVIDENCE = {
    "title_only": "城西区文化和旅游局2024年度部门决算公开说明\n",
    "prose_only": "城西区文化和旅游局2024年度部门决算公开说明\n一、部门职责\n负责全区文化和旅游工作，组织群众文化活动。\n二、机构设置\n本部门下设三个科室。\n",
    "year_and_items": "二〇二四年度部门决算\n一、部门职责\n二、机构设置\n三、名词解释\n",
}


def cases() -> list[Case]:
    out = [
        Case(f"hidden_{name}.txt", "hidden_format", f"U+{ord(c):04X} inside the figure 85.00 of an unexplained change",
             lambda c=c: hidden(c).encode("utf-8"), "ok", min_explanations=3)
        for name, c in HIDDEN
    ]
    out += [
        Case(f"separator_{name}.txt", "line_separator", f"{name} inside the trigger 主要原因是",
             lambda s=s: separated(s, 3).encode("utf-8"), "ok", min_explanations=3)
        for name, s in SEPARATORS
    ]
    out += [
        Case(f"tab_{where}.txt", "tab_in_text", f"a TAB {where.replace('_', ' ')} of a statement line",
             lambda w=where: tabbed(w).encode("utf-8"), "ok", min_explanations=3)
        for where in ("start", "inside", "after_item", "start_and_reason")
    ]
    out += [
        Case(f"numerals_{name}.txt", "chinese_numerals", f"an unexplained change in Chinese numerals ({name})",
             lambda w=words: numerals(w).encode("utf-8"), "ok", min_explanations=3)
        for name, words, _, _ in NUMERALS
    ]
    out += [
        Case("gbk_3_stray_bytes.txt", "bad_bytes", "11 KB of GBK with 3 stray bytes", lambda: bad_bytes("gbk"), "ok", min_explanations=3),
        Case("utf8_3_stray_bytes.txt", "bad_bytes", "11 KB of UTF-8 with 3 stray bytes", lambda: bad_bytes("utf-8"), "ok", min_explanations=3),
    ]
    out += [
        Case(f"no_evidence_{name}.txt", "no_evidence", f"no change statement ({name.replace('_', ' ')}): not scored",
             lambda t=text: t.encode("utf-8"), "ok")
        for name, text in NO_EVIDENCE.items()
    ]
    return out


def measure() -> list[str]:
    """One row per class for the issue's table: cases, what they gave, the
    slowest `juesuan score` run, its peak memory (the largest process), and the
    processes naming the file left after each run."""
    import json
    import os
    import subprocess
    import sys
    import tempfile
    import time
    from collections import defaultdict
    from pathlib import Path

    rows: dict[str, dict] = defaultdict(lambda: {"cases": 0, "results": set(), "seconds": 0.0, "kb": 0, "left": 0})
    with tempfile.TemporaryDirectory(prefix="hostile-text-") as folder:
        for case in cases():
            path = Path(folder) / case.name
            path.write_bytes(case.make())
            t0 = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "nlp", "score", str(path), "--format", "json", "--exit-zero"],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            out = proc.stdout.read()
            usage = os.wait4(proc.pid, 0)[2]  # ru_maxrss: the largest of it and its reaped children
            row = rows[case.cls]
            row["cases"] += 1
            row["seconds"] = max(row["seconds"], time.perf_counter() - t0)
            row["kb"] = max(row["kb"], usage.ru_maxrss)
            row["left"] += sum(1 for p in Path("/proc").glob("[0-9]*") if str(path).encode() in _cmdline(p))
            row["results"].add(_result(json.loads(out)))
    return [f"{cls} | {r['cases']} | {'; '.join(sorted(r['results']))} | ≤ {r['seconds']:.1f} s | ≤ {r['kb'] / 1024:.0f} MB | {r['left']}"
            for cls, r in rows.items()]


def _result(report: dict) -> str:
    """What a case gave: not scored, or analysed, with the unexplained change
    found (a JS101 finding), the trigger's reason kept, the reader's warning."""
    if report["status"] == "not_scored":
        return "analysed, not scored"
    found = ["analysed"]
    if "JS101" in {f["code"] for f in report["findings"]}:
        found.append("finding JS101 on the hidden change")
    if any(e["reason"] == "新增文化惠民演出经费" and e["change"] == 120.3 for e in report["explanations"]):
        found.append("reason kept")
    if report["warnings"]:
        found.append("bad bytes warned")
    return ", ".join(found)


def _cmdline(proc) -> bytes:
    try:
        return (proc / "cmdline").read_bytes()
    except OSError:
        return b""


if __name__ == "__main__":  # python -m tests.hostile_text
    print("class | cases | result | time (slowest) | peak memory | processes left")
    print("\n".join(measure()))
