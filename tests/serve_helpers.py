"""A real `juesuan serve` for tests and benches: start it as a subprocess on a
free loopback port, create users and tokens with its command line, talk to it
over HTTP, kill it; and Debian's headless chromium driven through Debian's
chromedriver (selenium), no downloaded browser.

Used by tests/test_serve_browser.py, tests/test_serve_restart.py,
bench/serve_load.py and bench/serve_screenshots.py.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "城西区文化和旅游局2024年度部门决算.txt"
EXAMPLE_UNIT = "城西区文化和旅游局"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run")
PG_ENV = "JUESUAN_TEST_PG_URL"
FINISHED = ("done", "failed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def example_variant(number: int) -> str:
    """The example with another unit's name and its figures shifted, so that
    each variant is a distinct report (another content hash) of the same shape."""
    text = EXAMPLE.read_text(encoding="utf-8")
    # One unit's name and one figure of an explanation (the festival's extra funding) change.
    return text.replace(EXAMPLE_UNIT, f"城西区第{number}文化和旅游局").replace(
        "旅游节专项经费 260.00 万元", f"旅游节专项经费 {260 + number % 90}.00 万元")


def report_pdf() -> bytes:
    """A one-page PDF of the little report (reportlab, a built-in CJK font)."""
    from tests.hostile_corpus import report_pdf as little_report

    return little_report(pages=1)


# ------------------------------------------------------------------ databases

def _libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextlib.contextmanager
def database(backend: str, data: Path):
    """A fresh database URL for one server: a SQLite file in `data`, or a new
    database on the PostgreSQL server named by JUESUAN_TEST_PG_URL (dropped after)."""
    if backend == "sqlite":
        yield f"sqlite:///{data / 'juesuan.db'}"
        return
    import psycopg

    base = os.environ[PG_ENV]
    name = f"juesuan_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq_url(base), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    head, _, query = base.partition("?")
    url = head.rsplit("/", 1)[0] + "/" + name + ("?" + query if query else "")
    try:
        yield url
    finally:
        with psycopg.connect(_libpq_url(base), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ------------------------------------------------------------------ the server

class Server:
    """`juesuan serve` on 127.0.0.1 with its own data folder and database.

    server = Server(data, db_url); server.create_user("admin", "pw", "admin")
    server.start(); ...; server.stop()   (or `with Server(...) as server:`)
    """

    def __init__(self, data: Path, db_url: str, workers: int = 2, port: int | None = None):
        self.data, self.db_url, self.workers = Path(data), db_url, workers
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = self.data / "serve.log"

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "nlp", "serve", "--data", str(self.data), "--db", self.db_url, *args]

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
        return env

    def cli(self, *args: str, stdin: str = "") -> str:
        done = subprocess.run(self.command(*args), input=stdin, capture_output=True, text=True,
                              env=self.env(), timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"juesuan serve {' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")
        return done.stdout

    def create_user(self, name: str, password: str, role: str = "admin", office: str | None = None) -> None:
        args = ["--create-admin", name] if role == "admin" else ["--create-user", name, "--role", role]
        self.cli(*args, *(["--office", office] if office else []), stdin=password + "\n")

    def token(self, name: str) -> str:
        return self.cli("--create-token", name).strip().splitlines()[-1].strip()

    def start(self, timeout: float = 120) -> str:
        self.data.mkdir(parents=True, exist_ok=True)
        out = self.log.open("ab")
        self.process = subprocess.Popen(
            self.command("--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)),
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env(),
            start_new_session=True,  # its sandboxed children share its group: stop() ends them all
        )
        out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"juesuan serve exited {self.process.returncode}:\n{self.tail()}")
            if self.healthy():
                return self.url
            time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"juesuan serve did not answer /api/health in {timeout:.0f} s:\n{self.tail()}")

    def healthy(self) -> bool:
        import httpx

        try:
            return httpx.get(self.url + "/api/health", timeout=2).json().get("status") == "ok"
        except (httpx.HTTPError, ValueError):
            return False

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:] if self.log.exists() else ""

    def kill(self) -> None:
        """kill -9 the server process alone, as a crash would (its children are left to notice)."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def end_orphans(self, group: int) -> int:
        """SIGKILL what is left of a killed server's process group (its sandboxed
        children, started by it and so by us); how many were still alive."""
        alive = group_members(group)
        for pid in alive:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return len(alive)

    def stop(self) -> None:
        """End the server and everything in its process group."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def group_members(group: int) -> list[int]:
    """The live processes of a process group (Linux /proc)."""
    members = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if entry.name.isdigit() and int(fields[2]) == group and fields[0] != "Z":
                members.append(int(entry.name))
    return members


class Api:
    """The JSON API with a bearer token (httpx)."""

    def __init__(self, server: Server, token: str):
        import httpx

        self.client = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)

    def upload(self, files: dict[str, bytes]) -> list[dict]:
        response = self.client.post("/api/reports", files=[("files", (name, body)) for name, body in files.items()])
        response.raise_for_status()
        return response.json()

    def reports(self) -> list[dict]:
        response = self.client.get("/api/reports")
        response.raise_for_status()
        return response.json()

    def report(self, report_id: int) -> dict:
        response = self.client.get(f"/api/reports/{report_id}")
        response.raise_for_status()
        return response.json()

    def findings(self, report_id: int) -> list[dict]:
        response = self.client.get(f"/api/reports/{report_id}/findings")
        response.raise_for_status()
        return response.json()

    def wait_finished(self, ids: list[int] | None = None, timeout: float = 300) -> list[dict]:
        """Poll until every report (or those of `ids`) is done or failed."""
        deadline = time.monotonic() + timeout
        while True:
            rows = [r for r in self.reports() if ids is None or r["id"] in ids]
            if rows and all(r["status"] in FINISHED for r in rows):
                return rows
            if time.monotonic() > deadline:
                raise TimeoutError(f"not finished in {timeout:.0f} s: {[(r['id'], r['status']) for r in rows]}")
            time.sleep(0.5)

    def close(self) -> None:
        self.client.close()


# ------------------------------------------------------------------ the browser

def browser_missing() -> str | None:
    """Why the browser tests cannot run here (one reason), or None."""
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is not installed (apt-get install -y chromium chromium-driver)"
    if not os.path.exists(CHROMEDRIVER):
        return "chromedriver is not installed (apt-get install -y chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install '.[test]')"
    return None


def chromium(downloads: Path | None = None, width: int = 1280, height: int = 1000):
    """Headless chromium with a fresh profile, driven through Debian's chromedriver.
    The profile folder is removed when the driver quits (driver.quit())."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="juesuan-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", "--lang=zh-CN"):
        options.add_argument(flag)
    if downloads:
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                                  "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    if downloads:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    quit_driver = driver.quit

    def quit_and_clean() -> None:
        quit_driver()
        shutil.rmtree(profile, ignore_errors=True)

    driver.quit = quit_and_clean
    return driver


