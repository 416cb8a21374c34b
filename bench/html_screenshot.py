"""Render the HTML report of a report file and take a screenshot of it with
headless Chromium (Debian package `chromium`; a CJK font such as
`fonts-noto-cjk` for the Chinese to show).

    python bench/html_screenshot.py                       # the bundled example
    python bench/html_screenshot.py REPORT.pdf -o shot.png --height 6000

Writes the page beside the PNG (same name, .html) and prints both paths
and how long analysing, rendering and the screenshot took.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

EXAMPLE = REPO / "examples" / "城西区文化和旅游局2024年度部门决算.txt"


def chromium() -> str | None:
    exe = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return exe if os.path.exists(exe) else None


def screenshot(html: Path, png: Path, width: int = 1280, height: int = 2000, timeout: float = 120) -> subprocess.CompletedProcess:
    exe = chromium()
    if exe is None:
        raise SystemExit("chromium not found: apt-get install -y chromium fonts-noto-cjk (or set CHROMIUM)")
    with tempfile.TemporaryDirectory(prefix="juesuan-chromium-") as profile:
        return subprocess.run(
            [
                exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                f"--user-data-dir={profile}", f"--window-size={width},{height}", f"--screenshot={png}",
                html.resolve().as_uri(),
            ],
            capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", nargs="?", default=str(EXAMPLE), help="report file (default: the bundled example)")
    parser.add_argument("-o", "--output", default="/tmp/juesuan_report.png", help="PNG to write (default %(default)s)")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=2000)
    args = parser.parse_args(argv)

    from nlp import analyze
    from nlp.report.html import render_html

    png = Path(args.output)
    png.parent.mkdir(parents=True, exist_ok=True)
    html = png.with_suffix(".html")
    t0 = time.perf_counter()
    report = analyze(args.report)
    t1 = time.perf_counter()
    html.write_text(render_html(report), encoding="utf-8")
    t2 = time.perf_counter()
    if png.exists():
        png.unlink()
    proc = screenshot(html, png, args.width, args.height)
    t3 = time.perf_counter()
    if proc.returncode != 0 or not png.exists():
        sys.stderr.write(proc.stderr[-2000:])
        print(f"screenshot failed (exit {proc.returncode})", file=sys.stderr)
        return 1
    print(f"html        {html} ({html.stat().st_size / 1024:.1f} KB)")
    print(f"screenshot  {png} ({args.width}x{args.height}, {png.stat().st_size / 1024:.1f} KB)")
    print(f"analyse {t1 - t0:.2f} s · render {1000 * (t2 - t1):.0f} ms · chromium {t3 - t2:.2f} s")
    print(f"score {report.score} · {len(report.explanations)} explanations · {len(report.findings)} findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
