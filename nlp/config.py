"""Settings: which rules run and their options, and the per-file budget.

Read, in this order, each over the one before:

1. the user's own file, `$XDG_CONFIG_HOME/juesuan/juesuan.toml` (else
   `~/.config/juesuan/juesuan.toml`): `user_settings_file()`;
2. the project's: `juesuan.toml` (top-level keys) or the `[tool.juesuan]`
   table of a `pyproject.toml`, in the report's folder (a batch: its root
   folder) or the nearest folder above it — never above the working
   directory; for a report outside the working directory, the working
   directory's own file only. A file in /tmp does not govern every report
   below it, and a batch reads one file for the whole run, never one per
   department's folder;
3. the command line (`--select`, `--ignore`, `--lang`, like ruff).

    [tool.juesuan]
    lang = "en"                # messages in English (default "zh", Chinese)
    select = ["JS"]            # codes, code prefixes or rule names
    ignore = ["template_leftover"]
    [tool.juesuan.missing]
    min_change = 10.0          # 万元

`[limits]` (timeout, max_memory: the sandbox of nlp.limits) is taken only
from the user's file and the command line: a project file may sit beside
untrusted reports (an unpacked archive), and bounds that protect the machine
are the machine's owner's to loosen. A project file's `[limits]` is ignored
with a `SettingsWarning` naming it, so that such a file cannot stop a batch.

Settings are strict, as a linter's are: a key, a table, a rule or an option
that does not exist, a value of the wrong type, a number that is not finite
(or a negative limit), or settings that leave no rule enabled (a report
would score 100 with nothing checked), is a `SettingsError` naming it, never
a silent no-op. The schema is the rule registry (each rule's code, name and
default `options`, whose types the values must have) and `TOP_LEVEL` below.
The rules sit above this module, so callers pass them in
(`rules=nlp.rules.registry()`). `Settings.applied()` is what a report
records of them: the files read and the sha256 of what decides the verdict.
"""
from __future__ import annotations

import difflib
import hashlib
import json
import math
import os
import tomllib
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from nlp.errors import InputError

# Top-level keys other than rule tables: the type of each value, or a table's keys and their types.
TOP_LEVEL: dict = {"lang": str, "select": list, "ignore": list, "limits": {"timeout": float, "max_memory": float}}
ALL = "ALL"
LANGS = ("zh", "en")  # the languages messages are written in, the default first
USER_FILE = Path("juesuan") / "juesuan.toml"  # below $XDG_CONFIG_HOME or ~/.config
MAX_FILE_BYTES = 1 << 20  # a settings file is a few lines; a larger one is not read


class SettingsError(InputError):
    """An unknown key, table, rule or option, or a value of the wrong type."""


class SettingsWarning(UserWarning):
    """A part of a settings file that is not used (a project file's [limits])."""


