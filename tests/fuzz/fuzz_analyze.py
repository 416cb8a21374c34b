"""Coverage-guided fuzzing of `analyze()` on text (atheris, libFuzzer).

Not collected by pytest (no test_ prefix); a separate, long command:

    pip install atheris                  # a wheel for CPython 3.8-3.11 on Linux x86-64
    python tests/fuzz/fuzz_analyze.py -max_total_time=300 -timeout=20 -rss_limit_mb=4096 \\
        /tmp/fuzz-corpus tests/fixtures examples

The first folder collects the inputs that reach new code; the others seed
it with real reports. Each input is read three ways, chosen by its first
byte: as text (`analyze(name, text=...)`), as file bytes (`read_bytes`:
encoding detection, HTML, PDF and DOCX readers, then `analyze`), and as a
list of reasons (`split_causes` on each line). What counts as a failure:

* any exception but `nlp.InputError` (a bad file must be refused in one
  line, never crash);
* an offset outside the text: every explanation's span and every missing
  statement's span inside the repaired text, every location inside its page;
* a cause that is empty or not part of its reason's text;
* repair that is not idempotent on its own output (the text it returns);
* a report whose `to_dict()` does not serialise to JSON;
* an input that runs longer than -timeout seconds (a hang) or needs more
  than -rss_limit_mb (libFuzzer reports both).

A crash leaves crash-<sha1> in the current folder; run the harness on that
file alone to replay it: `python tests/fuzz/fuzz_analyze.py crash-...`.
libFuzzer stops at the first failure; to look past a failure already
reported, name its check in JUESUAN_FUZZ_SKIP (comma-separated:
idempotent, offsets, causes, json), e.g. JUESUAN_FUZZ_SKIP=idempotent.
"""
from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

import atheris

with atheris.instrument_imports(include=["nlp"]):
    from nlp import InputError
    from nlp.pipeline import analyze
    from nlp.readers import read_bytes
    from nlp.reasons import split_causes
    from nlp.repair import repair


SKIP = set(filter(None, os.environ.get("JUESUAN_FUZZ_SKIP", "").split(",")))


def _check_report(report, pages: list[str]) -> None:
    if "json" not in SKIP:
        json.dumps(report.to_dict(), ensure_ascii=False)
    if "offsets" in SKIP:
        return
    text = report.repaired.text
    n = len(text)
    for e in report.explanations:
        a, b = e.span
        assert 0 <= a <= b <= n, ("explanation span outside the text", e.id, e.span, n)
        for c in e.causes:
            assert "causes" in SKIP or c.text.strip(), ("empty cause", e.id)
        loc = e.location
        if loc.page is not None:
            assert 1 <= loc.page <= len(pages), ("page out of range", loc)
            page_len = len(pages[loc.page - 1])
        else:
            page_len = sum(len(p) + 1 for p in pages)
        assert 0 <= loc.start <= loc.end <= page_len + 1, ("location outside its page", loc, page_len)
    for m in report.missing:
        s = m.statement
        assert 0 <= s.start <= s.end <= n, ("missing statement outside the text", s.start, s.end, n)


def _check_repair(pages: list[str]) -> None:
    once = repair(pages, paged=len(pages) > 1)
    if "offsets" not in SKIP:
        assert len(once.origin) == len(once.text), "origin map and text differ in length"
        total = sum(len(p) for p in pages) + max(0, len(pages) - 1)
        assert all(0 <= o < max(total, 1) for o in once.origin), "origin offset outside the input"
    if "idempotent" in SKIP:
        return
    twice = repair([once.text], paged=False)
    assert twice.text == once.text, ("repair is not idempotent", once.text[:200], twice.text[:200])


def TestOneInput(data: bytes) -> None:
    if not data:
        return
    mode, body = data[0] % 3, data[1:]
    if mode == 0:
        text = body.decode("utf-8", errors="replace")
        pages = [text]
        _check_repair(pages)
        try:
            report = analyze("fuzz.txt", text=text, model=None)
        except InputError:
            return
        _check_report(report, pages)
    elif mode == 1:
        try:
            source = read_bytes(body, "fuzz.bin")
            report = analyze(source, model=None)
        except InputError as e:
            assert "\n" not in str(e), ("multi-line error", str(e))
            return
        _check_report(report, source.pages)
    else:
        for line in body.decode("utf-8", errors="replace").splitlines():
            for a, b in split_causes(line, 0, len(line)):
                assert "causes" in SKIP or (0 <= a < b <= len(line) and line[a:b].strip()), ("cause not in its reason", a, b, line)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
