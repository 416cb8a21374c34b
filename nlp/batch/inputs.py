"""What a batch run reads: folders, globs, files, file lists, and a manifest.

    reports/            every report file below the folder (by extension)
    'reports/**/*.pdf'  a glob (quoted, so that the shell leaves it alone)
    a.pdf b.docx        files, whatever their extension
    @list.txt           a list of paths, one a line ('#' starts a comment)

Files are yielded in a stable order (each argument in turn, folders and globs
sorted) and each path once. A file or folder named on the command line that
does not exist is an `InputError` (a mistyped path stops the run, as an empty
folder does); one named in a list gets its row in errors.csv, as a file that
cannot be read does. A file named directly is always taken; in
folders only the extensions below are, so that spreadsheets and images that
sit beside the reports do not fill errors.csv.

Symbolic links: a link found in a folder (or by a glob) is read when it
points inside that folder; one that points out of it (to /etc/shadow, to
another department's folder) is not followed but is a row of errors.csv,
unless asked (`follow_symlinks`, `juesuan batch --follow-symlinks`). A file
named on the command line or in a list is read wherever it points: the user
named it. Links to folders are never walked into. An @list that includes
itself, directly or through other lists, is an `InputError`.
"""
from __future__ import annotations

import csv
import glob
import io
import os
import re
from collections.abc import Iterator

from nlp.errors import InputError
from nlp.sheets import header_columns

REPORT_EXTENSIONS = {".pdf", ".docx", ".doc", ".wps", ".html", ".htm", ".shtml", ".txt", ".text", ""}
_GLOB_CHARS = set("*?[")


def iter_inputs(specs: list[str], exclude: list[str] = (), follow_symlinks: bool = False) -> Iterator[str]:
    """Input paths in order, each once; nothing under the `exclude` folders
    (the results folder, when it lies inside an input folder). A symbolic
    link found in a folder or by a glob that points out of that folder comes
    as a `Refused` path, unless `follow_symlinks`."""
    seen: set[str] = set()
    skip = [os.path.realpath(e) + os.sep for e in exclude]
    for spec in specs:
        for path in _expand(spec, follow=follow_symlinks):
            key = os.path.realpath(path)
            if key not in seen and not any(key.startswith(s) for s in skip):
                seen.add(key)
                yield path


class Refused(str):
    """An input path that is not to be read; `reason` says why, in one line
    naming it (a row of errors.csv)."""

    reason = ""


def _expand(spec: str, listed: bool = False, follow: bool = False, lists: tuple[str, ...] = ()) -> Iterator[str]:
    if spec.startswith("@"):
        yield from _from_list(spec[1:], follow, lists)
    elif os.path.isdir(spec):
        yield from _walk(spec, follow)
    elif os.path.exists(spec) or os.path.islink(spec):
        yield spec
    elif _GLOB_CHARS & set(spec):
        root = _glob_root(spec)
        for path in sorted(glob.glob(spec, recursive=True)):
            if os.path.isdir(path):
                yield from _walk(path, follow)
            elif _is_report_name(path):
                yield _inside(path, root, follow)
    elif listed:
        yield spec
    else:
        raise InputError(f"{spec}: no such file or folder")


def _walk(folder: str, follow: bool = False) -> Iterator[str]:
    for root, dirs, files in os.walk(folder):  # links to folders are not walked into
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            if _is_report_name(name):
                yield _inside(os.path.join(root, name), folder, follow)


def _inside(path: str, root: str, follow: bool) -> str:
    """`path`, found under `root`; a Refused path if it is a symbolic link
    to something outside `root` (to /etc/shadow, to another department's
    folder) and links are not to be followed."""
    if follow or not os.path.islink(path):
        return path
    target, top = os.path.realpath(path), os.path.realpath(root)
    if target == top or target.startswith(top.rstrip(os.sep) + os.sep):
        return path
    refused = Refused(path)
    refused.reason = (f"{path}: 符号链接指向输入文件夹之外（{target}），不读取（--follow-symlinks 可读取）；"
                      f"a symbolic link out of the input folder ({target}): not followed (--follow-symlinks follows it)")
    return refused


def _glob_root(pattern: str) -> str:
    """The folder a glob searches: its part before the first wildcard."""
    head = pattern[: min(pattern.index(c) for c in _GLOB_CHARS if c in pattern)]
    return os.path.dirname(head) or "."


def _is_report_name(name: str) -> bool:
    base = os.path.basename(name)
    if base.startswith((".", "~$")):
        return False
    return os.path.splitext(base)[1].lower() in REPORT_EXTENSIONS


