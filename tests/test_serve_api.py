"""juesuan serve through HTTP (Starlette's TestClient, the app in this
process, one worker thread): accounts made by the command, login, CSRF,
roles, upload → done, review with both scores, duplicates, zips, limits,
exports, API tokens, offices, the audit table, and re-queued jobs.

One server for the module (the analysis model loads once); each test
uploads its own variant of a tiny report (a line appended: a new hash).
With $JUESUAN_TEST_PG_URL (a PostgreSQL server, e.g.
postgresql+psycopg://juesuan@/postgres?host=/tmp/pg) every test runs on a
fresh database there too; on SQLite always.
"""
from __future__ import annotations

import csv
import io
import os
import re
import sys
import time
import uuid
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from nlp.cli import main
from nlp.serve.app import ServeConfig, create_app
from nlp.serve.profiles import parse_option

FIXTURE = Path(__file__).parent / "fixtures" / "serve" / "江滨区档案馆2024年度部门决算.txt"
TEXT = FIXTURE.read_text(encoding="utf-8")
PASSWORD = "correct horse battery"


def variant(tag: str) -> bytes:
    """The fixture with one line more: the same findings, another content hash."""
    return (TEXT + f"\n附注：{tag}\n").encode("utf-8")


DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("JUESUAN_TEST_PG_URL") else [])


def command(data: Path, *args: str, stdin: str = "") -> int:
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return main(["serve", "--data", str(data), *args])
    finally:
        sys.stdin = old


