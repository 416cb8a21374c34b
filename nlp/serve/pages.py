"""The HTML pages (Chinese first): login, the report list, upload, one
report with its review forms, the corpus charts, users, the audit table,
and the exports. Every form posts the session's `csrf_token`; the pages
carry no script; everything from an upload reaches them through Jinja's
autoescape.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from base64 import b64encode
from functools import lru_cache
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from nlp.serve import reports as rp
from nlp.serve.app import Db, Files, FormText, Who, allowed
from nlp.serve.auth import (
    COOKIE,
    LOGIN_COOKIE,
    ROLES_ZH,
    SESSION_DAYS,
    caller_of,
    close_session,
    hash_password,
    open_session,
    password_ok,
    same,
    set_cookie,
)
from nlp.serve.db import ROLES, Audit, User, record
from nlp.vocabulary import Label

router = APIRouter(include_in_schema=False)
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
DECISION_ZH = {"confirmed": "已确认", "dismissed": "已驳回"}
LABELS_ZH = {str(label): label.zh for label in Label}
LIST_REFRESH_SECONDS = 5


@lru_cache(maxsize=1)
def _env():
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("nlp.serve", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(STATUS_ZH=rp.STATUS_ZH, SEVERITY_ZH=SEVERITY_ZH, DECISION_ZH=DECISION_ZH, ROLES_ZH=ROLES_ZH)
    return env


def render(name: str, http_status: int = 200, **context) -> HTMLResponse:
    context.setdefault("who", None)
    context.setdefault("csrf", "")
    context.setdefault("refresh", None)
    return HTMLResponse(_env().get_template(name).render(**context), status_code=http_status)


def message_page(message: str, http_status: int) -> str:
    return _env().get_template("message.html.j2").render(who=None, csrf="", refresh=None, message=message, http_status=http_status)


def _page(who, name: str, **context) -> HTMLResponse:
    return render(name, who=who, csrf=who.csrf_token or "", **context)


# ------------------------------------------------------------------ login


@router.get("/login")
def login_form(request: Request, db: Db):
    if caller_of(db, request.cookies.get(COOKIE), None):
        return RedirectResponse("/", status_code=303)
    return _login_page(request)


def _login_page(request: Request, error: str = "", http_status: int = 200, username: str = "") -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = render("login.html.j2", http_status, csrf=token, error=error, username=username)
    set_cookie(response, request, LOGIN_COOKIE, token, max_age=3600)
    return response


@router.post("/login")
def login(request: Request, db: Db, username: FormText = "", password: FormText = "", csrf_token: FormText = ""):
    if not same(csrf_token, request.cookies.get(LOGIN_COOKIE)):
        return _login_page(request, "CSRF 校验失败，请重试 CSRF token missing or wrong", 403, username)
    user = db.scalars(select(User).where(User.name == username)).first()
    if not password_ok(user, password):
        record(db, username[:100] or "-", "login_failed", "", request.client.host if request.client else "")
        db.commit()
        return _login_page(request, "用户名或密码错误 wrong user name or password", 401, username)
    secret, _ = open_session(db, user)
    record(db, user.name, "login", "", "", user.office_id)
    db.commit()
    response = RedirectResponse("/", status_code=303)
    set_cookie(response, request, COOKIE, secret, max_age=SESSION_DAYS * 86400)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, who: Who, db: Db, csrf_token: FormText = ""):
    allowed(who, "viewer", csrf_token)
    close_session(db, request.cookies.get(COOKIE))
    record(db, who.name, "logout", "", "", who.office_id)
    db.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


# ------------------------------------------------------------------ reports


@router.get("/")
def report_list(who: Who, db: Db, q: str = "", status: str = "", sort: str = "-uploaded",
                added: str = "", existing: str = ""):
    rows = rp.summaries(db, rp.listed(db, who, q, status, sort))
    # The pages run no script: while a job in view is unfinished the page reloads itself
    # (<meta http-equiv="refresh">, which the CSP allows), and stops once all are done.
    busy = any(r["status"] in ("queued", "running") for r in rows)
    return _page(who, "list.html.j2", rows=rows, q=q, status=status, sort=sort, added=_ids(added),
                 existing=_ids(existing), refresh=LIST_REFRESH_SECONDS if busy else None)


def _ids(text: str) -> list[int]:
    return [int(t) for t in text.split(",") if t.isdigit()][:200]


@router.get("/upload")
def upload_form(request: Request, who: Who):
    allowed(who, "reviewer", method="GET")
    return _upload_page(request, who)


def _upload_page(request: Request, who, error: str = "", profile: str = "default") -> HTMLResponse:
    return _page(who, "upload.html.j2", accepted=" ".join((*rp.ACCEPTED, rp.ZIP)), error=error,
                 max_mb=request.app.state.config.max_bytes // 1_000_000, profiles=request.app.state.profiles,
                 profile=profile)


@router.post("/upload")
async def upload(request: Request, who: Who, db: Db, files: Files = None, csrf_token: FormText = "",
                 profile: FormText = ""):
    allowed(who, "reviewer", csrf_token)
    config = request.app.state.config
    stored = []
    try:
        profile = rp.profile_named(profile, request.app.state.profiles)
        for file in files or []:
            if file.filename:
                content = await file.read(config.max_bytes + 1)  # one byte more than allowed is enough to refuse it
                stored += await run_in_threadpool(rp.store_upload, db, config.data, who, file.filename, content,
                                                  max_bytes=config.max_bytes, profile=profile)
        if not stored:
            raise rp.Refused(400, "请选择要上传的文件 choose a file")
    except rp.Refused as e:
        await run_in_threadpool(db.rollback)
        response = _upload_page(request, who, e.message, profile)
        response.status_code = e.status
        return response
    await run_in_threadpool(db.commit)
    request.app.state.jobs.wake()
    query = {"added": ",".join(str(s.id) for s in stored if s.duplicate_of is None),
             "existing": ",".join(str(s.id) for s in stored if s.duplicate_of is not None)}
    return RedirectResponse("/?" + urlencode({k: v for k, v in query.items() if v}), status_code=303)


@router.get("/reports/{report_id}")
def report_page(request: Request, report_id: int, who: Who, db: Db):
    from nlp.serve.labels import causes_of, corrections

    report = rp.report_of(db, who, report_id)
    result = rp.result_of(db, report)
    data = result.report_json if result else {}
    return _page(who, "report.html.j2", row=rp.summary(db, report), findings=rp.findings_of(db, report.id),
                 data=data, done=report.status == "done" and result is not None, may_review=who.may("reviewer"),
                 points=lambda f: rp.points(f.penalty, result.capacity if result else None),
                 causes=causes_of(data), corrected=corrections(db, report.id), labels=LABELS_ZH,
                 profiles=request.app.state.profiles, english=request.app.state.config.lang == "en", cell_of=rp.cell_of,
                 refresh=LIST_REFRESH_SECONDS if report.status in ("queued", "running") else None)


@router.post("/reports/{report_id}/causes/label")
def label_cause(report_id: int, who: Who, db: Db, explanation: FormText = "", cause: FormText = "",
                label: FormText = "", vague: FormText = "", csrf_token: FormText = ""):
    from nlp.serve.labels import correct

    allowed(who, "reviewer", csrf_token)
    correct(db, who, report_id, explanation, int(cause) if cause.isdigit() else -1, label, vague)
    db.commit()
    return RedirectResponse(f"/reports/{report_id}#cause-{explanation}-{cause}", status_code=303)


@router.get("/labels.{fmt}")
def export_labels(fmt: str, who: Who, db: Db):
    from nlp.serve.labels import export_file

    if fmt not in ("csv", "xlsx"):
        raise rp.Refused(404, "只有 labels.csv 和 labels.xlsx only labels.csv and labels.xlsx")
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(export_file(db, who, fmt), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="juesuan-labels.{fmt}"'})


@router.get("/reports/{report_id}/html")
def report_html(report_id: int, who: Who, db: Db):
    report = rp.report_of(db, who, report_id)
    result = rp.result_of(db, report)
    if result is None:
        raise rp.Refused(404, "这份报告还没有分析结果 not analysed yet")
    return HTMLResponse(result.html, headers={"Content-Security-Policy": report_csp(result.html)})


def report_csp(html: str) -> str:
    """The offline report's own inline script is allowed by its hash, nothing else runs (a `<script>` in
    the upload's text is escaped by nlp.report.html and would not match a hash anyway)."""
    hashes = " ".join(f"'sha256-{b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
                      for s in re.findall(r"<script>(.*?)</script>", html, flags=re.S))
    return (f"default-src 'none'; script-src {hashes or chr(39) + 'none' + chr(39)}; style-src 'unsafe-inline'; "
            "img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'")


