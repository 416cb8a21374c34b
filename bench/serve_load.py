"""Load and crash test of `juesuan serve` on loopback (issue 18).

    python bench/serve_load.py                    # 200 uploads, 8 clients, then the kill test
    python bench/serve_load.py --reports 40 --kill-reports 12    # a quicker look
    python bench/serve_load.py --db postgresql+psycopg://user@/db?host=/tmp/sock

1. Load: a real server (SQLite in a temp folder unless --db) with --workers
   workers; --clients threads each upload their share of --reports distinct
   small text reports (the example with another unit name and figure) one per
   request with an API token, reading the list page, the JSON list and a
   report's page between uploads; then wait (bounded by --timeout) until no
   job is queued or running. Checks: every upload is listed once, none stuck,
   each report analysed once (one result row and one run each, in the
   database), its findings not doubled. Prints p50/p95 latency per kind of
   request and jobs per minute.
2. Kill: a fresh server gets --kill-reports uploads; once some are done and
   some running it is killed with SIGKILL (its sandboxed children are left to
   notice, and counted), restarted on the same data, and must finish them
   all: queued and running jobs resume, nothing lost or doubled.

Every request goes to 127.0.0.1 only; every loop is bounded in count and time.
Exits 1 when a check fails.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from tests.serve_helpers import Api, Server, example_variant  # noqa: E402

ADMIN, PASSWORD = "admin", "load-test-口令-2024"


class Timings:
    def __init__(self):
        self.lock = threading.Lock()
        self.by_kind: dict[str, list[float]] = {}

    def timed(self, kind: str, call):
        start = time.perf_counter()
        response = call()
        with self.lock:
            self.by_kind.setdefault(kind, []).append(time.perf_counter() - start)
        return response

    def table(self) -> str:
        lines = [f"{'request':<22}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}"]
        for kind, seconds in sorted(self.by_kind.items()):
            ordered = sorted(seconds)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            lines.append(f"{kind:<22}{len(ordered):>6}{statistics.median(ordered) * 1000:>10.0f}"
                         f"{p95 * 1000:>10.0f}{ordered[-1] * 1000:>10.0f}")
        return "\n".join(lines)


def session_headers(server: Server) -> dict[str, str]:
    """Log in through the form; the session cookie as a header (the cookie may
    be Secure, which httpx's jar would not send over http://127.0.0.1)."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        form = client.get("/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', form.text)
        jar = dict(form.cookies.items())
        response = client.post("/login", data={"username": ADMIN, "password": PASSWORD,
                                               "csrf_token": next(g for g in token.groups() if g)},
                               headers={"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
        assert response.status_code == 303, (response.status_code, response.text[:300])
        for cookie in response.headers.get_list("set-cookie"):
            name, _, value = cookie.split(";", 1)[0].partition("=")
            jar[name.strip()] = value
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}


def start_server(data: Path, db: str | None, workers: int) -> tuple[Server, str]:
    server = Server(data, db or f"sqlite:///{data / 'juesuan.db'}", workers=workers)
    server.create_user(ADMIN, PASSWORD, "admin")
    server.start()
    return server, server.token(ADMIN)


def database_counts(db_url: str) -> dict[int, tuple[str, int, int, int]]:
    """{report id: (status, runs, result rows, analyses)} read from the server's
    database; analyses are the audit table's `analysed` lines for the report."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT r.id, r.status, r.runs, (SELECT COUNT(*) FROM results s WHERE s.report_id = r.id) FROM reports r"))
        analysed = dict(conn.execute(text(
            "SELECT target, COUNT(*) FROM audit WHERE action = 'analysed' GROUP BY target")).all())
        counts = {row[0]: (row[1], row[2], row[3], analysed.get(f"report {row[0]}", 0)) for row in rows}
    engine.dispose()
    return counts


def check_finished(server: Server, api: Api, uploaded: dict[str, int], *, runs_allowed: dict[int, int]) -> list[str]:
    """What is wrong once everything should be finished ([] when nothing is)."""
    problems = []
    listed = api.reports()
    by_id = {r["id"]: r for r in listed}
    if len(listed) != len(uploaded) or set(by_id) != set(uploaded.values()):
        problems.append(f"lost or extra reports: {len(uploaded)} uploaded, {len(listed)} listed")
    stuck = [r["id"] for r in listed if r["status"] in ("queued", "running")]
    if stuck:
        problems.append(f"{len(stuck)} jobs stuck: {stuck[:10]}")
    failed = [(r["id"], r["status_reason"]) for r in listed if r["status"] == "failed"]
    if failed:
        problems.append(f"{len(failed)} failed: {failed[:5]}")
    for report_id, (status, runs, results, analyses) in database_counts(server.db_url).items():
        once = 1 if status == "done" else 0
        if results != once or analyses != once or runs > runs_allowed.get(report_id, 1):
            problems.append(f"report {report_id}: {status}, {runs} runs, {results} result rows, {analyses} analysed")
    for report_id in list(by_id)[:: max(1, len(by_id) // 20)]:  # a sample: findings stored once
        record, findings = api.report(report_id), api.findings(report_id)
        if record.get("report") and len(findings) != len(record["report"].get("findings", [])):
            problems.append(f"report {report_id}: {len(findings)} findings stored, "
                            f"{len(record['report']['findings'])} in its result")
    return problems


def load(args, root: Path) -> list[str]:
    server, token = start_server(root / "load", args.db, args.workers)
    try:
        timings, cookie = Timings(), session_headers(server)
        files = {f"load-{n:03d}.txt": example_variant(n).encode() for n in range(args.reports)}
        names = sorted(files)
        uploaded: dict[str, int] = {}
        lock = threading.Lock()

        def client(share: list[str]) -> None:
            with httpx.Client(base_url=server.url, timeout=60) as http:
                bearer = {"Authorization": f"Bearer {token}"}
                for name in share:
                    response = timings.timed("POST /api/reports", lambda n=name: http.post(
                        "/api/reports", headers=bearer, files=[("files", (n, files[n]))]))
                    response.raise_for_status()
                    [row] = response.json()
                    with lock:
                        uploaded[name] = row["id"]
                    timings.timed("GET / (page)", lambda: http.get("/", headers=cookie)).raise_for_status()
                    timings.timed("GET /api/reports", lambda: http.get("/api/reports", headers=bearer)).raise_for_status()
                    timings.timed("GET /reports/<id>", lambda r=row: http.get(f"/reports/{r['id']}",
                                                                            headers=cookie)).raise_for_status()

        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
            for future in [pool.submit(client, names[i :: args.clients]) for i in range(args.clients)]:
                future.result()
        uploads_took = time.monotonic() - started
        api = Api(server, token)
        deadline = started + args.timeout
        with httpx.Client(base_url=server.url, timeout=60) as http:
            while True:  # a reader keeps loading the list page while the queue drains
                timings.timed("GET / (page)", lambda: http.get("/", headers=cookie)).raise_for_status()
                statuses = [r["status"] for r in api.reports()]
                if all(s in ("done", "failed") for s in statuses) or time.monotonic() > deadline:
                    break
                time.sleep(1)
        drained = time.monotonic() - started
        problems = check_finished(server, api, uploaded, runs_allowed={})
        print(f"\n## load: {args.reports} uploads from {args.clients} clients, {args.workers} workers, "
              f"{'PostgreSQL' if server.db_url.startswith('postgresql') else 'SQLite'}")
        print(f"uploads took {uploads_took:.1f} s; all jobs finished after {drained:.1f} s; "
              f"{len(statuses)} jobs, {statuses.count('done')} done, {statuses.count('failed')} failed; "
              f"{60 * statuses.count('done') / drained:.1f} jobs/minute")
        print(timings.table())
        api.close()
        return problems
    finally:
        server.stop()


def kill_test(args, root: Path) -> list[str]:
    data = root / "kill"
    server, token = start_server(data, None, args.workers)
    api = Api(server, token)
    try:
        uploaded = {}
        for n in range(args.kill_reports):
            [row] = api.upload({f"kill-{n:03d}.txt": example_variant(1000 + n).encode()})
            uploaded[f"kill-{n:03d}.txt"] = row["id"]
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:  # wait for a mix: some done, some running, some queued
            statuses = {r["id"]: r["status"] for r in api.reports()}
            if list(statuses.values()).count("done") >= 2 and "running" in statuses.values():
                break
            time.sleep(0.2)
        pgid = server.process.pid
        server.kill()
        at_kill = {s: list(statuses.values()).count(s) for s in ("queued", "running", "done", "failed")}
        time.sleep(2)
        orphans = server.end_orphans(pgid)
        print(f"\n## kill -9 with {at_kill}; the server's children still alive 2 s later: {orphans}")
        running = [i for i, s in statuses.items() if s == "running"]
        restarted = time.monotonic()
        server.start()
        api.wait_finished(timeout=args.timeout)
        print(f"restarted: all {len(uploaded)} finished {time.monotonic() - restarted:.1f} s after the restart")
        problems = check_finished(server, api, uploaded, runs_allowed={i: 2 for i in running})
        counts = database_counts(server.db_url).values()
        def tally(values) -> dict:  # {count: reports with that count}
            return dict(sorted(Counter(values).items()))

        print(f"per report, as {{count: reports}}: runs {tally(runs for _, runs, _, _ in counts)} "
              f"(the {len(running)} running at the kill may run twice), result rows "
              f"{tally(results for _, _, results, _ in counts)}, audit 'analysed' lines {tally(n for *_, n in counts)}")
        return problems
    finally:
        api.close()
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill-reports", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=1500, help="seconds each phase may take at most")
    parser.add_argument("--db", help="database URL (default: SQLite in a temp folder; give a fresh database)")
    parser.add_argument("--skip-kill", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="juesuan-load-") as root:
        problems = load(args, Path(root))
        if not args.skip_kill and not args.db:  # the kill test needs a fresh database of its own
            problems += kill_test(args, Path(root))
    print("\n" + ("\n".join(f"FAIL: {p}" for p in problems) if problems else "all checks passed"))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
