"""`juesuan batch`: screen many reports in one command.

    run_batch(["reports/"], "results/")                 # local processes
    run_batch(["reports/"], "results/", resume=True)    # after a crash or Ctrl-C
    run_batch(["reports/"], "results/", engine="dask", scheduler="tcp://host:8786")

The client walks the inputs, reads and hashes each file (sha256 of its
bytes), skips what the store already holds (--resume), and sends the rest to
the engine, a bounded number at a time; each result is appended to the store
the moment it arrives. At the end the tables, report.xlsx and
dashboard.html are rebuilt from the store.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from dataclasses import dataclass, field

from nlp.errors import InputError

MAX_BYTES = 50 * 1024 * 1024  # as nlp.readers.MAX_BYTES


@dataclass
class BatchSummary:
    inputs: int = 0  # input paths found
    attempted: int = 0  # sent to be analysed in this run (done, or failed)
    done: int = 0  # analysed in this run
    skipped: int = 0  # finished by an earlier run (--resume)
    duplicates: int = 0  # same bytes as another input: analysed once
    failed: int = 0  # rows in errors.csv
    seconds: float = 0.0
    analyse_seconds: float = 0.0  # of which analysing (the rest: tables, corpus rules, dashboard)
    first_result_seconds: float = 0.0  # until the first result came back (workers starting, model loading)
    documents: int = 0  # rows in documents
    not_scored: int = 0  # of the documents: no change statement recognised, no score
    explanations: int = 0  # rows in explanations
    findings: int = 0  # rows in findings
    corpus: dict = field(default_factory=dict)  # corpus rule counts and index statistics
    build_seconds: dict = field(default_factory=dict)  # the final steps: index, pages, corpus_rules, tables, dashboard
    out: dict = field(default_factory=dict)  # output name -> path
    engine: str = "local"
    workers: int = 0
    interrupted: bool = False
    note: str = ""
    lang: str = "zh"  # the run's: its summary line's

    def rate(self, seconds: float | None = None) -> float | None:
        """Reports analysed per second, from the start of the run to the last
        result (`seconds` so far, while it runs): the progress bar's figure and
        the summary's. None before the first report is analysed."""
        seconds = self.analyse_seconds or seconds
        return self.done / seconds if self.done and seconds else None

    def line(self, lang: str | None = None) -> str:
        """The run in one line, in `lang` (default the run's: Chinese unless settings or --lang say en)."""
        en = (lang or self.lang) == "en"
        copied = self.corpus.get("copied_across_units", 0)
        sticky = self.corpus.get("sticky_across_years", 0)
        rate = self.rate() if self.attempted or self.interrupted else None
        if en:
            parts = [f"{self.done} analysed", f"{self.skipped} skipped (done before)"]
            if self.not_scored:
                parts.append(f"{self.not_scored} of {self.documents} reports not scored")
            if self.duplicates:
                parts.append(f"{self.duplicates} duplicate files")
            parts.append(f"{self.failed} failed")
            if self.attempted or self.interrupted:
                pace = ", ".join([*([f"{rate:.1f} reports/s"] if rate else []), self.engine, f"{self.workers} workers"])
            else:
                pace = "nothing left to do: the tables rebuilt from the store"
            return (f"juesuan batch: {', '.join(parts)} in {self.seconds:.1f} s ({pace}); "
                    f"{copied} copied across units, {sticky} sticky across years")
        parts = [f"分析 {self.done} 份", f"跳过 {self.skipped} 份（此前已完成）"]
        if self.not_scored:
            parts.append(f"{self.documents} 份报告中 {self.not_scored} 份未评分")
        if self.duplicates:
            parts.append(f"重复文件 {self.duplicates} 个")
        parts.append(f"失败 {self.failed} 份")
        if self.attempted or self.interrupted:
            pace = "，".join([*([f"每秒 {rate:.1f} 份"] if rate else []), self.engine, f"{self.workers} 个进程"])
        else:
            pace = "无需再分析：各表由已存结果重建"
        return (f"juesuan batch：{'，'.join(parts)}，用时 {self.seconds:.1f} 秒（{pace}）；"
                f"跨单位雷同 {copied} 处，跨年度照搬 {sticky} 处")


