"""`juesuan batch` end to end on a corpus of a few hundred reports made from
our own fixtures and invented reports (tests.synthetic), with planted
copies across units and years, corrupt and empty files.

One local run is shared by the module; it is compared with a run on a Dask
LocalCluster (identical outputs), with a run killed midway and resumed
(nothing lost, nothing twice), and its dashboard is opened in headless
Chromium when /usr/bin/chromium is there.
"""
from __future__ import annotations

import csv
import glob
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nlp.batch import run_batch
from nlp.similarity import normalise
from tests.synthetic import report_text, write_corpus

REPO = Path(__file__).resolve().parent.parent
FIXTURES = sorted(glob.glob(str(REPO / "tests" / "fixtures" / "*.txt"))) + sorted(glob.glob(str(REPO / "examples" / "*.txt")))
TABLES = ["documents.csv", "explanations.csv", "findings.csv", "statements.csv", "errors.csv"]
FORMULA = '=HYPERLINK("http://example.invalid","点击查看")，新增设备采购'


def _rows(out, name):
    with open(Path(out) / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    src = root / "in"
    truth = write_corpus(str(src), units=100, years=(2023, 2024), seed=7, copies=30, sticky=20, bad=10, fixtures=FIXTURES)
    import random

    # A reason that would be a formula in a spreadsheet.
    (src / "2024" / "公式测试中心2024年度部门决算.txt").write_text(
        report_text("公式测试中心", 2024, [("一般公共服务支出（类）财政事务（款）行政运行（项）", 100.0, 120.0, FORMULA)], random.Random(1)),
        encoding="utf-8")
    # The same bytes under a second name: analysed once.
    shutil.copy(truth.docs[0].path, src / "incoming" / "重复上传.txt")
    return root, truth


@pytest.fixture(scope="module")
def local_run(corpus):
    root, _ = corpus
    out = root / "local"
    summary = run_batch([str(root / "in")], str(out), workers=2, progress=False)
    return out, summary


def test_every_file_is_a_document_or_an_error(corpus, local_run):
    root, truth = corpus
    out, summary = local_run
    docs, errors = _rows(out, "documents.csv"), _rows(out, "errors.csv")
    assert summary.inputs == len(truth.docs) + len(truth.bad) + len(truth.fixtures) + 2
    bad_contents = {Path(p).read_bytes() for p in truth.bad}
    assert summary.duplicates == 1 + len(truth.bad) - len(bad_contents)  # the copied report; bad files made alike
    assert len(docs) == summary.documents == summary.done
    assert len(docs) + len(errors) == summary.inputs - 1  # the duplicate of a good report shares its row
    assert summary.failed == len(errors) == len(truth.bad)
    assert {e["path"] for e in errors} == set(truth.bad)
    for e in errors:
        assert e["error"] == "InputError" and e["message"].startswith(e["path"]) and "\n" not in e["message"]
    assert any(d["duplicates"].endswith("重复上传.txt") for d in docs)
    assert len({d["sha256"] for d in docs}) == len(docs)
    # unit and year read from the titles
    by_source = {d["source"]: d for d in docs}
    for doc in truth.docs:
        assert (by_source[doc.path]["unit"], int(by_source[doc.path]["year"])) == (doc.unit, doc.year)
    assert by_source[str(root / "in" / "fixtures" / "triggers.txt")]["unit"] == "河湾县水务服务中心"


def test_tables_agree(local_run):
    import openpyxl
    import pyarrow.parquet as pq

    out, summary = local_run
    docs, expl, finds = (_rows(out, n) for n in TABLES[:3])
    assert (len(expl), len(finds)) == (summary.explanations, summary.findings)
    for name, rows in (("documents", docs), ("explanations", expl), ("findings", finds), ("errors", _rows(out, "errors.csv"))):
        table = pq.read_table(out / f"{name}.parquet")
        assert table.num_rows == len(rows)
    by_sha = {d["sha256"]: d for d in docs}
    counted = {}
    for f in finds:
        assert f["sha256"] in by_sha
        counted[(f["sha256"], f["code"])] = counted.get((f["sha256"], f["code"]), 0) + 1
    for d in docs:
        for col, n in d.items():
            if col[:2] == "JS":
                assert counted.get((d["sha256"], col.split("_")[0]), 0) == int(n)
        causes = sum(int(n) for col, n in d.items() if col.startswith("label_"))
        assert causes == int(d["causes"])
    wb = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    assert wb.sheetnames == ["documents", "explanations", "findings", "statements", "errors"]
    assert wb["explanations"].max_row == len(expl) + 1


def test_tables_start_with_whose_report_and_end_with_its_hash(local_run):
    import openpyxl

    from nlp.batch.tables import header_zh

    out, _ = local_run
    for name in TABLES[:4]:
        with open(out / name, encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f))
        assert header[:3] == ["unit", "year", "source"] and header[-1] == "sha256", name
    wb = openpyxl.load_workbook(out / "report.xlsx")
    for name in ("documents", "explanations", "findings", "statements", "errors"):
        ws = wb[name]
        with open(out / f"{name}.csv", encoding="utf-8-sig", newline="") as f:
            english = next(csv.reader(f))
        # Chinese headers in the workbook, one for each English column of the CSV
        assert [c.value for c in ws[1]] == [header_zh(name, c) for c in english]
        assert len({c.value for c in ws[1]}) == ws.max_column, name  # no two alike
        widths = [ws.column_dimensions[cell.column_letter].width for cell in ws[1]]
        assert all(6 <= w <= 50 for w in widths), (name, widths)
    docs = wb["documents"]
    assert [c.value for c in docs[1]][:3] == ["单位", "年度", "文件"] and docs.cell(1, docs.max_column).value == "SHA-256"
    headers = [c.value for c in docs[1]]
    assert "原因：人员与薪酬" in headers and any(h.startswith("JS801 ") and h != "JS801 copied_across_units" for h in headers)
    assert docs.column_dimensions["C"].width > docs.column_dimensions["B"].width  # a path is wider than a year