def fresh_postgres_database() -> str:
    """A new database on the server of $JUESUAN_TEST_PG_URL; its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(os.environ["JUESUAN_TEST_PG_URL"])
    name = f"juesuan_test_{uuid.uuid4().hex[:12]}"
    with create_engine(url, isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module", params=DATABASES)
def data(request, tmp_path_factory) -> tuple[Path, list[str]]:
    data = tmp_path_factory.mktemp(f"serve-{request.param}")
    db = ["--db", fresh_postgres_database()] if request.param == "postgresql" else []
    for user, role, office in [("admin", "admin", None), ("rev", "reviewer", None), ("view", "viewer", None),
                               ("other", "reviewer", "审计局")]:
        made = ["--create-admin", user] if role == "admin" else ["--create-user", user, "--role", role]
        assert command(data, *db, *made, *(["--office", office] if office else []), stdin=PASSWORD + "\n") == 0
    return data, db


@pytest.fixture(scope="module")
def app(data):
    folder, db = data
    lenient = folder / "lenient.toml"  # the profile "lenient": the bundled model, vague causes not checked
    lenient.write_text('ignore = ["JS201"]\n', encoding="utf-8")
    profiles = [parse_option(f"lenient=,{lenient}", None), parse_option("bare=none", None)]
    app = create_app(ServeConfig(data=folder, db_url=db[1] if db else "", workers=1, max_bytes=20_000, profiles=profiles))
    with TestClient(app):  # runs the lifespan: the worker thread
        yield app


def client(app, user: str | None = None) -> TestClient:
    c = TestClient(app, follow_redirects=False)
    if user:
        login(c, user)
    return c


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(c: TestClient, user: str, password: str = PASSWORD):
    form = c.get("/login")
    return c.post("/login", data={"username": user, "password": password, "csrf_token": csrf_of(form.text)})


def upload(c: TestClient, files: list[tuple[str, bytes]], csrf: str | None = None):
    token = csrf if csrf is not None else csrf_of(c.get("/").text)
    return c.post("/upload", data={"csrf_token": token}, files=[("files", (name, body)) for name, body in files])


def wait_done(c: TestClient, report_id: int, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = c.get(f"/api/reports/{report_id}").json()
        if row["status"] in ("done", "failed"):
            return row
        time.sleep(0.2)
    raise AssertionError(f"report {report_id} still {row['status']}")


def uploaded_ids(response) -> list[int]:
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return [int(i) for i in query["added"][0].split(",")]


def test_health_needs_nothing_and_the_rest_needs_a_login(app):
    c = client(app)
    assert c.get("/api/health").json() == {"status": "ok"}
    assert c.get("/api/reports").status_code == 401
    assert c.get("/").status_code == 303 and c.get("/").headers["location"] == "/login"
    assert c.get("/docs").status_code in (303, 404)  # it would load its script from a CDN: off
    assert "/api/reports" in c.get("/openapi.json").json()["paths"]


def test_a_wrong_password_or_a_missing_csrf_token_is_refused(app):
    c = client(app)
    wrong = login(c, "admin", "not the password")
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    assert login(c, "nobody").status_code == 401
    c.get("/login")
    no_csrf = c.post("/login", data={"username": "admin", "password": PASSWORD})
    assert no_csrf.status_code == 403
    assert login(c, "admin").status_code == 303
    assert upload(c, [("a.txt", variant("csrf"))], csrf="").status_code == 403
    assert upload(c, [("a.txt", variant("csrf"))], csrf="wrong").status_code == 403
    assert c.post("/logout").status_code == 403
    assert c.post("/logout", data={"csrf_token": csrf_of(c.get("/").text)}).headers["location"] == "/login"
    assert c.get("/").status_code == 303  # logged out: the session is gone


def test_upload_analyse_review_both_scores(app):
    c = client(app, "rev")
    response = upload(c, [(FIXTURE.name, variant("review"))])
    assert response.status_code == 303
    (report_id,) = uploaded_ids(response)
    listing = c.get("/").text
    assert f'data-report-id="{report_id}"' in listing
    row = wait_done(c, report_id)
    assert row["status"] == "done" and row["unit"] == "江滨区档案馆" and row["year"] == 2024
    assert row["score"] is not None and row["score"] < 100 and row["score_confirmed"] == 100.0
    assert sum(row["findings"].values()) >= 3
    assert re.search(rf'data-report-id="{report_id}" data-status="done"', c.get("/").text)

    page = c.get(f"/reports/{report_id}").text
    fids = re.findall(r'data-finding-id="(\d+)" data-review="none"', page)
    assert len(fids) == sum(row["findings"].values())
    csrf = csrf_of(page)
    confirm = c.post(f"/reports/{report_id}/findings/{fids[0]}/review",
                     data={"decision": "confirmed", "comment": "属实<b>", "csrf_token": csrf})
    assert confirm.status_code == 303
    c.post(f"/reports/{report_id}/findings/{fids[1]}/review", data={"decision": "dismissed", "comment": "", "csrf_token": csrf})
    page = c.get(f"/reports/{report_id}").text
    assert f'data-finding-id="{fids[0]}" data-review="confirmed"' in page
    assert f'data-finding-id="{fids[1]}" data-review="dismissed"' in page
    assert "属实&lt;b&gt;" in page
    after = c.get(f"/api/reports/{report_id}").json()
    assert after["score"] == row["score"] and after["score_confirmed"] < 100.0
    assert f'id="score-confirmed">{after["score_confirmed"]}<' in page
    # Each finding's cost is shown in score points: confirming the first costs what the page says it does.
    first = page[page.index(f'data-finding-id="{fids[0]}"'):]
    shown = float(re.search(r"扣 ([\d.]+) 分", first[:first.index("</li>")]).group(1))
    assert abs((100.0 - after["score_confirmed"]) - shown) <= 0.1
    reviews = {f["id"]: f["review"] for f in c.get(f"/api/reports/{report_id}/findings").json()}
    assert reviews[int(fids[0])]["decision"] == "confirmed" and reviews[int(fids[0])]["by"] == "rev"
    assert c.post(f"/reports/{report_id}/findings/{fids[0]}/review",
                  data={"decision": "maybe", "csrf_token": csrf}).status_code == 400

    html = c.get(f"/reports/{report_id}/html")
    assert html.status_code == 200 and "script-src 'sha256-" in html.headers["content-security-policy"]
    assert "江滨区档案馆" in html.text


def test_a_viewer_sees_but_cannot_upload_or_review(app):
    c = client(app, "view")
    assert c.get("/").status_code == 200
    assert c.get("/upload").status_code == 403
    assert upload(c, [("v.txt", variant("viewer"))]).status_code == 403
    api = c.post("/api/reports", files=[("files", ("v.txt", variant("viewer")))],
                 headers={"X-CSRF-Token": csrf_of(c.get("/").text)})
    assert api.status_code == 403
    assert c.get("/audit").status_code == 403 and c.get("/api/audit").status_code == 403


def test_duplicates_are_linked_not_analysed_again(app):
    c = client(app, "rev")
    (first,) = uploaded_ids(upload(c, [("one.txt", variant("dup"))]))
    again = upload(c, [("same-content-other-name.txt", variant("dup"))])
    assert "existing=" in again.headers["location"] and "added=" not in again.headers["location"]
    assert "已存在" in c.get(again.headers["location"]).text
    rows = [r for r in c.get("/api/reports").json() if r["sha256"] == c.get(f"/api/reports/{first}").json()["sha256"]]
    assert [r["id"] for r in rows] == [first]


def test_api_token_upload_needs_no_csrf_and_offices_are_apart(app, data, capsys):
    capsys.readouterr()
    assert command(data[0], *data[1], "--create-token", "other") == 0
    token = capsys.readouterr().out.strip()
    api = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    created = api.post("/api/reports", files=[("files", ("审计局.txt", variant("office")))])
    assert created.status_code == 201
    (item,) = created.json()
    assert item["duplicate_of"] is None
    assert wait_done(api, item["id"])["status"] == "done"
    # Another office's reviewer does not see it, even by id; the same content there is not a duplicate.
    rev = client(app, "rev")
    assert item["id"] not in [r["id"] for r in rev.get("/api/reports").json()]
    assert rev.get(f"/api/reports/{item['id']}").status_code == 404
    assert rev.get(f"/reports/{item['id']}/html").status_code == 404
    (theirs,) = uploaded_ids(upload(rev, [("审计局.txt", variant("office"))]))
    assert theirs != item["id"]
    assert TestClient(app, headers={"Authorization": "Bearer jst_wrong"}).get("/api/reports").status_code == 401


def test_a_zip_is_a_folder_of_reports_and_limits_are_kept(app):
    c = client(app, "rev")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("2024/甲.txt", variant("zip a"))
        z.writestr("2024/乙.txt", variant("zip b"))
        z.writestr("readme.md", "not a report")
    ids = uploaded_ids(upload(c, [("folder.zip", buffer.getvalue())]))
    assert len(ids) == 2
    assert {c.get(f"/api/reports/{i}").json()["file"] for i in ids} == {"2024/甲.txt", "2024/乙.txt"}
    too_big = upload(c, [("big.txt", b"x" * 20_001)])
    assert too_big.status_code == 413 and "文件过大" in too_big.text
    assert upload(c, [("script.exe", b"MZ")]).status_code == 415


def test_a_failed_report_says_why_in_one_line(app):
    c = client(app, "rev")
    (report_id,) = uploaded_ids(upload(c, [("broken.pdf", b"%PDF-1.4 this is not a pdf at all")]))
    row = wait_done(c, report_id)
    assert row["status"] == "failed" and row["status_reason"] and "\n" not in row["status_reason"]
    assert row["status_reason"].startswith("broken.pdf: ") and "uploads" not in row["status_reason"]
    assert "失败" in c.get("/").text


def test_exports(app):
    from openpyxl import load_workbook

    c = client(app, "rev")
    (report_id,) = uploaded_ids(upload(c, [("export.txt", variant("export"))]))
    wait_done(c, report_id)
    xlsx = c.get("/export.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    reports, findings = book.worksheets
    assert report_id in [row[0] for row in reports.iter_rows(min_row=2, values_only=True)]
    assert report_id in [row[0] for row in findings.iter_rows(min_row=2, values_only=True)]
    csv = c.get("/export.csv").content
    assert csv.startswith(b"\xef\xbb\xbf") and "江滨区档案馆" in csv.decode("utf-8-sig")
    assert 'id="export-xlsx"' in c.get("/").text


def test_rerun_keeps_reviews_and_the_audit_records_who_did_what(app):
    c = client(app, "rev")
    (report_id,) = uploaded_ids(upload(c, [("rerun.txt", variant("rerun"))]))
    wait_done(c, report_id)
    page = c.get(f"/reports/{report_id}").text
    fid = re.search(r'data-finding-id="(\d+)"', page).group(1)
    code = c.get(f"/api/reports/{report_id}/findings").json()[0]["code"]
    c.post(f"/reports/{report_id}/findings/{fid}/review", data={"decision": "confirmed", "comment": "ok", "csrf_token": csrf_of(page)})
    assert c.post(f"/reports/{report_id}/rerun", data={"csrf_token": csrf_of(page)}).status_code == 303
    wait_done(c, report_id)
    findings = c.get(f"/api/reports/{report_id}/findings").json()
    assert [f["review"]["decision"] for f in findings if f["code"] == code and f["review"]] == ["confirmed"]
    admin = client(app, "admin")
    audit = admin.get("/api/audit").json()
    mine = {(a["user"], a["action"]) for a in audit}
    assert {("rev", "upload"), ("rev", "review_confirmed"), ("rev", "rerun"), ("admin", "login")} <= mine
    assert all(a["user"] != "other" for a in audit)  # the other office's doings are its own
    assert "审计记录" in admin.get("/audit").text


def test_running_jobs_of_a_dead_server_are_queued_again(app):
    from nlp.serve.db import Report, Server, now
    from nlp.serve.jobs import Jobs

    c = client(app, "rev")
    (report_id,) = uploaded_ids(upload(c, [("orphan.txt", variant("orphan"))]))
    wait_done(c, report_id)
    sessions = app.state.sessions
    with sessions() as db:  # as if another server, alive, were running it: left alone
        db.add(Server(id="a-live-server", started_at=now(), seen_at=now()))
        db.get(Report, report_id).status, db.get(Report, report_id).claimed_by = "running", "a-live-server"
        db.commit()
    jobs = Jobs(sessions, app.state.config.data)
    assert jobs.requeue_orphans() == 0
    with sessions() as db:  # its server died: queued again, analysed again, stored once
        db.get(Report, report_id).claimed_by = "a-dead-server"
        db.commit()
    assert jobs.requeue_orphans() == 1
    app.state.jobs.wake()
    assert wait_done(c, report_id)["status"] == "done"
    assert len(c.get(f"/api/reports/{report_id}/findings").json()) == sum(wait_done(c, report_id)["findings"].values())


def test_admin_creates_users(app):
    c = client(app, "admin")
    page = c.get("/admin/users").text
    short = c.post("/admin/users", data={"name": "new", "password": "short", "role": "viewer", "csrf_token": csrf_of(page)})
    assert short.status_code == 400
    made = c.post("/admin/users", data={"name": "new", "password": PASSWORD, "role": "viewer", "csrf_token": csrf_of(page)})
    assert made.status_code == 303
    new = client(app, "new")
    assert new.get("/").status_code == 200
    assert client(app, "rev").get("/admin/users").status_code == 403
    page = c.get("/admin/users").text
    user_id = re.search(r'action="/admin/users/(\d+)/active"[^>]*><input type="hidden" name="csrf_token" value="[^"]+"><input '
                        r'type="hidden" name="active" value="false"', page.split('data-user="new"')[1]).group(1)
    assert c.post(f"/admin/users/{user_id}/active", data={"active": "false", "csrf_token": csrf_of(page)}).status_code == 303
    assert new.get("/").status_code == 303  # disabled: the open session stops working
    assert login(client(app), "new").status_code == 401


def test_what_an_upload_says_is_shown_as_text(app):
    c = client(app, "rev")
    name = 'evil"><script>alert(1)</script>.txt'
    body = (TEXT + "\n<script>window.__pwned=1</script><img src=x onerror=alert(1)>\n").encode()
    (report_id,) = uploaded_ids(upload(c, [(name, body)]))
    wait_done(c, report_id)
    for page in (c.get("/").text, c.get(f"/reports/{report_id}").text, c.get(f"/reports/{report_id}/html").text):
        assert "<script>alert(1)" not in page and "<script>window.__pwned" not in page
    assert c.get("/").headers["content-security-policy"].startswith("default-src 'none'")  # no script at all
    charts = c.get("/corpus").text
    assert 'id="chart-scores"' in charts and "<svg" in charts


def test_the_schema_is_migrated_once_and_again_safely(tmp_path):
    from sqlalchemy import text

    from nlp.serve.db import make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    migrate(engine)
    migrate(engine)  # a restart: nothing to do
    with engine.connect() as connection:
        head = sorted(p.name[:4] for p in (Path(migrate.__code__.co_filename).parent / "migrations" / "versions").glob("0*.py"))[-1]
        assert connection.execute(text("select version_num from alembic_version")).scalar() == head
        assert connection.execute(text("select count(*) from reports")).scalar() == 0


def test_corrected_cause_labels_export_for_retraining(app, tmp_path):
    from nlp.classifier.labelled import read_labelled

    c = client(app, "rev")
    (report_id,) = uploaded_ids(upload(c, [("labels.txt", variant("labels"))]))
    wait_done(c, report_id)
    causes = c.get(f"/api/reports/{report_id}/causes").json()
    first = causes[0]
    assert first["corrected"] is None and first["text"]
    page = c.get(f"/reports/{report_id}").text
    assert f'data-cause="{first["explanation"]}#0"' in page
    saved = c.post(f"/reports/{report_id}/causes/label", data={
        "explanation": first["explanation"], "cause": "0", "label": "staffing", "vague": "false", "csrf_token": csrf_of(page)})
    assert saved.status_code == 303
    assert c.get(f"/api/reports/{report_id}/causes").json()[0]["corrected"]["label"] == "staffing"
    bad = c.post(f"/reports/{report_id}/causes/label", data={
        "explanation": first["explanation"], "cause": "0", "label": "nonsense", "csrf_token": csrf_of(page)})
    assert bad.status_code == 400
    assert client(app, "view").post(f"/api/reports/{report_id}/causes/label",
                                    json={"explanation": first["explanation"], "cause": 0, "label": "other"}).status_code == 403
    path = tmp_path / "labels.xlsx"
    path.write_bytes(c.get("/labels.xlsx").content)
    labelled = read_labelled(path)
    assert [(r.text, r.label, r.vague) for r in labelled.rows] == [(first["text"], "staffing", False)]
    assert c.get("/labels.csv").content.startswith(b"\xef\xbb\xbf")


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium")
def test_the_report_page_script_runs_under_its_csp_and_nothing_else_would():
    """The offline report's own script is allowed by its hash (its filters work); without it, nothing runs."""
    import http.server
    import subprocess
    import threading

    from nlp import analyze
    from nlp.report.html import render_html
    from nlp.serve.pages import report_csp

    html = render_html(analyze(FIXTURE.name, text=TEXT))

    def shown(csp: str) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Security-Policy", csp)
                self.end_headers()
                self.wfile.write(html.encode())

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            dom = subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                                  f"http://127.0.0.1:{server.server_address[1]}/"], capture_output=True, text=True,
                                 timeout=120).stdout
        finally:
            server.shutdown()
        return re.search(r'<span id="shown"[^>]*>([^<]*)<', dom).group(1)

    assert shown(report_csp(html)) != ""  # the script filled in the count of findings shown
    assert shown(report_csp(html).replace("'sha256-", "'sha256-x")) == ""


