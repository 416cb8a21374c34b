"""Analysis profiles: named (model, settings) pairs the admin configures at
start (`juesuan serve --profile NAME=MODEL_DIR[,SETTINGS_TOML]`). The
server's own --model and settings are the profile "default" (默认), always
there. Each report records the profile it is analysed with; a re-run may
name another.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT = "default"
NAME = re.compile(r"[\w.-]{1,60}")  # letters (Chinese too), digits, _ . -: fits the reports.profile column and the audit line
NO_MODEL = "none"  # --profile NAME=none: causes left unlabelled


@dataclass(frozen=True)
class Profile:
    name: str
    model: object = "default"  # a directory, "default" (the bundled) or None (nlp.classifier.load_model)
    settings: object = None  # nlp.config.Settings, or None: the defaults
    settings_file: str = ""  # where the settings came from, as given (shown on the pages)

    @property
    def zh(self) -> str:
        return f"默认 {DEFAULT}" if self.name == DEFAULT else self.name

    def describe(self) -> str:
        model = "无模型 no model" if self.model is None else str(self.model)
        return f"{model}{' · ' + self.settings_file if self.settings_file else ''}"


def parse_option(text: str, base_settings) -> Profile:
    """A --profile NAME=MODEL_DIR[,SETTINGS_TOML] option, its model loaded
    and its settings read (over the server's own): an InputError (one line,
    Chinese first) for a bad name, model or settings file. MODEL_DIR may be
    empty (the bundled model) or "none" (no model)."""
    from nlp.classifier import DEFAULT as DEFAULT_MODEL
    from nlp.config import Settings, settings_over
    from nlp.errors import InputError
    from nlp.rules import registry

    name, equals, rest = text.partition("=")
    name = name.strip()
    if not equals or not NAME.fullmatch(name):
        raise InputError(f"分析配置 {text} 有误：应为 名称=模型目录[,设置文件]，名称为字母、数字、_ . - — "
                         "--profile expects NAME=MODEL_DIR[,SETTINGS_TOML]")
    if name in (DEFAULT, "默认"):
        raise InputError(f"分析配置 {name}：默认配置即服务器自身的 --model 和设置，不能重新定义 — the default profile is the server's own")
    model_text, _, settings_file = (part.strip() for part in rest.partition(","))
    model = None if model_text.lower() == NO_MODEL else (model_text or DEFAULT_MODEL)
    check_model(name, model)
    try:
        base = base_settings if base_settings is not None else Settings()
        settings = settings_over(base, settings_file, rules=registry()) if settings_file else base_settings
    except InputError as e:
        raise InputError(f"分析配置 {name}：设置文件无法使用 — profile {name}: unusable settings: {e}") from None
    return Profile(name, model, settings, settings_file)


def check_model(name: str, model) -> None:
    """Load a profile's model once (None: no model), so that one that cannot
    be loaded stops the server now with one line, Chinese first, not every
    job later. The default profile's is the server's --model."""
    from nlp.classifier import load_model
    from nlp.errors import InputError

    if model is None:
        return
    try:
        load_model(model)
    except InputError as e:
        which = ("默认（--model）", "default (--model)") if name == DEFAULT else (name, name)
        raise InputError(f"分析配置 {which[0]}：模型无法加载 — profile {which[1]}: unusable model: {e}") from None


def profile_table(default: Profile, extra) -> dict[str, Profile]:
    """The server's profiles by name, the default first; a name given twice is an InputError."""
    from nlp.errors import InputError

    table = {DEFAULT: default}
    for profile in extra:
        if profile.name in table:
            raise InputError(f"分析配置 {profile.name}：名称重复 — profile named twice")
        table[profile.name] = profile
    return table


def unknown(name: str, table: dict[str, Profile]) -> str:
    """The one line refusing an unknown profile name."""
    return f"没有名为 {name} 的分析配置（可选：{'、'.join(table)}） unknown profile"
