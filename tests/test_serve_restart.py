"""`juesuan serve` killed with SIGKILL while jobs are queued and running,
then restarted on the same data: every job finishes, none is lost or
analysed into the database twice (the short version of bench/serve_load.py's
kill test; SQLite, no browser).
"""
from __future__ import annotations

import time

import pytest

from tests.hostile_corpus import REPORT_TEXT
from tests.serve_helpers import Api, Server

pytest.importorskip("httpx")


def small_report(number: int) -> bytes:
    return REPORT_TEXT.replace("城西区文化和旅游局", f"城西区第{number}文化和旅游局").encode()


def test_a_killed_server_resumes_its_jobs_on_restart(tmp_path):
    server = Server(tmp_path, f"sqlite:///{tmp_path / 'juesuan.db'}", workers=1)
    server.create_user("admin", "kill-restart-口令", "admin")
    server.start()
    try:
        api = Api(server, server.token("admin"))
        ids = [row["id"] for row in api.upload({f"r{n}.txt": small_report(n) for n in range(4)})]
        assert len(set(ids)) == 4
        deadline = time.monotonic() + 60
        while "running" not in {r["status"] for r in api.reports()} and time.monotonic() < deadline:
            time.sleep(0.05)
        before = {r["id"]: r["status"] for r in api.reports()}
        group = server.process.pid
        server.kill()
        time.sleep(0.5)
        server.end_orphans(group)  # a sandboxed child may outlive its server for a moment

        assert {"queued", "running"} & set(before.values()), f"killed too late to test anything: {before}"
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
    finally:
        server.stop()
