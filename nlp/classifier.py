"""Label every cause (TAXONOMY.md) and judge whether it is vague.

Two scikit-learn-style estimators over the features of `nlp.features`:

* `CauseClassifier` — multinomial logistic regression over the labels;
* `VagueClassifier` — logistic regression, vague or not.

`fit` runs a stratified K-fold over the training data first: the held-out
(out-of-fold) scores set a temperature that calibrates the probabilities and
the low-confidence threshold (the confidence below which held-out accuracy
falls under ``low_confidence_accuracy``); then it fits on all the data.

A fitted model is saved as plain data — ``model.json`` (parameters,
vocabularies, calibration, versions, a checksum) and ``weights.npz`` (numeric
arrays only, loaded with ``allow_pickle=False``) — and rebuilt on load without
importing scikit-learn and without executing anything from the files.
Prediction needs numpy only.

    from nlp import classify
    classify(["新录用公务员6名", "工作需要"])
    # [{"text": ..., "label": "staffing", "confidence": 0.93, "vague": False, ...}, ...]
"""
from __future__ import annotations

import csv
import hashlib
import inspect
import io
import json
import os
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from nlp.errors import InputError

LABELS = (
    "restructuring",
    "staffing",
    "supplementary_funding",
    "budget_shortfall",
    "austerity",
    "activity_change",
    "no_change",
    "other",
)
FORMAT = "juesuan-classifier"
FORMAT_VERSION = 1
DEFAULT = "default"  # analyze(model=DEFAULT): $JUESUAN_MODEL, else the bundled models/
ENV_VAR = "JUESUAN_MODEL"
REPO = Path(__file__).resolve().parent.parent
BUNDLED_MODEL = REPO / "models"
MODEL_FILE = "model.json"
WEIGHTS_FILE = "weights.npz"
MAX_MODEL_BYTES = 64 * 1024 * 1024
CARD_FILE = "MODEL_CARD.md"
# "- `weights.npz`: sha256 `<64 hex>`", one line per file of the model card.
_CARD_HASH = re.compile(r"^- `(model\.json|weights\.npz)`: sha256 `([0-9a-f]{64})`", re.M)


class ModelError(InputError):
    """The model cannot be used: missing, damaged, foreign or of another format
    version. One line, naming the path (exit code 2 in the CLI)."""


class ModelVersionWarning(UserWarning):
    """The model was trained with other library versions; it still loads."""


# ------------------------------------------------------------------ estimators


class _Params:
    """get_params/set_params/repr as in scikit-learn, without importing it
    (so that loading a model does not pay scikit-learn's import time);
    `sklearn.base.clone` works on these estimators."""

    @classmethod
    def _param_names(cls) -> list[str]:
        names = set()
        for klass in cls.__mro__:
            if "__init__" in vars(klass) and klass is not object:
                for p in inspect.signature(klass.__init__).parameters.values():
                    if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                        names.add(p.name)
        return sorted(names)

    def get_params(self, deep: bool = True) -> dict:
        return {k: getattr(self, k) for k in self._param_names()}

    def set_params(self, **params):
        names = self._param_names()
        for k, v in params.items():
            if k not in names:
                raise ValueError(f"invalid parameter {k!r} for {type(self).__name__}")
            setattr(self, k, v)
        return self

    def __repr__(self) -> str:
        defaults = {}
        for klass in reversed(type(self).__mro__):
            if "__init__" in vars(klass) and klass is not object:
                defaults.update({p.name: p.default for p in inspect.signature(klass.__init__).parameters.values()})
        changed = [f"{k}={v!r}" for k, v in self.get_params().items() if defaults.get(k) != v]
        return f"{type(self).__name__}({', '.join(changed)})"


