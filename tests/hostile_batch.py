"""Hostile inputs for a batch (issue 16, family 3): what the file *is*, not
what it holds — a FIFO, a link to a device, names that are not UTF-8.

    cases()   the Case list added to tests/hostile_corpus.py's, so that
              each runs through `score` and `batch` in test_hostile_corpus.py

Classes:
  special   not a regular file: a FIFO (would hang a reader for ever), links
            to /dev/zero (endless bytes) and /dev/null; refused at once,
            before a byte is read ("not a regular file")
  filename  file names that are not UTF-8 — GBK and GB18030 bytes, as a
            Windows zip of Chinese reports unpacks to, a Latin-1 byte — read
            like any file, written with \\xNN escapes (nlp.batch.inputs.shown)

The cases that need their own assertions (kill -9 leaves no process,
SIGTERM, a sandbox child killed from outside, disk full, read-only output,
@list cycles, links out of the input folder) are in tests/test_hostile_batch.py.
"""
from __future__ import annotations

import os
from pathlib import Path

from tests.hostile_corpus import REPORT_TEXT, Case


def fsname(name: str, encoding: str) -> str:
    """`name` as a file system name in `encoding`: the str Python gives
    for those bytes (os.fsdecode, surrogate-escaped where they are not UTF-8)."""
    return os.fsdecode(name.encode(encoding))


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _link_to(target: str):
    def place(path: Path) -> None:
        os.symlink(target, path)
    return place


def other_report() -> bytes:
    """The little report with another unit's name: its own bytes, so not a duplicate."""
    return REPORT_TEXT.replace("文化和旅游局", "体育局").encode("utf-8")


def cases() -> list[Case]:
    not_regular = ["not a regular file"]
    return [
        Case("named_pipe.txt", "special", "a FIFO nobody writes to", lambda: None, "error", not_regular, place=_fifo),
        Case("dev_zero.txt", "special", "a symbolic link to /dev/zero", lambda: None, "error", not_regular, place=_link_to("/dev/zero")),
        Case("dev_null.pdf", "special", "a symbolic link to /dev/null", lambda: None, "error", not_regular, place=_link_to("/dev/null")),
        Case(fsname("决算_gbk.txt", "gbk"), "filename", "a report whose name is GBK bytes", other_report, "ok", min_explanations=3),
        Case(fsname("空白_gbk.txt", "gbk"), "filename", "an empty file whose name is GBK bytes", lambda: b"", "error", ["empty"]),
        Case(fsname("部门决算𠀀.txt", "gb18030"), "filename", "a report whose name is GB18030 (4-byte sequence)",
             lambda: REPORT_TEXT.replace("文化和旅游局", "教育局").encode("gb18030"), "ok", min_explanations=3),
        Case(fsname("caf\u00e9.txt", "latin-1"), "filename", "a name with one Latin-1 byte", lambda: REPORT_TEXT.encode("utf-16"), "ok", min_explanations=3),
    ]