def test_jobs_run_on_a_dask_cluster_when_one_is_given(tmp_path):
    distributed = pytest.importorskip("distributed")
    from sqlalchemy import select

    from nlp.serve.app import open_database
    from nlp.serve.db import Report, User, office_named
    from nlp.serve.jobs import Jobs

    sessions = open_database(ServeConfig(data=tmp_path))
    with sessions() as db:
        office = office_named(db, "默认")
        user = User(name="u", password_hash="-", role="reviewer", office_id=office.id, active=True)
        db.add(user)
        db.flush()
        (tmp_path / "f.txt").write_bytes(variant("dask"))  # the worker gets the bytes, not this path
        db.add(Report(office_id=office.id, file="江滨区档案馆.txt", path="f.txt", sha256="x", size=1, uploaded_by=user.id,
                      status="queued", runs=1))
        db.commit()
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        jobs = Jobs(sessions, tmp_path, workers=1, dask=cluster.scheduler_address)
        jobs.start()
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                with sessions() as db:
                    report = db.scalars(select(Report)).one()
                if report.status in ("done", "failed"):
                    break
                time.sleep(0.2)
        finally:
            jobs.stop()
        assert "analyse_bytes" in cluster.scheduler.task_prefixes  # it ran there, not here
    assert report.status == "done" and report.unit == "江滨区档案馆" and report.score is not None


