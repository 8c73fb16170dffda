"""Quality on real, public Persian data: our pipeline, a plain hazm TF-IDF + LinearSVC baseline and fastText,
trained on each dataset's train.csv and scored on its test.csv in the same run."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

from pipeline.evaluate import evaluate_file
from pipeline.normalise import normalise_many
from pipeline.predict import Predictor
from pipeline.trainflow import train_from_files


def _scores(y_true, y_pred, parent_of: dict | None, parents_true=None) -> dict:
    result = {"accuracy": float(accuracy_score(y_true, y_pred)),
              "macro_f1": float(f1_score(y_true, y_pred, average="macro", zero_division=0))}
    if parent_of is not None and parents_true is not None:
        result["parent_accuracy"] = float(accuracy_score(parents_true, [parent_of.get(p, "") for p in y_pred]))
    return result


def ours(folder: Path, work: Path, has_parent: bool, folds: int = 5, tune: bool = False) -> dict:
    """`obstacles train` (with `--tune`: the best of TUNING_CANDIDATES by cross-validation on train), then
    `obstacles evaluate` on test."""
    start = time.perf_counter()
    model_dir = work / ("model_tuned" if tune else "model")
    card = train_from_files([folder / "train.csv"], model_dir, label_column="label", folds=folds,
                            parent_column="parent_label" if has_parent else None, tune=tune)
    seconds = time.perf_counter() - start
    figures = evaluate_file(folder / "test.csv", Predictor.load(model_dir), label_column="label",
                            parent_column="parent_label" if has_parent else None)
    result = {"accuracy": figures["group_accuracy"], "macro_f1": figures["group_macro_f1"],
              "train_seconds": seconds, "ece": figures["ece"],
              "auto_accept_precision": figures["auto_accept_precision"],
              "auto_accept_coverage": figures["auto_accept_coverage"]}
    if has_parent:
        result["parent_accuracy"] = figures["area_accuracy"]
    if tune:
        selection = card["model_selection"]
        result["chosen"] = selection["chosen"]
        result["cv_macro_f1"] = {name: row["group_macro_f1"] for name, row in selection["candidates"].items()}
    return result


def baseline(train: pd.DataFrame, test: pd.DataFrame, parent_of) -> dict:
    """The plain recipe the issue quotes: hazm tokens, word TF-IDF, LinearSVC."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    from pipeline.normalise import tokenize

    start = time.perf_counter()
    vectoriser = TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False)
    model = LinearSVC().fit(vectoriser.fit_transform(train["norm"]), train["label"])
    seconds = time.perf_counter() - start
    predicted = model.predict(vectoriser.transform(test["norm"]))
    return {**_scores(test["label"], predicted, parent_of, test.get("parent_label")), "train_seconds": seconds}


def fasttext_peer(train: pd.DataFrame, test: pd.DataFrame, parent_of, work: Path, autotune_seconds: int) -> dict:
    """fastText supervised, tuned by its own autotune on a validation split carved from train (10%)."""
    import fasttext

    rng = np.random.default_rng(0)
    valid_mask = np.zeros(len(train), dtype=bool)
    for _, index in train.groupby("label").groups.items():  # per class, so every class is validated
        index = np.asarray(index)
        valid_mask[rng.choice(index, size=max(1, len(index) // 10), replace=False)] = True
    encode = {label: f"__label__{i}" for i, label in enumerate(sorted(train["label"].unique()))}
    decode = {v: k for k, v in encode.items()}

    def dump(frame, path):
        lines = (f"{encode[l]} {t}" for l, t in zip(frame["label"], frame["norm"].str.replace("\n", " ")))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    dump(train[~valid_mask], work / "ft_train.txt")
    dump(train[valid_mask], work / "ft_valid.txt")
    start = time.perf_counter()
    tuned = True
    try:
        model = fasttext.train_supervised(input=str(work / "ft_train.txt"),
                                          autotuneValidationFile=str(work / "ft_valid.txt"),
                                          autotuneDuration=autotune_seconds, verbose=0)
    except RuntimeError as exc:  # a loaded machine and a tiny budget (smoke runs) may not finish one trial
        print(f"fastText autotune failed ({exc}); fastText's defaults instead", file=sys.stderr)
        tuned = False
        model = fasttext.train_supervised(input=str(work / "ft_train.txt"), verbose=0)
    seconds = time.perf_counter() - start
    labels, _ = model.predict([t.replace("\n", " ") for t in test["norm"]], k=1)
    predicted = [decode.get(l[0], "") if l else "" for l in labels]
    return {**_scores(test["label"], predicted, parent_of, test.get("parent_label")), "train_seconds": seconds,
            "autotune_seconds": autotune_seconds, "autotuned": tuned, "args": {k: getattr(model.f.getArgs(), k) for k in
                                                            ("epoch", "lr", "dim", "wordNgrams", "minn", "maxn")}}


def run_dataset(folder: Path, autotune_seconds: int = 60, limit: int | None = None, folds: int = 5) -> dict:
    train = pd.read_csv(folder / "train.csv", dtype=str, keep_default_na=False)
    test = pd.read_csv(folder / "test.csv", dtype=str, keep_default_na=False)
    has_parent = "parent_label" in train.columns
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if limit:  # smoke runs: a small, still stratified slice
            train = train.groupby("label").head(limit).reset_index(drop=True)
            test = test.groupby("label").head(max(2, limit // 3)).reset_index(drop=True)
            train.to_csv(work / "train.csv", index=False)
            test.to_csv(work / "test.csv", index=False)
            folder_for_ours = work
        else:
            folder_for_ours = folder
        parent_of = dict(zip(train["label"], train["parent_label"])) if has_parent else None
        train["norm"], test["norm"] = normalise_many(train["text"]), normalise_many(test["text"])
        result = {"dataset": folder.name, "train_rows": len(train), "test_rows": len(test),
                  "classes": int(train["label"].nunique()), "has_parent": has_parent,
                  "ours": ours(folder_for_ours, work, has_parent, folds),
                  "ours_tuned": ours(folder_for_ours, work, has_parent, folds, tune=True),
                  "baseline_hazm_tfidf_linearsvc": baseline(train, test, parent_of),
                  "fasttext": fasttext_peer(train, test, parent_of, work, autotune_seconds)}
    return result
