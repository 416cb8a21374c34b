"""The append-only results store of a batch run, in `<out>/.juesuan-batch/`.

    documents.jsonl  one line per analysed document (its rows; see work.py)
    ledger.jsonl     one line per finished file, written *after* its data:
                     {"sha256", "ok": true, "offset", "length", "model", "settings"} or
                     {"sha256", "source", "ok": false, "error", "message", "final", "model", "settings"}
    meta.json        store format and juesuan version
    lock             held (flock) while a run writes here

Both files are appended and flushed after every document, so a run killed
at any moment loses nothing that finished. On `--resume` the ledger is read
back (a torn last line is dropped), the data file is cut back to the end of
the last document the ledger names, and everything the ledger lists as ok —
or as failed for good (a file that cannot be read) — is skipped, if the
same model and the same settings made it: "model" is the identity of the
model that labelled the causes (nlp.batch.work.model_identity), "settings"
the digest of the rules and options that judged it (nlp.config.Settings.digest),
and a result of another model or other settings (or of a juesuan that did
not record them) is done again, so that one run's tables never mix two
models or two sets of settings. The final tables are always rebuilt from
here, so a resumed run gives exactly the output of an uninterrupted one.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from nlp.batch.work import STORE_FORMAT, Result
from nlp.errors import InputError
from nlp.frames import STORE_DIR

DATA = "documents.jsonl"
LEDGER = "ledger.jsonl"
META = "meta.json"


@dataclass
class Entry:
    ok: bool
    offset: int = 0
    length: int = 0
    source: str = ""
    error: str = ""
    message: str = ""
    final: bool = True
    model: str = ""  # the identity of the model that made it ("": not recorded)
    settings: str = ""  # the digest of the settings that judged it ("": not recorded)


class Store:
    """`model` and `settings`: the identity of this run's model and the
    digest of its settings, recorded with each result."""

    def __init__(self, out: str | os.PathLike, resume: bool = False, model: str = "", settings: str = ""):
        self.dir = Path(out) / STORE_DIR
        self.resume = resume
        self.model, self.settings = model, settings
        self.entries: dict[str, Entry] = {}
        self._data = self._ledger = self._lock = None

    # -- opening and recovery
    def open(self) -> Store:
        self.dir.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        meta_path = self.dir / META
        if self.resume and meta_path.exists():
            try:
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                meta = {}
            if meta.get("format") != STORE_FORMAT:
                raise InputError(f"{self.dir}: results of another juesuan version (store format {meta.get('format')}); run again without --resume")
            self._recover()
        else:
            for name in (DATA, LEDGER):
                (self.dir / name).unlink(missing_ok=True)
            import nlp

            meta_path.write_text(json.dumps({"format": STORE_FORMAT, "juesuan": nlp.__version__}), encoding="utf-8")
        self._data = open(self.dir / DATA, "ab")  # noqa: SIM115 - held for the run, closed by close()
        self._ledger = open(self.dir / LEDGER, "ab")  # noqa: SIM115 - as above
        return self

    def _take_lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no lock
            return

        self._lock = open(self.dir / "lock", "w")  # noqa: SIM115 - the lock lives as long as the file is open
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            self._lock = None
            raise InputError(f"{self.dir.parent}: another juesuan batch run is writing there") from None

    def _recover(self) -> None:
        ledger_path, data_path = self.dir / LEDGER, self.dir / DATA
        data_size = data_path.stat().st_size if data_path.exists() else 0
        good = 0  # bytes of the ledger made of whole, valid lines
        end = 0  # end of the last document the ledger vouches for
        if ledger_path.exists():
            with open(ledger_path, "rb") as f:
                for size, sha, entry in _whole_entries(f, data_size):
                    good += size
                    if entry.ok:
                        end = max(end, entry.offset + entry.length)
                    self.entries[sha] = entry
            os.truncate(ledger_path, good)
        if data_size > end and data_path.exists():
            os.truncate(data_path, end)

    # -- state
    def is_done(self, sha: str) -> bool:
        """Finished before with this run's model and settings: analysed, or
        failed for a reason that will not change (the file cannot be read)."""
        e = self.entries.get(sha)
        return e is not None and self._same_run(e) and (e.ok or e.final)

    def made_otherwise(self, sha: str) -> bool:
        """Finished before, but with another model or other settings (or not recorded)."""
        e = self.entries.get(sha)
        return e is not None and not self._same_run(e) and (e.ok or e.final)

    def _same_run(self, e: Entry) -> bool:
        return e.model == self.model and e.settings == self.settings

    def entry(self, sha: str) -> Entry | None:
        return self.entries.get(sha)

    # -- writing (one document at a time, flushed)
    def record(self, result: Result) -> None:
        if result.ok:
            offset = self._data.tell()
            self._data.write(result.line)
            self._data.flush()
            entry = Entry(True, offset, len(result.line), model=self.model, settings=self.settings)
            rec = {"sha256": result.sha256, "ok": True, "offset": offset, "length": entry.length, "model": self.model,
                   "settings": self.settings}
        else:
            entry = Entry(False, source=result.source, error=result.error, message=result.message, final=result.final,
                          model=self.model, settings=self.settings)
            rec = {"sha256": result.sha256, "ok": False, "source": result.source, "error": result.error, "message": result.message,
                   "final": result.final, "model": self.model, "settings": self.settings}
        # A file name that is not UTF-8 is kept exactly: its surrogates as JSON \udcXX escapes.
        self._ledger.write((json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8", "backslashreplace"))
        self._ledger.flush()
        self.entries[result.sha256] = entry

    def close(self) -> None:
        for f in (self._data, self._ledger):
            if f and not f.closed:
                f.flush()
                os.fsync(f.fileno())
                f.close()
        if self._lock:
            self._lock.close()
            self._lock = None

    # -- reading back (final tables)
    def reader(self) -> StoreReader:
        return StoreReader(self.dir / DATA)

    def __enter__(self):
        return self.open()

    def __exit__(self, *exc):
        self.close()


class StoreReader:
    def __init__(self, path: Path):
        self._f = open(path, "rb")  # noqa: SIM115 - read entry by entry, closed by close()

    def read(self, entry: Entry) -> dict:
        self._f.seek(entry.offset)
        return json.loads(self._f.read(entry.length))

    def close(self) -> None:
        self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _whole_entries(ledger, data_size: int):
    """(bytes, sha256, Entry) of each ledger line, up to the first torn or
    invalid one, or one naming data beyond `data_size` (lost: redo from there)."""
    for raw in ledger:
        if not raw.endswith(b"\n"):
            return
        try:
            rec = json.loads(raw)
            entry = _entry(rec)
        except (ValueError, KeyError, TypeError):
            return
        if entry.ok and entry.offset + entry.length > data_size:
            return
        yield len(raw), rec["sha256"], entry


def _entry(rec: dict) -> Entry:
    if not isinstance(rec["sha256"], str):
        raise TypeError
    model, settings = str(rec.get("model", "")), str(rec.get("settings", ""))
    if rec["ok"]:
        return Entry(True, int(rec["offset"]), int(rec["length"]), model=model, settings=settings)
    return Entry(False, source=rec.get("source", ""), error=rec.get("error", ""), message=rec.get("message", ""),
                 final=bool(rec.get("final", True)), model=model, settings=settings)