def test_formula_is_text(local_run):
    import openpyxl

    out, _ = local_run
    rows = [r for r in _rows(out, "explanations.csv") if "HYPERLINK" in r["reason"]]
    assert rows and all(r["reason"].startswith("'=HYPERLINK") for r in rows)
    wb = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    ws = wb["explanations"]
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    col = header.index("原因说明")  # reason
    cells = [row[col] for row in ws.iter_rows(min_row=2) if row[col].value and "HYPERLINK" in str(row[col].value)]
    assert cells and all(c.data_type == "s" and c.value.startswith("=HYPERLINK") for c in cells)


def _family_index(out, truth):
    """(source, explanation) -> family of its reason; source -> families."""
    fam = {}
    by_source: dict[str, set] = {}
    for r in _rows(out, "explanations.csv"):
        f = truth.family.get(normalise(r["reason"].lstrip("'")))
        fam[(r["source"], r["explanation"])] = (f, r)
        by_source.setdefault(r["source"], set()).add(f)
    return fam, by_source


def test_every_planted_copy_found_and_no_false_copy(corpus, local_run):
    _, truth = corpus
    out, summary = local_run
    fam, families_of = _family_index(out, truth)
    copied = [f for f in _rows(out, "findings.csv") if f["code"] == "JS801"]
    assert copied and all(f["scope"] == "corpus" and f["rule"] == "copied_across_units" for f in copied)
    flagged = {}
    for f in copied:
        family, row = fam[(f["source"], f["targets"])]
        related = f["related"].split(" | ")
        # no false copy: the flagged reason is of a family that a related report also has
        assert family is not None, f["message"]
        assert all(family in families_of[r] for r in related), f["message"]
        flagged.setdefault(f["source"], []).append((normalise(row["reason"].lstrip("'")), set(related)))
    for path_a, reason_a, path_b, reason_b in truth.copies:
        assert any(k == normalise(reason_b) and path_a in rel for k, rel in flagged.get(path_b, [])), (path_b, reason_b)
        assert any(k == normalise(reason_a) and path_b in rel for k, rel in flagged.get(path_a, [])), (path_a, reason_a)
    assert summary.corpus["copied_across_units"] == len(copied)