def test_the_corpus_page_runs_the_rules_across_reports(app):
    c = client(app, "rev")
    ids = uploaded_ids(upload(c, [("河西.txt", variant("corpus").replace("江滨区档案馆".encode(), "河西区档案馆".encode())),
                                  ("江滨.txt", variant("corpus 2"))]))
    for report_id in ids:
        wait_done(c, report_id)
    page = c.get("/corpus").text
    rows = re.findall(r'<tr data-code="(JS80\d)" data-report-id="(\d+)"', page)
    assert ("JS801", str(ids[0])) in rows  # 河西区 gives 江滨区's reasons word for word
    assert all(code in ("JS801", "JS802") for code, _ in rows)


def codes(c: TestClient, report_id: int) -> list[str]:
    return sorted(f["code"] for f in c.get(f"/api/reports/{report_id}/findings").json())


def test_a_rerun_with_another_profile_changes_the_result_and_records_it(app):
    c = client(app, "rev")
    (report_id,) = uploaded_ids(upload(c, [("profile.txt", variant("profile"))]))
    row = wait_done(c, report_id)
    assert row["profile"] == "default" and "JS201" in codes(c, report_id)
    page = c.get(f"/reports/{report_id}").text
    form = page[page.index('id="rerun-form"'):]
    assert re.findall(r'<option value="([^"]+)"', form[:form.index("</form>")]) == ["default", "lenient", "bare"]
    assert '<option value="default" title="' in form and re.search(r'value="default"[^>]*selected', form)

    assert c.post(f"/reports/{report_id}/rerun", data={"csrf_token": csrf_of(page), "profile": "lenient"}).status_code == 303
    row = wait_done(c, report_id)
    assert row["profile"] == "lenient" and "JS201" not in codes(c, report_id) and row["score"] > 65.0
    page = c.get(f"/reports/{report_id}").text
    assert 'data-profile="lenient"' in page and re.search(r'value="lenient"[^>]*selected', page)
    assert re.search(rf'data-report-id="{report_id}".*?<td class="profile">lenient</td>', c.get("/").text, re.S)
    exported = list(csv.reader(io.StringIO(c.get("/export.csv").content.decode("utf-8-sig"))))
    assert exported[0][-1] == "分析配置 profile" and [r[-1] for r in exported if r[0] == str(report_id)] == ["lenient"]
    audit = client(app, "admin").get("/api/audit").json()
    assert any(a["action"] == "rerun" and a["target"] == f"report {report_id}" and a["detail"] == "run 2 with profile lenient"
               for a in audit)

    # The API: a JSON body names the profile; without one, the report's own is kept.
    headers = {"X-CSRF-Token": csrf_of(page)}
    again = c.post(f"/api/reports/{report_id}/rerun", json={"profile": "default"}, headers=headers)
    assert again.status_code == 202 and again.json()["profile"] == "default"
    assert wait_done(c, report_id)["profile"] == "default" and "JS201" in codes(c, report_id)
    assert c.post(f"/api/reports/{report_id}/rerun", headers=headers).json()["profile"] == "default"
    wait_done(c, report_id)

    unknown = c.post(f"/reports/{report_id}/rerun", data={"csrf_token": csrf_of(page), "profile": "strict"})
    assert unknown.status_code == 400 and "没有名为 strict 的分析配置" in unknown.text
    api = c.post(f"/api/reports/{report_id}/rerun", json={"profile": "strict"}, headers=headers)
    assert api.status_code == 400 and api.json()["detail"].startswith("没有名为 strict 的分析配置")
    viewer = client(app, "view")
    assert 'id="rerun-form"' not in viewer.get(f"/reports/{report_id}").text
    token = csrf_of(viewer.get("/").text)
    assert viewer.post(f"/reports/{report_id}/rerun", data={"csrf_token": token, "profile": "lenient"}).status_code == 403
    assert viewer.post(f"/api/reports/{report_id}/rerun", json={"profile": "lenient"},
                       headers={"X-CSRF-Token": token}).status_code == 403
    assert c.get(f"/api/reports/{report_id}").json()["profile"] == "default"