def run_batch(
    inputs: list[str],
    out: str,
    *,
    workers: int | None = None,
    resume: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    manifest: str | None = None,
    progress: bool | None = None,
    timeout: float | None = None,
    max_memory: float | None = None,
    model="default",
    lang: str | None = None,
    follow_symlinks: bool = False,
) -> BatchSummary:
    """Analyse every report in `inputs` (files, folders, globs, @lists) into
    the folder `out`. Raises `InputError` (one line) when nothing can be
    run: no input found, a bad manifest, a model that cannot be loaded, an
    unreachable scheduler. Files that fail are rows of errors.csv, never an
    exception. `timeout` and `max_memory` are the budget per file
    (nlp.limits.budget_from: None takes the settings' [limits], else 120 s
    and 2048 MB; 0 is no limit). `model` labels the causes, as for
    `nlp.analyze`: "default" ($JUESUAN_MODEL, else the bundled models/), a
    model directory, a loaded model (saved in a directory: the workers load
    it from there), or None to leave them unlabelled. `lang` ("zh" or "en";
    None: the settings' `lang`, else zh) is the language of the findings'
    messages in the tables, the dashboard and the report pages. The settings
    are the run's, from its root (nlp.batch.settings). The store remembers
    which model and settings made each result: --resume redoes the others.
    `follow_symlinks`: read links in the input folders that point out of
    them (nlp.batch.inputs; by default they are rows of errors.csv).

    Only regular files are read, at most MAX_BYTES each (a FIFO or a link to
    /dev/zero is an error row at once). What cannot be written (the disk is
    full, the folder is read-only) is an InputError naming the file, and no
    `.part` file is left; what finished stays in the store for --resume."""
    from nlp.batch.inputs import Manifest, iter_inputs

    t0 = time.perf_counter()
    _check_out(out, inputs)
    paths = list(iter_inputs(inputs, exclude=[out], follow_symlinks=follow_symlinks))
    if not paths:
        raise InputError(f"no input files found in {' '.join(inputs) or '(nothing given)'}")
    book = Manifest(manifest)
    try:
        return _run_batch(inputs, paths, out, book, t0, workers=workers, resume=resume, engine=engine, scheduler=scheduler,
                          progress=progress, timeout=timeout, max_memory=max_memory, model=model, lang=lang)
    except OSError as e:
        raise _cannot_write(out, e) from None


def _run_batch(inputs, paths, out, book, t0, *, workers, resume, engine, scheduler, progress, timeout, max_memory, model, lang) -> BatchSummary:
    from nlp.batch.build import build_outputs, write_summary
    from nlp.batch.engines import make_engine
    from nlp.batch.progress import make_progress
    from nlp.batch.settings import batch_settings
    from nlp.batch.store import Store

    os.makedirs(out, exist_ok=True)
    spec, identity = _model(model)
    run_settings = batch_settings(inputs, lang)  # one set for the run, from its root (nlp.batch.settings)
    tasks = _Tasks(spec, run_settings, timeout, max_memory)  # a bad --timeout stops the run before it starts
    eng = make_engine(engine, workers, scheduler, model=spec, identity=identity)
    store = Store(out, resume=resume, model=identity, settings=run_settings.digest()).open()
    try:
        run = _Run(paths, store, tasks, t0)
        with eng, make_progress(progress, len(paths), rate=run.rate) as bar:
            run.bar = bar
            run.summary.engine, run.summary.lang = engine, run_settings.lang
            run.summary.workers = getattr(eng, "workers", None) or 0
            # The outputs' libraries load while the workers analyse (the
            # client is idle then), not after, when nothing else runs.
            threading.Thread(target=_preload_outputs, daemon=True).start()
            try:
                eng.run_tasks(run.tasks(), run.on_result)
            except KeyboardInterrupt:
                run.summary.interrupted = True
                eng.close(cancel=True)
                raise
            run.summary.analyse_seconds = time.perf_counter() - t0
            bar.status("writing tables")
            docs, errors = run.outcomes()

            def render(worst):
                return _render_pages(eng, out, [(sha, [run.real.get(p, p) for p in ps]) for sha, ps in worst], run.make_task)

            built = build_outputs(out, store, docs, errors, book, run_settings, render=render)
    except BaseException:  # the disk is full, Ctrl-C: no half-written output stays (the store is kept)
        _remove_parts(out)
        with contextlib.suppress(OSError):  # the first error is the one to tell
            store.close()
        raise
    store.close()
    summary = run.summary
    summary.documents, summary.explanations, summary.findings = built.documents, built.explanations, built.findings
    summary.not_scored = built.not_scored
    summary.corpus = built.corpus
    summary.build_seconds = built.seconds
    summary.note = "; ".join(filter(None, [built.worst_pages_note, _redone_note(run.redone)]))
    summary.out = built.paths
    summary.seconds = time.perf_counter() - t0
    summary.out["summary.json"] = os.path.join(out, "summary.json")
    from dataclasses import asdict

    try:
        write_summary(summary.out["summary.json"], asdict(summary))
    except OSError:
        _remove_parts(out)
        raise
    return summary


