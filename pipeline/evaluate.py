"""Evaluate a trained model on a labeled file it was not trained on."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .corpus import validate_frame
from .errors import InputError
from .io import read_table
from .metrics import summarise
from .predict import Predictor, text_status

METRIC_KEYS = ("n", "group_accuracy", "group_macro_f1", "top3_accuracy", "area_accuracy", "area_macro_f1",
               "ece", "auto_accept_precision", "auto_accept_coverage")


def evaluate_file(path: str | Path, predictor: Predictor, text_column: str = "text",
                  label_column: str = "group_code", parent_column: str | None = None) -> dict:
    """Accuracy, macro-F1 (label and parent level), top-3 accuracy, ECE and the precision and coverage of
    the predictions the review threshold would accept. Rows with an empty text or label are skipped and
    counted in `skipped_rows`."""
    frame = read_table(path)
    validate_frame(frame, [text_column, label_column] + ([parent_column] if parent_column else []), path)
    labels = frame[label_column].astype(str).str.strip()
    usable = (frame[text_column].map(text_status) == "ok") & ~labels.isin(["", "nan", "None"])
    if not usable.any():
        raise InputError("no row has both a usable text and a label", path)
    texts = frame.loc[usable, text_column].astype(str).tolist()
    proba = predictor.predict_proba(texts)
    parents = frame.loc[usable, parent_column].astype(str).str.strip().to_numpy() if parent_column else None
    result = summarise(labels[usable].to_numpy(), proba, predictor.classes, predictor.label_space.parent_of,
                       predictor.threshold, true_parents=parents)
    unseen = sorted(set(labels[usable]) - set(predictor.classes))
    result.update({"skipped_rows": int((~usable).sum()), "labels_unknown_to_model": unseen[:20],
                   "model_version": predictor.version})
    return {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in result.items()}