def test_an_upload_chooses_its_profile_and_a_profile_the_server_lacks_fails_the_job(app):
    c = client(app, "rev")
    page = c.get("/upload").text
    assert 'class="drop"' in page and "拖放文件或 zip 到此处，或点击选择" in page and 'id="upload-files"' in page
    assert re.findall(r'<option value="([^"]+)"', page) == ["default", "lenient", "bare"]
    response = c.post("/upload", data={"csrf_token": csrf_of(page), "profile": "lenient"},
                      files=[("files", ("up.txt", variant("upload-profile")))])
    (report_id,) = uploaded_ids(response)
    assert wait_done(c, report_id)["profile"] == "lenient" and "JS201" not in codes(c, report_id)
    bad = c.post("/upload", data={"csrf_token": csrf_of(page), "profile": "nope"}, files=[("files", ("x.txt", variant("x")))])
    assert bad.status_code == 400 and "没有名为 nope 的分析配置" in bad.text

    from nlp.serve.db import Report

    with app.state.sessions() as db:  # recorded by a server started with a profile this one lacks
        db.get(Report, report_id).profile = "gone"
        db.commit()
    assert c.post(f"/reports/{report_id}/rerun", data={"csrf_token": csrf_of(page)}).status_code == 303
    row = wait_done(c, report_id)
    assert row["status"] == "failed" and row["status_reason"].startswith("没有名为 gone 的分析配置")


