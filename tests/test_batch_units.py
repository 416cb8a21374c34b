"""Unit tests of the batch pieces that need no worker pool: identity from
the title, inputs and manifest, the store's recovery, the near-duplicate
index and the corpus rules, the table writers (CSV, Parquet, XLSX) and the
command-line wrapper."""
from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from nlp.batch.identity import unit_and_year
from nlp.errors import InputError

# ------------------------------------------------------------ unit and year

@pytest.mark.parametrize("text, expected", [
    ("上海市普陀区财政局2024年度部门决算", ("上海市普陀区财政局", 2024)),
    ("某某县教育局 2023 年度部门决算公开说明", ("某某县教育局", 2023)),
    ("城西区文化和旅游局\n2024年度部门决算公开说明\n\n目  录", ("城西区文化和旅游局", 2024)),
    ("2024年度城西区财政局部门决算", ("城西区财政局", 2024)),
    ("关于城西区财政局2022年度部门决算的说明", ("城西区财政局", 2022)),
    ("中共城西区委宣传部（本级）2023年部门决算公开", ("中共城西区委宣传部", 2023)),
    ("城西区民政局 2021 年部门预算", ("城西区民政局", 2021)),
    # a year in the body is not a title
    ("七、财政拨款“三公”经费支出决算情况说明\n\n2024年度财政拨款“三公”经费支出 12.60 万元", (None, None)),
    ("（一）一般公共预算财政拨款支出决算总体情况\n\n2024年度一般公共预算财政拨款支出 1,986.40 万元", (None, None)),
    ("", (None, None)),
])
def test_unit_and_year(text, expected):
    assert unit_and_year(text) == expected


def test_unit_and_year_of_our_example():
    path = os.path.join(os.path.dirname(__file__), "..", "examples", "城西区文化和旅游局2024年度部门决算.txt")
    with open(path, encoding="utf-8") as f:
        assert unit_and_year(f.read()) == ("城西区文化和旅游局", 2024)


# ------------------------------------------------------------ inputs

def test_inputs_folders_globs_lists(tmp_path):
    from nlp.batch.inputs import iter_inputs

    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ["a/1.txt", "a/2.pdf", "a/b/3.docx", "a/表.xlsx", "a/.hidden.txt", "a/~$lock.docx", "a/noext"]:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "list.txt").write_text("# comment\na/1.txt\n\na/表.xlsx\n", encoding="utf-8")
    got = list(iter_inputs([str(tmp_path / "a")]))
    assert [os.path.relpath(p, tmp_path) for p in got] == ["a/1.txt", "a/2.pdf", "a/noext", "a/b/3.docx"]
    # a glob, a file named directly (any extension), a list; each path once
    got = list(iter_inputs([str(tmp_path / "a" / "*.pdf"), str(tmp_path / "a" / "表.xlsx"), "@" + str(tmp_path / "list.txt")]))
    assert [os.path.relpath(p, tmp_path) for p in got] == ["a/2.pdf", "a/表.xlsx", "a/1.txt"]
    # a missing file or folder named directly is a mistyped path; one in a list gets its row in errors.csv
    for gone in ("gone.pdf", "gone/"):
        with pytest.raises(InputError, match="no such file or folder"):
            list(iter_inputs([str(tmp_path / gone)]))
    (tmp_path / "stale.txt").write_text(f"a/1.txt\n{tmp_path / 'gone.pdf'}\n", encoding="utf-8")
    got = list(iter_inputs(["@" + str(tmp_path / "stale.txt")]))
    assert [os.path.relpath(p, tmp_path) for p in got] == ["a/1.txt", "gone.pdf"]
    with pytest.raises(InputError, match="file list"):
        list(iter_inputs(["@" + str(tmp_path / "nope.txt")]))