def _check_out(out: str, inputs: list[str]) -> None:
    """The results folder can be made and holds no input: InputError, before any work."""
    if os.path.exists(out) and not os.path.isdir(out):
        raise InputError(f"无法写入 {out}：已存在且不是文件夹；{out}: exists and is not a folder")
    top = os.path.realpath(out) + os.sep
    for spec in inputs:
        if not spec.startswith("@") and os.path.isfile(spec) and os.path.realpath(spec).startswith(top):
            raise InputError(f"输入文件 {spec} 在结果文件夹 {out} 中，可能被覆盖：请换一个结果文件夹；"
                             f"the input {spec} lies in the results folder {out}, where it could be overwritten: give another --out")


def _cannot_write(out: str, e: OSError) -> InputError:
    """One line for an output that could not be written."""
    import errno

    where = e.filename or out
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        zh = "磁盘已满"
    elif e.errno == errno.EROFS:
        zh = "只读文件系统"
    else:
        zh = "写入失败"
    return InputError(f"无法写入 {where}：{zh}，结果未写完（已完成的分析保存在 {out}，腾出空间后加 --resume 继续）；"
                      f"cannot write {where}: {e.strerror or e}; what finished is kept for --resume")


def _remove_parts(out: str) -> None:
    """The half-written outputs (name.part) of a run that stopped: gone."""
    for folder in (out, os.path.join(out, "reports")):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if name.endswith(".part"):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))


class _Tasks:
    """Makes the Task of a file: the run's settings, budget and model (one
    run, one set of settings: nlp.batch.settings)."""

    def __init__(self, model, settings, timeout, max_memory):
        from nlp.limits import budget_from

        self.model, self.settings = model, settings
        self.budget = budget_from(settings, timeout, max_memory)

    def __call__(self, path: str, sha: str, data: bytes):
        from nlp.batch.work import Task

        return Task(sha, path, data, self.settings, self.budget, model=self.model)


class _Run:
    """One run's bookkeeping: what was read, seen twice, done before (in
    `store`), done now; `bar` (nlp.batch.progress) shows it."""

    def __init__(self, paths: list[str], store, make_task: _Tasks, t0: float):
        from nlp.batch.progress import NoProgress

        self.paths, self.store, self.make_task, self.t0 = paths, store, make_task, t0
        self.bar = NoProgress()
        self.summary = BatchSummary(inputs=len(paths))
        self.seen: dict[str, list[str]] = {}  # sha -> paths with these bytes, this run
        self.read_errors: list = []  # ErrorRow: files that could not even be read
        self.redone = 0  # done before with another model or other settings: done again
        self.real: dict[str, str] = {}  # a path as the outputs show it -> the path

    def tasks(self):
        """The files to analyse, read one at a time as the engine asks."""
        for path in self.paths:
            task = self._task(path)
            if task is not None:
                yield task

    def _task(self, path: str):
        from nlp.batch.build import ErrorRow
        from nlp.batch.inputs import Refused

        if isinstance(path, Refused):
            self.read_errors.append(ErrorRow(path, "SymlinkRefused", path.reason))
            self.bar.advance(failed=True)
            return None
        try:
            data = _read(path)
            sha = hashlib.sha256(data).hexdigest()
            task = self.make_task(path, sha, data)
        except InputError as e:
            self.read_errors.append(ErrorRow(path, getattr(e, "kind", type(e).__name__), str(e)))
            self.bar.advance(failed=True)
            return None
        if sha in self.seen:
            self.seen[sha].append(path)
            self.summary.duplicates += 1
            self.bar.advance()
            return None
        self.seen[sha] = [path]
        if self.store.is_done(sha):
            self.summary.skipped += 1
            self.bar.advance()
            return None
        self.redone += self.store.made_otherwise(sha)
        self.summary.attempted += 1
        return task

    def rate(self) -> float | None:
        """Reports analysed per second so far (BatchSummary.rate)."""
        return self.summary.rate(time.perf_counter() - self.t0)

    def on_result(self, result) -> None:
        if not self.summary.first_result_seconds:
            self.summary.first_result_seconds = time.perf_counter() - self.t0
        self.store.record(result)
        if result.ok:
            self.summary.done += 1
        self.bar.advance(failed=not result.ok)

    def outcomes(self) -> tuple[list, list]:
        """The documents and the error rows of this run's inputs, drawn from
        the store; a file with the same bytes as a failed one fails the same
        way."""
        from nlp.batch.build import DocRef, ErrorRow
        from nlp.batch.inputs import shown

        # Names as the tables write them (nlp.batch.inputs.shown); `real` maps them back.
        errors = [ErrorRow(shown(e.path), e.error, shown(e.message), e.sha256) for e in self.read_errors]
        docs = []
        for sha, ps in self.seen.items():
            entry = self.store.entry(sha)
            if entry is None:
                continue
            self.real.update((shown(p), p) for p in ps)
            if entry.ok:
                docs.append(DocRef(sha, [shown(p) for p in ps], entry))
            else:
                errors.extend(ErrorRow(shown(p), entry.error, shown(_renamed(entry.message, entry.source, p)), sha) for p in ps)
        self.summary.failed = len(errors)
        return docs, errors


