"""/api: every page's data as JSON, for scripts.

Authenticated by `Authorization: Bearer <token>` (`juesuan serve
--create-token NAME`), or by the session cookie plus the session's CSRF token
in `X-CSRF-Token` for unsafe methods. 401 without either, 403 for a role
that may not, or for a missing or wrong CSRF token.
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlalchemy import select

from nlp.serve.app import Db, Files, FormText, Who, allowed
from nlp.serve.db import Audit
from nlp.serve.reports import (
    finding_dict,
    findings_of,
    listed,
    profile_named,
    report_of,
    rerun,
    result_of,
    review,
    store_upload,
    summaries,
    summary,
)

router = APIRouter(prefix="/api", tags=["api"])


class LabelIn(BaseModel):
    explanation: str  # E3
    cause: int  # its index among the explanation's causes
    label: str  # one of nlp.vocabulary.LABELS
    vague: bool | None = None


class RerunIn(BaseModel):
    profile: str | None = None  # an analysis profile's name; None: the one the report was analysed with


class ReviewIn(BaseModel):
    decision: str  # confirmed | dismissed
    comment: str = ""


def _csrf(request: Request) -> str | None:
    return request.headers.get("x-csrf-token")


@router.get("/health")
def health():
    return {"status": "ok"}


@router.get("/reports")
def reports(who: Who, db: Db, q: str = "", status: str = "", sort: str = "-uploaded"):
    return summaries(db, listed(db, who, q, status, sort))


@router.post("/reports", status_code=201)
async def upload(request: Request, files: Files, who: Who, db: Db, profile: FormText = ""):
    allowed(who, "reviewer", _csrf(request))
    config = request.app.state.config
    profile = profile_named(profile, request.app.state.profiles)
    stored = []
    for file in files:
        content = await file.read(config.max_bytes + 1)  # one byte more than allowed is enough to refuse it
        stored += await run_in_threadpool(store_upload, db, config.data, who, file.filename or "upload", content,
                                          max_bytes=config.max_bytes, profile=profile)
    await run_in_threadpool(db.commit)
    request.app.state.jobs.wake()
    return [{"id": s.id, "file": s.file, "status": s.status, "duplicate_of": s.duplicate_of,
             "note": "已存在 exists: not analysed again" if s.duplicate_of else ""} for s in stored]


@router.get("/reports/{report_id}")
def one_report(report_id: int, who: Who, db: Db):
    report = report_of(db, who, report_id)
    result = result_of(db, report)
    return {**summary(db, report), "report": result.report_json if result and report.status == "done" else None}


@router.get("/reports/{report_id}/findings")
def findings(report_id: int, who: Who, db: Db):
    report = report_of(db, who, report_id)
    return [finding_dict(f) for f in findings_of(db, report.id)]


@router.post("/reports/{report_id}/findings/{finding_id}/review")
def review_finding(report_id: int, finding_id: int, body: ReviewIn, request: Request, who: Who, db: Db):
    allowed(who, "reviewer", _csrf(request))
    finding = review(db, who, report_id, finding_id, body.decision, body.comment)
    db.commit()
    return finding_dict(finding)


@router.get("/reports/{report_id}/causes")
def causes(report_id: int, who: Who, db: Db):
    from nlp.serve.labels import causes_of, corrections

    report = report_of(db, who, report_id)
    result = result_of(db, report)
    fixed = corrections(db, report.id)
    found = causes_of(result.report_json if result else {})
    for c in found:
        row = fixed.get((c["explanation"], c["cause"]))
        c["corrected"] = {"label": row.label, "vague": row.vague, "by": row.by.name,
                          "at": row.at.isoformat() + "Z"} if row else None
    return found


@router.post("/reports/{report_id}/causes/label")
def label_cause(report_id: int, body: LabelIn, request: Request, who: Who, db: Db):
    from nlp.serve.labels import correct

    allowed(who, "reviewer", _csrf(request))
    vague = "" if body.vague is None else str(body.vague).lower()
    row = correct(db, who, report_id, body.explanation, body.cause, body.label, vague)
    db.commit()
    return {"explanation": row.explanation, "cause": row.cause, "label": row.label, "vague": row.vague}


@router.post("/reports/{report_id}/rerun", status_code=202)
def rerun_report(report_id: int, request: Request, who: Who, db: Db, body: RerunIn | None = None):
    allowed(who, "reviewer", _csrf(request))
    report = rerun(db, who, report_id, body.profile if body else None, request.app.state.profiles)
    db.commit()
    request.app.state.jobs.wake()
    return {"id": report.id, "status": report.status, "profile": report.profile}


@router.get("/profiles")
def profiles(request: Request, who: Who):
    return [{"name": p.name, "model": None if p.model is None else str(p.model), "settings": p.settings_file}
            for p in request.app.state.profiles.values()]


@router.get("/audit")
def audit(who: Who, db: Db, limit: int = 10_000):
    allowed(who, "admin", method="GET")
    rows = db.scalars(select(Audit).where((Audit.office_id == who.office_id) | Audit.office_id.is_(None))
                      .order_by(Audit.id.desc()).limit(max(1, min(limit, 100_000))))
    return [{"at": a.at.isoformat() + "Z", "user": a.user, "action": a.action, "target": a.target, "detail": a.detail}
            for a in rows]