def test_manifest(tmp_path):
    from nlp.batch.inputs import Manifest

    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "x.pdf").write_bytes(b"x")
    m = tmp_path / "m.csv"
    m.write_text("path,sha256,unit,year\nr/x.pdf,,城东区 教育局,2023年\n,ABC,,2022\n", encoding="utf-8-sig")
    book = Manifest(str(m))
    assert book.lookup("nothing", [str(tmp_path / "r" / "x.pdf")]) == ("城东区教育局", 2023)
    assert book.lookup("abc", []) == (None, 2022)
    assert book.lookup("other", ["elsewhere.pdf"]) == (None, None)
    bad = tmp_path / "bad.csv"
    bad.write_text("file,unit,year\na.pdf,x,20x4\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a year"):
        Manifest(str(bad))
    bad.write_text("name,unit\na.pdf,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="'path' or 'sha256'"):
        Manifest(str(bad))


# ------------------------------------------------------------ the store

def _ok(sha, text="{}"):
    from nlp.batch.work import Result

    return Result(sha, f"{sha}.txt", True, line=(text + "\n").encode())


def test_store_survives_torn_writes(tmp_path):
    from nlp.batch.store import DATA, LEDGER, Store
    from nlp.batch.work import Result

    with Store(tmp_path) as s:
        s.record(_ok("a", '{"n":1}'))
        s.record(_ok("b", '{"n":2}'))
        s.record(Result("c", "c.txt", False, error="InputError", message="c.txt: empty file"))
        s.record(Result("d", "d.txt", False, error="ValueError", message="bug", final=False))
    folder = tmp_path / ".juesuan-batch"
    # A run killed mid-write: a data line without its ledger line, and half a ledger line.
    with open(folder / DATA, "ab") as f:
        f.write(b'{"n":3}\n{"n":')
    with open(folder / LEDGER, "ab") as f:
        f.write(b'{"sha256": "e", "ok": tr')
    with Store(tmp_path, resume=True) as s:
        assert s.is_done("a") and s.is_done("b") and s.is_done("c")
        assert not s.is_done("d")  # not an input problem: tried again
        assert not s.is_done("e")
        with s.reader() as r:
            assert r.read(s.entry("b")) == {"n": 2}
        s.record(_ok("e", '{"n":5}'))
        with s.reader() as r:
            assert r.read(s.entry("e")) == {"n": 5}
    lines = (folder / DATA).read_bytes().splitlines()
    assert lines == [b'{"n":1}', b'{"n":2}', b'{"n":5}']
    assert all(json.loads(line) for line in (folder / LEDGER).read_bytes().splitlines())
    # without --resume the store starts again
    with Store(tmp_path) as s:
        assert not s.is_done("a")
    assert (folder / DATA).read_bytes() == b""


def test_store_lock(tmp_path):
    from nlp.batch.store import Store

    with Store(tmp_path), pytest.raises(InputError, match="another juesuan batch run"):
        Store(tmp_path, resume=True).open()


# ------------------------------------------------------------ near-duplicates

def test_near_duplicate_index_joins_copies_only():
    import random

    from nlp.batch.corpus import NearDuplicateIndex
    from nlp.similarity import normalise
    from tests.synthetic import light_edit, reasons_for_search

    texts, families = reasons_for_search(3000, copy_rate=0.1, seed=3)
    idx = NearDuplicateIndex()
    ids = [idx.add(normalise(t)) for t in texts]
    roots = [idx.find(i) for i in ids]
    for i in range(len(texts)):
        for j in (i - 1, i + 1, i + 7):
            if 0 <= j < len(texts) and len(normalise(texts[i])) >= 10:
                same_family = families[i] == families[j]
                assert (roots[i] == roots[j]) == same_family, (texts[i], texts[j])
    by_family: dict = {}
    for i, f in enumerate(families):
        by_family.setdefault(f, set()).add(roots[i])
    assert all(len(r) == 1 for r in by_family.values())  # every copy found
    # a one-character change (a name swapped) is a copy; another template is not
    rng = random.Random(1)
    a = "城西区图书馆运河分馆建成开放，新增物业和安保服务经费"
    assert idx.find(idx.add(normalise(a))) == idx.find(idx.add(normalise(a.replace("城西", "城东"))))
    assert idx.find(idx.add(normalise(light_edit(a, rng)))) == idx.find(idx.add(normalise(a)))
    b = "城北区图书馆开展古籍数字化，购买扫描服务费用增加"
    assert idx.find(idx.add(normalise(b))) != idx.find(idx.add(normalise(a)))
    # short, generic reasons join identical ones only
    assert idx.find(idx.add("工作需要")) != idx.find(idx.add("工作需要的"))


def _row(eid, item, reason, change, amount=100.0):
    from nlp.batch.work import EXPLANATION_FIELDS

    r = dict.fromkeys(EXPLANATION_FIELDS)
    r.update(explanation=eid, item=item, basis="prior_year", reason=reason, cause_no=1, change=change, amount=amount)
    return [r[k] for k in EXPLANATION_FIELDS]


def test_corpus_rules():
    from nlp.batch.corpus import Corpus

    copied = "城西区图书馆运河分馆建成开放，新增物业和安保服务经费"
    c = Corpus()
    c.add(0, "城西区文化局", 2023, [_row("E1", "图书馆", copied, 10.0), _row("E2", "群众文化", "工作需要", 5.0)])
    c.add(1, "城西区文化局", 2024, [_row("E1", "图书馆", "运河分馆开放满一年，全年运营经费纳入预算", 30.0),
                                    _row("E2", "群众文化", "工作需要", 8.0), _row("E3", "文物保护", "古塔修缮工程完工，尾款已付", 3.0)])
    c.add(2, "城东区文化局", 2024, [_row("E1", "文化站", copied.replace("城西", "城东"), 12.0)])
    c.add(3, "城南区文化局", 2025, [_row("E1", "文物保护", "古塔修缮工程完工，尾款已付", 3.0)])
    # same unit, same item, same reason, same figures: a republished report, not sticky
    c.add(4, "城西区文化局", 2025, [_row("E3", "文物保护", "古塔修缮工程完工，尾款已付", 3.0)])
    c.add(5, None, 2024, [_row("E1", "图书馆", copied, 10.0)])  # unit unknown: left out
    r = c.finish()
    got = {(d, f.code, f.explanation, tuple(f.related)) for d, fs in r.findings.items() for f in fs}
    assert got == {
        (0, "JS801", "E1", (2,)),
        (2, "JS801", "E1", (0,)),
        (1, "JS802", "E2", (0,)),  # 工作需要 again, change 5 -> 8
        (1, "JS801", "E3", (3,)),
        (3, "JS801", "E1", (1,)),
        (4, "JS801", "E3", (3,)),  # another unit's reason, whatever the year
    }
    sticky = r.findings[1][-1]
    assert sticky.prior == (2023, 100.0, 5.0, None)
    top = r.top[0]  # the copied reason: in documents 0, 2 and 5, of two known units
    assert (top.documents, top.units, top.first) == (3, 2, (0, "E1"))
    assert r.stats["explanations"] == 9


def test_corpus_rules_can_be_ignored():
    from nlp.batch.corpus import Corpus
    from nlp.config import Settings

    c = Corpus(Settings(ignore=["JS801"]))
    text = "城西区图书馆运河分馆建成开放，新增物业和安保服务经费"
    c.add(0, "甲单位", 2023, [_row("E1", "x", text, 1.0)])
    c.add(1, "乙单位", 2023, [_row("E1", "x", text, 1.0)])
    assert not c.finish().findings


# ------------------------------------------------------------ writers

def test_tables_csv_parquet_xlsx_and_formula_safety(tmp_path):
    import openpyxl
    import pyarrow.parquet as pq

    from nlp.batch import tables as T

    book = T.open_workbook(str(tmp_path / "report.xlsx"))
    t = T.Table(str(tmp_path), "things", [("text", "str"), ("n", "int"), ("x", "float"), ("b", "bool")], book)
    rows = [["=HYPERLINK(\"http://example.invalid\",\"点我\")", 1, 1.5, True], ["+1", None, None, None],
            ["-cmd", 3, 2.0, False], ["@SUM(A1)", 4, None, None], ["正常文本 with\x01control", 5, 0.1, None]]
    for r in rows:
        t.write(r)
    empty = T.Table(str(tmp_path), "empty", [("a", "str")], book)
    t.close()
    empty.close()
    book.close()
    with open(tmp_path / "things.csv", encoding="utf-8") as f:
        assert f.read(1) == "\ufeff"  # BOM: Excel reads UTF-8
    with open(tmp_path / "things.csv", encoding="utf-8-sig", newline="") as f:
        got = list(csv.reader(f))
    assert got[0] == ["text", "n", "x", "b"]
    assert [g[0] for g in got[1:]] == ["'=HYPERLINK(\"http://example.invalid\",\"点我\")", "'+1", "'-cmd", "'@SUM(A1)", "正常文本 with\\x01control"]
    assert got[2][1:] == ["", "", ""]
    table = pq.read_table(tmp_path / "things.parquet")
    assert table.column("text").to_pylist()[0].startswith("=HYPERLINK")  # data kept as is
    assert table.schema.field("n").type == "int64" and table.column("n").to_pylist() == [1, None, 3, 4, 5]
    wb = openpyxl.load_workbook(tmp_path / "report.xlsx")
    assert wb.sheetnames == ["things", "empty"]
    ws = wb["things"]
    assert [c.value for c in ws[1]] == ["text", "n", "x", "b"] and ws["A1"].font.b
    for row in ws.iter_rows(min_row=2, max_col=1):
        assert row[0].data_type == "s"  # text, never a formula
    assert ws["A2"].value.startswith("=HYPERLINK") and ws["B2"].value == 1 and ws["D2"].value is True
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:D6"
    assert wb["empty"].max_row == 1


def test_xlsx_column_widths_fit_the_header_and_first_rows(tmp_path):
    import openpyxl

    from nlp.sheets import MAX_WIDTH, MIN_WIDTH, WIDTH_ROWS, Workbook

    with Workbook(str(tmp_path / "w.xlsx")) as book:
        sheet = book.add_sheet("s", ["n", "单位名称", "text", "late"])
        sheet.append([1, "城西区文化和旅游局", "x" * 200, None])
        for _ in range(WIDTH_ROWS):
            sheet.append([2, "局", "y", None])
        sheet.append([3, "局", "y", "a value after the rows measured"])
    ws = openpyxl.load_workbook(tmp_path / "w.xlsx")["s"]
    width = {c: ws.column_dimensions[c].width for c in "ABCD"}
    assert width["A"] == MIN_WIDTH  # "n" and digits: the least
    assert width["B"] == 2 * len("城西区文化和旅游局") + 1  # a Chinese character is two wide
    assert width["C"] == MAX_WIDTH  # a long text: the most
    assert width["D"] == len("late") + 3  # the header and its filter button; rows past WIDTH_ROWS are not read


def test_xlsx_sheet_overflow(tmp_path, monkeypatch):
    import openpyxl

    from nlp import sheets
    from nlp.batch import tables as T

    monkeypatch.setattr(sheets, "MAX_ROWS", 4)
    book = T.open_workbook(str(tmp_path / "r.xlsx"))
    t = T.Table(str(tmp_path), "rows", [("n", "int")], book, parquet=False)
    for i in range(7):
        t.write([i])
    t.close()
    book.close()
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames == ["rows", "rows (2)", "rows (3)"]
    assert [c.value for c in wb["rows (3)"]["A"]] == ["n", 6]


# ------------------------------------------------------------ the rate

def test_the_bar_and_the_summary_give_one_rate_and_a_resume_with_nothing_to_do_says_so(tmp_path, capsys):
    from nlp.batch import run_batch

    src = tmp_path / "in"
    src.mkdir()
    for path in sorted((Path(__file__).parent / "fixtures").glob("*.txt"))[:3]:
        shutil.copy(path, src / path.name)
    summary = run_batch([str(src)], str(tmp_path / "out"), workers=1, progress=True)
    bar = capsys.readouterr().err
    rate = summary.rate()
    assert summary.done == 3 and rate == summary.done / summary.analyse_seconds
    shown = re.findall(r"([\d.]+) reports/s", bar)
    assert shown and shown[-1] == f"{rate:.1f}"  # where the bar ends
    assert f"（每秒 {rate:.1f} 份，local，1 个进程）" in summary.line()  # Chinese first
    assert f"({rate:.1f} reports/s, local, 1 workers)" in summary.line("en")

    again = run_batch([str(src)], str(tmp_path / "out"), workers=1, resume=True, progress=True)
    bar = capsys.readouterr().err
    assert (again.done, again.skipped, again.attempted) == (0, 3, 0) and again.rate() is None
    assert "无需再分析" in again.line() and "每秒" not in again.line()
    assert "nothing left to do" in again.line("en") and "reports/s" not in again.line("en")
    assert "– reports/s" in bar and not re.search(r"\d reports/s", bar)


# ------------------------------------------------------------ the command line

def _parse(argv):
    from nlp.cli.batch import add_arguments

    parser = argparse.ArgumentParser(prog="juesuan batch")
    add_arguments(parser)
    return parser.parse_args(argv)


def test_arguments():
    args = _parse(["reports/", "x.pdf", "--out", "results", "-j", "3", "--resume", "--engine", "dask",
                   "--scheduler", "tcp://127.0.0.1:8786", "--manifest", "m.csv", "--no-progress"])
    assert args.inputs == ["reports/", "x.pdf"] and args.out == "results" and args.workers == 3
    assert args.resume and args.engine == "dask" and args.scheduler == "tcp://127.0.0.1:8786"
    assert args.manifest == "m.csv" and args.progress is False
    assert _parse(["r", "-o", "o"]).progress is None
    with pytest.raises(SystemExit):
        _parse(["r", "-o", "o", "--workers", "0"])


def test_main_exit_codes(tmp_path, capsys):
    from nlp.cli.batch import run as main

    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(_parse([str(empty), "--out", str(tmp_path / "out")])) == 2
    err = capsys.readouterr().err
    assert err.startswith("juesuan: error: no input files found") and err.count("\n") == 1
    assert main(_parse([str(empty), "--out", str(tmp_path / "o"), "--scheduler", "tcp://x:1"])) == 2
    (empty / "a.txt").write_text("x", encoding="utf-8")
    assert main(_parse([str(empty), "--out", str(tmp_path / "o"), "--manifest", str(tmp_path / "none.csv")])) == 2
    assert "cannot read the manifest" in capsys.readouterr().err


def test_the_summary_line_is_chinese_first_english_with_lang_en(tmp_path, capsys):
    from nlp.cli.batch import run as main

    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "missing_reason.txt", src / "a.txt")
    main(_parse([str(src), "--out", str(tmp_path / "zh"), "-j", "1", "--no-progress", "--no-model"]))
    assert re.search(r"^juesuan batch：分析 1 份，跳过 0 份（此前已完成），失败 0 份，用时 [\d.]+ 秒", capsys.readouterr().err, re.M)
    main(_parse([str(src), "--out", str(tmp_path / "en"), "-j", "1", "--no-progress", "--no-model", "--lang", "en"]))
    assert re.search(r"^juesuan batch: 1 analysed, 0 skipped \(done before\), 0 failed in [\d.]+ s", capsys.readouterr().err, re.M)


