"""juesuan: read Chinese final-account reports (部门决算公开说明), pull out every
explanation of a change, and judge it.

    from nlp import analyze
    report = analyze("report.pdf")
    report.to_dict()
"""
from nlp.errors import InputError
from nlp.model import Cause, ChangeStatement, Explanation, Location, MissingExplanation, PerformanceRow, Report
from nlp.pipeline import analyze

__version__ = "0.1.0"
__all__ = [
    "analyze",
    "InputError",
    "Report",
    "Explanation",
    "MissingExplanation",
    "ChangeStatement",
    "Cause",
    "PerformanceRow",
    "Location",
]
