"""What the pages and the API both do with reports: store uploads (a zip
is a folder of reports), list and filter, describe one, review a finding,
re-run. Every query is limited to the caller's office.
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from nlp.model import Cell
from nlp.serve.db import FindingRow, Report, Result, now, record

ACCEPTED = (".pdf", ".docx", ".html", ".htm", ".xlsx", ".txt")
ZIP = ".zip"
STATUS_ZH = {"queued": "排队中", "running": "分析中", "done": "完成", "failed": "失败"}
DECISIONS = ("confirmed", "dismissed")
SORTS = {
    "score": (Report.score.asc(), Report.id.asc()),
    "-score": (Report.score.desc(), Report.id.desc()),
    "uploaded": (Report.uploaded_at.asc(), Report.id.asc()),
    "-uploaded": (Report.uploaded_at.desc(), Report.id.desc()),
}
MAX_ZIP_MEMBERS = 500


class Refused(Exception):
    """A request the service turns down: an HTTP status and one Chinese line."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Stored:
    """One accepted file: its report, and the report it duplicates (if any)."""

    file: str
    id: int
    status: str
    duplicate_of: int | None


def safe_name(name: str) -> str:
    """The file's own name, without folders or characters a file system or a page could trip on."""
    name = PurePosixPath(name.replace("\\", "/")).name
    name = re.sub(r"[\x00-\x1f<>:\"|?*]", "_", name).strip(" .") or "upload"
    return name[-150:]


def store_upload(db, data: Path, caller, name: str, content: bytes, *, max_bytes: int,
                 profile: str = "default") -> list[Stored]:
    """Accept one uploaded file (a zip: each report in it) for the caller's office, to be analysed
    with `profile` (a name the caller checked: `profile_named`)."""
    suffix = PurePosixPath(name.lower()).suffix
    if len(content) > max_bytes:
        raise Refused(413, f"文件过大：{safe_name(name)} 超过 {max_bytes // 1_000_000} MB 上限 file too large")
    if suffix == ZIP:
        return [_store_one(db, data, caller, member, body, profile) for member, body in _zip_members(name, content, max_bytes)]
    if suffix not in ACCEPTED:
        raise Refused(415, f"不支持的文件类型：{safe_name(name)}（可上传 {' '.join((*ACCEPTED, ZIP))}） unsupported type")
    return [_store_one(db, data, caller, safe_name(name), content, profile)]


def _zip_members(name: str, content: bytes, max_bytes: int) -> list[tuple[str, bytes]]:
    """The reports in a zip (members of the accepted types; folders kept in the name), each within the limit."""
    from nlp.errors import InputError
    from nlp.readers.zipguard import check_zip

    try:  # a bomb, a `..` member, a link: refused before anything is read (nothing is extracted to disk as is)
        check_zip(content, safe_name(name))
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (InputError, zipfile.BadZipFile, ValueError, OSError) as e:
        raise Refused(400, f"无法接受的压缩包 unusable zip: {e}") from e
    members = [i for i in archive.infolist() if not i.is_dir() and PurePosixPath(i.filename.lower()).suffix in ACCEPTED]
    if not members:
        raise Refused(400, f"压缩包中没有可分析的报告：{safe_name(name)} no report in zip")
    if len(members) > MAX_ZIP_MEMBERS:
        raise Refused(413, f"压缩包中文件过多（{len(members)} > {MAX_ZIP_MEMBERS}） too many files")
    found = []
    for info in members:
        if info.file_size > max_bytes:
            raise Refused(413, f"文件过大：{safe_name(info.filename)} 超过 {max_bytes // 1_000_000} MB 上限 file too large")
        parts = [safe_name(p) for p in PurePosixPath(info.filename).parts]
        found.append(("/".join(parts)[-250:], archive.read(info)))
    return found


def _store_one(db, data: Path, caller, name: str, content: bytes, profile: str) -> Stored:
    sha = hashlib.sha256(content).hexdigest()
    existing = _same_content(db, caller, sha)
    if existing:
        return _duplicate(db, caller, name, existing)
    relative = Path("uploads") / sha[:2] / sha / safe_name(name)
    target = data / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        part = target.with_name(target.name + ".part")
        part.write_bytes(content)
        part.replace(target)
    report = Report(office_id=caller.office_id, file=name, path=relative.as_posix(), sha256=sha, size=len(content),
                    uploaded_by=caller.user.id, status="queued", runs=1, uploaded_at=now(),
                    profile=profile)
    try:
        with db.begin_nested():  # the same file uploaded at the same moment by another request: that one wins
            db.add(report)
            db.flush()
    except IntegrityError:
        return _duplicate(db, caller, name, _same_content(db, caller, sha))
    record(db, caller.name, "upload", f"report {report.id}", f"{name} sha256 {sha[:12]}"
           + (f" with profile {profile}" if profile != "default" else ""), caller.office_id)
    return Stored(name, report.id, report.status, None)


def _same_content(db, caller, sha: str) -> Report | None:
    return db.scalars(select(Report).where(Report.office_id == caller.office_id, Report.sha256 == sha)).first()


def _duplicate(db, caller, name: str, existing: Report) -> Stored:
    record(db, caller.name, "upload_duplicate", f"report {existing.id}", name, caller.office_id)
    return Stored(name, existing.id, existing.status, existing.id)


def report_of(db, caller, report_id: int) -> Report:
    report = db.get(Report, report_id)
    if report is None or report.office_id != caller.office_id:  # another office's report does not exist for you
        raise Refused(404, "没有这份报告 no such report")
    return report