@dataclass
class Settings:
    select: list[str] = field(default_factory=lambda: [ALL])
    ignore: list[str] = field(default_factory=list)
    rule_options: dict[str, dict] = field(default_factory=dict)  # rule name (or "limits") -> options
    lang: str = LANGS[0]  # the language of what a person reads: "zh" or "en"
    source: str | None = None  # the last file the settings came from
    files: list[str] = field(default_factory=list)  # every file they came from: the user's, then the project's

    def enabled(self, rule) -> bool:
        return _matches(rule, self.select) and not _matches(rule, self.ignore)

    def options_for(self, rule) -> dict:
        options = dict(rule.options)
        options.update(self.rule_options.get(rule.name, {}))
        return options

    def digest(self) -> str:
        """sha256 of what decides a verdict: the rules selected and ignored
        and their options, merged from every file and the command line
        (not the files' bytes: a comment changes nothing; not `lang` or
        [limits]: they change how a verdict is shown or whether it is reached)."""
        verdict = {"select": self.select, "ignore": self.ignore,
                   "options": {k: v for k, v in sorted(self.rule_options.items()) if k != "limits"}}
        canonical = json.dumps(verdict, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def applied(self) -> dict:
        """What a report records of its settings: {"files": [...], "sha256": digest}."""
        return {"files": list(self.files), "sha256": self.digest()}


def _matches(rule, patterns: list[str]) -> bool:
    return any(p == ALL or p == rule.name or rule.code.startswith(p) for p in patterns)


def user_settings_file() -> Path:
    """The user's own settings file: $XDG_CONFIG_HOME/juesuan/juesuan.toml
    (an absolute $XDG_CONFIG_HOME, as the XDG spec says), else ~/.config/juesuan/juesuan.toml."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / USER_FILE


def load_settings(
    near: str | os.PathLike | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    *,
    rules: Sequence,
    lang: str | None = None,
) -> Settings:
    """The settings for a report file `near` (a folder: a batch's root; None:
    the working directory): the user's file, the project's file found from
    there (never above the working directory), then the command line's
    `select`, `ignore` and `lang`, all checked against `rules`."""
    settings = Settings()
    user = user_settings_file()
    if user.is_file():
        _apply(settings, user, _table(user, "juesuan.toml"), rules, trusted=True)
    found = _find_config(_start(near), Path.cwd().resolve())
    if found and found[0] != user.resolve():
        _apply(settings, *found, rules, trusted=False)
    if select:
        check_selectors(select, rules, "--select")
        settings.select = select
    if ignore:
        check_selectors(ignore, rules, "--ignore")
        settings.ignore = settings.ignore + ignore
    if lang:
        check_lang(lang, "--lang")
        settings.lang = lang
    check_some_rule(settings, rules, [*settings.files, *(["--select"] if select else []), *(["--ignore"] if ignore else [])])
    return settings


def settings_over(base: Settings, path: str | os.PathLike, *, rules: Sequence) -> Settings:
    """`base` with one named settings file on top (a juesuan.toml, or a
    pyproject.toml's [tool.juesuan]), checked as any project file is (its
    [limits] ignored): a server's analysis profile. `base` is not changed."""
    import copy

    path = Path(path)
    if not path.is_file():
        raise SettingsError(f"{path}: 设置文件不存在 — no such settings file")
    name = "pyproject.toml" if path.name == "pyproject.toml" else "juesuan.toml"
    table = _table(path, name)
    if table is None:
        raise SettingsError(f"{path}: 没有 [tool.juesuan] 表 — no [tool.juesuan] table")
    settings = copy.deepcopy(base)
    _apply(settings, path, copy.deepcopy(table), rules, trusted=False)
    check_some_rule(settings, rules, settings.files)
    return settings


def _apply(settings: Settings, path: Path, table: dict, rules: Sequence, trusted: bool) -> None:
    """One file's table over `settings`; [limits] only from a `trusted` file."""
    check_table(table, rules, where=f"{path}: ")
    if "limits" in table and not trusted:
        warnings.warn(SettingsWarning(
            f"{path}: 已忽略其中的 [limits]：运行限制只取自命令行（--timeout、--max-memory）或用户配置 {user_settings_file()} "
            f"— [limits] ignored: limits come only from the command line or the user's settings file"), stacklevel=3)
        table = {k: v for k, v in table.items() if k != "limits"}
    if "select" in table:
        settings.select = list(table["select"])
    settings.ignore = settings.ignore + list(table.get("ignore", []))
    settings.lang = table.get("lang", settings.lang)
    for key, value in table.items():
        if isinstance(value, dict):
            settings.rule_options.setdefault(key, {}).update(value)
    settings.source = str(path)
    settings.files.append(str(path))


def check_some_rule(settings: Settings, rules: Sequence, where: list[str]) -> None:
    """Settings that leave no report rule enabled would give every report
    100 with nothing checked: a SettingsError naming where they came from."""
    report_rules = [r for r in rules if getattr(r, "scope", "report") == "report"]
    if report_rules and not any(settings.enabled(r) for r in report_rules):
        raise SettingsError(
            f"{' + '.join(where) or 'settings'}: 没有启用任何规则，每份报告都会不经检查得 100 分 — no rule is enabled "
            f"(select {settings.select}, ignore {settings.ignore}): every report would score 100 unchecked")


def check_lang(value, where: str) -> None:
    if value not in LANGS:
        raise SettingsError(f"{where} = {value!r}: 应为 {' 或 '.join(map(repr, LANGS))} — expected {' or '.join(map(repr, LANGS))}")


def check_table(table: dict, rules: Sequence, where: str = "") -> None:
    """A settings table against the schema: the first problem, as a SettingsError."""
    by_name = {r.name: r for r in rules}
    for key, value in table.items():
        if key in ("select", "ignore"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SettingsError(f"{where}{key} = {value!r}: 应为规则代码、前缀或名称的列表，如 {key} = [\"JS701\"] "
                                    f"— expected a list of rule codes, prefixes or names")
            check_selectors(value, rules, f"{where}{key}")
        elif key == "lang":
            check_lang(value, f"{where}lang")
        elif key in TOP_LEVEL or key in by_name:
            schema = TOP_LEVEL[key] if key in TOP_LEVEL else by_name[key].options
            if not isinstance(value, dict):
                raise SettingsError(f"{where}{key} = {value!r}: 应为一个表 [{key}] — expected a table [{key}]")
            for option, given in value.items():
                if option not in schema:
                    zh, en = _hint(option, schema, key)
                    raise SettingsError(f"{where}[{key}] 未知选项 {option!r}{zh} — unknown option {option!r}{en}")
                _check_type(given, schema[option], f"{where}[{key}] {option}")
                if key == "limits" and given < 0:
                    raise SettingsError(f"{where}[limits] {option} = {given!r}: 应为 0（不设限）或正数 — expected 0 (no limit) or a positive number")
        else:
            code = next((r.name for r in rules if r.code == key.upper()), None)
            zh, en = (f"（规则的选项写在以规则名命名的表中：[{code}]）", f" (rule options go in a table named after the rule: [{code}])") if code \
                else _hint(key, [*TOP_LEVEL, *by_name])
            table = isinstance(value, dict)
            raise SettingsError(f"{where}未知的{'表' if table else '键'} {key!r}{zh} — unknown {'table' if table else 'key'} {key!r}{en}")


def check_selectors(patterns: Iterable[str], rules: Sequence, where: str) -> None:
    """Each of `patterns` must be ALL, a rule's name, or a code or the start of one."""
    for pattern in patterns:
        if pattern == ALL or any(pattern == r.name or r.code.startswith(pattern) for r in rules):
            continue
        folded = pattern.upper() if pattern.upper() == ALL or any(r.code.startswith(pattern.upper()) for r in rules) else None
        folded = folded or next((r.name for r in rules if r.name == pattern.lower()), None)
        choices = [ALL, *(r.code for r in rules), *(r.name for r in rules)]
        zh, en = (f"（是否想写 {folded!r}？区分大小写）", f" (did you mean {folded!r}? case matters)") if folded else _hint(pattern, choices)
        raise SettingsError(f"{where}: 未知规则 {pattern!r}{zh}，`juesuan rules` 列出全部规则 — unknown rule {pattern!r}{en}; `juesuan rules` lists them")


def _check_type(value, default, where: str) -> None:
    """`default` is a rule's default value (its type is the option's) or a type."""
    kind = default if isinstance(default, type) else type(default)
    if kind is float:
        ok, (zh, en) = isinstance(value, int | float) and not isinstance(value, bool), ("数", "a number")
    elif kind is int:
        ok, (zh, en) = isinstance(value, int) and not isinstance(value, bool), ("整数", "a whole number")
    else:
        names = {str: ("字符串", "a string"), bool: ("true 或 false", "true or false"), list: ("列表", "a list")}
        ok, (zh, en) = isinstance(value, kind), names.get(kind, (kind.__name__, kind.__name__))
    if not ok:
        raise SettingsError(f"{where} = {value!r}: 应为{zh} — expected {en}")
    if kind in (float, int) and not math.isfinite(value):
        raise SettingsError(f"{where} = {value!r}: 应为有限的数 — expected a finite number")


def _hint(word: str, choices: Iterable[str], table: str | None = None) -> tuple[str, str]:
    """A hint for an unknown word, in Chinese and in English (both "" if none)."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if close:
        return f"（是否想写 {close[0]!r}？）", f" (did you mean {close[0]!r}?)"
    if table is not None:
        return f"（[{table}] 可用的选项：{'、'.join(choices) or '无'}）", f" ([{table}] takes {', '.join(choices) or 'no options'})"
    return "", ""


def _start(near) -> Path:
    """The folder the search for a project file starts in."""
    if near is None:
        return Path.cwd().resolve()
    path = Path(near).resolve()
    return path if path.is_dir() else path.parent


def _find_config(start: Path, stop: Path) -> tuple[Path, dict] | None:
    """The nearest project file from `start` up to `stop` (the working
    directory); when `start` is not below `stop`, `stop`'s own file only."""
    folders = [start, *start.parents] if start.is_relative_to(stop) else [stop]
    for directory in folders[: folders.index(stop) + 1]:
        for name in ("juesuan.toml", "pyproject.toml"):
            path = directory / name
            if path.is_file():
                table = _table(path, name)
                if table is not None:
                    return path, table
    return None


def _table(path: Path, name: str) -> dict | None:
    """The settings table of a juesuan.toml (all of it) or a pyproject.toml
    ([tool.juesuan], None without one)."""
    stat = path.stat()
    if stat.st_size > MAX_FILE_BYTES:
        raise SettingsError(f"{path}: 设置文件过大（{stat.st_size} 字节），未读取 — settings file too large (over {MAX_FILE_BYTES} bytes)")
    data = _parse(path, stat.st_mtime_ns, stat.st_size)
    if name == "juesuan.toml":
        return data
    tool = data.get("tool", {})
    table = tool.get("juesuan") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise SettingsError(f"{path}: [tool.juesuan] 应为一个表 — [tool.juesuan] must be a table")
    return table


@lru_cache(maxsize=64)
def _parse(path: Path, mtime_ns: int, size: int) -> dict:
    """A settings file's TOML, read again only when the file changes (a batch
    asks for the settings of every report). Callers copy what they keep."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as e:
        raise InputError(f"{path}: 设置文件无法读取 — bad settings file ({e})") from None
    except RecursionError:
        raise InputError(f"{path}: 设置文件嵌套过深 — bad settings file (nested too deeply)") from None
