"""Screenshots of `juesuan serve` in Debian's headless chromium (issue 18):
the report list, one report's page, and the same page after a reviewer
confirmed one finding and dismissed another.

    python bench/serve_screenshots.py OUTDIR        # writes OUTDIR/*.png

Starts a real server (SQLite in a temp folder), uploads the example and two
variants through the API, waits for them, then logs in with the browser.
Needs chromium, chromium-driver and a CJK font (fonts-noto-cjk).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.serve_helpers import (  # noqa: E402
    EXAMPLE,
    Api,
    Server,
    browser_missing,
    chromium,
    example_variant,
    full_page_png,
    log_in,
)

NAME, PASSWORD = "审核员", "screenshots-口令-2024"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--width", type=int, default=1400)
    args = parser.parse_args(argv)
    if reason := browser_missing():
        raise SystemExit(reason)
    args.outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="juesuan-shots-") as data:
        server = Server(Path(data), f"sqlite:///{data}/juesuan.db")
        server.create_user(NAME, PASSWORD, "admin")
        server.start()
        driver = None
        try:
            api = Api(server, server.token(NAME))
            files = {EXAMPLE.name: EXAMPLE.read_bytes(), **{
                f"城西区第{n}文化和旅游局2024年度部门决算.txt": example_variant(n).encode() for n in (2, 3)}}
            [example, *_] = api.upload(files)
            api.wait_finished(timeout=600)
            driver = chromium(width=args.width, height=900)
            driver.implicitly_wait(5)
            log_in(driver, server, NAME, PASSWORD)
            shots = [full_page_png(driver, args.outdir / "serve_list.png")]
            driver.get(f"{server.url}/reports/{example['id']}")
            shots.append(full_page_png(driver, args.outdir / "serve_report.png"))
            items = driver.find_elements("css selector", "ul#findings li[data-finding-id]")
            first, second = (item.get_attribute("data-finding-id") for item in items[:2])
            for finding, button, comment in ((first, "confirm", "属实，已核对原表"),
                                             (second, "dismiss", "误报：原因已在下文说明")):
                item = driver.find_element("css selector", f'li[data-finding-id="{finding}"]')
                item.find_element("css selector", "textarea[name=comment]").send_keys(comment)
                item.find_element("css selector", f"button.{button}").click()
                time.sleep(0.3)
            shots.append(full_page_png(driver, args.outdir / "serve_review.png"))
            # The top of the page as a reviewer sees it: both scores and the two reviewed findings.
            driver.set_window_size(args.width, 1300)
            driver.execute_script("window.scrollTo(0, 0)")
            shots.append(args.outdir / "serve_review_top.png")
            driver.save_screenshot(str(shots[-1]))
            driver.get(server.url + "/")
            shots.append(full_page_png(driver, args.outdir / "serve_list_reviewed.png"))
            for shot in shots:
                print(shot)
            api.close()
        finally:
            if driver:
                driver.quit()
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
