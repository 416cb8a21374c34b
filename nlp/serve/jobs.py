"""The job queue: worker threads that claim queued reports from the
database and analyse them in the sandbox.

A report row is its job (status queued → running → done | failed). A worker
claims one with a conditional UPDATE (`... WHERE id = ? AND status =
'queued'`): of two workers, or two server processes on one PostgreSQL
database, exactly one sees its row count be 1. The analysis runs in a forked
child under the time and memory budget (`nlp.limits.analyze_limited`): the
web process never parses an uploaded file itself. The result is stored only
if the job is still this server's and still running, in one transaction with
its findings and the report's new status, so a report is never analysed
twice into the database; a re-run replaces the result, keeping the reviews
of the findings that come back unchanged.

With a Dask scheduler (`juesuan serve --dask ADDRESS`) each job's bytes go
to a worker of the cluster instead (no shared disk needed) and are analysed
there in the same sandbox; the queue, the claims and the results stay here.

A job is analysed with its report's profile (nlp.serve.profiles: a model
and settings), each profile's model loaded once by this server.

Each server writes a heartbeat (the servers table) every few seconds. On
start, and at every heartbeat, the `running` jobs of a server not seen for
`STALE_SECONDS` (it died: killed, or its machine stopped) are queued again;
a server that stops cleanly queues its own running jobs again itself.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import delete, select, update

from nlp.serve.db import FindingRow, Report, Result, Server, now, record

log = logging.getLogger("juesuan.serve")
IDLE_SECONDS = 2.0  # how long an idle worker sleeps before looking again (an upload wakes it at once)
HEARTBEAT_SECONDS = 5.0
STALE_SECONDS = 30.0  # a server not seen for this long is dead (six heartbeats missed)


@dataclass
class Outcome:
    """What the analysis of one file gave the database."""

    report: dict
    html: str
    unit: str | None
    year: int | None
    score: float | None
    capacity: float
    findings: list[dict]
    rows: list  # nlp.batch.work.explanation_rows, for the corpus rules


def analyse(path: Path, name: str, *, budget, settings=None, model="default", lang: str = "zh") -> Outcome:
    """Analyse `path` in the sandbox, shown under its uploaded `name`."""
    from nlp.batch.identity import unit_and_year
    from nlp.batch.work import explanation_rows
    from nlp.limits import analyze_limited
    from nlp.report.html import render_html
    from nlp.report.tables import cause_rows

    report = analyze_limited(path, budget=budget, settings=settings, model=model)
    report.source = name  # not the storage path
    unit, year = unit_and_year(report.text)
    findings = [
        {"code": f.code, "rule": f.rule, "severity": str(f.severity), "message": f.message,
         "message_en": f.message_en, "penalty": f.penalty, "cell": asdict(f.cell) if f.cell else None}
        for f in report.findings
    ]
    capacity = (report.score_parts or {}).get("capacity", 0.0)
    return Outcome(report.to_dict(), render_html(report, lang), unit, year, report.score, capacity, findings,
                   explanation_rows(cause_rows(report)))


def analyse_bytes(data: bytes, name: str, **options) -> Outcome:
    """`analyse` on a Dask worker: the file comes as bytes, into a folder of its own there."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="juesuan-serve-") as folder:
        path = Path(folder) / (Path(name).name or "upload")
        path.write_bytes(data)
        return analyse(path, name, **options)


def dask_client(address: str):
    """A client of the Dask scheduler at `address` (tcp://host:8786, or a scheduler file .json)."""
    import os

    from nlp.errors import InputError

    try:
        from distributed import Client
    except ImportError:
        raise InputError("--dask needs Dask: pip install 'juesuan[dask]'") from None
    try:
        if address.endswith(".json") and os.path.exists(address):
            return Client(scheduler_file=address, timeout="30s", set_as_default=False)
        return Client(address, timeout="30s", set_as_default=False)
    except (OSError, TimeoutError) as e:
        raise InputError(f"cannot reach the Dask scheduler {address}: {' '.join(str(e).split())[:200]}") from None


def failure_reason(error: BaseException, path: Path, name: str) -> str:
    """One line for the list: the input error's own words (the file named as
    uploaded, not where it is stored), else what kind of fault."""
    from nlp.errors import InputError

    if isinstance(error, InputError):
        text = str(error).replace(str(path), name)
    else:
        text = f"分析出错（内部错误 {type(error).__name__}）；请联系管理员 internal error"
    return " ".join(text.split())[:500]


