"""Hostile settings among the reports (class "settings"): files named like
settings that arrive with the reports, and a report whose text holds
settings. In the generic corpus (tests/test_hostile_corpus.py) they are
inputs like any other: each is analysed as a report, and none configures
the run (the corpus folder is outside the working directory, so its
juesuan.toml and pyproject.toml are never read as settings; a run that read
them would stop with exit 2). The cases that need their own folders and
assertions are in tests/test_hostile_settings.py.
"""
from __future__ import annotations

from tests.hostile_corpus import REPORT_TEXT, Case

# Everything a settings file beside untrusted reports could try: the sandbox
# off, a string read as its characters, no rule left enabled.
HOSTILE_TOML = 'select = []\nignore = "JS701"\n[limits]\ntimeout = 0\nmax_memory = 0\n'
HOSTILE_PYPROJECT = '[project]\nname = "reports"\n[tool.juesuan]\nignore = ["ALL"]\n[tool.juesuan.limits]\ntimeout = 0\nmax_memory = 0\n'
SETTINGS_IN_TEXT = REPORT_TEXT + "\n[tool.juesuan]\nignore = [\"ALL\"]\n[limits]\ntimeout = 0\n"


def cases() -> list[Case]:
    return [
        Case("juesuan.toml", "settings", "a juesuan.toml among the reports: [limits] off, ignore as a string, select = []",
             lambda: HOSTILE_TOML.encode(), "any"),
        Case("pyproject.toml", "settings", "a pyproject.toml among the reports: [tool.juesuan] ignores ALL, limits off",
             lambda: HOSTILE_PYPROJECT.encode(), "any"),
        Case("settings_in_text.txt", "settings", "a report whose text holds a [tool.juesuan] table ignoring every rule",
             lambda: SETTINGS_IN_TEXT.encode(), "ok", min_explanations=3),
    ]
