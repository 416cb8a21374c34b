"""Issue 16, family 4, part D: other limits, through the command line.

* `train.py --data` is bounded: hostile workbooks (a cell at XFD1048576,
  XXE and billion laughs in the sheet or the shared strings) end in one
  line, Chinese first, exit 2, at once; a file that is not a regular file
  or is too large is refused; the reading runs under a memory budget.
* Report text reaches the terminal, CSV and XLSX as text: no escape
  sequence, no rich markup obeyed (`[/]` crashed `score`), no control
  character in a cell.
* The bundled model's hash is pinned in the package: a changed bundled
  model (checksum and card recomputed) is refused; a user's own model
  directory loads with a warning naming its hash.

The workbooks and the report are made in tests/hostile_limits2.py (also in
the hostile corpus)."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from nlp.classifier import load_model, model_hash, pinned_hash, save_model
from tests.hostile_limits2 import GOOD_ROWS, STRINGS, TERMINAL_PAYLOAD, WORKBOOKS, far_dimension, terminal_report, xlsx

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "城西区文化和旅游局2024年度部门决算.txt"
CJK = re.compile(r"[\u4e00-\u9fff]")
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _run(args: list, *, timeout: float = 120, env: dict | None = None, cwd=REPO, stdin=None) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "400", **(env or {})}
    full.setdefault("PYTHONPATH", str(REPO))
    full.pop("JUESUAN_MODEL", None)
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, encoding="utf-8",
                          errors="replace", env=full, cwd=str(cwd), timeout=timeout, input=stdin,
                          stdin=None if stdin is not None else subprocess.DEVNULL)


def _one_chinese_line(proc, prefix: str, *words: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr, proc.stderr
    line = proc.stderr.strip()
    assert "\n" not in line and line.startswith(prefix), proc.stderr
    message = line[len(prefix):]
    assert CJK.search(message.split("/")[0]) or CJK.search(message.split(":", 2)[-1].split("/")[0]), f"Chinese first: {line}"
    for w in words:
        assert w in line, line
    return line


def _train(tmp_path, *data, extra=()) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    proc = _run(["train.py", *(a for d in data for a in ("--data", d)), "--no-corpus", "--no-gold",
                 "--out", tmp_path / "model", *extra], timeout=120)
    return proc, time.monotonic() - started


# ------------------------------------------------------------------ train.py


@pytest.mark.parametrize(("name", "what", "make"), WORKBOOKS, ids=[w[0] for w in WORKBOOKS])
def test_train_refuses_a_hostile_workbook_in_one_line_at_once(tmp_path, name, what, make):
    path = tmp_path / name
    path.write_bytes(make())
    assert path.stat().st_size < 5000, "a few KB"
    proc, seconds = _train(tmp_path, path)
    line = _one_chinese_line(proc, "train.py: error: ", str(path))
    assert "refused" in line, line
    assert seconds < 30, f"{what}: {seconds:.1f} s"
    assert not (tmp_path / "model").exists()
    assert "root:" not in proc.stdout + proc.stderr, "no /etc/passwd content"


def test_train_reads_a_workbook_by_its_cells_not_its_declared_dimension(tmp_path):
    path = tmp_path / "far_dimension.xlsx"
    path.write_bytes(far_dimension())
    proc, seconds = _train(tmp_path, path)
    assert proc.returncode == 0, proc.stderr
    assert "training on 2 causes, 2 labels" in proc.stdout
    assert seconds < 60
    assert f"model hash {model_hash(tmp_path / 'model')}" in proc.stdout


def test_a_workbook_reads_as_openpyxl_reads_it(tmp_path):
    """Shared strings, inline strings, booleans, numbers, a formula's cached
    value and a gap in the rows: the same rows as openpyxl gives."""
    openpyxl = pytest.importorskip("openpyxl")
    from nlp.xlsx import read_xlsx

    rows = GOOD_ROWS + ('<row r="5"><c r="A5"><v>42</v></c><c r="B5"><v>1.5</v></c>'
                        '<c r="D5" t="str"><f>A5&amp;"x"</f><v>42x</v></c></row>')
    path = tmp_path / "mixed.xlsx"
    path.write_bytes(xlsx(rows, STRINGS, dimension="A1:D5"))
    mine = {n: values for n, values in read_xlsx(path, str(path))}
    theirs = {n: [("" if v is None else v) for v in values]
              for n, values in enumerate(openpyxl.load_workbook(path, data_only=True).active.iter_rows(values_only=True), 1)
              if any(v is not None for v in values)}
    assert {n: v + [""] * (4 - len(v)) for n, v in mine.items()} == theirs


def test_train_refuses_what_is_not_a_regular_file_or_too_large(tmp_path):
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.csv"
    zero.symlink_to("/dev/zero")
    big = tmp_path / "big.csv"
    with open(big, "wb") as f:
        f.write(b"text,label\n")
        f.truncate(65 << 20)
    for path, word in ((fifo, "regular file"), (zero, "regular file"), (big, "too large")):
        proc, seconds = _train(tmp_path, path)
        _one_chinese_line(proc, "train.py: error: ", str(path), word)
        assert seconds < 30


def test_train_reads_its_data_under_a_memory_budget(tmp_path):
    big = tmp_path / "many.csv"
    row = "新录用公务员6名，主要原因是人员增加,staffing\n".encode()
    with open(big, "wb") as f:
        f.write(b"text,label\n" + row * (40_000_000 // len(row)))
    proc, seconds = _train(tmp_path, big, extra=["--max-memory", "64"])
    _one_chinese_line(proc, "train.py: error: ", str(big), "64 MB")
    assert seconds < 60


def test_label_export_refuses_hostile_workbooks_given_as_reports(tmp_path):
    paths = []
    for name, _, make in WORKBOOKS:
        paths.append(tmp_path / name)
        paths[-1].write_bytes(make())
    proc = _run(["-m", "nlp", "label-export", *paths, "--timeout", "20"], timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == len(paths) + 1 and lines[-1] == "juesuan: error: no report could be read", proc.stderr
    assert all(str(p) in line for p, line in zip(paths, lines, strict=False))


# ------------------------------------------------------------------ terminal, CSV, XLSX


@pytest.fixture(scope="module")
def hostile_text(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("terminal") / "escapes\x1b[2J.txt"
    path.write_bytes(terminal_report())
    return path


@pytest.mark.parametrize("color", ["always", "never"])
def test_score_shows_the_reports_escapes_and_markup_as_text(hostile_text, color):
    proc = _run(["-m", "nlp", "score", hostile_text, "--no-model", "--color", color, "--all"])
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    out = proc.stdout
    assert not re.search("\x1b(?!\\[[0-9;]*m)", out), "the only escapes are rich's colours"
    assert not CONTROL.search(re.sub("\x1b\\[[0-9;]*m", "", out)), "no BEL, no C1, no bare control"
    if color == "never":
        assert "\x1b" not in out
    plain = re.sub("\x1b\\[[0-9;]*m", "", out)
    assert "\\x07\\x1b[2J" in plain and "\\x9b31m" in plain and "\\x1b[31m" in plain, "shown, written out"
    assert "[link=http" in plain and "[/link]" in plain and "[bold red]" in plain and "[/]" in plain, "markup shown as text"
    assert "escapes\\x1b[2J.txt" in plain, "the file name too"


def test_csv_cells_hold_no_control_character(hostile_text):
    proc = _run(["-m", "nlp", "score", hostile_text, "--no-model", "--format", "csv", "--table", "causes"])
    assert proc.returncode in (0, 1), proc.stderr
    assert not CONTROL.search(proc.stdout.replace("\n", "")), "no control character in a cell"
    assert "\\x07\\x1b[2J[/][link=http://x]点击[/link]\\x1b]8" in proc.stdout.replace("：", ":")


def test_xlsx_cells_hold_no_control_character(hostile_text, tmp_path):
    out = tmp_path / "causes.xlsx"
    proc = _run(["-m", "nlp", "label-export", hostile_text, "-o", out])
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert not CONTROL.search(sheet) and not re.search(r"_x00[01][0-9A-F]_", sheet), "no control character, nor its _xHHHH_ form"
    assert "\\x1b[2J" in sheet


def test_the_payload_has_what_the_tests_look_for():
    assert "\x1b[2J" in TERMINAL_PAYLOAD and "\x07" in TERMINAL_PAYLOAD and "[/link]" in TERMINAL_PAYLOAD
    assert "[bold red]" in terminal_report().decode()


# ------------------------------------------------------------------ the bundled model's hash


def test_the_bundled_models_hash_is_pinned_and_is_what_sha256sum_gives():
    """Fails when models/ is retrained without its pin: `python train.py`
    rewrites nlp/data/bundled_model.sha256, commit it with models/."""
    listing = "".join(f"{hashlib.sha256((REPO / 'models' / n).read_bytes()).hexdigest()}  {n}\n" for n in ("model.json", "weights.npz"))
    assert model_hash(REPO / "models") == "sha256:" + hashlib.sha256(listing.encode()).hexdigest()
    assert pinned_hash() == model_hash(REPO / "models"), "models/ changed: rerun `python train.py` (it pins the hash) or restore models/"


def _forged(folder: Path) -> Path:
    """The bundled model with one weight changed, its checksum and card
    hashes recomputed (what a forger who read the source would do)."""
    shutil.copytree(REPO / "models", folder)
    model = load_model(folder)
    model.label.coef_ = model.label.coef_.copy()
    model.label.coef_[0, 0] += 1.0
    save_model(model, folder)
    return folder


def test_a_changed_bundled_model_is_refused_in_one_line(tmp_path):
    checkout = tmp_path / "checkout"
    shutil.copytree(REPO / "nlp", checkout / "nlp", ignore=shutil.ignore_patterns("__pycache__"))
    _forged(checkout / "models")
    assert model_hash(checkout / "models") != pinned_hash()
    env = {"PYTHONPATH": str(checkout)}
    proc = _run(["-m", "nlp", "score", EXAMPLE, "--format", "json"], env=env, cwd=tmp_path)
    _one_chinese_line(proc, "juesuan: error: ", "附带的模型已被改动", model_hash(checkout / "models"))
    proc = _run(["-m", "nlp", "classify"], env=env, cwd=tmp_path, stdin="工作需要\n")
    _one_chinese_line(proc, "juesuan: error: ", "附带的模型已被改动")
    proc = _run(["-m", "nlp", "score", EXAMPLE, "--format", "json", "--no-model"], env=env, cwd=tmp_path)
    assert proc.returncode in (0, 1), "without the model, scoring goes on"


def test_a_users_own_model_loads_with_a_warning_naming_its_hash(tmp_path):
    own = _forged(tmp_path / "own")
    proc = _run(["-m", "nlp", "score", EXAMPLE, "--format", "json", "--model", own])
    assert proc.returncode in (0, 1), proc.stderr
    warning = [line for line in proc.stderr.splitlines() if "使用自己的模型" in line]
    assert len(warning) == 1 and warning[0].startswith("juesuan: warning: ") and model_hash(own) in warning[0], proc.stderr

    copy = tmp_path / "copy"
    shutil.copytree(REPO / "models", copy)
    proc = _run(["-m", "nlp", "classify", "--model", copy], stdin="工作需要\n")
    assert proc.returncode == 0 and "使用自己的模型" not in proc.stderr, "a copy of the bundled model is the bundled model"


def test_train_pins_the_hash_when_it_retrains_the_bundled_model(tmp_path, monkeypatch):
    import train
    from nlp.classifier import store
    from training import fit

    bundled, pin = tmp_path / "models", tmp_path / "bundled_model.sha256"
    monkeypatch.setattr(store, "BUNDLED_MODEL", bundled)
    monkeypatch.setattr(fit, "BUNDLED_MODEL", bundled)
    monkeypatch.setattr(store, "PINNED_FILE", pin)
    data = tmp_path / "data.xlsx"
    data.write_bytes(xlsx(GOOD_ROWS, STRINGS))
    assert train.main(["--data", str(data), "--no-corpus", "--no-gold", "--out", str(bundled)]) == 0
    assert pin.read_text(encoding="ascii").split()[0] == model_hash(bundled) == store.pinned_hash()