def _from_list(path: str, follow: bool = False, lists: tuple[str, ...] = ()) -> Iterator[str]:
    key = os.path.realpath(path)
    if key in lists:
        raise InputError(f"@{path}: 文件列表包含了自身（循环引用）；the file list includes itself (a cycle of @lists)")
    from nlp.readers import file_bytes

    try:  # a regular file, bounded; names that are not UTF-8 stay the bytes they are
        lines = file_bytes(path).decode("utf-8", "surrogateescape").removeprefix("\ufeff").splitlines()
    except InputError as e:
        raise InputError(f"{path}: cannot read the file list ({str(e).removeprefix(path + ': ')})") from None
    here = os.path.dirname(path)
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        # Relative paths: from the current folder, else from the list's folder.
        if not os.path.isabs(line) and not os.path.exists(line) and os.path.exists(os.path.join(here, line)):
            line = os.path.join(here, line)
        yield from _expand(line, listed=True, follow=follow, lists=(*lists, key))


def shown(text: str) -> str:
    """A path, or a message naming one, as the outputs write it: valid
    Unicode, unchanged when it is. A file name that is not UTF-8 (GBK names
    from a Windows zip) reaches Python surrogate-escaped (os.fsdecode); each
    byte that does not decode is written \\xNN, so that the CSV, XLSX,
    Parquet and HTML outputs can hold it; `name_bytes` gives the bytes back.
    (The results store keeps the name itself, as JSON \\udcXX escapes.)"""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate not from a file name
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def name_bytes(text: str) -> bytes:
    """The original bytes of a name that `shown` escaped: each \\xNN is
    that byte. (A name that was UTF-8 is os.fsencode(text).)"""
    return re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m[1], 16)]), text.encode("utf-8"))


class Manifest:
    """Unit and year given by the user, overriding what the text says.

    A CSV with a header naming a `path` (or `file`, `source`, 文件) and/or a
    `sha256` column, and `unit` (单位) and/or `year` (年度) columns; a blank
    cell leaves that field to the text. Relative paths are taken from the
    manifest's folder.
    """

    def __init__(self, path: str | None = None):
        self.by_sha: dict[str, tuple[str | None, int | None]] = {}
        self.by_path: dict[str, tuple[str | None, int | None]] = {}
        self.path = path
        if path:
            self._load(path)

    def __bool__(self) -> bool:
        return bool(self.by_sha or self.by_path)

    def lookup(self, sha: str, paths: list[str]) -> tuple[str | None, int | None]:
        if sha in self.by_sha:
            return self.by_sha[sha]
        for p in paths:
            hit = self.by_path.get(os.path.realpath(p))
            if hit:
                return hit
        return None, None

    def _load(self, path: str) -> None:
        from nlp.batch.identity import clean_unit
        from nlp.readers import file_bytes

        try:
            data = file_bytes(path)
        except InputError as e:
            raise InputError(f"{path}: cannot read the manifest ({str(e).removeprefix(path + ': ')})") from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")
        rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            raise InputError(f"{path}: empty manifest")
        found = header_columns(rows[0], _MANIFEST_COLUMNS)
        col = {name: found.get(name) for name in _MANIFEST_COLUMNS}
        if col["path"] is None and col["sha256"] is None:
            raise InputError(f"{path}: the manifest needs a 'path' or 'sha256' column (header: {', '.join(rows[0])})")
        if col["unit"] is None and col["year"] is None:
            raise InputError(f"{path}: the manifest needs a 'unit' or 'year' column (header: {', '.join(rows[0])})")
        here = os.path.dirname(os.path.abspath(path))
        for n, row in enumerate(rows[1:], 2):
            cell = {k: row[i].strip() if i is not None and i < len(row) else "" for k, i in col.items()}
            unit = clean_unit(cell["unit"]) if cell["unit"] else None
            year_text = cell["year"].rstrip("年度").strip()
            year = None
            if year_text:
                if not year_text.isdigit() or not 1900 <= int(year_text) <= 2100:
                    raise InputError(f"{path}:{n}: year {cell['year']!r} is not a year")
                year = int(year_text)
            if cell["sha256"]:
                self.by_sha[cell["sha256"].lower()] = (unit, year)
            if cell["path"]:
                p = cell["path"]
                full = p if os.path.isabs(p) else os.path.join(here, p)
                self.by_path[os.path.realpath(full)] = (unit, year)
                if not os.path.isabs(p):  # also relative to where the user runs
                    self.by_path.setdefault(os.path.realpath(p), (unit, year))


_MANIFEST_COLUMNS = {
    "path": ("path", "file", "source", "文件", "路径"),
    "sha256": ("sha256", "sha", "hash"),
    "unit": ("unit", "单位", "部门", "单位名称"),
    "year": ("year", "年度", "年份"),
}
