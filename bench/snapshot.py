"""Write every output juesuan makes for a fixed set of reports, to compare two trees.

A refactor must not change a result. Run this before and after, then compare:

    python bench/snapshot.py write /tmp/before      # on the old commit
    python bench/snapshot.py write /tmp/after       # on the new one
    python bench/snapshot.py compare /tmp/before /tmp/after

The inputs are the bundled example and, where ../shared is present, the seed
and the five real PDFs. For each: `score` as JSON, CSV, SARIF and text, and one
`batch` over all of them (its CSV tables). Outputs stay outside the repository:
they quote text that is not ours. Lines that carry the time of a run are left
out of the batch tables' comparison (the `seconds` column).
"""

from __future__ import annotations

import csv
import difflib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FORMATS = ("json", "csv", "sarif", "text")
# Columns that measure the run, not the report.
VOLATILE = {"seconds", "elapsed", "started", "finished", "duration"}


def inputs() -> list[Path]:
    found = sorted((ROOT / "examples").glob("*.txt"))
    if SHARED.is_dir():
        found += sorted((SHARED / "seeds").glob("*.txt"))
        found += sorted((SHARED / "real_pdfs").glob("*.pdf"))
    return found


def juesuan(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "nlp", *args],
        cwd=ROOT, capture_output=True, text=True, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
    )
    return f"# exit {done.returncode}\n{done.stdout}{done.stderr}"


def write(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    files = inputs()
    for number, path in enumerate(files):
        for fmt in FORMATS:
            (out / f"{number:02d}.{fmt}").write_text(
                juesuan("score", str(path), "--format", fmt, "--all"), encoding="utf-8"
            )
    # A fixed folder: the batch tables carry the input paths.
    work = Path(tempfile.gettempdir()) / "juesuan-snapshot"
    shutil.rmtree(work, ignore_errors=True)
    folder = work / "in"
    folder.mkdir(parents=True)
    try:
        for number, path in enumerate(files):
            shutil.copy(path, folder / f"{number:02d}{path.suffix}")
        (out / "batch.log").write_text(
            juesuan("batch", str(folder), "--out", str(work / "out"), "--no-progress", "-j", "2"),
            encoding="utf-8",
        )
        for table in sorted((work / "out").glob("*.csv")):
            (out / f"batch-{table.name}").write_text(_stable(table), encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(files)} reports -> {out}")


def _stable(table: Path) -> str:
    with table.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        return ""
    keep = [i for i, name in enumerate(rows[0]) if name not in VOLATILE]
    return "\n".join(",".join(row[i] for i in keep if i < len(row)) for row in rows) + "\n"


def compare(before: Path, after: Path) -> int:
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    differing = 0
    for name in names:
        if name == "batch.log":  # carries throughput and timings
            continue
        old = (before / name).read_text(encoding="utf-8") if (before / name).exists() else ""
        new = (after / name).read_text(encoding="utf-8") if (after / name).exists() else ""
        if old != new:
            differing += 1
            print(f"--- {name} differs")
            sys.stdout.writelines(
                list(difflib.unified_diff(old.splitlines(True), new.splitlines(True), n=1))[:40]
            )
    print(f"{len(names) - 1 - differing} of {len(names) - 1} outputs identical")
    return 1 if differing else 0


if __name__ == "__main__":
    command, *paths = sys.argv[1:]
    if command == "write":
        write(Path(paths[0]))
    else:
        sys.exit(compare(Path(paths[0]), Path(paths[1])))
