"""juesuan: read Chinese final-account reports (部门决算公开说明), pull out every
explanation of a change, and judge it.

    from nlp import analyze, classify
    report = analyze("report.pdf")
    report.to_dict()
    report.to_frames().causes                  # pandas (see docs/pandas.md)
    read_results("results/").causes            # a batch's tables (juesuan batch --out results/)
    classify(["新录用公务员6名", "工作需要"])
"""
from nlp.errors import InputError
from nlp.frames import read_results
from nlp.model import Cause, ChangeStatement, Explanation, Location, MissingExplanation, PerformanceRow, Report
from nlp.pipeline import analyze


def classify(texts, model="default") -> list[dict]:
    """Label cause texts: [{"text", "label", "confidence", "vague",
    "vague_confidence", "low_confidence"}, ...]; see `nlp.classifier`."""
    from nlp.classifier import classify as _classify

    return _classify(texts, model=model)


__version__ = "0.1.0"
__all__ = [
    "Cause",
    "ChangeStatement",
    "Explanation",
    "InputError",
    "Location",
    "MissingExplanation",
    "PerformanceRow",
    "Report",
    "analyze",
    "classify",
    "read_results",
]