def test_heavy_libraries_not_imported_at_top():
    import subprocess
    import sys

    code = ("import sys, nlp.batch, nlp.batch.run, nlp.batch.build, nlp.batch.engines, nlp.batch.corpus, nlp.batch.tables;"
            "heavy = [m for m in ('pandas', 'pyarrow', 'dask', 'distributed', 'datasketch', 'rich', 'scipy') if m in sys.modules];"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=os.path.join(os.path.dirname(__file__), ".."))
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------ a worker that dies

def echo_or_die(task):
    """A task function for the engine test: os._exit kills the worker, as a
    crash in a native library would."""
    from nlp.batch.work import Result

    if task.source == "die":
        os._exit(3)
    return Result(task.sha256, task.source, True, line=task.data)


def test_local_engine_survives_a_dying_worker():
    from nlp.batch.engines import LocalEngine
    from nlp.batch.work import Task

    tasks = [Task(str(i), "die" if i == 5 else f"f{i}", str(i).encode()) for i in range(12)]
    results = []
    with LocalEngine(2) as engine:
        engine.run_tasks(tasks, results.append, fn=echo_or_die)
    assert sorted(int(r.sha256) for r in results) == list(range(12))
    dead = [r for r in results if not r.ok]
    assert [(r.source, r.error) for r in dead] == [("die", "WorkerCrash")]
    assert all(r.line == r.sha256.encode() for r in results if r.ok)