def test_sticky_reasons_found(corpus, local_run):
    _, truth = corpus
    out, _ = local_run
    expected = set()
    docs = {(d.unit, d.year): d for d in truth.docs}
    republished = {(b, item) for _, b, item, _ in truth.same_figures}
    for (unit, year), d in docs.items():
        prev = docs.get((unit, year - 1))
        if prev:
            for item, r_now, r_prev in zip(d.items, d.reasons, prev.reasons, strict=False):
                if r_now and r_prev and normalise(r_now) == normalise(r_prev) and (d.path, item) not in republished:
                    expected.add((d.path, item))
    assert {(b, item) for _, b, item, _ in truth.sticky} <= expected
    fam, _ = _family_index(out, truth)
    found = set()
    for f in _rows(out, "findings.csv"):
        if f["code"] == "JS802":
            _, row = fam[(f["source"], f["targets"])]
            found.add((f["source"], row["item"]))
            assert "与 2023 年报告相同，数字却已变化" in f["message"]  # the batch speaks Chinese by default
    assert found == expected


def test_same_outputs_on_a_dask_cluster(corpus, local_run):
    distributed = pytest.importorskip("distributed")
    root, _ = corpus
    out, summary = local_run
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask_summary = run_batch([str(root / "in")], str(root / "dask"), engine="dask", scheduler=cluster.scheduler_address, progress=False)
    assert (dask_summary.done, dask_summary.failed, dask_summary.duplicates) == (summary.done, summary.failed, summary.duplicates)
    _same_outputs(out, root / "dask")


def _same_outputs(a, b):
    for name in [*TABLES, "report.xlsx", "dashboard.html"]:
        assert (Path(a) / name).read_bytes() == (Path(b) / name).read_bytes(), name
    import pyarrow.parquet as pq

    for name in ("documents", "explanations", "findings", "statements", "errors"):
        assert pq.read_table(Path(a) / f"{name}.parquet").equals(pq.read_table(Path(b) / f"{name}.parquet")), name
    assert sorted(os.listdir(Path(a) / "reports")) == sorted(os.listdir(Path(b) / "reports"))


_CLI = ("import argparse, sys; from nlp.cli.batch import add_arguments, run as main; p = argparse.ArgumentParser(); "
        "add_arguments(p); sys.exit(main(p.parse_args(sys.argv[1:])))")


