"""Settings: which rules run and their options.

Read from `juesuan.toml` (top-level keys) or the `[tool.juesuan]` table of a
`pyproject.toml`, in the input's folder or the nearest folder above it, then
overridden by the command line (`--select`, `--ignore`, `--lang`, like ruff):

    [tool.juesuan]
    lang = "en"                # messages in English (default "zh", Chinese)
    select = ["JS"]            # codes, code prefixes or rule names
    ignore = ["template_leftover"]
    [tool.juesuan.missing]
    min_change = 10.0          # 万元

Settings are strict, as a linter's are: a key, a table, a rule or an option
that does not exist, or a value of the wrong type, is a `SettingsError` naming
it and the closest valid name, never a silent no-op. The schema is the rule
registry (each rule's code, name and default `options`, whose types the
values must have) and `TOP_LEVEL` below. The rules sit above this module, so
callers pass them in (`rules=nlp.rules.registry()`).
"""
from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from nlp.errors import InputError

# Top-level keys other than rule tables: the type of each value, or a table's keys and their types.
TOP_LEVEL: dict = {"lang": str, "select": list, "ignore": list, "limits": {"timeout": float, "max_memory": float}}
ALL = "ALL"
LANGS = ("zh", "en")  # the languages messages are written in, the default first


class SettingsError(InputError):
    """An unknown key, table, rule or option, or a value of the wrong type."""


@dataclass
class Settings:
    select: list[str] = field(default_factory=lambda: [ALL])
    ignore: list[str] = field(default_factory=list)
    rule_options: dict[str, dict] = field(default_factory=dict)  # rule name (or "limits") -> options
    lang: str = LANGS[0]  # the language of what a person reads: "zh" or "en"
    source: str | None = None  # the file the settings came from

    def enabled(self, rule) -> bool:
        return _matches(rule, self.select) and not _matches(rule, self.ignore)

    def options_for(self, rule) -> dict:
        options = dict(rule.options)
        options.update(self.rule_options.get(rule.name, {}))
        return options


def _matches(rule, patterns: list[str]) -> bool:
    return any(p == ALL or p == rule.name or rule.code.startswith(p) for p in patterns)


def load_settings(
    near: str | os.PathLike | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    *,
    rules: Sequence,
    lang: str | None = None,
) -> Settings:
    """The settings for a file `near` (None: the current folder), with the
    command line's `select`, `ignore` and `lang` on top, checked against `rules`."""
    settings = Settings()
    found = _find_config(Path(near).resolve().parent if near else Path.cwd())
    if found:
        path, table = found
        settings.source = str(path)
        check_table(table, rules, where=f"{path}: ")
        if "select" in table:
            settings.select = list(table["select"])
        settings.ignore = list(table.get("ignore", []))
        settings.lang = table.get("lang", settings.lang)
        settings.rule_options = {k: dict(v) for k, v in table.items() if isinstance(v, dict)}
    if select:
        check_selectors(select, rules, "--select")
        settings.select = select
    if ignore:
        check_selectors(ignore, rules, "--ignore")
        settings.ignore = settings.ignore + ignore
    if lang:
        check_lang(lang, "--lang")
        settings.lang = lang
    return settings


def check_lang(value, where: str) -> None:
    if value not in LANGS:
        raise SettingsError(f"{where} = {value!r}: expected {' or '.join(map(repr, LANGS))}")


def check_table(table: dict, rules: Sequence, where: str = "") -> None:
    """A settings table against the schema: the first problem, as a SettingsError."""
    by_name = {r.name: r for r in rules}
    for key, value in table.items():
        if key in ("select", "ignore"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SettingsError(f"{where}{key} = {value!r}: expected a list of rule codes, prefixes or names")
            check_selectors(value, rules, f"{where}{key}")
        elif key == "lang":
            check_lang(value, f"{where}lang")
        elif key in TOP_LEVEL or key in by_name:
            schema = TOP_LEVEL[key] if key in TOP_LEVEL else by_name[key].options
            if not isinstance(value, dict):
                raise SettingsError(f"{where}{key} = {value!r}: expected a table [{key}]")
            for option, given in value.items():
                if option not in schema:
                    raise SettingsError(f"{where}[{key}] unknown option {option!r}{_hint(option, schema, key)}")
                _check_type(given, schema[option], f"{where}[{key}] {option}")
        else:
            code = next((r.name for r in rules if r.code == key.upper()), None)
            hint = f" (rule options go in a table named after the rule: [{code}])" if code else _hint(key, [*TOP_LEVEL, *by_name])
            raise SettingsError(f"{where}unknown {'table' if isinstance(value, dict) else 'key'} {key!r}{hint}")


def check_selectors(patterns: Iterable[str], rules: Sequence, where: str) -> None:
    """Each of `patterns` must be ALL, a rule's name, or a code or the start of one."""
    for pattern in patterns:
        if pattern == ALL or any(pattern == r.name or r.code.startswith(pattern) for r in rules):
            continue
        folded = pattern.upper() if pattern.upper() == ALL or any(r.code.startswith(pattern.upper()) for r in rules) else None
        folded = folded or next((r.name for r in rules if r.name == pattern.lower()), None)
        choices = [ALL, *(r.code for r in rules), *(r.name for r in rules)]
        hint = f" (did you mean {folded!r}? case matters)" if folded else _hint(pattern, choices)
        raise SettingsError(f"{where}: unknown rule {pattern!r}{hint}; `juesuan rules` lists them")


def _check_type(value, default, where: str) -> None:
    """`default` is a rule's default value (its type is the option's) or a type."""
    kind = default if isinstance(default, type) else type(default)
    if kind is float:
        ok, wanted = isinstance(value, int | float) and not isinstance(value, bool), "a number"
    elif kind is int:
        ok, wanted = isinstance(value, int) and not isinstance(value, bool), "a whole number"
    else:
        ok, wanted = isinstance(value, kind), {str: "a string", bool: "true or false", list: "a list"}.get(kind, kind.__name__)
    if not ok:
        raise SettingsError(f"{where} = {value!r}: expected {wanted}")


def _hint(word: str, choices: Iterable[str], table: str | None = None) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]!r}?)"
    if table is not None:
        return f" ([{table}] takes {', '.join(choices) or 'no options'})"
    return ""


def _find_config(folder: Path) -> tuple[Path, dict] | None:
    for directory in (folder, *folder.parents):
        for name in ("juesuan.toml", "pyproject.toml"):
            path = directory / name
            if not path.is_file():
                continue
            stat = path.stat()
            data = _parse(path, stat.st_mtime_ns, stat.st_size)
            table = data if name == "juesuan.toml" else data.get("tool", {}).get("juesuan")
            if table is not None:
                if not isinstance(table, dict):
                    raise SettingsError(f"{path}: [tool.juesuan] must be a table")
                return path, table
    return None


@lru_cache(maxsize=64)
def _parse(path: Path, mtime_ns: int, size: int) -> dict:
    """A settings file's TOML, read again only when the file changes (a batch
    asks for the settings of every report). Callers copy what they keep."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as e:
        raise InputError(f"{path}: bad settings file ({e})") from None
