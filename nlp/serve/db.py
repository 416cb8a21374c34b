"""The service's tables (SQLAlchemy), the engine and the migrations.

One office's screening service keeps: offices, users (argon2 password
hashes), web sessions and API tokens (both stored as SHA-256 digests of a
random secret: the database never holds what a browser or a script sends),
reports (one per uploaded file and office; its job's state lives on the row:
queued → running → done | failed), one result row per report (unique: a
report is analysed once), the findings of that result with the statement
cell each cites and their reviews, the cause labels
reviewers corrected,
the audit table (who, when, what), and the servers
running jobs (a heartbeat, so that a dead one's jobs are queued again).

The schema is created and upgraded by Alembic (nlp/serve/migrations, run to
head on start by `migrate`); these classes must agree with the migrations.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker

ROLES = ("admin", "reviewer", "viewer")
STATUSES = ("queued", "running", "done", "failed")
DEFAULT_OFFICE = "默认"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)  # stored as naive UTC: SQLite keeps no zone


class Base(DeclarativeBase):
    pass


class Office(Base):
    __tablename__ = "offices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    office: Mapped[Office] = relationship()


class WebSession(Base):
    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the cookie's value
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    user: Mapped[User] = relationship()


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    user: Mapped[User] = relationship()


class Report(Base):
    """An uploaded file and its job."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("office_id", "sha256", name="uq_reports_office_sha256"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    file: Mapped[str] = mapped_column(String(300))  # the name as uploaded (a zip's member path)
    path: Mapped[str] = mapped_column(String(600))  # where it is stored, relative to the data folder
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    status_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the server that runs it
    runs: Mapped[int] = mapped_column(Integer, default=0)  # how many times it was (re-)queued
    unit: Mapped[str | None] = mapped_column(String(200), nullable=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    profile: Mapped[str] = mapped_column(String(60), default="default", server_default="default")  # nlp.serve.profiles
    uploader: Mapped[User] = relationship()


class Result(Base):
    """What the analysis gave: one row per report (a second analysis of the
    same run cannot be stored: the unique report id)."""

    __tablename__ = "results"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), unique=True)
    report_json: Mapped[dict] = mapped_column(JSON)  # Report.to_dict()
    html: Mapped[str] = mapped_column(Text)  # nlp.report.html.render_html
    capacity: Mapped[float] = mapped_column(Float, default=0.0)  # score_parts["capacity"]
    # The explanation rows as a batch stores them (nlp.batch.work.explanation_rows): the corpus rules' input.
    rows: Mapped[list | None] = mapped_column(JSON, nullable=True)
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class FindingRow(Base):
    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    rule: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    penalty: Mapped[float] = mapped_column(Float, default=0.0)
    # The statement cell it cites (nlp.model.Cell's fields); NULL, not JSON null: no cell, or stored before citations.
    cell: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    # The review, on the finding itself: one decision per finding, the last one wins (the audit keeps them all).
    decision: Mapped[str | None] = mapped_column(String(10), nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    reviewer: Mapped[User | None] = relationship()


class LabelRow(Base):
    """A reviewer's label for one cause (the model's guess corrected or confirmed)."""

    __tablename__ = "labels"
    __table_args__ = (UniqueConstraint("report_id", "explanation", "cause", name="uq_labels_cause"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    explanation: Mapped[str] = mapped_column(String(40))  # the explanation's id (E3)
    cause: Mapped[int] = mapped_column(Integer)  # its index among the explanation's causes
    text: Mapped[str] = mapped_column(Text)
    item: Mapped[str | None] = mapped_column(Text, nullable=True)
    section: Mapped[str | None] = mapped_column(Text, nullable=True)
    label: Mapped[str] = mapped_column(String(60))
    vague: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    by: Mapped[User] = relationship()


class Server(Base):
    """A running `juesuan serve` process: its jobs are its own while it is seen (nlp.serve.jobs)."""

    __tablename__ = "servers"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class Audit(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    user: Mapped[str] = mapped_column(String(100))  # the name: a row outlives its user
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


def record(db, user: str, action: str, target: str = "", detail: str = "", office_id: int | None = None) -> None:
    """One line of the audit table, in the caller's transaction."""
    db.add(Audit(user=user, action=action, target=target, detail=detail[:2000], office_id=office_id))


def make_engine(url: str):
    """The engine for `url`. On SQLite every transaction begins IMMEDIATE
    (takes the write lock at once, waiting up to 30 s for it): a deferred one
    that reads, then writes after another connection wrote, would fail at
    once with "database is locked" instead of waiting (uploads, claims and
    the workers' results all read before they write). Foreign keys on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record):
            connection.isolation_level = None  # the driver's own BEGIN off: ours below
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine) -> None:
    """Upgrade the database to the newest schema (a fresh one is created)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def sessions(engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)


def office_named(db, name: str) -> Office:
    office = db.query(Office).filter_by(name=name).one_or_none()
    if office is None:
        office = Office(name=name)
        db.add(office)
        db.flush()
    return office
