"""Model files from elsewhere: loading refuses untrusted types and says why,
and a tampered model is detected before use.

The bundled model (models/) is copied to a temporary folder and damaged
there in each way an attacker or a bad copy would: pickles under the
expected names, a pickled object array in the weights, a flipped byte, a
consistent forgery (files changed and the checksum inside model.json
recomputed), NaN weights, oversized files. Nothing of a refused file may
run, and every refusal is one line naming the path (`ModelError`, an
InputError: exit code 2 in the CLI).

The model card (models/MODEL_CARD.md) must carry the sha256 of both files,
and loading must check them: the checksum inside model.json only catches
accidents, since whoever edits the weights can recompute it.
"""
from __future__ import annotations

import hashlib
import io
import json
import pickle
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from nlp.classifier import MODEL_FILE, WEIGHTS_FILE, ModelError, _canonical, load_model

REPO = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
BUNDLED = REPO / "models"
CARD = "MODEL_CARD.md"
MARKER = "juesuan-pickle-ran"


class _Payload:
    """Unpickling this creates a file: proof that a pickle was executed."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (Path.write_text, (Path(self.path), MARKER))


@pytest.fixture()
def copy(tmp_path) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(BUNDLED, folder)
    return folder


def _refused(path, *words) -> str:
    with pytest.raises(ModelError) as info:
        load_model(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    for w in words:
        assert w.lower() in message.lower(), message
    return message


def _forge(folder: Path, change_weights=None, change_meta=None) -> None:
    """Change the files and recompute the checksum inside model.json, as a
    forger who read the source would."""
    meta = json.loads((folder / MODEL_FILE).read_text(encoding="utf-8"))
    with np.load(folder / WEIGHTS_FILE, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    if change_weights:
        change_weights(arrays)
    if change_meta:
        change_meta(meta)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            arr = io.BytesIO()
            np.lib.format.write_array(arr, arrays[name], allow_pickle=arrays[name].dtype == object)
            zf.writestr(info, arr.getvalue())
    weights = buf.getvalue()
    (folder / WEIGHTS_FILE).write_bytes(weights)
    body = {k: v for k, v in meta.items() if k != "checksum"}
    meta["checksum"] = "sha256:" + hashlib.sha256(_canonical(body) + weights).hexdigest()
    (folder / MODEL_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def test_the_bundled_model_loads():
    assert load_model(BUNDLED).predict(["新录用公务员2名"])[0]["label"]


@pytest.mark.parametrize("name", ["model.pkl", "model.joblib", "model.skops", "model.pickle", "weights.pt"])
def test_pickle_like_files_are_refused_unopened(tmp_path, name):
    path = tmp_path / name
    marker = tmp_path / "ran"
    path.write_bytes(pickle.dumps(_Payload(str(marker))))
    _refused(path, "not a juesuan model", "pickle")
    assert not marker.exists()


def test_a_pickle_named_model_json_is_refused_unopened(copy, tmp_path):
    marker = tmp_path / "ran"
    (copy / MODEL_FILE).write_bytes(pickle.dumps(_Payload(str(marker))))
    _refused(copy, "not json")
    assert not marker.exists()


def test_a_folder_without_model_json(tmp_path):
    (tmp_path / "model.pkl").write_bytes(pickle.dumps({"a": 1}))
    _refused(tmp_path, "not a juesuan model directory")


def test_a_pickled_object_array_in_the_weights_never_runs(copy, tmp_path):
    marker = tmp_path / "ran"

    def add_object(arrays):
        arrays["label.coef"] = np.array([_Payload(str(marker))], dtype=object)

    _forge(copy, change_weights=add_object)
    with pytest.raises(ModelError) as info:
        load_model(copy)
    assert "\n" not in str(info.value)
    assert not marker.exists()


@pytest.mark.parametrize("target", [MODEL_FILE, WEIGHTS_FILE])
def test_a_changed_byte_is_detected(copy, target):
    data = bytearray((copy / target).read_bytes())
    if target == MODEL_FILE:
        text = data.decode("utf-8")
        i = text.index('"temperature": ') + len('"temperature": ')
        data = bytearray((text[:i] + "9" + text[i + 1 :]).encode("utf-8"))
    else:
        data[len(data) // 2] ^= 0x01
    (copy / target).write_bytes(bytes(data))
    _refused(copy, "checksum")


def test_non_finite_weights_are_refused(copy):
    def nan(arrays):
        arrays["label.intercept"] = arrays["label.intercept"].copy()
        arrays["label.intercept"][0] = np.nan

    _forge(copy, change_weights=nan)
    _refused(copy, "not finite")


def test_oversized_model_files_are_refused(copy):
    with open(copy / WEIGHTS_FILE, "r+b") as f:
        f.truncate(65 * 1024 * 1024)
    _refused(copy, "too large")


def test_the_model_card_carries_the_hash_of_each_file():
    card = (BUNDLED / CARD).read_text(encoding="utf-8")
    for name in (MODEL_FILE, WEIGHTS_FILE):
        digest = hashlib.sha256((BUNDLED / name).read_bytes()).hexdigest()
        assert digest in card, f"{CARD} does not give the sha256 of {name} ({digest})"


def test_a_consistent_forgery_is_detected_by_the_card(copy):
    """Weights changed and the checksum inside model.json recomputed: only
    the hashes in the model card can tell."""

    def flip_labels(arrays):
        arrays["label.coef"] = arrays["label.coef"][::-1].copy()

    _forge(copy, change_weights=flip_labels)
    message = _refused(copy)
    assert "card" in message.lower() or "sha256" in message.lower(), message
