"""`juesuan serve` in a real browser: Debian's headless chromium, driven
through Debian's chromedriver (selenium), against the real server started as
a subprocess with its own data folder. Log in, upload the example and a PDF,
wait for the jobs, review two findings, check both scores, export XLSX; a
viewer, a wrong password and a form without its CSRF token are refused.

Runs against SQLite always and against PostgreSQL when JUESUAN_TEST_PG_URL
names a server (a fresh database is made for each run and dropped after).
Skips (one reason) without chromium, chromedriver or selenium.
"""
from __future__ import annotations

import os
import time

import pytest

from tests.serve_helpers import (
    EXAMPLE,
    PG_ENV,
    Api,
    Server,
    browser_missing,
    chromium,
    database,
    example_variant,
    log_in,
    post_form,
    report_pdf,
)

pytestmark = pytest.mark.skipif(browser_missing() is not None, reason=browser_missing() or "")

ADMIN, ADMIN_PW = "管理员", "correct horse 电池 staple"
VIEWER, VIEWER_PW = "viewer", "viewer-只看-2024"
JOB_TIMEOUT = 300  # two cores shared with other work: a PDF in the sandbox can take a while


@pytest.fixture(scope="module", params=[
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} is not set")),
])
def server(request, tmp_path_factory):
    data = tmp_path_factory.mktemp(f"serve-{request.param}")
    with database(request.param, data) as url:
        server = Server(data, url)
        server.create_user(ADMIN, ADMIN_PW, "admin")
        server.create_user(VIEWER, VIEWER_PW, "viewer")
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def api(server):
    api = Api(server, server.token(ADMIN))
    yield api
    api.close()


@pytest.fixture
def browser(tmp_path):
    (tmp_path / "downloads").mkdir()
    driver = chromium(downloads=tmp_path / "downloads")
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def all_css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def wait_for_rows(driver, server, files, timeout=JOB_TIMEOUT):
    """Reload the list until each file's row is done or failed; {file: row's report id and status}."""
    deadline = time.monotonic() + timeout
    while True:
        driver.get(server.url + "/")
        rows = {}
        for report_id, status, text in driver.execute_script(  # one read: no element can go stale between calls
                "return [...document.querySelectorAll('table#reports tr[data-report-id]')]"
                ".map(r => [r.dataset.reportId, r.dataset.status, r.innerText])"):
            for name in files:
                if name in text:
                    rows[name] = (int(report_id), status)
        if len(rows) == len(files) and all(status in ("done", "failed") for _, status in rows.values()):
            return rows
        assert time.monotonic() < deadline, f"jobs not finished in {timeout} s: {rows}\n{server.tail()}"
        time.sleep(1)


def shows(driver, text, timeout=15):
    """Wait until the page's text contains `text`; True if it did."""
    deadline = time.monotonic() + timeout
    while text not in (driver.execute_script("return document.body ? document.body.innerText : ''") or ""):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def review_shown(driver, finding, timeout=15):
    """The finding's data-review once the page shows it reviewed ('none' if it never does)."""
    deadline = time.monotonic() + timeout
    script = "const li = document.querySelector(`li[data-finding-id='${arguments[0]}']`); return li && li.dataset.review;"
    while (review := driver.execute_script(script, finding)) in (None, "none") and time.monotonic() < deadline:
        time.sleep(0.1)
    return review or "none"


def at(driver, server, path, timeout=15):
    """Wait until the browser has landed on `path` (query ignored); True if it did."""
    from urllib.parse import urlsplit

    deadline = time.monotonic() + timeout
    while urlsplit(driver.current_url)._replace(query="", fragment="").geturl() != server.url + path:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def score(text: str) -> float:
    return float("".join(ch for ch in text if ch.isdigit() or ch == "."))


