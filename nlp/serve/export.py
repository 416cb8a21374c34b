"""The office's reports as XLSX (a sheet of reports, a sheet of findings
with their reviews and the statement cells they cite) and CSV (the reports,
or the findings; UTF-8 with a BOM, so that Excel opens the Chinese right),
and the corpus page's charts (nlp.batch.dashboard's).
"""
from __future__ import annotations

import csv
import io
from collections import Counter

from sqlalchemy import select

from nlp.batch.tables import header_zh
from nlp.serve.db import FindingRow, Report, Result, User
from nlp.serve.reports import STATUS_ZH, cell_of, listed, points, summaries

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_COLUMNS = [
    ("id", "编号"), ("unit", "单位"), ("year", "年度"), ("file", "文件"), ("status", "状态"), ("status_reason", "原因"),
    ("score", "得分"), ("score_confirmed", "得分（仅已确认问题）"), ("error", "错误"), ("warning", "警告"), ("info", "提示"),
    ("sha256", "SHA-256"), ("uploaded_at", "上传时间"), ("uploaded_by", "上传人"), ("profile", "分析配置"),
]
FINDING_COLUMNS = [
    ("report_id", "报告编号"), ("file", "文件"), ("id", "问题编号"), ("code", "代码"), ("rule", "规则"),
    ("severity", "严重程度"), ("message", "问题"), ("message_en", "message"), ("points", "扣分"),
    ("decision", "审核结论"), ("comment", "审核意见"), ("reviewed_by", "审核人"), ("reviewed_at", "审核时间"),
    # the statement cell it cites, headed as the batch findings table heads it (报表 / 报表行 / 报表列 / 报表位置)
    *((key, header_zh("findings", key)) for key in ("table", "table_row", "table_column", "table_at")),
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a cell a spreadsheet would run as a formula


def report_rows(db, who) -> list[dict]:
    rows = []
    for row in summaries(db, listed(db, who, sort="uploaded")):
        row.update(row.pop("findings"))
        row["status"] = f"{STATUS_ZH[row['status']]} {row['status']}"
        rows.append(row)
    return rows


def finding_rows(db, who, lang: str = "zh") -> list[dict]:
    """The office's findings; where a cited cell is (table_at) in `lang`, as `score --format csv` gives it."""
    query = (select(FindingRow, Report.file, User.name, Result.capacity).join(Report, Report.id == FindingRow.report_id)
             .outerjoin(User, User.id == FindingRow.reviewed_by).outerjoin(Result, Result.report_id == FindingRow.report_id)
             .where(Report.office_id == who.office_id).order_by(FindingRow.report_id, FindingRow.id))
    return [
        {"report_id": f.report_id, "file": file, "id": f.id, "code": f.code, "rule": f.rule, "severity": f.severity,
         "message": f.message, "message_en": f.message_en, "points": points(f.penalty, capacity), "decision": f.decision or "",
         "comment": f.comment or "", "reviewed_by": reviewer or "",
         "reviewed_at": f.reviewed_at.isoformat() + "Z" if f.reviewed_at else "", **citation(cell_of(f), lang)}
        for f, file, reviewer, capacity in db.execute(query)
    ]


def citation(c, lang: str) -> dict:
    if c is None:
        return {"table": "", "table_row": None, "table_column": "", "table_at": ""}
    return {**c.columns(lang), "table_column": c.column or ""}


def cell(value):
    """Text from an upload cannot become a formula in the reader's spreadsheet."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def workbook(db, who, lang: str = "zh") -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheets = [("reports 报告", REPORT_COLUMNS, report_rows(db, who)), ("findings 问题", FINDING_COLUMNS, finding_rows(db, who, lang))]
    for n, (title, columns, rows) in enumerate(sheets):
        sheet = book.active if n == 0 else book.create_sheet()
        sheet.title = title
        sheet.append([f"{zh} {key}" for key, zh in columns])
        for row in rows:
            sheet.append([cell(row.get(key)) for key, _ in columns])
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(db, who) -> bytes:
    """The reports sheet as CSV."""
    return _csv(REPORT_COLUMNS, report_rows(db, who))


def findings_csv_bytes(db, who, lang: str = "zh") -> bytes:
    """The findings sheet as CSV."""
    return _csv(FINDING_COLUMNS, finding_rows(db, who, lang))


def _csv(columns, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"{zh} {key}" for key, zh in columns])
    for row in rows:
        writer.writerow([cell(row.get(key)) for key, _ in columns])
    return out.getvalue().encode("utf-8-sig")


def corpus_charts(db, who) -> dict:
    """The batch dashboard's charts over the office's done reports: scores, findings by rule, cause labels by section."""
    from nlp.batch.dashboard import labels_by_section, rule_bars, score_histogram
    from nlp.vocabulary import LABELS

    done = db.scalars(select(Report).where(Report.office_id == who.office_id, Report.status == "done")).all()
    scores = [r.score for r in done if r.score is not None]
    rules = Counter(db.execute(select(FindingRow.code, FindingRow.rule).join(Report, Report.id == FindingRow.report_id)
                               .where(Report.office_id == who.office_id, Report.status == "done")).all())
    by_section: Counter = Counter()
    for data in db.scalars(select(Result.report_json).where(Result.report_id.in_([r.id for r in done]))):
        for e in data.get("explanations", []):
            section = (e.get("section") or ["—"])[0]
            for c in e.get("causes", []):
                by_section[(section, c.get("label") or "unlabelled")] += 1
    return {
        "reports": len(done), "scored": len(scores),
        "histogram": score_histogram(scores),
        "rules": rule_bars(sorted((code, name, n) for (code, name), n in rules.items())),
        "labels": labels_by_section(by_section, [str(label) for label in LABELS]),
        **across_reports(db, done),
    }


def across_reports(db, done: list[Report]) -> dict:
    """The corpus rules (JS801 copied across units, JS802 sticky across years) over the office's done reports,
    as a batch runs them (nlp.batch.corpus), from the explanation rows each result keeps."""
    from nlp.batch.corpus import Corpus
    from nlp.rules import corpus_rules, find_rule

    done = sorted(done, key=lambda r: r.id)
    rows = dict(db.execute(select(Result.report_id, Result.rows).where(Result.report_id.in_([r.id for r in done]))).all())
    corpus = Corpus()
    for n, report in enumerate(done):
        corpus.add(n, report.unit, report.year, rows.get(report.id) or [])
    result = corpus.finish()
    found = [(done[doc], f) for doc, fs in sorted(result.findings.items()) for f in fs]
    reasons = {}  # the quoted reason of each explanation named, from the reports concerned
    for report_id, data in db.execute(select(Result.report_id, Result.report_json)
                                      .where(Result.report_id.in_({r.id for r, _ in found}))):
        reasons.update({(report_id, e["id"]): e.get("reason") or "" for e in data.get("explanations", [])})
    return {
        "corpus_counts": [(r.code, r.zh, result.count(r.code)) for r in corpus_rules()],
        "corpus_findings": [
            {"code": f.code, "zh": find_rule(f.code).zh, "report": r, "explanation": f.explanation,
             "reason": reasons.get((r.id, f.explanation), ""), "related": [done[d] for d in f.related]}
            for r, f in found[:500]
        ],
        "corpus_missing": sum(1 for r in done if rows.get(r.id) is None),
    }