@router.post("/reports/{report_id}/findings/{finding_id}/review")
def review(report_id: int, finding_id: int, who: Who, db: Db, decision: FormText = "",
           comment: FormText = "", csrf_token: FormText = ""):
    allowed(who, "reviewer", csrf_token)
    rp.review(db, who, report_id, finding_id, decision, comment)
    db.commit()
    return RedirectResponse(f"/reports/{report_id}#finding-{finding_id}", status_code=303)


@router.post("/reports/{report_id}/rerun")
def rerun(request: Request, report_id: int, who: Who, db: Db, csrf_token: FormText = "", profile: FormText = ""):
    allowed(who, "reviewer", csrf_token)
    rp.rerun(db, who, report_id, profile or None, request.app.state.profiles)
    db.commit()
    request.app.state.jobs.wake()
    return RedirectResponse(f"/reports/{report_id}", status_code=303)


# ------------------------------------------------------------------ corpus and exports


@router.get("/corpus")
def corpus(who: Who, db: Db):
    from nlp.serve.export import corpus_charts

    return _page(who, "corpus.html.j2", charts=corpus_charts(db, who))


@router.get("/export.xlsx")
def export_xlsx(request: Request, who: Who, db: Db):
    from nlp.serve.export import XLSX_TYPE, workbook

    return Response(workbook(db, who, request.app.state.config.lang), media_type=XLSX_TYPE,
                    headers={"Content-Disposition": 'attachment; filename="juesuan-reports.xlsx"'})