def test_the_migration_to_profiles_keeps_old_reports_as_default(tmp_path):
    from alembic import command as alembic
    from alembic.config import Config
    from sqlalchemy import text

    from nlp.serve.db import make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = Config()
    config.set_main_option("script_location", str(Path(migrate.__code__.co_filename).parent / "migrations"))
    with engine.begin() as connection:  # a database of the schema before profiles, with a report in it
        config.attributes["connection"] = connection
        alembic.upgrade(config, "0004")
        connection.execute(text("insert into offices (id, name) values (1, '默认')"))
        connection.execute(text("insert into users (id, name, password_hash, role, office_id, active, created_at) "
                                "values (1, 'a', 'x', 'admin', 1, 1, '2026-01-01')"))
        connection.execute(text("insert into reports (id, office_id, file, path, sha256, size, uploaded_at, uploaded_by, "
                                "status, runs) values (1, 1, 'old.txt', 'u/old.txt', 'ab', 1, '2026-01-01', 1, 'done', 1)"))
    migrate(engine)
    with engine.connect() as connection:
        assert connection.execute(text("select profile from reports where id = 1")).scalar() == "default"


def test_a_bad_profile_stops_the_server_before_it_listens(tmp_path, capsys):
    settings = tmp_path / "bad.toml"
    settings.write_text('ignore = ["JS999"]\n', encoding="utf-8")
    for option in ["strict=/no/such/model", f"strict=,{settings}", "strict=,/no/such.toml", "default=", "a b=",
                   f"x=,{tmp_path / 'missing.toml'}"]:
        assert command(tmp_path / "data", "--profile", option) == 2
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and err.startswith("juesuan: error: 分析配置 "), err


def test_the_list_reloads_itself_only_while_a_job_in_view_is_unfinished(app):
    """No script runs on the pages: the list (and a report's own page) refreshes by <meta http-equiv="refresh"> while some report
    it shows is queued or running, and not once all are done (nor when the filter leaves out the busy one)."""
    from nlp.serve.db import Report, Server, now

    c = client(app, "rev")
    (report_id,) = uploaded_ids(upload(c, [("refresh.txt", variant("refresh"))]))
    wait_done(c, report_id)
    refresh = '<meta http-equiv="refresh"'
    deadline = time.monotonic() + 120  # the other tests' jobs finish too
    while refresh in c.get("/").text and time.monotonic() < deadline:
        time.sleep(0.2)
    assert refresh not in c.get("/").text
    with app.state.sessions() as db:  # running on another live server: left alone, unfinished
        db.merge(Server(id="a-busy-server", started_at=now(), seen_at=now()))
        db.get(Report, report_id).status, db.get(Report, report_id).claimed_by = "running", "a-busy-server"
        db.commit()
    try:
        assert '<meta http-equiv="refresh" content="5">' in c.get("/").text
        assert refresh in c.get("/?status=running").text and refresh not in c.get("/?status=done").text
        assert refresh not in client(app, "other").get("/").text  # another office's job is not in view
        assert refresh in c.get(f"/reports/{report_id}").text  # its own page waits for it too
    finally:
        with app.state.sessions() as db:
            db.get(Report, report_id).status, db.get(Report, report_id).claimed_by = "done", None
            db.commit()
    assert refresh not in c.get("/").text and refresh not in c.get(f"/reports/{report_id}").text