class _LinearTextClassifier(_Params):
    """Logistic regression over `nlp.features` (see `Featurizer`).

    C: inverse regularisation; char_ngrams_range, use_words, use_concepts,
    use_concrete, use_core, lexicon, min_df, max_features, indicator_weight:
    the features; class_weight: as in scikit-learn; cv, random_state,
    group_near_duplicates: the held-out folds used for calibration and the
    low-confidence threshold (`low_confidence_accuracy`); augment: report-style
    rewrites of each training text (same target).
    """

    def __init__(
        self,
        *,
        C: float = 4.0,
        char_ngrams_range: tuple = (1, 3),
        use_words: bool = True,
        use_concepts: bool = True,
        use_concrete: bool = True,
        use_core: bool = True,
        lexicon: tuple = (),
        min_df: int = 2,
        max_features: int = 20000,
        indicator_weight: float = 0.5,
        class_weight: str | None = None,
        cv: int = 5,
        random_state: int = 0,
        low_confidence_accuracy: float = 0.75,
        augment: int = 1,
        group_near_duplicates: float = 0.4,
    ):
        self.C = C
        self.char_ngrams_range = char_ngrams_range
        self.use_words = use_words
        self.use_concepts = use_concepts
        self.use_concrete = use_concrete
        self.use_core = use_core
        self.lexicon = lexicon
        self.min_df = min_df
        self.max_features = max_features
        self.indicator_weight = indicator_weight
        self.class_weight = class_weight
        self.cv = cv
        self.random_state = random_state
        self.low_confidence_accuracy = low_confidence_accuracy
        self.augment = augment
        self.group_near_duplicates = group_near_duplicates

    # -- subclass hooks
    def _targets(self, y) -> tuple[list, object]:
        """(classes, target index per example as an int64 array)."""
        raise NotImplementedError

    def _featurizer(self):
        from nlp.features import Featurizer, normalize_lexicon

        return Featurizer(
            char_ngrams_range=tuple(self.char_ngrams_range),
            use_words=self.use_words,
            use_concepts=self.use_concepts,
            use_concrete=self.use_concrete,
            use_core=self.use_core,
            lexicon=normalize_lexicon(self.lexicon),
            min_df=self.min_df,
            max_features=self.max_features,
            indicator_weight=self.indicator_weight,
        )

    def fit(self, X, y):
        """Fit on cause texts `X` and targets `y`; returns self.

        Learned: `classes_`, `featurizer_`, `coef_`, `intercept_`,
        `temperature_`, `low_confidence_threshold_`, and the held-out
        diagnostics `cv_decision_` (raw scores), `cv_proba_` (calibrated) and
        `cv_targets_` (class indices) — None when there are too few examples
        per class to cross-validate. Folds are stratified and keep
        near-duplicate texts together (`group_near_duplicates`, 0 to turn off).
        """
        import numpy as np

        from nlp.features import scores

        texts = [str(t) for t in X]
        classes, yi = self._targets(y)
        if len(texts) != len(yi):
            raise ValueError(f"X has {len(texts)} texts but y has {len(yi)} targets")
        if len(classes) < 2:
            raise ValueError(f"{type(self).__name__} needs at least two classes, got {classes}")
        featurizer = self._featurizer()
        bags = [featurizer.bag(t) for t in texts]
        # extra[i]: bags of report-style rewrites of text i (same target), used
        # for training only, and kept in the fold of their original
        extra = [[featurizer.bag(v) for v in _rewrites(t, self.augment)] for t in texts]

        def train_set(idx):
            b = [bags[i] for i in idx] + [x for i in idx for x in extra[i]]
            t = np.concatenate([yi[idx], np.array([yi[i] for i in idx for _ in extra[i]], dtype=np.int64)])
            return b, t

        counts = np.bincount(yi, minlength=len(classes))
        n_splits = min(int(self.cv), int(counts.max()))
        self.cv_proba_ = None
        self.cv_decision_ = None
        self.cv_targets_ = None
        self.temperature_ = 1.0
        self.low_confidence_threshold_ = 0.0
        if n_splits >= 2 and counts.min() >= 2:
            from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

            from nlp.features import near_duplicate_groups

            logits = np.zeros((len(texts), len(classes)))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # "least populated class has only N members"
                if self.group_near_duplicates:
                    groups = near_duplicate_groups(texts, self.group_near_duplicates)
                    folds = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=self.random_state)
                    splits = list(folds.split(np.zeros(len(texts)), yi, groups))
                else:
                    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=self.random_state)
                    splits = list(folds.split(np.zeros(len(texts)), yi))
            for train, test in splits:
                b, t = train_set(train)
                fz = self._featurizer().fit(b)
                coef, intercept = self._fit_linear(fz, b, t, len(classes))
                logits[test] = scores(fz.transform_bags([bags[i] for i in test]), coef, intercept)
            self.temperature_ = _fit_temperature(logits, yi)
            proba = _softmax(logits / self.temperature_)
            self.cv_decision_ = logits
            self.cv_proba_ = proba
            self.cv_targets_ = yi
            self.low_confidence_threshold_ = _low_confidence_threshold(proba, yi, self.low_confidence_accuracy)
        b, t = train_set(np.arange(len(texts)))
        self.featurizer_ = self._featurizer().fit(b)
        self.coef_, self.intercept_ = self._fit_linear(self.featurizer_, b, t, len(classes))
        self.classes_ = classes
        return self

    def _fit_linear(self, fz, bags, yi, n_classes):
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        from nlp.features import to_csr

        X = to_csr(fz.transform_bags(bags), len(fz.vocabulary_))
        present = np.unique(yi)
        lr = LogisticRegression(C=self.C, max_iter=2000, tol=1e-4, class_weight=self.class_weight)
        # One BLAS thread: L-BFGS on these small problems is several times faster
        # that way here (threads contend), and the arithmetic order is fixed.
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):
            lr.fit(X, yi)
        coef = np.zeros((n_classes, X.shape[1]))
        intercept = np.zeros(n_classes)
        if len(present) == 2:  # binary: one row of weights -> two symmetric rows (softmax == sigmoid)
            coef[present[0]], coef[present[1]] = -lr.coef_[0] / 2, lr.coef_[0] / 2
            intercept[present[0]], intercept[present[1]] = -lr.intercept_[0] / 2, lr.intercept_[0] / 2
            absent = np.setdiff1d(np.arange(n_classes), present)
        else:
            coef[present] = lr.coef_
            intercept[present] = lr.intercept_
            absent = np.setdiff1d(np.arange(n_classes), present)
        intercept[absent] = -1e3  # a class missing from this fold is never predicted by it
        return coef, intercept

    def _check_fitted(self):
        if not hasattr(self, "coef_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet: call fit first")

    def decision_function(self, X):
        """Uncalibrated linear scores, one column per class."""
        from nlp.features import scores

        self._check_fitted()
        fz = self.featurizer_
        return scores(fz.transform_bags([fz.bag(str(t)) for t in X]), self.coef_, self.intercept_)

    def predict_proba(self, X):
        """Calibrated probabilities, one column per class of `classes_`."""
        return _softmax(self.decision_function(X) / self.temperature_)

    def score(self, X, y) -> float:
        import numpy as np

        return float(np.mean(np.asarray(self.predict(X)) == np.asarray(list(y))))