def _start(args):
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    # Ctrl-C as a user at a terminal has it, even when the tests run in the
    # background (where a shell starts them with SIGINT ignored).
    return subprocess.Popen([sys.executable, "-c", _CLI, *args], cwd=REPO, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _ledger_lines(out):
    path = Path(out) / ".juesuan-batch" / "ledger.jsonl"
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _wait_for(out, n, proc, timeout=180):
    deadline = time.monotonic() + timeout
    while _ledger_lines(out) < n:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run did not get going"
        time.sleep(0.02)


def test_killed_run_resumes_with_nothing_lost_or_doubled(corpus, local_run):
    root, _ = corpus
    out, summary = local_run
    killed = root / "killed"
    proc = _start([str(root / "in"), "--out", str(killed), "--workers", "2"])
    try:
        _wait_for(killed, 60, proc)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the client, the forkserver and its workers: all started here
        proc.communicate()
    before = _ledger_lines(killed)
    assert 60 <= before < summary.done + summary.failed
    assert not (killed / "documents.csv").exists()
    resumed = run_batch([str(root / "in")], str(killed), workers=2, resume=True, progress=False)
    assert resumed.skipped >= 60 and resumed.done < summary.done
    assert resumed.skipped + resumed.done + (summary.failed - 2) >= summary.done
    _same_outputs(out, killed)
    # the store holds every document once
    ledger = [json.loads(line) for line in (killed / ".juesuan-batch" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]
    ok = [e["sha256"] for e in ledger if e["ok"]]
    assert len(ok) == len(set(ok)) == summary.documents
    data = (killed / ".juesuan-batch" / "documents.jsonl").read_bytes().splitlines()
    assert len(data) == summary.documents
    assert sum(e["length"] for e in ledger if e["ok"]) == (killed / ".juesuan-batch" / "documents.jsonl").stat().st_size


def test_interrupt_then_resume_by_content_hash(corpus, tmp_path):
    _root, truth = corpus
    src = tmp_path / "in"
    src.mkdir()
    for doc in truth.docs[:40]:
        shutil.copy(doc.path, src / os.path.basename(doc.path))
    out = tmp_path / "out"
    # Ctrl-C: the run stops, says how to go on, exit code 130
    proc = _start([str(src), "--out", str(out), "--workers", "2"])
    try:
        _wait_for(out, 5, proc)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 130, err
    assert "--resume" in err
    first = run_batch([str(src)], str(out), workers=2, resume=True, progress=False)
    assert first.done + first.skipped == 40 and first.skipped >= 5
    # A renamed file is not analysed again; a changed one is.
    names = sorted(os.listdir(src))
    os.rename(src / names[0], src / ("改名-" + names[0]))
    changed = src / names[1]
    changed.write_text(changed.read_text(encoding="utf-8").replace("主要原因是", "主要原因为", 1), encoding="utf-8")
    again = run_batch([str(src)], str(out), workers=2, resume=True, progress=False)
    assert (again.done, again.skipped, again.failed) == (1, 39, 0)
    sources = {d["source"] for d in _rows(out, "documents.csv")}
    assert str(src / ("改名-" + names[0])) in sources and str(src / names[0]) not in sources
    assert len(sources) == 40
    shas = {d["sha256"] for d in _rows(out, "documents.csv")}
    assert hashlib.sha256(changed.read_bytes()).hexdigest() in shas


def test_dashboard(local_run):
    out, _summary = local_run
    html = (out / "dashboard.html").read_text(encoding="utf-8")
    # offline and self-contained: no script, no external resource
    for bad in ("<script", " src=", "<link", "@import", "url("):
        assert bad not in html
    assert "http://example.invalid" not in html.replace("&quot;", '"').split("<table")[0]
    assert html.count("<svg") >= 2
    assert "Most repeated explanations" in html and "Worst reports" in html
    links = [part.split('"')[0] for part in html.split('href="reports/')[1:]]
    assert len(links) == 20
    for link in links:
        page = (out / "reports" / link).read_text(encoding="utf-8")
        assert page.lstrip().lower().startswith("<!doctype html")


CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium (Debian package chromium) is not installed")
def test_dashboard_in_headless_chromium(local_run, tmp_path):
    out, _summary = local_run
    shot = tmp_path / "dashboard.png"
    url = (out / "dashboard.html").as_uri()
    common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
              f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "决算说明批量筛查" in dom.stdout and dom.stdout.count("<tr>") > 20
    run = subprocess.run([*common, "--window-size=1400,2600", f"--screenshot={shot}", url], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1400, 2600)
    assert len(png) > 50_000  # charts and tables, not a blank page
    if os.environ.get("JUESUAN_SCREENSHOT"):
        shutil.copy(shot, os.environ["JUESUAN_SCREENSHOT"])


def test_manifest_overrides_unit_and_year(corpus, tmp_path):
    _, truth = corpus
    prev, nxt, _item, _reason = truth.sticky[0]
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(prev, src / "a.txt")
    shutil.copy(nxt, src / "b.txt")
    sha_b = hashlib.sha256((src / "b.txt").read_bytes()).hexdigest()
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"path,sha256,unit,year\nin/a.txt,,城外区另一单位,2023\n,{sha_b},,2024\n", encoding="utf-8-sig")
    out = tmp_path / "out"
    summary = run_batch([str(src)], str(out), workers=2, manifest=str(manifest), progress=False)
    docs = {Path(d["source"]).name: d for d in _rows(out, "documents.csv")}
    assert (docs["a.txt"]["unit"], docs["a.txt"]["year"], docs["a.txt"]["identity_from"]) == ("城外区另一单位", "2023", "manifest")
    assert docs["b.txt"]["identity_from"] == "manifest" and docs["b.txt"]["unit"] == next(d.unit for d in truth.docs if d.path == nxt)
    # now two units share the reason: a copy, no longer the same unit's sticky reason
    codes = {(Path(f["source"]).name, f["code"]) for f in _rows(out, "findings.csv") if f["scope"] == "corpus"}
    assert ("a.txt", "JS801") in codes and ("b.txt", "JS801") in codes
    assert not any(code == "JS802" for _, code in codes)
    assert summary.corpus["sticky_across_years"] == 0
