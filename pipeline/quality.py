"""Model-quality and review-progress tables for the notebooks: per-group F1, confusions, calibration bins,
expert agreement per round, suspected mislabels."""

from __future__ import annotations

import numpy as np
import pandas as pd


def per_label_f1(y_true, y_pred, names: dict | None = None) -> pd.DataFrame:
    """Precision, recall and F1 of every true label, worst F1 first."""
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted(set(map(str, y_true)))
    p, r, f, s = precision_recall_fscore_support(np.asarray(y_true, str), np.asarray(y_pred, str), labels=labels,
                                                 zero_division=0)
    table = pd.DataFrame({"group_code": labels, "group_name": [(names or {}).get(c, c) for c in labels],
                          "support": s, "precision": p, "recall": r, "f1": f})
    return table.sort_values(["f1", "support"], ascending=[True, False], kind="stable").reset_index(drop=True)


def confusion_table(y_true, y_pred, names: dict | None = None) -> pd.DataFrame:
    """Counts of (true row, predicted column) over the labels seen in either, named for reading."""
    labels = sorted(set(map(str, y_true)) | set(map(str, y_pred)))
    table = pd.crosstab(pd.Series(y_true, dtype=str), pd.Series(y_pred, dtype=str)).reindex(
        index=labels, columns=labels, fill_value=0)
    names = names or {}
    return table.rename(index=names, columns=names).rename_axis(index="true", columns="predicted")


def confused_pairs(y_true, y_pred, texts, names: dict | None = None, n: int = 10) -> pd.DataFrame:
    """The most frequent (true, predicted) mix-ups, each with its count and the shortest example text."""
    frame = pd.DataFrame({"true": np.asarray(y_true, str), "predicted": np.asarray(y_pred, str),
                          "example": [str(t) for t in texts]})
    wrong = frame[frame["true"] != frame["predicted"]].assign(length=lambda f: f["example"].str.len())
    pairs = (wrong.sort_values("length", kind="stable").groupby(["true", "predicted"], sort=False)
             .agg(count=("example", "size"), example=("example", "first")).reset_index())
    pairs = pairs.sort_values(["count", "true"], ascending=[False, True], kind="stable").head(n)
    for column in ("true", "predicted"):
        pairs[f"{column}_name"] = pairs[column].map(lambda c: (names or {}).get(c, c))
    return pairs[["true", "true_name", "predicted", "predicted_name", "count", "example"]].reset_index(drop=True)


def reliability_table(confidence, correct, bins: int = 10) -> pd.DataFrame:
    """Per equal-width confidence bin: how many, their mean confidence and their accuracy (equal when calibrated)."""
    confidence, correct = np.asarray(confidence, float), np.asarray(correct, float)
    index = np.minimum((confidence * bins).astype(int), bins - 1)
    frame = pd.DataFrame({"bin": index, "confidence": confidence, "correct": correct})
    table = frame.groupby("bin").agg(count=("correct", "size"), mean_confidence=("confidence", "mean"),
                                     accuracy=("correct", "mean"))
    table.insert(0, "confidence_from", table.index / bins)
    return table.reset_index(drop=True)


def agreement_by_round(labels: pd.DataFrame) -> pd.DataFrame:
    """Each imported workbook is one review round (in import order): who, how many, and how often the
    expert chose the model's own prediction."""
    frame = labels.assign(agrees=labels["group_code"] == labels["model_group_code"])
    table = (frame.groupby("source_file", sort=False)
             .agg(reviewer=("reviewer", lambda r: "، ".join(dict.fromkeys(r))), labels=("label_id", "size"),
                  agreement=("agrees", "mean"), first=("label_id", "min"))
             .sort_values("first").reset_index())
    table.insert(0, "round", range(1, len(table) + 1))
    return table[["round", "source_file", "reviewer", "labels", "agreement"]]


def most_disputed(oof: pd.DataFrame, n: int) -> pd.DataFrame:
    """The `n` out-of-fold rows whose label the model most strongly disputes: its pick differs and
    p(pick) - p(label) is largest. One ranking for `obstacles review suspects` and the notebooks."""
    disputed = oof[oof["pred_1"] != oof["label"]].assign(dispute=lambda f: f["prob_1"] - f["prob_label"])
    return disputed.sort_values("dispute", ascending=False, kind="stable").head(n)


def suspected_mislabels(oof: pd.DataFrame, names: dict | None = None, n: int = 20) -> pd.DataFrame:
    """Labeled reports whose label the model, trained without them, most strongly disputes (as in
    `obstacles review suspects`): columns of `models/<name>/oof_predictions.csv` in, a readable table out."""
    disputed = most_disputed(oof, n)
    names = names or {}
    return pd.DataFrame({"report_id": disputed["report_id"], "label": disputed["label"],
                         "label_name": disputed["label"].map(lambda c: names.get(c, c)),
                         "label_probability": disputed["prob_label"], "model_pick": disputed["pred_1"],
                         "model_pick_name": disputed["pred_1"].map(lambda c: names.get(c, c)),
                         "model_probability": disputed["prob_1"], "text": disputed["text"]}).reset_index(drop=True)