def listed(db, caller, q: str = "", status: str = "", sort: str = "-uploaded") -> list[Report]:
    query = select(Report).where(Report.office_id == caller.office_id)
    if q:
        like = f"%{q}%"
        query = query.where(Report.file.like(like) | Report.unit.like(like))
    if status in STATUS_ZH:
        query = query.where(Report.status == status)
    return list(db.scalars(query.order_by(*SORTS.get(sort, SORTS["-uploaded"]))).all())


def severity_counts(db, report_ids: list[int]) -> dict[int, dict[str, int]]:
    counts = {i: {"error": 0, "warning": 0, "info": 0} for i in report_ids}
    if report_ids:
        rows = db.execute(select(FindingRow.report_id, FindingRow.severity, func.count())
                          .where(FindingRow.report_id.in_(report_ids))
                          .group_by(FindingRow.report_id, FindingRow.severity))
        for report_id, severity, n in rows:
            counts[report_id][severity] = n
    return counts


def findings_of(db, report_id: int) -> list[FindingRow]:
    return list(db.scalars(select(FindingRow).where(FindingRow.report_id == report_id).order_by(FindingRow.id)).all())


def points(penalty: float, capacity: float | None) -> float | None:
    """A finding's cost in score points, as the score and the report's own
    table show it (nlp.score: 100 × penalty / capacity); None when not scored."""
    return round(100 * penalty / capacity, 1) if capacity else None


def confirmed_scores(db, reports: list[Report]) -> dict[int, float | None]:
    """Each report's score counting only its confirmed findings, each at the
    cost it had in the full score (nlp.score: 100 × (1 − Σ penalties / capacity))."""
    ids = [r.id for r in reports if r.score is not None]
    capacity, lost = {}, {}
    if ids:
        capacity = dict(db.execute(select(Result.report_id, Result.capacity).where(Result.report_id.in_(ids))).all())
        lost = dict(db.execute(select(FindingRow.report_id, func.sum(FindingRow.penalty))
                               .where(FindingRow.report_id.in_(ids), FindingRow.decision == "confirmed")
                               .group_by(FindingRow.report_id)).all())
    return {r.id: round(100 * max(0.0, 1 - (lost.get(r.id) or 0.0) / capacity[r.id]), 1) if capacity.get(r.id) else None
            for r in reports}


def summaries(db, reports: list[Report]) -> list[dict]:
    """The reports' rows: the API's list items, and the list page's (a few queries for all of them)."""
    counts = severity_counts(db, [r.id for r in reports])
    confirmed = confirmed_scores(db, reports)
    return [
        {"id": r.id, "file": r.file, "unit": r.unit, "year": r.year, "status": r.status,
         "status_reason": r.status_reason, "score": r.score, "score_confirmed": confirmed[r.id],
         "findings": counts[r.id], "sha256": r.sha256, "uploaded_at": r.uploaded_at.isoformat() + "Z",
         "uploaded_by": r.uploader.name, "profile": r.profile}
        for r in reports
    ]


def summary(db, report: Report) -> dict:
    return summaries(db, [report])[0]


def finding_dict(f: FindingRow) -> dict:
    review = None
    if f.decision:
        review = {"decision": f.decision, "comment": f.comment or "", "by": f.reviewer.name if f.reviewer else None,
                  "at": f.reviewed_at.isoformat() + "Z" if f.reviewed_at else None}
    return {"id": f.id, "code": f.code, "rule": f.rule, "severity": f.severity, "message": f.message,
            "message_en": f.message_en, "penalty": f.penalty, "cell": f.cell, "review": review}


def cell_of(f: FindingRow) -> Cell | None:
    """The statement cell a finding cites, as the analysis gave it (None: none, or stored before citations)."""
    return Cell(**f.cell) if f.cell else None


def review(db, caller, report_id: int, finding_id: int, decision: str, comment: str) -> FindingRow:
    report = report_of(db, caller, report_id)
    finding = db.get(FindingRow, finding_id)
    if finding is None or finding.report_id != report.id:
        raise Refused(404, "没有这个问题 no such finding")
    if decision not in DECISIONS:
        raise Refused(400, "审核结论须为 confirmed 或 dismissed decision must be confirmed or dismissed")
    finding.decision, finding.comment = decision, (comment or "")[:4000]
    finding.reviewed_by, finding.reviewed_at = caller.user.id, now()
    record(db, caller.name, f"review_{decision}", f"report {report.id} finding {finding.id}",
           f"{finding.code} {comment or ''}", caller.office_id)
    return finding


def profile_named(name: str | None, profiles: dict) -> str:
    """The profile `name` names (None or "": the default), or a 400 naming the ones there are."""
    from nlp.serve.profiles import DEFAULT, unknown

    name = name or DEFAULT
    if name not in profiles:
        raise Refused(400, unknown(name, profiles))
    return name


def rerun(db, caller, report_id: int, profile: str | None, profiles: dict) -> Report:
    """Queue the report again, with `profile` (None: the one it was analysed with)."""
    report = report_of(db, caller, report_id)
    profile = profile_named(profile, profiles) if profile else report.profile
    if report.status in ("queued", "running"):
        raise Refused(409, "这份报告正在排队或分析中 already queued or running")
    report.status, report.status_reason, report.claimed_by = "queued", None, None
    report.runs += 1
    report.profile = profile
    record(db, caller.name, "rerun", f"report {report.id}", f"run {report.runs} with profile {profile}", caller.office_id)
    return report


def result_of(db, report: Report) -> Result | None:
    return db.scalars(select(Result).where(Result.report_id == report.id)).first()