class CauseClassifier(_LinearTextClassifier):
    """Label of a cause: one of `LABELS` (or of the labels of the data it was
    fitted on, which may add its own)."""

    def _targets(self, y):
        import numpy as np

        y = [str(v) for v in y]
        classes = sorted(set(y))
        index = {c: i for i, c in enumerate(classes)}
        return classes, np.array([index[v] for v in y], dtype=np.int64)

    def predict(self, X):
        import numpy as np

        self._check_fitted()
        return np.array(self.classes_, dtype=object)[np.argmax(self.predict_proba(X), axis=1)]


class VagueClassifier(_LinearTextClassifier):
    """Is a cause vague (True) or specific (False)? `decision_threshold` applies
    to the calibrated probability of vague."""

    def __init__(self, *, decision_threshold: float = 0.5, **kwargs):
        super().__init__(**kwargs)
        self.decision_threshold = decision_threshold

    def _targets(self, y):
        import numpy as np

        y = [bool(v) for v in y]
        return [False, True], np.array(y, dtype=np.int64)

    def predict(self, X):
        self._check_fitted()
        return self.predict_proba(X)[:, 1] >= self.decision_threshold


# Parameters of the shipped model, chosen by cross-validation on the corpus only.
CAUSE_PARAMS: dict = dict(C=4.0, use_core=True, indicator_weight=0.25)
VAGUE_PARAMS: dict = dict(C=4.0, use_core=True)