class Jobs:
    """`workers` threads running the queue of the database `sessions` opens."""

    def __init__(self, sessions, data: Path, *, workers: int = 1, budget=None, profiles=None, lang: str = "zh",
                 dask: str | None = None):
        from nlp.serve.profiles import DEFAULT, Profile

        self.sessions = sessions
        self.data = data
        self.workers = workers
        self.budget = budget
        self.profiles = profiles or {DEFAULT: Profile(DEFAULT)}  # name -> nlp.serve.profiles.Profile
        self._models: dict[str, object] = {}  # name -> its loaded model: once per profile, not per job
        self.lang = lang
        self.dask = dask  # a scheduler's address, or None: analyse here
        self._client = None
        self.server = uuid.uuid4().hex  # this process, in reports.claimed_by
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        if self.dask and self.workers:
            self._client = dask_client(self.dask)
        self.beat()
        self.requeue_orphans()
        loops = [(self._loop, f"juesuan-worker-{n}") for n in range(self.workers)] + [(self._heartbeat, "juesuan-heartbeat")]
        for target, name in loops:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the threads; what this server was running goes back to the queue (its children die with it)."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()
        with self.sessions() as db:
            db.execute(update(Report).where(Report.status == "running", Report.claimed_by == self.server)
                       .values(status="queued", claimed_by=None))
            db.execute(delete(Server).where(Server.id == self.server))
            db.commit()
        if self._client is not None:
            self._client.close()
            self._client = None

    def beat(self) -> None:
        with self.sessions() as db:
            if db.execute(update(Server).where(Server.id == self.server).values(seen_at=now())).rowcount == 0:
                db.add(Server(id=self.server, started_at=now(), seen_at=now()))
            db.commit()

    def wake(self) -> None:
        self._wake.set()

    def requeue_orphans(self) -> int:
        """Queue again the jobs that were running when their server died."""
        with self.sessions() as db:
            alive = select(Server.id).where(Server.seen_at > now() - dt.timedelta(seconds=STALE_SECONDS))
            n = db.execute(
                update(Report).where(Report.status == "running", Report.claimed_by != self.server,
                                     Report.claimed_by.not_in(alive))
                .values(status="queued", claimed_by=None)
            ).rowcount
            if n:
                record(db, "system", "requeue", "", f"{n} running job(s) of a stopped server queued again")
            db.commit()
        return n

    def claim(self) -> int | None:
        """The id of a queued report this server now runs, or None."""
        with self.sessions() as db:
            ids = db.scalars(select(Report.id).where(Report.status == "queued").order_by(Report.id).limit(8)).all()
            for report_id in ids:
                claimed = db.execute(
                    update(Report).where(Report.id == report_id, Report.status == "queued")
                    .values(status="running", claimed_by=self.server, status_reason=None)
                ).rowcount
                db.commit()
                if claimed:
                    return report_id
        return None

    def run_one(self) -> bool:
        """Claim and run one job; False when the queue was empty."""
        report_id = self.claim()
        if report_id is None:
            return False
        with self.sessions() as db:
            report = db.get(Report, report_id)
            path, name, profile = self.data / report.path, report.file, report.profile
        try:
            options = {"budget": self.budget, "lang": self.lang, **self._analysis(profile)}
            if self._client is not None:
                outcome = self._client.submit(analyse_bytes, path.read_bytes(), name, pure=False, **options).result()
            else:
                outcome = analyse(path, name, **options)
        except Exception as e:  # noqa: BLE001 - any failure of one file is that job's, not the worker's
            log.info("report %s failed: %s", report_id, e)
            self._finish(report_id, None, failure_reason(e, path, name))
        else:
            self._finish(report_id, outcome, None)
        return True

    def _analysis(self, name: str) -> dict:
        """The model and settings of the profile `name`. A Dask worker is sent the model's
        directory (it loads and keeps it itself), not the model."""
        from nlp.errors import InputError
        from nlp.serve.profiles import unknown

        profile = self.profiles.get(name)
        if profile is None:  # recorded by a server started with other profiles
            raise InputError(unknown(name, self.profiles))
        model = profile.model
        if model is not None and self._client is None:
            if name not in self._models:
                from nlp.classifier import load_model

                self._models[name] = load_model(model)
            model = self._models[name]
        return {"settings": profile.settings, "model": model}

    def _finish(self, report_id: int, outcome: Outcome | None, reason: str | None) -> None:
        with self.sessions() as db:
            mine = db.execute(
                update(Report).where(Report.id == report_id, Report.status == "running", Report.claimed_by == self.server)
                .values(status="done" if outcome else "failed", status_reason=reason, claimed_by=None)
            ).rowcount
            if not mine:  # re-queued meanwhile (a restart of another server): its new run stores the result
                db.rollback()
                return
            if outcome:
                self._store(db, report_id, outcome)
            record(db, "system", "analysed" if outcome else "failed", f"report {report_id}", reason or "",
                   db.get(Report, report_id).office_id)
            db.commit()

    @staticmethod
    def _store(db, report_id: int, outcome: Outcome) -> None:
        old = db.scalars(select(FindingRow).where(FindingRow.report_id == report_id)).all()
        reviews = {(f.code, f.message): f for f in old if f.decision}
        for f in old:
            db.delete(f)
        db.query(Result).filter_by(report_id=report_id).delete()
        db.flush()
        db.add(Result(report_id=report_id, report_json=outcome.report, html=outcome.html, capacity=outcome.capacity,
                      rows=outcome.rows, finished_at=now()))
        for f in outcome.findings:
            row = FindingRow(report_id=report_id, **f)
            kept = reviews.get((f["code"], f["message"]))
            if kept:  # a re-run keeps the review of a finding that came back unchanged
                row.decision, row.comment = kept.decision, kept.comment
                row.reviewed_by, row.reviewed_at = kept.reviewed_by, kept.reviewed_at
            db.add(row)
        report = db.get(Report, report_id)
        report.unit, report.year, report.score = outcome.unit, outcome.year, outcome.score

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            try:
                self.beat()
                if self.requeue_orphans():
                    self.wake()
            except Exception:  # a database hiccup must not stop the heartbeat
                log.exception("heartbeat error")

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                worked = self.run_one()
            except Exception:  # a database hiccup must not end the worker
                log.exception("worker error")
                worked = False
            if not worked:
                self._wake.wait(IDLE_SECONDS)
                self._wake.clear()
