"""The web application: settings, the database at start, who is asking,
refusals, security headers, and the routes of nlp.serve.pages and .api.

FastAPI over Starlette (measured: importing it costs 0.35 s more, a request
~0.3 ms more, both nothing beside a report's analysis) for the OpenAPI
schema at /openapi.json. Its /docs page would load its script from a CDN,
and this service is meant to work offline, so it is off; the schema stays.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from sqlalchemy.orm import Session

from nlp.serve.auth import COOKIE, UNSAFE, Caller, caller_of, csrf_ok
from nlp.serve.db import make_engine, migrate, sessions
from nlp.serve.reports import Refused

MB = 1_000_000
# Our own pages: no script at all, styles inline, charts inline SVG, nothing from elsewhere.
PAGE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
            "frame-src 'self'; frame-ancestors 'self'; base-uri 'none'")


@dataclass
class ServeConfig:
    data: Path
    db_url: str = ""  # "" : sqlite:///<data>/juesuan.db
    workers: int = 1
    lang: str = "zh"
    max_bytes: int = 50 * MB  # per file
    max_request_bytes: int = 1000 * MB  # per upload request
    budget: object = None  # nlp.limits.Budget; None: the settings' or the default (120 s, 2048 MB)
    settings: object = field(default=None)  # nlp.config.Settings for the analysis
    model: object = "default"  # the cause model: a directory, "default" or None (nlp.classifier.load_model)
    dask: str | None = None  # a Dask scheduler's address (or scheduler file): analyse there
    profiles: list = field(default_factory=list)  # nlp.serve.profiles.Profile: the others besides "default"

    def __post_init__(self):
        self.data = Path(self.data)
        if not self.db_url:
            self.db_url = f"sqlite:///{(self.data / 'juesuan.db').resolve()}"


def open_database(config: ServeConfig):
    """The session factory of the migrated database (created when new)."""
    config.data.mkdir(parents=True, exist_ok=True)
    engine = make_engine(config.db_url)
    migrate(engine)
    return sessions(engine)


class LoginRequired(Exception):
    pass


def database(request: Request):
    db = request.app.state.sessions()
    try:
        yield db
    finally:
        db.close()


Db = Annotated[Session, Depends(database)]


def caller(request: Request, db: Db) -> Caller:
    found = caller_of(db, request.cookies.get(COOKIE), request.headers.get("authorization"))
    if found is None:
        raise LoginRequired
    return found


# The parameters the routes share (FastAPI's dependencies, declared once).
Who = Annotated[Caller, Depends(caller)]
FormText = Annotated[str, Form()]
Files = Annotated[list[UploadFile] | None, File()]


def allowed(caller: Caller, role: str, csrf: str | None = None, *, method: str = "POST") -> None:
    """Refuse (403) a caller below `role`, or an unsafe request without the session's CSRF token."""
    if method in UNSAFE and not csrf_ok(caller, csrf):
        raise Refused(403, "CSRF 校验失败，请刷新页面后重试 CSRF token missing or wrong")
    if not caller.may(role):
        raise Refused(403, f"权限不足：需要 {role} 角色 forbidden for role {caller.user.role}")


def create_app(config: ServeConfig) -> FastAPI:
    from nlp.limits import budget_from
    from nlp.serve import api, pages
    from nlp.serve.jobs import Jobs
    from nlp.serve.profiles import DEFAULT, Profile, profile_table

    profiles = profile_table(Profile(DEFAULT, config.model, config.settings), config.profiles)
    session_factory = open_database(config)
    budget = config.budget if config.budget is not None else budget_from(config.settings)
    jobs = Jobs(session_factory, config.data, workers=config.workers, budget=budget, profiles=profiles,
                lang=config.lang, dask=config.dask)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        jobs.start()
        try:
            yield
        finally:
            jobs.stop()

    app = FastAPI(title="juesuan serve", summary="决算说明筛查服务 Final-account report screening", lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.state.config, app.state.sessions, app.state.jobs, app.state.profiles = config, session_factory, jobs, profiles
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc):
        if _is_api(request):
            return JSONResponse({"detail": "未登录 authentication required"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused):
        if _is_api(request):
            return JSONResponse({"detail": exc.message}, status_code=exc.status)
        return HTMLResponse(pages.message_page(exc.message, exc.status), status_code=exc.status)

    @app.middleware("http")
    async def _guard(request: Request, call_next):
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > config.max_request_bytes:
            message = f"上传内容过大（上限 {config.max_request_bytes // MB} MB） request too large"
            return (JSONResponse({"detail": message}, status_code=413) if _is_api(request)
                    else HTMLResponse(pages.message_page(message, 413), status_code=413))
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if request.url.path != "/api/health":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")