def test_an_admin_sees_and_manages_only_their_own_offices_users(app, data):
    """Admin is an office's role, as its reports and audit lines are: /admin/users lists the
    office's users, a user of another office cannot be disabled from it, and a new user joins
    the admin's office (another office's are made on the command line)."""
    folder, db = data
    assert command(folder, *db, "--create-admin", "auditadmin", "--office", "审计局", stdin=PASSWORD + "\n") == 0
    ours, theirs = client(app, "admin"), client(app, "auditadmin")
    listed = {name: set(re.findall(r'data-user="([^"]+)"', c.get("/admin/users").text)) for name, c in
              (("ours", ours), ("theirs", theirs))}
    assert {"admin", "rev", "view"} <= listed["ours"] and not listed["ours"] & {"other", "auditadmin"}
    assert listed["theirs"] == {"other", "auditadmin"}
    page = theirs.get("/admin/users").text
    rev_id = next(u["id"] for u in users_of(app) if u["name"] == "rev")
    refused = theirs.post(f"/admin/users/{rev_id}/active", data={"active": "false", "csrf_token": csrf_of(page)})
    assert refused.status_code == 404 and login(client(app), "rev").status_code == 303
    made = theirs.post("/admin/users", data={"name": "auditviewer", "password": PASSWORD, "role": "viewer",
                                             "office": "默认", "csrf_token": csrf_of(page)})
    assert made.status_code == 303
    assert {u["office"] for u in users_of(app) if u["name"] == "auditviewer"} == {"审计局"}
    assert "auditviewer" in theirs.get("/admin/users").text and "auditviewer" not in ours.get("/admin/users").text


def users_of(app) -> list[dict]:
    from sqlalchemy import select

    from nlp.serve.db import User

    with app.state.sessions() as db:
        return [{"id": u.id, "name": u.name, "office": u.office.name} for u in db.scalars(select(User))]


def test_a_findings_english_line_is_shown_only_when_english_is_asked_for(app):
    """The report page shows each finding in Chinese; its English line only when the server's
    language (`--lang en`, or `lang = "en"` in its settings) asks for English."""
    c = client(app, "rev")
    (report_id,) = uploaded_ids(upload(c, [("english.txt", variant("english"))]))
    wait_done(c, report_id)
    (first, *_) = c.get(f"/api/reports/{report_id}/findings").json()
    page = c.get(f"/reports/{report_id}").text
    assert first["message"] in page and first["message_en"] not in page and 'class="mute message-en"' not in page
    config = app.state.config
    config.lang = "en"
    try:
        page = c.get(f"/reports/{report_id}").text
    finally:
        config.lang = "zh"
    assert first["message"] in page and f'<div class="mute message-en" lang="en">{first["message_en"]}' in page


def test_a_bad_model_for_the_default_profile_stops_the_server_in_one_line_chinese_first(tmp_path, capsys):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "model.joblib").write_text("x", encoding="utf-8")
    for model in ["/no/such/model", str(broken)]:
        assert command(tmp_path / "data", "--model", model) == 2
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and err.startswith("juesuan: error: 分析配置 默认（--model）：模型无法加载 — "), err
        assert model in err


STATEMENTS = (Path(__file__).parent / "fixtures" / "serve" / "statements.txt").read_text(encoding="utf-8")


