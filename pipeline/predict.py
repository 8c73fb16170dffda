"""Predictions with their uncertainty: group, area, confidence, margin, alternatives and a review flag."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .artifact import load_model, read_card
from .labels import LabelSpace
from .taxonomy import load_taxonomy

PRED_COLUMNS = ["pred_group_code", "pred_group_name", "pred_area_code", "pred_area_name", "confidence",
                "area_confidence", "margin", "needs_review", "alternatives", "status", "model_version"]
MAX_TEXT_BYTES = 100 * 1024
_LETTER = re.compile(r"[\u0600-\u06FF\uFB50-\uFDFF\uFE70-\uFEFF]")


def text_status(text) -> str:
    """Why a text cannot be classified normally, or 'ok'."""
    if text is None or (isinstance(text, float) and text != text):
        return "empty_text"
    text = str(text)
    if not text:
        return "empty_text"
    if not text.strip():
        return "whitespace_only"
    if len(text) > MAX_TEXT_BYTES // 4 and len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        return "too_long_truncated"
    if not _LETTER.search(text):
        return "non_persian"
    return "ok"


@dataclass
class Predictor:
    """A loaded, verified model ready to classify texts."""

    pipeline: object
    card: dict
    label_space: LabelSpace

    @classmethod
    def load(cls, model_dir: str | Path, taxonomy_path: str | Path | None = None) -> "Predictor":
        """Load and verify a model; taxonomy models are checked against the taxonomy in use."""
        card_space = read_card(model_dir).get("label_space", {})
        taxonomy_sha = load_taxonomy(taxonomy_path).sha256 if card_space.get("taxonomy_sha256") else None
        pipeline, card, label_space = load_model(model_dir, taxonomy_sha)
        return cls(pipeline, card, label_space)

    def warm_up(self) -> None:
        """Build everything built on first use (hazm's objects, caches of the pipeline's steps)."""
        self.predict_proba(["گزارش آزمایشی ۱۲ کارگر"])

    @property
    def threshold(self) -> float:
        return float(self.card["review_threshold"])

    @property
    def version(self) -> str:
        return str(self.card["model_id"])

    @property
    def classes(self) -> np.ndarray:
        return self.pipeline.classes_

    def predict_proba(self, texts) -> np.ndarray:
        """Class probabilities (columns: `classes`); each distinct text is computed once, since registers
        repeat texts (forwarded reports, copy-pasted notes)."""
        position: dict[str, int] = {}  # first-seen order; hashing is cheaper than sorting the texts
        inverse = [position.setdefault(str(t), len(position)) for t in texts]
        proba = self.pipeline.predict_proba(list(position))
        return proba if len(position) == len(inverse) else proba[inverse]

    def predict(self, texts, top_k: int = 3) -> pd.DataFrame:
        """One row per text with the columns in `PRED_COLUMNS`; every text gets a row, in order."""
        statuses, usable, inputs = self.usable_inputs(texts)
        return self.frame(statuses, usable, self.predict_proba(inputs) if usable else None, top_k)

    @staticmethod
    def usable_inputs(texts) -> tuple[list[str], list[int], list[str]]:
        """Each text's status, the positions of those the model should see, and what it sees of them."""
        texts = list(texts)
        statuses = [text_status(t) for t in texts]
        usable = [i for i, s in enumerate(statuses) if s in ("ok", "non_persian", "too_long_truncated")]
        inputs = [str(texts[i])[:MAX_TEXT_BYTES // 2] if statuses[i] == "too_long_truncated" else str(texts[i])
                  for i in usable]
        return statuses, usable, inputs

    def frame(self, statuses: list[str], usable: list[int], proba: np.ndarray | None, top_k: int = 3) -> pd.DataFrame:
        """The `PRED_COLUMNS` frame from statuses and the probabilities of the usable rows."""
        out = pd.DataFrame({c: pd.Series([None] * len(statuses), dtype=object) for c in PRED_COLUMNS})
        out["status"] = statuses
        out["model_version"] = self.version
        out["needs_review"] = True
        if usable:
            self._fill(out, usable, proba, top_k)
        out["needs_review"] = out["needs_review"].astype(bool)
        return out

    def _fill(self, out: pd.DataFrame, rows: list[int], proba: np.ndarray, top_k: int) -> None:
        classes = self.classes
        space = self.label_space
        keep = min(max(top_k, 1) + 1, proba.shape[1])
        top = np.argpartition(-proba, keep - 1, axis=1)[:, :keep]  # the best few, then sort only those
        order = np.take_along_axis(top, np.argsort(-np.take_along_axis(proba, top, axis=1), axis=1), axis=1)
        n = len(rows)
        best = order[:, 0]
        confidence = proba[np.arange(n), best]
        second = proba[np.arange(n), order[:, 1]] if proba.shape[1] > 1 else np.zeros(n)
        codes = classes[best]
        areas = np.array([space.parent_of.get(c, "") for c in codes], dtype=object)
        class_parents = np.array([space.parent_of.get(c, "") for c in classes], dtype=object)
        area_codes, area_of_class = np.unique(class_parents, return_inverse=True)
        area_proba = proba @ np.eye(len(area_codes))[area_of_class]  # each area's summed group probabilities
        area_conf = area_proba[np.arange(n), np.searchsorted(area_codes, areas)]
        # Python floats and strings format several times faster than numpy scalars, row by row.
        runners_up = order[:, 1:top_k + 1]
        alternatives = ["|".join(f"{code}:{p:.3f}" for code, p in zip(codes_i, probas_i))
                        for codes_i, probas_i in zip(classes[runners_up].tolist(),
                                                     np.take_along_axis(proba, runners_up, axis=1).tolist())]
        idx = out.index[rows]
        statuses = out.loc[idx, "status"].to_numpy()
        out.loc[idx, "pred_group_code"] = codes
        out.loc[idx, "pred_group_name"] = [space.label_names.get(c, c) for c in codes]
        out.loc[idx, "pred_area_code"] = areas
        out.loc[idx, "pred_area_name"] = [space.parent_names.get(a, a) for a in areas]
        out.loc[idx, "confidence"] = np.round(confidence, 4)
        out.loc[idx, "area_confidence"] = np.round(area_conf, 4)
        out.loc[idx, "margin"] = np.round(confidence - second, 4)
        out.loc[idx, "alternatives"] = alternatives
        out.loc[idx, "needs_review"] = (confidence < self.threshold) | (statuses != "ok")