def test_log_in_upload_review_and_export(server, api, browser, tmp_path):
    log_in(browser, server, ADMIN, ADMIN_PW)
    assert at(browser, server, "/"), browser.current_url
    css(browser, "table#reports")

    pdf = tmp_path / "小报告.pdf"
    pdf.write_bytes(report_pdf())
    browser.get(server.url + "/upload")
    css(browser, "input#upload-files").send_keys(f"{EXAMPLE}\n{pdf}")
    css(browser, "button#upload-submit").click()
    assert at(browser, server, "/"), browser.current_url

    rows = wait_for_rows(browser, server, [EXAMPLE.name, pdf.name])
    assert {status for _, status in rows.values()} == {"done"}, server.tail()

    report_id = rows[EXAMPLE.name][0]
    browser.get(f"{server.url}/reports/{report_id}")
    items = all_css(browser, "ul#findings li[data-finding-id]")
    assert len(items) >= 2, "the example has at least two findings to review"
    assert {item.get_attribute("data-review") for item in items} == {"none"}
    first, second = (item.get_attribute("data-finding-id") for item in items[:2])

    for finding, button, decision, comment in ((first, "confirm", "confirmed", "属实，已核对原表"),
                                               (second, "dismiss", "dismissed", "误报：原因已在下文说明")):
        item = css(browser, f'li[data-finding-id="{finding}"]')
        item.find_element("css selector", "textarea[name=comment]").send_keys(comment)
        item.find_element("css selector", f"button.{button}").click()
        assert review_shown(browser, finding) == decision  # the page came back (303) with the review on it
        assert at(browser, server, f"/reports/{report_id}"), browser.current_url

    shown_all, shown_confirmed = score(css(browser, "#score-all").text), score(css(browser, "#score-confirmed").text)
    record = api.report(report_id)
    assert (shown_all, shown_confirmed) == (pytest.approx(record["score"], abs=0.05),
                                            pytest.approx(record["score_confirmed"], abs=0.05))
    assert shown_confirmed >= shown_all, "counting only the confirmed findings cannot lower the score"
    reviews = {f["id"]: f["review"] for f in api.findings(report_id)}
    assert (reviews[int(first)]["decision"], reviews[int(first)]["comment"]) == ("confirmed", "属实，已核对原表")
    assert (reviews[int(second)]["decision"], reviews[int(second)]["by"]) == ("dismissed", ADMIN)

    browser.get(server.url + "/")
    css(browser, "a#export-xlsx").click()
    downloads = tmp_path / "downloads"
    deadline = time.monotonic() + 30
    while not (done := list(downloads.glob("*.xlsx"))) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert done, "no XLSX downloaded"
    time.sleep(0.5)  # let chromium finish renaming the .crdownload
    import openpyxl

    book = openpyxl.load_workbook(done[0], read_only=True)
    rows = [[str(cell) for cell in row] for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    assert {EXAMPLE.name, pdf.name, "城西区文化和旅游局"} <= {cell for row in rows for cell in row}
    reviewed = {(row[row.index(decision) + 1], row[row.index(decision) + 2])
                for row in rows for decision in ("confirmed", "dismissed") if decision in row}
    assert reviewed == {("属实，已核对原表", ADMIN), ("误报：原因已在下文说明", ADMIN)}, "the findings sheet: decision, comment, by"


def test_a_viewer_is_refused_an_upload(server, browser, tmp_path):
    log_in(browser, server, VIEWER, VIEWER_PW)
    assert at(browser, server, "/"), browser.current_url
    css(browser, "table#reports")  # a viewer may look
    browser.get(server.url + "/upload")
    assert all_css(browser, "form#upload-form") == [], "no upload form for a viewer"
    assert "权限不足" in css(browser, "body").text
    # The post itself, with the viewer's own valid CSRF token (from the logout form): still 403.
    browser.get(server.url + "/")
    token = css(browser, "input[name=csrf_token]").get_attribute("value")
    assert post_form(browser, "/upload", {"csrf_token": token}) == 403
    assert "权限不足" in css(browser, "body").text
    import httpx

    viewer_api = httpx.post(server.url + "/api/reports", headers={"Authorization": f"Bearer {server.token(VIEWER)}"},
                            files=[("files", ("v.txt", example_variant(1).encode()))])
    assert viewer_api.status_code == 403
    assert not any(r["file"] == "v.txt" for r in Api(server, server.token(ADMIN)).reports())


def test_a_wrong_password_is_refused(server, browser):
    assert log_in(browser, server, ADMIN, ADMIN_PW + "x") == 401
    assert shows(browser, "用户名或密码错误")
    browser.get(server.url + "/")
    assert at(browser, server, "/login"), "no session after a wrong password"


def test_a_form_without_its_csrf_token_is_refused(server, api, browser):
    [uploaded] = api.upload({"csrf-case.txt": example_variant(2).encode()})
    [row] = api.wait_finished([uploaded["id"]], timeout=JOB_TIMEOUT)
    assert row["status"] == "done", row
    finding = api.findings(row["id"])[0]["id"]

    log_in(browser, server, ADMIN, ADMIN_PW)
    browser.get(f"{server.url}/reports/{row['id']}")
    # The page's own form, with its hidden csrf_token taken out, submitted by a click.
    item = css(browser, f'li[data-finding-id="{finding}"]')
    browser.execute_script("arguments[0].querySelector('input[name=csrf_token]').remove()", item)
    item.find_element("css selector", "textarea[name=comment]").send_keys("无令牌")
    item.find_element("css selector", "button.confirm").click()
    assert shows(browser, "CSRF 校验失败"), browser.page_source[:500]
    assert api.findings(row["id"])[0]["review"] is None, "a review without its CSRF token was recorded"
    # Forged posts from the logged-in page: 403 without a token and with a wrong one.
    review = f"/reports/{row['id']}/findings/{finding}/review"
    assert post_form(browser, review, {"decision": "confirmed", "comment": "x"}) == 403
    assert post_form(browser, review, {"decision": "confirmed", "csrf_token": "0" * 32}) == 403
    assert api.findings(row["id"])[0]["review"] is None
    assert post_form(browser, "/logout") == 403
    browser.get(server.url + "/")
    assert at(browser, server, "/", timeout=2), "still logged in: the logout without a token was refused"