# How reports wrap a cause: a lead-in and a tail that restates the change.
# Training on rewrites with these (same label, same vagueness) teaches the
# models that the wrapping says nothing about the driver. Written from the
# report genre (TAXONOMY.md "What is one cause"), not from evaluation text.
_LEADS = ("", "本年度", "主要是", "由于", "因", "主要原因是", "一是", "本年")
_TAILS = (
    "",
    "，导致支出增加",
    "，导致支出减少",
    "，相应增加支出",
    "，支出相应减少",
    "所致",
    "等原因",
    "，导致本年支出较上年增加",
    "，导致决算数小于预算数",
    "，因此决算数大于预算数",
    "，使得本年收入支出总体较上年减少",
)


def _rewrites(text: str, n: int) -> list[str]:
    """`n` deterministic rewrites of `text` with a report-style lead and tail."""
    import zlib

    out = []
    h = zlib.crc32(text.encode("utf-8"))
    for k in range(n):
        lead = _LEADS[(h + 7 * k) % len(_LEADS)]
        tail = _TAILS[(h // len(_LEADS) + 5 * k) % len(_TAILS)]
        if not lead and not tail:
            tail = _TAILS[1 + (h + k) % (len(_TAILS) - 1)]
        body = text.rstrip("。；;，,")
        out.append(lead + body + tail)
    return out


def _softmax(z):
    import numpy as np

    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _fit_temperature(logits, yi) -> float:
    """Temperature T minimising the held-out log loss of softmax(logits / T)."""
    import numpy as np

    best_t, best = 1.0, np.inf
    rows = np.arange(len(yi))
    for t in np.exp(np.linspace(np.log(0.05), np.log(20.0), 801)):
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        nll = -np.mean(z[rows, yi] - np.log(np.exp(z).sum(axis=1)))
        if nll < best - 1e-12:
            best_t, best = float(t), nll
    return round(best_t, 6)


def _low_confidence_threshold(proba, yi, target: float) -> float:
    """Confidence below which held-out accuracy falls under `target`.

    Correctness (0/1) is regressed on confidence with an increasing isotonic
    fit; the threshold is the lowest confidence whose fitted accuracy reaches
    `target` (0 when every confidence does).
    """
    from sklearn.isotonic import IsotonicRegression

    conf = proba.max(axis=1)
    correct = (proba.argmax(axis=1) == yi).astype(float)
    fitted = IsotonicRegression(increasing=True, out_of_bounds="clip").fit(conf, correct).predict(conf)
    ok = conf[fitted >= target]
    if len(ok) == 0:
        return round(float(conf.max()), 4)
    t = float(ok.min())
    return 0.0 if t <= conf.min() else round(t, 4)


# ------------------------------------------------------------------ the model


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

    def predict(self, texts) -> list[dict]:
        """One dict per text: text (as given), label, confidence, vague,
        vague_confidence, low_confidence (confidence below the model's
        threshold). The model reads each text normalised (`nlp.normalize.plain`:
        simplified script, no pinyin glosses), the script it was trained on."""
        from nlp.normalize import plain

        texts = [str(t) for t in texts]
        if not texts:
            return []
        plains = [plain(t) for t in texts]
        # Reports repeat reasons (and the same reason in two scripts reads
        # the same): classify each normalised text once.
        unique = list(dict.fromkeys(plains))
        proba = self.label.predict_proba(unique)
        best = proba.argmax(axis=1)
        if self.vague is not None:
            p_vague = self.vague.predict_proba(unique)[:, 1]
        rows = {}
        threshold = self.low_confidence_threshold
        for n, key in enumerate(unique):
            conf = float(proba[n, best[n]])
            row = {"label": self.label.classes_[best[n]], "confidence": round(conf, 4)}
            if self.vague is not None:
                v = bool(p_vague[n] >= self.vague.decision_threshold)
                row["vague"] = v
                row["vague_confidence"] = round(float(p_vague[n] if v else 1 - p_vague[n]), 4)
            else:
                row["vague"] = None
                row["vague_confidence"] = None
            row["low_confidence"] = conf < threshold
            rows[key] = row
        return [{"text": text, **rows[key]} for text, key in zip(texts, plains)]


def _versions() -> dict:
    import platform
    from importlib.metadata import PackageNotFoundError, version

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
    import numpy as np

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
    from nlp.features import FEATURES_VERSION

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
        import sys

        installed = Path(sys.prefix) / "share" / "juesuan" / "models"
        return installed if (installed / MODEL_FILE).is_file() else BUNDLED_MODEL
    return Path(model)


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
    import numpy as np

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
    version = meta.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelError(
            f"{model_file}: model format version {version}, this juesuan reads version {FORMAT_VERSION}: "
            "retrain it with `python train.py` (or use the juesuan it was made with)"
        )
    from nlp.features import FEATURES_VERSION

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
        warnings=_version_warnings(model_file, meta.get("trained_with") or {}),
    )


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
    import numpy as np

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


# ------------------------------------------------------------------ using it


def classify(texts, model=DEFAULT) -> list[dict]:
    """Classify cause texts: [{"text", "label", "confidence", "vague",
    "vague_confidence", "low_confidence"}, ...] in input order.

    `model`: DEFAULT ($JUESUAN_MODEL or the bundled models/), a directory, or
    a loaded `Model`.
    """
    if isinstance(texts, str):
        texts = [texts]
    return load_model(model).predict(list(texts))


def label_report(report, model=DEFAULT):
    """Fill label, confidence and vague of every cause of `report` (in place);
    an explanation with a cause below the low-confidence threshold gets the
    flag "low_confidence". Returns the report."""
    m = load_model(model)
    causes = [(e, c) for e in report.explanations for c in e.causes]
    for (e, c), p in zip(causes, m.predict([c.text for _, c in causes])):
        c.label, c.confidence, c.vague = p["label"], p["confidence"], p["vague"]
        if p["low_confidence"] and "low_confidence" not in e.flags:
            e.flags.append("low_confidence")
    return report


def render_table(rows: list[dict]) -> str:
    """`juesuan classify --format text`: one cause a line, low confidence marked."""
    head = f"{'label':<22} {'conf':>5}  {'vague':<5} {'vconf':>5}  text"
    lines = [head, "-" * len(head)]
    for r in rows:
        vague = "—" if r["vague"] is None else "yes" if r["vague"] else "no"
        vconf = "" if r["vague_confidence"] is None else f"{r['vague_confidence']:.2f}"
        mark = "?" if r["low_confidence"] else " "
        lines.append(f"{r['label']:<22} {r['confidence']:.2f}{mark} {vague:<5} {vconf:>5}  {r['text']}")
    low = sum(r["low_confidence"] for r in rows)
    if low:
        lines.append(f"? = low confidence (below the model's threshold): {low} of {len(rows)}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------ labelled data

_ALIASES = {
    "text": ("text", "cause", "原因", "文本"),
    "label": ("label", "标签", "类别"),
    "vague": ("vague", "模糊", "是否模糊"),
}
_TRUE = {"true", "1", "1.0", "yes", "y", "t", "是", "模糊", "vague"}
_FALSE = {"false", "0", "0.0", "no", "n", "f", "否", "具体", "specific"}
_LABEL_RE = re.compile(r"^[\w\-.]{1,64}$")


@dataclass
class LabelledRow:
    text: str
    label: str
    vague: bool | None
    where: str  # "file:line"


@dataclass
class LabelledData:
    """Rows read from labelled files, with every row that was not used and why."""

    rows: list[LabelledRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "file:line: reason" — bad rows
    unlabelled: list[str] = field(default_factory=list)  # "file:line" rows with neither label nor vague
    duplicates: list[str] = field(default_factory=list)  # "file:line: same text and label as file:line"


def read_labelled(paths, into: LabelledData | None = None) -> LabelledData:
    """Read CSV, JSONL or XLSX files with columns text,label[,vague].

    Nothing is dropped silently: bad rows go to `errors`, rows with neither
    label nor vague (e.g. not yet labelled in a label-export file) to
    `unlabelled`, repeated texts with the same label to `duplicates`; each with
    its file and line (spreadsheet row) number. Raises `InputError` when a file
    cannot be read at all.
    """
    data = into or LabelledData()
    seen: dict[str, LabelledRow] = {r.text: r for r in data.rows}
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for path in paths:
        path = Path(path)
        for where, record in _records(path):
            _check_row(data, seen, where, record)
    return data


def _records(path: Path):
    name = str(path)
    if not path.is_file():
        raise InputError(f"{name}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        yield from _jsonl_records(path, name)
    elif suffix in (".csv", ".tsv"):
        yield from _table_records(_csv_rows(path, name), name)
    elif suffix in (".xlsx", ".xlsm"):
        yield from _table_records(_xlsx_rows(path, name), name)
    else:
        raise InputError(f"{name}: unsupported labelled-data format {suffix or '(none)'} (use .csv, .jsonl or .xlsx)")


def _jsonl_records(path: Path, name: str):
    from nlp.readers.text import decode

    for n, line in enumerate(decode(path.read_bytes(), name).splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield f"{name}:{n}", f"invalid JSON ({e.msg})"
            continue
        if not isinstance(obj, dict):
            yield f"{name}:{n}", "not a JSON object"
            continue
        yield f"{name}:{n}", {k: obj.get(k) for k in ("text", "label", "vague")}


def _csv_rows(path: Path, name: str):
    from nlp.readers.text import decode

    text = decode(path.read_bytes(), name)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def _xlsx_rows(path: Path, name: str):
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a dependency
        raise InputError(f"{name}: reading .xlsx needs openpyxl (pip install openpyxl)") from None
    from nlp.readers.zipguard import check_zip

    check_zip(path, name, kind="zip/XLSX")  # bombs and ../ paths, before openpyxl opens it
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # zipfile/openpyxl raise many kinds for a damaged file
        raise InputError(f"{name}: not a readable .xlsx file ({type(e).__name__})") from None
    try:
        ws = wb.worksheets[0]
        for n, row in enumerate(ws.iter_rows(values_only=True), 1):
            yield n, ["" if v is None else v for v in row]
    finally:
        wb.close()


def _table_records(rows, name: str):
    header = None
    for n, row in rows:
        cells = [_unguarded(c.strip()) if isinstance(c, str) else c for c in row]
        if not any(str(c).strip() for c in cells):
            continue  # blank line: not a row
        if header is None:
            header = _header(cells, name, n)
            continue
        extra = [c for c in cells[header["_width"] :] if str(c).strip()]
        if extra:
            yield f"{name}:{n}", f"{len(cells)} fields but the header has {header['_width']} (unquoted comma in the text?)"
            continue
        cells = list(cells) + [""] * max(0, header["_width"] - len(cells))
        yield f"{name}:{n}", {k: cells[i] for k, i in header.items() if not k.startswith("_")}


def _unguarded(text: str) -> str:
    """Undo the apostrophe `write_rows` puts before a formula start."""
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text


def _header(cells, name: str, n: int) -> dict:
    found = {}
    lowered = [str(c).strip().lower().lstrip("\ufeff") for c in cells]
    for key, aliases in _ALIASES.items():
        for i, c in enumerate(lowered):
            if c in aliases and key not in found:
                found[key] = i
    if "text" not in found or "label" not in found:
        shown = ",".join(map(str, cells))[:120]
        raise InputError(f"{name}:{n}: the header needs columns text,label[,vague]; found: {shown}")
    width = len(cells)
    while width and not str(cells[width - 1]).strip():
        width -= 1
    found["_width"] = width
    return found


def _check_row(data: LabelledData, seen: dict, where: str, record) -> None:
    if isinstance(record, str):
        data.errors.append(f"{where}: {record}")
        return
    text = record.get("text")
    label = record.get("label")
    vague = record.get("vague")
    text = "" if text is None else str(text).strip()
    label = "" if label is None else str(label).strip()
    vague_s = "" if vague is None else str(vague).strip()
    if not text:
        if label or vague_s:
            data.errors.append(f"{where}: empty text")
        return
    if not label and not vague_s:
        data.unlabelled.append(where)
        return
    if not label:
        data.errors.append(f"{where}: no label")
        return
    if not _LABEL_RE.match(label):
        data.errors.append(f"{where}: label {label[:40]!r} is not a name (letters, digits, _ - . only)")
        return
    if isinstance(vague, bool):
        v = vague
    elif not vague_s:
        v = None
    elif vague_s.lower() in _TRUE:
        v = True
    elif vague_s.lower() in _FALSE:
        v = False
    else:
        data.errors.append(f"{where}: vague must be true/false (or 1/0, yes/no, 是/否), got {vague_s[:20]!r}")
        return
    first = seen.get(text)
    if first is not None:
        if first.label != label or (v is not None and first.vague is not None and first.vague != v):
            data.errors.append(
                f"{where}: same text as {first.where} but labelled {label}/{v} there {first.label}/{first.vague}"
            )
        else:
            data.duplicates.append(f"{where}: same text and label as {first.where}")
        return
    row = LabelledRow(text, label, v, where)
    seen[text] = row
    data.rows.append(row)


# ----------------------------------------------------- exporting for labelling

EXPORT_COLUMNS = (
    "text",
    "label",
    "vague",
    "suggested_label",
    "confidence",
    "suggested_vague",
    "vague_confidence",
    "occurrences",
    "report",
    "explanation",
    "page",
    "item",
)


def export_rows(reports) -> list[dict]:
    """Distinct causes of labelled reports as rows for people to label, least
    confident first (active learning). `label`/`vague` are left empty for the
    labeller; the model's guesses are in `suggested_*`."""
    rows: dict[str, dict] = {}
    for report in reports:
        for e in report.explanations:
            for c in e.causes:
                if c.text in rows:
                    rows[c.text]["occurrences"] += 1
                    continue
                item = e.statement.item if e.statement else (e.row.indicator if e.row else "")
                rows[c.text] = {
                    "text": c.text,
                    "label": "",
                    "vague": "",
                    "suggested_label": c.label,
                    "confidence": c.confidence,
                    "suggested_vague": c.vague,
                    "vague_confidence": None,
                    "occurrences": 1,
                    "report": report.source,
                    "explanation": e.id,
                    "page": e.location.page,
                    "item": item,
                }
    return list(rows.values())


def rank_for_labelling(rows: list[dict], model=DEFAULT) -> list[dict]:
    """Fill the suggestions with `model` and sort least confident first
    (label confidence, then vague confidence, then text)."""
    preds = load_model(model).predict([r["text"] for r in rows])
    for r, p in zip(rows, preds):
        r.update(suggested_label=p["label"], confidence=p["confidence"], suggested_vague=p["vague"],
                 vague_confidence=p["vague_confidence"])
    return sorted(rows, key=lambda r: (r["confidence"], r["vague_confidence"] or 0, r["text"]))


def write_rows(rows: list[dict], out, fmt: str) -> None:
    """Write rows as CSV (UTF-8 with BOM, so spreadsheet programs read the
    Chinese right) to a path or text stream, or as XLSX to a path. No cell
    can become a formula: XLSX text is always a string cell, and a CSV text
    starting with = + - @ gets a leading apostrophe (read back by
    `read_labelled`)."""
    if fmt == "xlsx":
        from nlp.batch.xlsx import Workbook

        with Workbook(str(out)) as book:
            sheet = book.add_sheet("causes", list(EXPORT_COLUMNS))
            for r in rows:
                sheet.append([_cell(r.get(k)) for k in EXPORT_COLUMNS])
        return
    if isinstance(out, (str, os.PathLike)):
        with open(out, "w", encoding="utf-8-sig", newline="") as f:
            _write_csv(rows, f)
    else:
        _write_csv(rows, out)


def _write_csv(rows, f) -> None:
    from nlp.report.tables import csv_cell

    w = csv.writer(f, lineterminator="\n")
    w.writerow(EXPORT_COLUMNS)
    for r in rows:
        w.writerow([csv_cell(_cell(r.get(k))) for k in EXPORT_COLUMNS])


def _cell(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return v


# ------------------------------------------------------------------ evaluation

SHARED = REPO.parent / "shared"
GOLD_PATTERNS = (str(SHARED / "seeds" / "*.gold.jsonl"), str(REPO / "tests" / "gold" / "real_pdfs" / "*.gold.jsonl"))


def gold_files(patterns=GOLD_PATTERNS) -> list[Path]:
    import glob

    return [Path(p) for pattern in patterns for p in sorted(glob.glob(pattern))]


def gold_causes(files=None) -> tuple[list[tuple[str, str, bool | None]], dict]:
    """Distinct real causes of hand-made gold files (explanations with
    `causes`), each text once — the first gold label wins; returns the causes
    as (text, label, vague) and counts (occurrences, conflicting labels).
    Texts located in a PDF (nlp.gold) are read from it; a file whose PDF is
    absent is left out."""
    from nlp import gold

    files = gold_files() if files is None else [Path(f) for f in files]
    loaded = [(f, records) for f in files if (records := gold.load(f)) is not None]
    seen: dict[str, tuple[str, str, bool | None]] = {}
    occurrences = conflicts = 0
    for _, records in loaded:
        for record in records:
            for c in record.get("causes") or []:
                occurrences += 1
                item = (c["text"], c.get("label"), c.get("vague"))
                if c["text"] in seen:
                    conflicts += seen[c["text"]][1:] != item[1:]
                else:
                    seen[c["text"]] = item
    return list(seen.values()), {"files": [os.path.relpath(f, REPO) for f, _ in loaded], "occurrences": occurrences,
                                 "distinct": len(seen), "conflicting_duplicates": conflicts}


def far_from(items, texts, threshold: float = 0.5) -> list:
    """The (text, label, vague) items with no line of `texts` as similar as
    `threshold` (character-bigram Jaccard, digits masked, punctuation
    dropped): the real causes that no training line paraphrases."""
    from nlp.features import bigrams

    train = [bigrams(t) for t in texts]
    far = []
    for item in items:
        g = bigrams(item[0])
        if all(len(g & h) < threshold * len(g | h) for h in train):
            far.append(item)
    return far


def label_scores(y_true, y_pred, labels=None) -> dict:
    """Accuracy, macro-F1 (over the labels in y_true or y_pred, as
    scikit-learn's default), per-label precision/recall/F1/support and the
    confusion matrix (rows: true, columns: predicted)."""
    y_true, y_pred = [str(v) for v in y_true], [str(v) for v in y_pred]
    present = set(y_true) | set(y_pred)
    preferred = list(labels or [])
    labels = [l for l in preferred if l in present] + sorted(present - set(preferred))
    per = {}
    for l in labels:
        tp = sum(t == l and p == l for t, p in zip(y_true, y_pred))
        fp = sum(t != l and p == l for t, p in zip(y_true, y_pred))
        fn = sum(t == l and p != l for t, p in zip(y_true, y_pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[l] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "support": tp + fn}
    index = {l: i for i, l in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for t, p in zip(y_true, y_pred):
        matrix[index[t]][index[p]] += 1
    n = len(y_true)
    return {
        "n": n,
        "accuracy": round(sum(t == p for t, p in zip(y_true, y_pred)) / n, 4) if n else None,
        "macro_f1": round(sum(v["f1"] for v in per.values()) / len(per), 4) if per else None,
        "per_label": per,
        "confusion": {"labels": labels, "matrix": matrix},
    }


def vague_scores(y_true, y_pred) -> dict:
    """F1, precision and recall of "vague" (the positive class), and accuracy."""
    pairs = [(bool(t), bool(p)) for t, p in zip(y_true, y_pred) if t is not None]
    tp = sum(t and p for t, p in pairs)
    fp = sum(p and not t for t, p in pairs)
    fn = sum(t and not p for t, p in pairs)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return {
        "n": len(pairs),
        "f1": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0,
        "precision": round(prec, 4),
        "recall": round(rec, 4),
        "accuracy": round(sum(t == p for t, p in pairs) / len(pairs), 4) if pairs else None,
        "vague_share_true": round(sum(t for t, _ in pairs) / len(pairs), 4) if pairs else None,
    }


def evaluate(model, items) -> dict:
    """Scores of `model` on (text, label, vague) items."""
    m = load_model(model)
    preds = m.predict([t for t, _, _ in items])
    out = {"label": label_scores([l for _, l, _ in items], [p["label"] for p in preds], list(LABELS))}
    if m.vague is not None:
        out["vague"] = vague_scores([v for _, _, v in items], [p["vague"] for p in preds])
    out["low_confidence_share"] = round(sum(p["low_confidence"] for p in preds) / len(preds), 4) if preds else None
    return out


def calibration_error(proba, yi, bins: int = 10) -> float:
    """Expected calibration error of the top-class confidence (equal-width bins)."""
    import numpy as np

    conf = proba.max(axis=1)
    correct = proba.argmax(axis=1) == yi
    edges = np.linspace(0, 1, bins + 1)
    err = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            err += m.mean() * abs(conf[m].mean() - correct[m].mean())
    return round(float(err), 4)
