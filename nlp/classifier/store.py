"""A fitted model as plain data, and back.

``model.json`` (parameters, vocabularies, calibration, versions, a checksum)
and ``weights.npz`` (numeric arrays only, loaded with ``allow_pickle=False``);
``MODEL_CARD.md`` beside them lists the sha256 of both files. Loading checks
the format, the format and features versions, the checksum and the card's
hashes, and rebuilds the estimators without importing scikit-learn and
without executing anything from the files. A model that fails any check is
refused with one line (`ModelError`); other library versions only warn
(`ModelVersionWarning`).

The bundled model's hash (`model_hash`) is pinned in the package
(nlp/data/bundled_model.sha256, written by `python train.py` when it
retrains models/): a bundled model that does not match is refused, since a
forger can recompute the checksum and the card but not this package; a
model directory of the user's own loads with a warning naming its hash.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import re
import sys
import warnings
import zipfile
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from nlp.classifier.estimators import CauseClassifier, VagueClassifier, _LinearTextClassifier
from nlp.errors import InputError
from nlp.features import FEATURES_VERSION
from nlp.normalize import plain

FORMAT = "juesuan-classifier"
FORMAT_VERSION = 1
DEFAULT = "default"  # analyze(model=DEFAULT): $JUESUAN_MODEL, else the bundled models/
ENV_VAR = "JUESUAN_MODEL"
REPO = Path(__file__).resolve().parents[2]
BUNDLED_MODEL = REPO / "models"
MODEL_FILE = "model.json"
WEIGHTS_FILE = "weights.npz"
MAX_MODEL_BYTES = 64 * 1024 * 1024
CARD_FILE = "MODEL_CARD.md"
PINNED_FILE = Path(__file__).resolve().parents[1] / "data" / "bundled_model.sha256"
# "- `weights.npz`: sha256 `<64 hex>`", one line per file of the model card.
_CARD_HASH = re.compile(r"^- `(model\.json|weights\.npz)`: sha256 `([0-9a-f]{64})`", re.M)


class ModelError(InputError):
    """The model cannot be used: missing, damaged, foreign or of another format
    version. One line, naming the path (exit code 2 in the CLI)."""


class ModelVersionWarning(UserWarning):
    """The model loads, with something to say: it was trained with other
    library versions, or it is not the bundled model (its hash is named)."""


@dataclass
class Model:
    """A label head and a vague head, with what the model file recorded."""

    label: CauseClassifier
    vague: VagueClassifier | None
    info: dict = field(default_factory=dict)
    path: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def low_confidence_threshold(self) -> float:
        return float(self.label.low_confidence_threshold_)

    def predict(self, texts, items=None, sections=None) -> list[dict]:
        """One dict per text: text (as given), label, confidence, vague,
        vague_confidence, low_confidence (confidence below the model's
        threshold). `items` and `sections` (one per text, None where unknown)
        give the item and section heading whose change each cause explains.
        The model reads each text normalised (`nlp.normalize.plain`:
        simplified script, no pinyin glosses), the script it was trained on.
        A text with no Chinese character is off-topic: `other`, vague, and
        the confidence of a guess."""
        texts = [str(t) for t in texts]
        if not texts:
            return []
        items = list(items) if items is not None else [None] * len(texts)
        sections = list(sections) if sections is not None else [None] * len(texts)
        keys = [(plain(t), i or None, s or None) for t, i, s in zip(texts, items, sections, strict=True)]
        # Reports repeat reasons (and the same reason in two scripts reads
        # the same): classify each normalised text (in its context) once.
        unique = list(dict.fromkeys(keys))
        proba = self.label.predict_proba(unique)
        best = proba.argmax(axis=1)
        if self.vague is not None:
            p_vague = self.vague.predict_proba(unique)[:, 1]
        rows = {}
        threshold = self.low_confidence_threshold
        classes = list(self.label.classes_)
        for n, key in enumerate(unique):
            conf = float(proba[n, best[n]])
            row = {"label": classes[best[n]], "confidence": round(conf, 4)}
            off_topic = not _CJK.search(key[0]) and not _PLACEHOLDER.fullmatch(key[0]) and "other" in classes
            if off_topic:
                row = {"label": "other", "confidence": round(1 / len(classes), 4)}
            if self.vague is not None:
                v = off_topic or bool(p_vague[n] >= self.vague.decision_threshold)
                row["vague"] = v
                row["vague_confidence"] = 0.5 if off_topic else round(float(p_vague[n] if v else 1 - p_vague[n]), 4)
            else:
                row["vague"] = None
                row["vague_confidence"] = None
            row["low_confidence"] = row["confidence"] < threshold
            rows[key] = row
        return [{"text": text, **rows[key]} for text, key in zip(texts, keys, strict=True)]


_CJK = re.compile(r"[\u3400-\u9fff]")
_PLACEHOLDER = re.compile(r"[\sXx×*＊]+")  # a template's blank (XXXX): the model knows it


def _versions() -> dict:
    out = {"python": platform.python_version()}
    for dist in ("scikit-learn", "numpy", "spacy", "jieba"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = None
    return out


def _head_to_data(head: _LinearTextClassifier) -> tuple[dict, dict]:
    params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in head.get_params().items()}
    meta = {
        "estimator": type(head).__name__,
        "params": params,
        "classes": list(head.classes_),
        "temperature": head.temperature_,
        "low_confidence_threshold": head.low_confidence_threshold_,
        "vocabulary": list(head.featurizer_.vocabulary_),
    }
    arrays = {"coef": head.coef_, "intercept": head.intercept_, "idf": head.featurizer_.idf_}
    return meta, arrays


def _canonical(meta: dict) -> bytes:
    return json.dumps(meta, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write_npz(path: Path, arrays: dict) -> bytes:
    """An .npz with fixed zip timestamps, so the same model gives the same bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            arr = io.BytesIO()
            np.lib.format.write_array(arr, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            zf.writestr(info, arr.getvalue())
    data = buf.getvalue()
    path.write_bytes(data)
    return data


def save_model(model: Model, directory: str | os.PathLike) -> Path:
    """Write `model` to `directory` as model.json + weights.npz (plain data)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    heads, arrays = {}, {}
    for name, head in (("label", model.label), ("vague", model.vague)):
        if head is None:
            continue
        meta, arr = _head_to_data(head)
        heads[name] = meta
        arrays.update({f"{name}.{k}": v for k, v in arr.items()})
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "features_version": FEATURES_VERSION,
        "trained_with": model.info.get("trained_with") or _versions(),
        "info": {k: v for k, v in model.info.items() if k != "trained_with"},
        "heads": heads,
    }
    weights = _write_npz(directory / WEIGHTS_FILE, arrays)
    meta["checksum"] = "sha256:" + hashlib.sha256(_canonical(meta) + weights).hexdigest()
    text = json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=False)
    (directory / MODEL_FILE).write_text(text + "\n", encoding="utf-8")
    (directory / CARD_FILE).write_text("# Model card: juesuan cause classifier\n\n" + card_files(directory), encoding="utf-8")
    return directory


def card_files(directory: str | os.PathLike) -> str:
    """The model card's "Files" section: the sha256 of each model file,
    checked at every load. The checksum inside model.json only catches
    accidents (whoever edits the weights can recompute it); the card is the
    record a person keeps and compares."""
    directory = Path(directory)
    lines = ["## Files", "", "Checked by juesuan each time the model is loaded:", ""]
    for name in (MODEL_FILE, WEIGHTS_FILE):
        lines.append(f"- `{name}`: sha256 `{hashlib.sha256((directory / name).read_bytes()).hexdigest()}`")
    return "\n".join(lines) + "\n"


def resolve_model_path(model=DEFAULT) -> Path:
    """DEFAULT -> $JUESUAN_MODEL if set, else the bundled model: <repo>/models
    in a checkout, <prefix>/share/juesuan/models in an installed juesuan."""
    if model is None or model == DEFAULT:
        env = os.environ.get(ENV_VAR)
        if env:
            return Path(env)
        if (BUNDLED_MODEL / MODEL_FILE).is_file():
            return BUNDLED_MODEL
        installed = Path(sys.prefix) / "share" / "juesuan" / "models"
        return installed if (installed / MODEL_FILE).is_file() else BUNDLED_MODEL
    return Path(model)


def model_hash(model=DEFAULT) -> str:
    """The identity of a model directory: "sha256:<hex>" of the sha256sum
    listing of its two files, i.e. what
    `cd models && sha256sum model.json weights.npz | sha256sum` prints.
    Any change to either file changes it. `model`: DEFAULT, a directory, its
    model.json, or a loaded `Model`. Raises `ModelError` (one line) when a
    file cannot be read."""
    if isinstance(model, Model):
        model = model.path
    path = resolve_model_path(model)
    folder = path if path.is_dir() else path.parent
    listing = []
    for name in (MODEL_FILE, WEIGHTS_FILE):
        try:
            digest = _file_sha256(folder / name)
        except OSError as e:
            raise ModelError(f"{folder}: cannot read {name} ({e.strerror or type(e).__name__})") from None
        listing.append(f"{digest}  {name}\n")
    return "sha256:" + hashlib.sha256("".join(listing).encode("ascii")).hexdigest()


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def pinned_hash() -> str:
    """The hash of the bundled model this package was released with."""
    return PINNED_FILE.read_text(encoding="ascii").split()[0]


def pin_bundled_model() -> str:
    """Pin the hash of the bundled models/ as it is now (`python train.py`
    does this after retraining models/); returns it."""
    digest = model_hash(BUNDLED_MODEL)
    PINNED_FILE.write_text(
        f"{digest}\n"
        "# model_hash of the bundled models/ (nlp.classifier.model_hash; = `cd models && sha256sum model.json weights.npz | sha256sum`).\n"
        "# `python train.py` rewrites this file when it retrains models/; a bundled model that does not match is refused.\n",
        encoding="ascii")
    return digest


def _bundled_locations() -> set[Path]:
    return {BUNDLED_MODEL.resolve(), (Path(sys.prefix) / "share" / "juesuan" / "models").resolve()}


_CACHE: dict = {}


def load_model(model=DEFAULT) -> Model:
    """Load a model directory (cached per path and file times).

    Raises `ModelError` (one line) for a missing, damaged, tampered or foreign
    model, or one of another format version; warns (`ModelVersionWarning`)
    when it was trained with other library versions.
    """
    if isinstance(model, Model):
        return model
    path = resolve_model_path(model)
    model_file = path / MODEL_FILE if path.is_dir() else path
    weights_file = model_file.parent / WEIGHTS_FILE
    try:
        key = (str(model_file.resolve()), model_file.stat().st_mtime_ns, weights_file.stat().st_mtime_ns)
    except OSError:
        key = None
    if key in _CACHE:
        cached = _CACHE[key]
        for w in cached.warnings:
            warnings.warn(w, ModelVersionWarning, stacklevel=2)
        return cached
    loaded = _load(path)
    for w in loaded.warnings:
        warnings.warn(w, ModelVersionWarning, stacklevel=2)
    if key is not None:
        _CACHE[key] = loaded
    return loaded


def _load(path: Path) -> Model:
    where = str(path)
    if not path.exists():
        hint = " (choose one with --model DIR or $JUESUAN_MODEL, build one with `python train.py`, or score with --no-model)"
        raise ModelError(f"{where}: no model there{hint}")
    if path.is_dir():
        model_file = path / MODEL_FILE
        if not model_file.is_file():
            raise ModelError(f"{where}: not a juesuan model directory (no {MODEL_FILE}; expected {MODEL_FILE} + {WEIGHTS_FILE})")
    else:
        model_file = path
        if path.name != MODEL_FILE:
            raise ModelError(
                f"{where}: not a juesuan model (expected a directory with {MODEL_FILE} + {WEIGHTS_FILE}; "
                "pickle/joblib/skops files are not loaded)"
            )
    weights_file = model_file.parent / WEIGHTS_FILE
    for f in (model_file, weights_file):
        if not f.is_file():
            raise ModelError(f"{where}: incomplete model: {f.name} is missing")
        if f.stat().st_size > MAX_MODEL_BYTES:
            raise ModelError(f"{f}: too large for a juesuan model ({f.stat().st_size} bytes)")
    try:
        meta_bytes = model_file.read_bytes()
        meta = json.loads(meta_bytes.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ModelError(f"{model_file}: not a juesuan model (not JSON)") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelError(f"{model_file}: not a juesuan model (no \"format\": \"{FORMAT}\")")
    format_version = meta.get("format_version")
    if format_version != FORMAT_VERSION:
        raise ModelError(
            f"{model_file}: model format version {format_version}, this juesuan reads version {FORMAT_VERSION}: "
            "retrain it with `python train.py` (or use the juesuan it was made with)"
        )
    if meta.get("features_version") != FEATURES_VERSION:
        raise ModelError(
            f"{model_file}: model made for features version {meta.get('features_version')}, this juesuan computes "
            f"version {FEATURES_VERSION}: retrain it with `python train.py`"
        )
    weights = weights_file.read_bytes()
    body = {k: v for k, v in meta.items() if k != "checksum"}
    expected = "sha256:" + hashlib.sha256(_canonical(body) + weights).hexdigest()
    if meta.get("checksum") != expected:
        raise ModelError(
            f"{where}: model files fail their checksum (changed or damaged since training): "
            "restore them or retrain with `python train.py`"
        )
    try:
        with np.load(io.BytesIO(weights), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        heads = {name: _head_from_data(name, h, arrays) for name, h in meta["heads"].items()}
    except (ValueError, KeyError, TypeError, OSError, zipfile.BadZipFile) as e:
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ModelError(f"{where}: not a usable juesuan model ({msg})") from None
    if "label" not in heads:
        raise ModelError(f"{where}: not a usable juesuan model (no label head)")
    _check_card(where, model_file, meta_bytes, weights)
    return Model(
        label=heads["label"],
        vague=heads.get("vague"),
        info={"trained_with": meta.get("trained_with", {}), **meta.get("info", {})},
        path=where,
        warnings=_version_warnings(model_file, meta.get("trained_with") or {}) + _pin_warnings(where, model_file.parent),
    )


def _pin_warnings(where: str, folder: Path) -> list[str]:
    """Refuse a bundled model that is not the one pinned in the package;
    warn, naming its hash, about a model of the user's own."""
    digest, pinned = model_hash(folder), pinned_hash()
    if digest == pinned:
        return []
    if folder.resolve() in _bundled_locations():
        raise ModelError(
            f"{where}: 附带的模型已被改动（{digest}，本版 juesuan 固定为 {pinned}），拒绝使用 / "
            "the bundled model is not the one this juesuan was released with: restore models/, "
            "or after `python train.py` keep the nlp/data/bundled_model.sha256 it writes"
        )
    return [f"{where}: 使用自己的模型 {digest}（不是附带的模型 / your own model, not the bundled one)"]


def _check_card(where: str, model_file: Path, meta_bytes: bytes, weights: bytes) -> None:
    card = model_file.parent / CARD_FILE
    try:
        listed = dict(_CARD_HASH.findall(card.read_text(encoding="utf-8", errors="replace")[:1_000_000]))
    except OSError:
        raise ModelError(f"{where}: no {CARD_FILE} with the sha256 of the model files; retrain with `python train.py`") from None
    actual = {MODEL_FILE: hashlib.sha256(meta_bytes).hexdigest(), WEIGHTS_FILE: hashlib.sha256(weights).hexdigest()}
    for name, digest in actual.items():
        if name not in listed:
            raise ModelError(f"{where}: {CARD_FILE} does not give the sha256 of {name}; retrain with `python train.py`")
        if listed[name] != digest:
            raise ModelError(
                f"{where}: {name} does not match the sha256 in {CARD_FILE} (changed since training): "
                "restore the model or retrain with `python train.py`"
            )


def _head_from_data(name: str, h: dict, arrays: dict) -> _LinearTextClassifier:
    cls = {"CauseClassifier": CauseClassifier, "VagueClassifier": VagueClassifier}.get(h.get("estimator"))
    if cls is None:
        raise ValueError(f"unknown estimator {h.get('estimator')!r}")
    names = set(cls._param_names())
    params = {k: (tuple(v) if isinstance(v, list) else v) for k, v in h["params"].items() if k in names}
    head = cls(**params)
    coef = arrays[f"{name}.coef"]
    intercept = arrays[f"{name}.intercept"]
    idf = arrays[f"{name}.idf"]
    vocab = h["vocabulary"]
    classes = list(h["classes"])
    for a in (coef, intercept, idf):
        if a.dtype.kind != "f" or not np.all(np.isfinite(a)):
            raise ValueError(f"{name} head: weights are not finite floats")
    if coef.shape != (len(classes), len(vocab)) or intercept.shape != (len(classes),) or idf.shape != (len(vocab),):
        raise ValueError(f"{name} head: weight shapes do not match its vocabulary and classes")
    if not all(isinstance(f, str) for f in vocab):
        raise ValueError(f"{name} head: vocabulary is not a list of strings")
    head.featurizer_ = head._featurizer().set_learned(vocab, idf)
    head.coef_ = coef.astype(np.float64)
    head.intercept_ = intercept.astype(np.float64)
    head.classes_ = [bool(c) for c in classes] if cls is VagueClassifier else [str(c) for c in classes]
    head.temperature_ = float(h["temperature"])
    head.low_confidence_threshold_ = float(h["low_confidence_threshold"])
    head.cv_proba_ = head.cv_decision_ = head.cv_targets_ = None
    return head


def _version_warnings(model_file: Path, trained: dict) -> list[str]:
    now = _versions()
    out = []
    for dist, why in (
        ("scikit-learn", "it loads (plain arrays, no scikit-learn objects), but retraining here may give other scores"),
        ("jieba", "words may be segmented differently"),
    ):
        was, is_ = trained.get(dist), now.get(dist)
        if was and is_ and _minor(was) != _minor(is_):
            out.append(f"{model_file}: model trained with {dist} {was}, this is {is_}: {why}; retrain with `python train.py`")
    return out


def _minor(v: str) -> tuple:
    return tuple(v.split(".")[:2])

