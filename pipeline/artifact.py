"""Model artifacts: `models/<name>/model.joblib` plus `model_card.json`, checked before anything is unpickled."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import joblib

from .errors import ModelError
from .labels import LabelSpace

MODEL_FILE = "model.joblib"
CARD_FILE = "model_card.json"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def publish(tmp: str | Path, path: str | Path) -> None:
    """Give a finished temporary file the usual permissions (mkstemp makes it private) and rename it into place."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename: readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        publish(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_model(pipeline, card: dict, model_dir: str | Path) -> dict:
    """Save the fitted pipeline and its card; the card records the artifact's SHA-256 and size."""
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=model_dir, prefix=".model.", suffix=".tmp")
    os.close(fd)
    try:
        joblib.dump(pipeline, tmp, compress=0)
        card = {**card, "artifact": {"file": MODEL_FILE, "sha256": sha256_file(Path(tmp)),
                                     "bytes": os.path.getsize(tmp)}}
        publish(tmp, model_dir / MODEL_FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    write_atomic(model_dir / CARD_FILE, json.dumps(card, ensure_ascii=False, indent=2).encode("utf-8"))
    return card


def read_card(model_dir: str | Path) -> dict:
    path = Path(model_dir) / CARD_FILE
    if not path.exists():
        raise ModelError(f"{model_dir}: no model here ({CARD_FILE} missing); train one with "
                         f"`obstacles train --model-dir {model_dir}`")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: unreadable model card ({exc})") from None


def load_model(model_dir: str | Path, taxonomy_sha256: str | None = None):
    """Return (pipeline, card, label_space) after checking the artifact against its card.

    Unpickling runs code, so an artifact whose SHA-256 differs from the card is never loaded. A model
    trained on the taxonomy is refused when `taxonomy_sha256` (the taxonomy in use) differs.
    """
    model_dir = Path(model_dir)
    card = read_card(model_dir)
    artifact = model_dir / card.get("artifact", {}).get("file", MODEL_FILE)
    if not artifact.exists():
        raise ModelError(f"{artifact}: model file missing; retrain with `obstacles train --model-dir {model_dir}`")
    expected = card.get("artifact", {}).get("sha256")
    actual = sha256_file(artifact)
    if expected != actual:
        raise ModelError(f"{artifact}: SHA-256 {actual[:12]}… does not match the model card ({str(expected)[:12]}…); "
                         "the file was changed or replaced, so it is not loaded. Retrain the model")
    label_space = LabelSpace.from_dict(card["label_space"])
    if label_space.taxonomy_sha256 and taxonomy_sha256 and label_space.taxonomy_sha256 != taxonomy_sha256:
        raise ModelError(f"{model_dir}: trained on a different taxonomy (hash {label_space.taxonomy_sha256[:12]}…, "
                         f"the taxonomy in use is {taxonomy_sha256[:12]}…); retrain with the current taxonomy")
    try:
        pipeline = joblib.load(artifact)
    except Exception as exc:  # a corrupt but hash-matching file: say so rather than a traceback
        raise ModelError(f"{artifact}: cannot load the model ({type(exc).__name__}: {exc})") from None
    return pipeline, card, label_space
