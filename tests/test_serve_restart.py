"""`juesuan serve` killed with SIGKILL while jobs are queued and running,
then restarted on the same data: every job finishes, none is lost or
analysed into the database twice (the short version of bench/serve_load.py's
kill test; SQLite, no browser).

A restarted server queues the dead one's `running` jobs again once that one
has not been seen for 30 s (its heartbeat, nlp.serve.jobs.STALE_SECONDS);
the test ages the dead server's last heartbeat instead of waiting for it, so
it runs in well under 20 s. bench/serve_load.py waits the real 30 s.
"""
from __future__ import annotations

import time

import pytest

from tests.hostile_corpus import REPORT_TEXT
from tests.serve_helpers import Api, Server, example_variant

pytest.importorskip("httpx")


def small_report(number: int) -> bytes:
    return REPORT_TEXT.replace("城西区文化和旅游局", f"城西区第{number}文化和旅游局").encode()


def statuses_in(db_url: str) -> dict[int, str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        found = dict(conn.execute(text("SELECT id, status FROM reports")).all())
    engine.dispose()
    return found


def age_heartbeats(db_url: str) -> None:
    """As if the killed server had last been seen an hour ago."""
    import datetime as dt

    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.begin() as conn:
        assert conn.execute(text("UPDATE servers SET seen_at = :then"),
                            {"then": dt.datetime(2000, 1, 1)}).rowcount == 1, "one dead server's heartbeat"
    engine.dispose()


def test_a_killed_server_resumes_its_jobs_on_restart(tmp_path):
    server = Server(tmp_path, f"sqlite:///{tmp_path / 'juesuan.db'}", workers=1)
    server.create_user("admin", "kill-restart-口令", "admin")
    server.start()
    try:
        api = Api(server, server.token("admin"))
        # The first is the full example (the longest to analyse: it is the one caught running), three small ones.
        files = {"r0.txt": example_variant(0).encode(), **{f"r{n}.txt": small_report(n) for n in range(1, 4)}}
        ids = [row["id"] for row in api.upload(files)]
        assert len(set(ids)) == 4
        deadline = time.monotonic() + 60
        while "running" not in {r["status"] for r in api.reports()} and time.monotonic() < deadline:
            time.sleep(0.02)
        group = server.process.pid
        server.kill()
        time.sleep(0.5)
        server.end_orphans(group)  # a sandboxed child may outlive its server for a moment
        at_kill = statuses_in(server.db_url)
        assert "running" in at_kill.values() and "queued" in at_kill.values(), f"the kill missed the moment: {at_kill}"
        age_heartbeats(server.db_url)

        server.start()
        after = api.wait_finished(timeout=120)
        assert sorted(r["id"] for r in after) == sorted(ids), "a report was lost or doubled"
        assert {r["status"] for r in after} == {"done"}, [(r["id"], r["status_reason"]) for r in after]
        for report_id in ids:
            record = api.report(report_id)
            assert len(api.findings(report_id)) == len(record["report"]["findings"]), "findings stored twice"
        audit = api.client.get("/api/audit").json()
        analysed = sorted(line["target"] for line in audit if line["action"] == "analysed")
        assert analysed == sorted(f"report {i}" for i in ids), "each report analysed into the database once"
        assert any(line["action"] == "requeue" for line in audit), "the running job was queued again"
    finally:
        server.stop()