def test_results_folder_inside_the_inputs_is_not_read(tmp_path):
    from nlp.batch.inputs import iter_inputs

    (tmp_path / "results" / "reports").mkdir(parents=True)
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "results" / "reports" / "0a.html").write_text("x", encoding="utf-8")
    got = list(iter_inputs([str(tmp_path)], exclude=[str(tmp_path / "results")]))
    assert got == [str(tmp_path / "a.txt")]


def test_a_file_over_budget_is_an_error_row_and_is_tried_again_on_resume(tmp_path):
    """Over budget is not the file's fault for good: --resume with a larger
    budget analyses it (a corrupt file, by contrast, is not tried again)."""
    import shutil
    from pathlib import Path

    from nlp.batch import run_batch

    example = Path(__file__).resolve().parent.parent / "examples" / "城西区文化和旅游局2024年度部门决算.txt"
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(example, src / example.name)
    out = tmp_path / "out"
    first = run_batch([str(src)], str(out), workers=1, progress=False, timeout=0.001)
    assert (first.done, first.failed) == (0, 1)
    with open(out / "errors.csv", encoding="utf-8-sig") as f:
        (row,) = list(csv.DictReader(f))
    assert row["error"] == "BudgetExceeded" and "--timeout" in row["message"]
    again = run_batch([str(src)], str(out), workers=1, progress=False, resume=True)
    assert (again.done, again.skipped, again.failed) == (1, 0, 0)