def log_in(driver, server: Server, name: str, password: str) -> int:
    """Fill and submit the login form; the HTTP status of the page it lands on."""
    from selenium.webdriver.common.by import By

    driver.get(server.url + "/login")
    driver.find_element(By.CSS_SELECTOR, "input[name=username]").send_keys(name)
    driver.find_element(By.CSS_SELECTOR, "input[name=password]").send_keys(password)
    before = driver.execute_script("return performance.timeOrigin")
    driver.find_element(By.CSS_SELECTOR, "button#login-submit").click()
    return landed(driver, before)


def landed(driver, before: float, timeout: float = 15) -> int:
    """Wait until a navigation started after `before` (the old page's
    performance.timeOrigin) has loaded; the HTTP status of the new page."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):  # the page is being replaced
            if driver.execute_script("return document.readyState") == "complete" and \
                    driver.execute_script("return performance.timeOrigin") != before:
                return driver.execute_script("return performance.getEntriesByType('navigation')[0].responseStatus")
        time.sleep(0.1)
    raise TimeoutError(f"no new page in {timeout} s (still {driver.current_url})")


def post_form(driver, path: str, fields: dict[str, str] | None = None, timeout: float = 15) -> int:
    """Submit a form built in the page (its cookies; only `fields`, so no CSRF
    token unless given): what a forged form post from the logged-in browser
    gets. The HTTP status of the page it lands on (Navigation Timing; the
    pages' CSP forbids fetch(), rightly)."""
    before = driver.execute_script("return performance.timeOrigin")
    driver.execute_script(
        """
        const [path, fields] = arguments;
        const form = document.createElement('form');
        form.method = 'post'; form.action = path; form.enctype = 'multipart/form-data';
        for (const [name, value] of Object.entries(fields)) {
          const input = document.createElement('input');
          input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
        }
        document.body.appendChild(form); form.submit();
        """,
        path, fields or {},
    )
    return landed(driver, before, timeout)


def full_page_png(driver, path: Path) -> Path:
    """A screenshot of the whole page, not only the window (CDP)."""
    import base64

    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    path.write_bytes(base64.b64decode(shot["data"]))
    return path
