"""The words juesuan's stages share: cause labels, severities, bases, directions, kinds.

Every other module imports them from here, so adding a cause label means adding
one `Label` member (with its Chinese name and colour) and its lines in the
corpus, nothing else in code. The members are `StrEnum`s: they compare equal to
their values and print, serialise and sort as those strings, so JSON, CSV and
saved models are the same as with plain strings.
"""

from __future__ import annotations

from enum import StrEnum


class Label(StrEnum):
    """A cause label of TAXONOMY.md (the contract with the corpus)."""

    RESTRUCTURING = "restructuring"
    STAFFING = "staffing"
    SUPPLEMENTARY_FUNDING = "supplementary_funding"
    BUDGET_SHORTFALL = "budget_shortfall"
    AUSTERITY = "austerity"
    ACTIVITY_CHANGE = "activity_change"
    NO_CHANGE = "no_change"
    OTHER = "other"

    @property
    def zh(self) -> str:
        return _LABEL_ZH[self][0]

    @property
    def colour(self) -> str:
        """Highlight colour in the HTML report and the dashboard."""
        return _LABEL_ZH[self][1]


_LABEL_ZH = {
    Label.RESTRUCTURING: ("机构与体制调整", "#c7d2fe"),
    Label.STAFFING: ("人员与薪酬", "#bbf7d0"),
    Label.SUPPLEMENTARY_FUNDING: ("追加与新增资金", "#fde68a"),
    Label.BUDGET_SHORTFALL: ("资金不足与未拨付", "#fbcfe8"),
    Label.AUSTERITY: ("压减与节约", "#a5f3fc"),
    Label.ACTIVITY_CHANGE: ("业务与项目变化", "#ddd6fe"),
    Label.NO_CHANGE: ("无变化或不适用", "#e5e7eb"),
    Label.OTHER: ("其他", "#fed7aa"),
}
LABELS: tuple[str, ...] = tuple(Label)  # in TAXONOMY order
UNLABELLED_ZH = "未标注"


def label_zh(label: str) -> str:
    """The Chinese name of a label; an unknown one (a user's own model) as it is."""
    return Label(label).zh if label in LABELS else label


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def zh(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self]

    @property
    def rank(self) -> int:
        """0 for the most severe, for sorting."""
        return list(Severity).index(self)


class Evidence(StrEnum):
    """What a finding rests on. It weighs the finding in the score and orders
    the findings: the report contradicting its own figures first, then a
    reason not given, then how the reasons are written."""

    FIGURES = "figures"  # arithmetic, direction, units, years, the performance table, the statements (决算报表)
    MISSING = "missing"  # no reason, a blank or restating slot, a template left unfilled
    STYLE = "style"  # vague, repeated, one reason for many

    @property
    def weight(self) -> float:
        return {"figures": 3.0, "missing": 2.0, "style": 1.0}[self]

    @property
    def rank(self) -> int:
        return list(Evidence).index(self)

    @property
    def zh(self) -> str:
        return {"figures": "与数字矛盾", "missing": "缺少说明", "style": "表述问题"}[self]


class Basis(StrEnum):
    """What a change is measured against."""

    PRIOR_YEAR = "prior_year"
    INITIAL_BUDGET = "initial_budget"
    FULL_YEAR_BUDGET = "full_year_budget"
    TARGET = "target"
    OTHER = "other"


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    NONE = "none"  # stated as unchanged


class Kind(StrEnum):
    """Where an explanation was found."""

    NARRATIVE = "narrative"
    PERFORMANCE_TABLE = "performance_table"


class Status(StrEnum):
    """Whether a report was scored. One with no recognised change statement
    (nothing read, or text that states and explains no change) is not: there
    is no evidence to give a verdict on, so its score is null, not 100."""

    SCORED = "scored"
    NOT_SCORED = "not_scored"

    @property
    def zh(self) -> str:
        return {"scored": "已评分", "not_scored": "未评分"}[self]

    def reason(self, lang: str = "zh") -> str | None:
        """Why a report was not scored, in `lang` (None when it was)."""
        if self is Status.SCORED:
            return None
        return "no change statement recognised" if lang == "en" else "未识别到任何变动说明，不予评分"