# ------------------------------------------------------------ layers

def _imported_modules(path) -> set[str]:
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):  # deferred imports inside functions count too
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_command_line_is_imported_by_nothing_in_nlp():
    """nlp.cli sits on top: nlp.batch (and every other module) never imports
    it, so the two command lines cannot import each other in a loop."""
    from pathlib import Path

    import nlp

    package = Path(nlp.__file__).resolve().parent
    modules = [p for p in package.rglob("*.py") if "cli" not in p.relative_to(package).parts and p.name != "__main__.py"]
    assert any(p.parent.name == "batch" for p in modules)
    offenders = {str(p.relative_to(package)): sorted(m for m in _imported_modules(p) if m == "nlp.cli" or m.startswith("nlp.cli."))
                 for p in modules}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_window_bounds_the_tasks_in_flight():
    from nlp.batch.engines import run_windowed

    in_flight, most, collected = set(), [0], []

    def submit(task):
        in_flight.add(task)
        most[0] = max(most[0], len(in_flight))
        return f"future {task}"

    def first_done(futures):
        return futures[:2]  # two finish at a time

    def collect(future, task):
        assert future == f"future {task}"
        in_flight.discard(task)
        collected.append(task)

    pending: dict = {}
    run_windowed(iter(range(11)), 3, submit, first_done, collect, pending)
    assert sorted(collected) == list(range(11)) and most[0] == 3 and pending == {}
