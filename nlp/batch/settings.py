"""A batch's settings: one set for the whole run, read from its root.

    batch_root(["reports/", "more/a.pdf"])   -> the folder holding both
    batch_settings(["reports/"], lang=None)  -> nlp.config.Settings

The root is the deepest folder holding every input named on the command
line (a folder itself, a file's folder, a glob's fixed part, an @list's
folder). From there the project settings file is looked for upward, never
above the working directory (nlp.config.load_settings), so that a
juesuan.toml in one department's subfolder cannot judge that department, and
one above the working directory cannot judge the run. Each document records
the settings it was analysed with (Settings.applied()); `--resume` redoes the
documents analysed under other settings (nlp.batch.store).
"""
from __future__ import annotations

import os

_GLOB_CHARS = "*?["


def batch_root(specs: list[str]) -> str:
    """The deepest folder holding every input named in `specs`."""
    folders = [_folder_of(spec) for spec in specs] or [os.getcwd()]
    return os.path.commonpath(folders)


def batch_settings(specs: list[str], lang: str | None = None):
    """The settings of a batch over `specs` (SettingsError for a bad file)."""
    from nlp.config import load_settings
    from nlp.rules import registry

    return load_settings(batch_root(specs), rules=registry(), lang=lang)


def _folder_of(spec: str) -> str:
    if spec.startswith("@"):
        return os.path.dirname(os.path.abspath(spec[1:]))
    if os.path.isdir(spec):
        return os.path.abspath(spec)
    cut = min((spec.index(c) for c in _GLOB_CHARS if c in spec), default=None)
    if cut is not None and not os.path.exists(spec):
        spec = spec[:cut] + "x"  # the glob's fixed part: the folder its matches are below
    return os.path.dirname(os.path.abspath(spec))