@router.get("/export.csv")
def export_csv(who: Who, db: Db):
    from nlp.serve.export import csv_bytes

    return Response(csv_bytes(db, who), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="juesuan-reports.csv"'})


@router.get("/export-findings.csv")
def export_findings_csv(request: Request, who: Who, db: Db):
    from nlp.serve.export import findings_csv_bytes

    return Response(findings_csv_bytes(db, who, request.app.state.config.lang), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="juesuan-findings.csv"'})


# ------------------------------------------------------------------ admin


@router.get("/admin/users")
def users(who: Who, db: Db):
    allowed(who, "admin", method="GET")
    return _users_page(who, db)


def _users_page(who, db, error: str = "", http_status: int = 200) -> HTMLResponse:
    # An admin is their office's, as its reports and audit lines are: they see, make and
    # disable its users only; another office's users are made with `juesuan serve --create-user --office`.
    rows = db.scalars(select(User).where(User.office_id == who.office_id).order_by(User.name)).all()
    response = _page(who, "users.html.j2", users=rows, roles=ROLES, error=error)
    response.status_code = http_status
    return response


@router.post("/admin/users")
def create_user(who: Who, db: Db, name: FormText = "", password: FormText = "",
                role: FormText = "viewer", csrf_token: FormText = ""):
    allowed(who, "admin", csrf_token)
    name = name.strip()
    problem = user_problem(db, name, password, role)
    if problem:
        return _users_page(who, db, problem, 400)
    db.add(User(name=name, password_hash=hash_password(password), role=role, office_id=who.office_id, active=True))
    record(db, who.name, "create_user", name, f"role {role}", who.office_id)
    db.commit()
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/active")
def set_active(user_id: int, who: Who, db: Db, active: FormText = "", csrf_token: FormText = ""):
    """Disable an account (its sessions and API tokens stop working at once) or enable it again."""
    allowed(who, "admin", csrf_token)
    user = db.get(User, user_id)
    if user is None or user.office_id != who.office_id:
        raise rp.Refused(404, "没有这个用户 no such user")
    if user.id == who.user.id:
        raise rp.Refused(400, "不能停用自己的账户 you cannot disable yourself")
    user.active = active == "true"
    record(db, who.name, "enable_user" if user.active else "disable_user", user.name, "", who.office_id)
    db.commit()
    return RedirectResponse("/admin/users", status_code=303)


def user_problem(db, name: str, password: str, role: str) -> str:
    """Why a new user cannot be created, or ""."""
    if not name or len(name) > 100:
        return "用户名须为 1–100 个字符 name must be 1–100 characters"
    if role not in ROLES:
        return f"角色须为 {' / '.join(ROLES)} role must be one of {', '.join(ROLES)}"
    if len(password) < 8:
        return "密码至少 8 个字符 password must have at least 8 characters"
    if db.scalars(select(User).where(User.name == name)).first():
        return f"用户 {name} 已存在 user exists"
    return ""


@router.get("/audit")
def audit(who: Who, db: Db):
    allowed(who, "admin", method="GET")
    rows = db.scalars(select(Audit).where((Audit.office_id == who.office_id) | Audit.office_id.is_(None))
                      .order_by(Audit.id.desc()).limit(1000)).all()
    return _page(who, "audit.html.j2", rows=rows)
