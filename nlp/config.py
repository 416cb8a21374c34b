"""Settings: which rules run and their options.

Read from `juesuan.toml` (top-level keys) or the `[tool.juesuan]` table of a
`pyproject.toml`, in the input's folder or the nearest folder above it, then
overridden by the command line (`--select`, `--ignore`, like ruff):

    [tool.juesuan]
    select = ["JS"]            # codes, code prefixes or rule names
    ignore = ["template_leftover"]
    [tool.juesuan.missing]
    min_change = 10.0          # 万元
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from nlp.errors import InputError


@dataclass
class Settings:
    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    rule_options: dict[str, dict] = field(default_factory=dict)
    source: str | None = None  # the file the settings came from

    def enabled(self, rule) -> bool:
        return _matches(rule, self.select) and not _matches(rule, self.ignore)

    def options_for(self, rule) -> dict:
        options = dict(rule.options)
        options.update(self.rule_options.get(rule.name, {}))
        return options


def _matches(rule, patterns: list[str]) -> bool:
    return any(p == "ALL" or p == rule.name or rule.code.startswith(p) for p in patterns)


def load_settings(near: str | os.PathLike | None = None, select: list[str] | None = None, ignore: list[str] | None = None) -> Settings:
    settings = Settings()
    found = _find_config(Path(near).resolve().parent if near else Path.cwd())
    if found:
        path, table = found
        settings.source = str(path)
        if "select" in table:
            settings.select = list(table["select"])
        settings.ignore = list(table.get("ignore", []))
        settings.rule_options = {k: dict(v) for k, v in table.items() if isinstance(v, dict)}
    if select:
        settings.select = select
    if ignore:
        settings.ignore = settings.ignore + ignore
    return settings


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