def _model(model) -> tuple[str | None, str]:
    """What the workers are told to load (a model directory, "default", or
    None) and the identity the store records (nlp.batch.work.model_identity).
    The model is loaded here, so that a bad one stops the run at once."""
    from nlp.batch.work import model_identity

    if model is None:
        return None, model_identity(None)
    from nlp.classifier import DEFAULT, load_model

    loaded = load_model(model)
    if loaded.path is None:
        raise InputError("a batch needs a model saved in a directory (nlp.classifier.save_model): its workers load it from there")
    try:
        identity = model_identity(loaded)
    except OSError as e:
        raise InputError(f"{loaded.path}: cannot read the model ({e.strerror or e})") from None
    # "default" stays a name, so that each Dask worker finds its own bundled model (checked to be the same one).
    spec = DEFAULT if isinstance(model, str) and model == DEFAULT else os.path.abspath(loaded.path)
    return spec, identity


def _redone_note(redone: int) -> str:
    if not redone:
        return ""
    return f"{redone} file(s) analysed before with another model or other settings (or an older juesuan) were analysed again"


def _renamed(message: str, old: str, new: str) -> str:
    """An error message about a file, naming it by its path in this run."""
    if old and old != new and message.startswith(old):
        return new + message[len(old):]
    return message


class _ReadError(InputError):
    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


def _read(path: str) -> bytes:
    """The bytes of an input file (a regular file, at most MAX_BYTES: a FIFO
    or a link to /dev/zero is refused before a byte is read), or an
    InputError (with .kind, the error class for errors.csv) naming it."""
    from nlp.readers import file_bytes

    try:
        return file_bytes(path, MAX_BYTES)
    except InputError as e:
        raise _ReadError(str(e), getattr(e, "kind", "InputError")) from None


def _preload_outputs() -> None:
    try:
        import datasketch  # noqa: F401
        import pyarrow.parquet  # noqa: F401

        import nlp.batch.build
        import nlp.batch.dashboard  # noqa: F401
    except Exception:  # noqa: BLE001 - they are imported again where used, and fail there if they must
        pass


def _render_pages(eng, out: str, worst: list[tuple[str, list[str]]], task_for) -> tuple[dict[str, str], str]:
    """Single-report pages of the worst reports, made on the engine's
    workers, written to out/reports/<sha256>.html."""
    from nlp.batch.work import render_task

    folder = os.path.join(out, "reports")
    os.makedirs(folder, exist_ok=True)
    missing: list[str] = []

    def tasks():
        for sha, paths in worst:
            for path in paths:
                try:
                    data = _read(path)
                    if hashlib.sha256(data).hexdigest() == sha:
                        yield task_for(path, sha, data)
                        break
                except InputError:
                    continue
            else:
                missing.append(paths[0])

    links: dict[str, str] = {}
    failures: list[str] = []

    def on_result(result) -> None:
        if not result.ok:
            failures.append(f"{result.error}: {result.message}")
            return
        target = os.path.join(folder, f"{result.sha256}.html")
        with open(target + ".part", "wb") as f:
            f.write(result.line)
        os.replace(target + ".part", target)
        links[result.sha256] = f"reports/{result.sha256}.html"

    eng.run_tasks(tasks(), on_result, fn=render_task)
    # Pages of reports that are no longer among the worst (or no longer in
    # the run) go: the folder holds exactly the pages the dashboard links.
    for name in os.listdir(folder):
        stem, ext = os.path.splitext(name)
        if ext == ".html" and len(stem) == 64 and stem not in links and all(c in "0123456789abcdef" for c in stem):
            os.unlink(os.path.join(folder, name))
    notes = []
    if failures:
        notes.append(f"{len(failures)} single-report page(s) not written ({failures[0]})")
    if missing:
        notes.append(f"{len(missing)} of the worst reports changed or moved since they were analysed: no page")
    return links, "; ".join(notes)