def test_a_statement_findings_citation_is_kept_shown_escaped_and_exported(app):
    """A finding that rests on a statement cell keeps its citation: the API gives the cell, the report page
    shows it under the finding (escaped; its English line only with lang en), and the XLSX findings sheet
    and the findings CSV carry it in the batch tables' columns (报表 / 报表行 / 报表列 / 报表位置)."""
    from openpyxl import load_workbook

    c = client(app, "rev")
    # The row's name as the report writes it, markup and all: it must come back as text.
    body = STATEMENTS.replace("2010601\t行政运行\t", "2010601\t行政运行<i>\t") + "\n附注：cited\n"
    (report_id,) = uploaded_ids(upload(c, [("cited.txt", body.encode("utf-8"))]))
    assert wait_done(c, report_id)["status"] == "done"
    findings = c.get(f"/api/reports/{report_id}/findings").json()
    cited = [f for f in findings if f["cell"] and f["cell"]["code"] == "2010601"]
    assert [f["code"] for f in cited] == ["JS506"]
    cell = cited[0]["cell"]
    assert (cell["table"], cell["row"], cell["name"], cell["column"], cell["line"]) == ("收入决算表", 5, "行政运行<i>", "本年收入合计", 34)

    page = c.get(f"/reports/{report_id}").text
    shown = "报表：收入决算表第5行“2010601 行政运行&lt;i&gt;”“本年收入合计”列（文件第34行）"
    assert shown in page and "行政运行<i>" not in page and 'class="mute cell-en"' not in page
    config = app.state.config
    config.lang = "en"
    try:
        english = c.get(f"/reports/{report_id}").text
        sheet = load_workbook(io.BytesIO(c.get("/export.xlsx").content)).worksheets[1]
    finally:
        config.lang = "zh"
    assert shown in english
    assert ('<div class="mute cell-en" lang="en">Statement: the 收入决算表, row 5 “2010601 行政运行&lt;i&gt;”, '
            "column “本年收入合计” (line 34 of the file)</div>") in english
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    rows = {r[header.index("问题编号 id")]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[cited[0]["id"]][header.index("报表位置 table_at")] == "line 34 of the file"  # where, in the server's language

    sheet = load_workbook(io.BytesIO(c.get("/export.xlsx").content)).worksheets[1]
    header = list(next(sheet.iter_rows(max_row=1, values_only=True)))
    assert header[-4:] == ["报表 table", "报表行 table_row", "报表列 table_column", "报表位置 table_at"]
    rows = [dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == report_id]
    by_id = {r["问题编号 id"]: r for r in rows}
    row = by_id[cited[0]["id"]]
    assert (row["报表 table"], row["报表行 table_row"], row["报表列 table_column"], row["报表位置 table_at"]) == (
        "收入决算表", 5, "本年收入合计", "文件第34行")

    exported = c.get("/export-findings.csv")
    assert exported.status_code == 200 and exported.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert list(table[0])[-4:] == ["报表 table", "报表行 table_row", "报表列 table_column", "报表位置 table_at"]
    row = next(r for r in table if r["问题编号 id"] == str(cited[0]["id"]))
    assert (row["报表 table"], row["报表行 table_row"], row["报表列 table_column"], row["报表位置 table_at"]) == (
        "收入决算表", "5", "本年收入合计", "文件第34行")
    assert 'id="export-findings-csv"' in c.get("/").text
    assert client(app).get("/export-findings.csv").status_code in (302, 303, 401)


def test_the_migration_to_citations_keeps_old_findings_served_uncited(tmp_path):
    """A database made at 0005, with a finding in it, upgrades in place on start; the finding is still
    served (API, page, exports), its citation empty."""
    from alembic import command as alembic
    from alembic.config import Config
    from openpyxl import load_workbook
    from sqlalchemy import text

    from nlp.serve.auth import hash_password
    from nlp.serve.db import make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'juesuan.db'}")
    config = Config()
    config.set_main_option("script_location", str(Path(migrate.__code__.co_filename).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        alembic.upgrade(config, "0005")
        connection.execute(text("insert into offices (id, name) values (1, '默认')"))
        connection.execute(text("insert into users (id, name, password_hash, role, office_id, active, created_at) "
                                "values (1, 'old', :hash, 'reviewer', 1, 1, '2026-01-01')"), {"hash": hash_password(PASSWORD)})
        connection.execute(text("insert into reports (id, office_id, file, path, sha256, size, uploaded_at, uploaded_by, "
                                "status, runs, profile) values (1, 1, 'old.txt', 'u/old.txt', 'ab', 1, '2026-01-01', 1, "
                                "'done', 1, 'default')"))
        connection.execute(text("insert into results (id, report_id, report_json, html, capacity, finished_at) "
                                "values (1, 1, :data, '', 10.0, '2026-01-01')"),
                           {"data": '{"explanations": [], "missing": [], "pages": 1, "warnings": [], "findings": []}'})
        connection.execute(text("insert into findings (id, report_id, code, rule, severity, message, message_en, penalty) "
                                "values (1, 1, 'JS506', 'statement_sums', 'error', '旧的问题', 'an old finding', 1.0)"))
    engine.dispose()

    c = client(create_app(ServeConfig(data=tmp_path)), "old")  # no lifespan: nothing to analyse
    (finding,) = c.get("/api/reports/1/findings").json()
    assert finding["message"] == "旧的问题" and finding["cell"] is None
    page = c.get("/reports/1").text
    assert "旧的问题" in page and "报表：" not in page
    row = next(csv.DictReader(io.StringIO(c.get("/export-findings.csv").content.decode("utf-8-sig"))))
    assert row["问题 message"] == "旧的问题" and row["报表 table"] == "" and row["报表位置 table_at"] == ""
    sheet = load_workbook(io.BytesIO(c.get("/export.xlsx").content)).worksheets[1]
    (header, row) = sheet.iter_rows(max_row=2, values_only=True)
    assert row[header.index("问题 message")] == "旧的问题"
    assert [row[header.index(h)] for h in ("报表 table", "报表行 table_row", "报表列 table_column", "报表位置 table_at")] == [None] * 4
