"""Training: honest cross-validated figures, a calibrated temperature, a review threshold, then one final fit."""

from __future__ import annotations

import json
import time
from pathlib import Path
from dataclasses import asdict, dataclass, field

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from .calibration import TemperatureScaledClassifier, fit_temperature
from .errors import InputError
from .features import build_features
from .labels import LabelSpace
from .metrics import choose_threshold, summarise
from .neardup import near_duplicate_groups
from .normalise import PersianNormaliser, normalise_many
from scipy.special import softmax

TARGET_PRECISION = 0.95
# Thresholds are chosen on finite out-of-fold data; aiming half a point higher keeps precision on new
# reports at or above the target rather than around it.
THRESHOLD_AIM = TARGET_PRECISION + 0.005
# Above this many reports, one 20% holdout (still near-duplicate-aware, still cross-fitted calibration) gives
# figures as precise as 5-fold cross-validation at a fifth of the fits.
HOLDOUT_ABOVE = 20_000
# SGD passes are counted in updates: 20 passes over our ~5,500 hand-written reports (where 20 was chosen by
# cross-validation) is ~110,000 updates per group. Bigger sets need fewer passes for the same updates.
SGD_UPDATES = 110_000


def sgd_epochs(n_samples: int | None) -> int:
    """Passes over the data for SGD: the same ~110,000 updates, between 3 and 20 passes."""
    return 20 if not n_samples else int(np.clip(np.ceil(SGD_UPDATES / n_samples), 3, 20))


@dataclass(frozen=True)
class ModelConfig:
    """Hyper-parameters of the one Pipeline: features and a linear classifier."""

    # Chosen by cross-validated macro-F1 on the hand-written reports (docs/model_selection.json): SGD on the
    # hinge loss ties LinearSVC (0.807 both) in about half the time, so it wins the tie.
    classifier: str = "sgd_hinge"  # sgd_hinge | linear_svc | logistic | complement_nb
    C: float = 0.5
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    min_df: int = 2
    max_word_features: int | None = 60_000
    max_char_features: int | None = 120_000
    max_nonzero: int | None = 3_000_000  # weights kept (sparse); bounds the model's size

    def build_classifier(self, temperature: float | None = None,
                         n_samples: int | None = None) -> TemperatureScaledClassifier:
        """The classifier step: the linear model, pruned to `max_nonzero` weights, temperature-scaled."""
        return TemperatureScaledClassifier(self.classifier_estimator(n_samples), temperature, self.max_nonzero)

    def classifier_estimator(self, n_samples: int | None = None):
        if self.classifier == "linear_svc":
            return LinearSVC(C=self.C, class_weight="balanced")
        if self.classifier == "logistic":
            return LogisticRegression(C=self.C * 20, max_iter=300, class_weight="balanced")
        if self.classifier == "sgd_hinge":
            # Plain SGD on the same hinge loss: 20 passes reach LinearSVC's accuracy on our reports at a
            # fraction of its time on large, hard-to-separate data; one-vs-rest fits use both cores.
            return SGDClassifier(loss="hinge", alpha=5e-5 / self.C, max_iter=sgd_epochs(n_samples), tol=None, n_jobs=2,
                                 class_weight="balanced", random_state=0)
        if self.classifier == "complement_nb":
            return _ComplementNBScores(alpha=0.3)
        raise ValueError(f"unknown classifier '{self.classifier}'")

    def features(self):
        return build_features(self.word_ngrams, self.char_ngrams, self.min_df, self.max_word_features,
                              self.max_char_features)


class _ComplementNBScores(ComplementNB):
    """ComplementNB exposing its joint log-likelihood as `decision_function`, so that it calibrates like
    the linear models (a fast baseline candidate)."""

    def decision_function(self, X):
        return self.predict_joint_log_proba(X)


CANDIDATES = {
    "linear_svc_word12_char25": ModelConfig(classifier="linear_svc"),
    "logistic_word12_char25": ModelConfig(classifier="logistic"),
    "sgd_hinge_word12_char25": ModelConfig(classifier="sgd_hinge"),
    "complement_nb_word12_char25": ModelConfig(classifier="complement_nb"),
    "linear_svc_word12_only": ModelConfig(classifier="linear_svc", char_ngrams=(0, 0)),
    "linear_svc_char25_only": ModelConfig(classifier="linear_svc", word_ngrams=(0, 0)),
}


# `obstacles train --tune`: for a label set of one's own, the classifiers and strengths worth a look, chosen by
# cross-validation on the training data alone (as fastText's autotune chooses on a split of it).
TUNING_CANDIDATES = {
    "sgd_hinge_C0.25": ModelConfig(C=0.25),
    "sgd_hinge_C0.5": ModelConfig(C=0.5),
    "sgd_hinge_C1": ModelConfig(C=1.0),
    "linear_svc_C0.25": ModelConfig(classifier="linear_svc", C=0.25),
    "linear_svc_C0.5": ModelConfig(classifier="linear_svc", C=0.5),
    "logistic_C0.5": ModelConfig(classifier="logistic", C=0.5),
}
TIE = 0.005


def pick_best(table: dict) -> str:
    """The candidate with the highest cross-validated group macro-F1; within `TIE` of it, the fastest."""
    best = max(row["group_macro_f1"] for row in table.values())
    close = [name for name, row in table.items() if row["group_macro_f1"] >= best - TIE]
    return min(close, key=lambda name: table[name]["seconds"])


@dataclass
class TrainResult:
    pipeline: Pipeline
    cv_metrics: dict
    threshold: float
    temperature: float
    timings: dict = field(default_factory=dict)
    oof_proba: np.ndarray | None = None
    cv_rows: np.ndarray | None = None  # which training rows the out-of-fold probabilities belong to


def _fit_scores(config: ModelConfig, train_texts, train_y, test_texts, classes):
    """Fit features + classifier on one split; decision scores for the test texts over all `classes`."""
    features = _features_for(config).fit(train_texts)
    clf = config.build_classifier(temperature=1.0, n_samples=len(train_y)).fit(features.transform(train_texts), train_y)
    raw = clf.decision_function(features.transform(test_texts))
    scores = np.full((len(test_texts), len(classes)), raw.min() - 10.0, dtype=np.float64)
    scores[:, np.searchsorted(classes, clf.classes_)] = raw
    return scores


def _features_for(config: ModelConfig):
    return config.features()


def cross_validate(texts, y, label_space: LabelSpace, config: ModelConfig = ModelConfig(), folds: int = 5,
                   seed: int = 0, extra: tuple[list, list] = ((), ()), groups=None) -> dict:
    """Out-of-fold decision scores with folds that keep near-duplicates together, then cross-fitted
    temperature and threshold, so that every figure comes from reports the model (and its calibration)
    did not see. `texts` are already normalised; `extra` labeled texts are added to every training fold.

    Above `HOLDOUT_ABOVE` reports only the first fold is held out (a 20% holdout for 5 folds); its rows are
    then split in two for the cross-fitted calibration. `scored` in the result says which rows have figures."""
    y = np.asarray(y).astype(str)
    extra_texts, extra_y = list(extra[0]), [str(label) for label in extra[1]]
    classes = np.unique(np.concatenate([y, np.asarray(extra_y, dtype=str)]))  # the final model's classes
    groups = near_duplicate_groups(texts) if groups is None else groups
    fold_of = np.full(len(y), -1, dtype=int)
    scores = np.zeros((len(y), len(classes)))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    texts = np.asarray(texts, dtype=object)
    holdout = len(y) > HOLDOUT_ABOVE
    for k, (train, test) in enumerate(splitter.split(texts, y, groups)):
        fold_of[test] = np.arange(len(test)) % 2 if holdout else k
        scores[test] = _fit_scores(config, list(texts[train]) + extra_texts, list(y[train]) + extra_y,
                                   list(texts[test]), classes)
        if holdout:
            break
    scored = fold_of >= 0
    y, scores, fold_of = y[scored], scores[scored], fold_of[scored]
    calibration_folds = 2 if holdout else folds
    y_index = np.searchsorted(classes, y)
    proba = np.zeros_like(scores)
    thresholds = []
    for k in range(calibration_folds):
        held, rest = fold_of == k, fold_of != k
        t_k = fit_temperature(scores[rest], y_index[rest])
        proba[held] = softmax(scores[held] / t_k, axis=1)
        rest_proba = softmax(scores[rest] / t_k, axis=1)
        thresholds.append((held, choose_threshold(rest_proba.max(axis=1),
                                                  classes[rest_proba.argmax(axis=1)] == y[rest],
                                                  THRESHOLD_AIM)))
    metrics = summarise(y, proba, classes, label_space.parent_of, threshold=1.0)
    # Auto-accept figures with each fold's threshold chosen on the other folds (no peeking).
    confidence, correct = proba.max(axis=1), classes[proba.argmax(axis=1)] == y
    accepted = np.zeros(len(y), dtype=bool)
    for held, t_k in thresholds:
        accepted[held] = confidence[held] >= t_k
    metrics["auto_accept_precision"] = float(correct[accepted].mean()) if accepted.any() else float("nan")
    metrics["auto_accept_coverage"] = float(accepted.mean())
    metrics.pop("review_threshold")
    temperature = fit_temperature(scores, y_index)
    threshold = choose_threshold(softmax(scores / temperature, axis=1).max(axis=1), correct, THRESHOLD_AIM)
    metrics["evaluation"] = f"holdout 1/{folds}" if holdout else f"{folds}-fold cross-validation"
    return {"metrics": metrics, "temperature": temperature, "threshold": threshold, "oof_proba": proba,
            "classes": classes, "folds": folds, "n_groups": int(groups.max() + 1) if len(groups) else 0,
            "scored": scored}


@dataclass
class Prepared:
    """Training data normalised once and split as cross-validation needs it: labels with fewer reports than
    folds (`rare`) train every fold but get no figure. Shared by `train` and the candidate comparison."""

    y: np.ndarray
    normalised: list
    extra: tuple[list, list]
    rare: np.ndarray
    groups: np.ndarray
    normalise_s: float

    @property
    def cv_texts(self) -> list:
        return [t for t, r in zip(self.normalised, self.rare) if not r]

    @property
    def cv_extra(self) -> tuple[list, list]:
        return (self.extra[0] + [t for t, r in zip(self.normalised, self.rare) if r],
                self.extra[1] + list(self.y[self.rare]))


def prepare(texts, y, label_space: LabelSpace, folds: int = 5, extra: tuple[list, list] = ((), ())) -> Prepared:
    y = np.asarray(y).astype(str)
    unknown = sorted(set(y) - set(label_space.labels))
    if unknown:
        raise InputError(f"labels not in the label space: {', '.join(unknown[:5])}")
    counts = {label: int((y == label).sum()) for label in np.unique(y)}
    # Labels with fewer reports than folds cannot be cross-validated; their reports still train every fold
    # and the final model (real registers have such a long tail), but no figure is computed on them.
    rare = np.isin(y, [label for label, c in counts.items() if c < folds])
    if rare.all():
        raise InputError(f"every label has fewer than {folds} reports; add reports or use fewer --folds")
    start = time.perf_counter()
    normalised = normalise_many(texts)
    extra_norm = (normalise_many(extra[0]), [str(label) for label in extra[1]])
    seconds = time.perf_counter() - start
    groups = near_duplicate_groups([t for t, r in zip(normalised, rare) if not r])
    return Prepared(y, normalised, extra_norm, rare, groups, seconds)


def cross_validate_prepared(prepared: Prepared, label_space: LabelSpace, config: ModelConfig, folds: int = 5,
                            seed: int = 0) -> dict:
    start = time.perf_counter()
    cv = cross_validate(prepared.cv_texts, prepared.y[~prepared.rare], label_space, config, folds, seed,
                        prepared.cv_extra, prepared.groups)
    cv["metrics"]["rare_rows_not_cross_validated"] = int(prepared.rare.sum())
    cv["seconds"] = time.perf_counter() - start
    return cv


def train(texts, y, label_space: LabelSpace, config: ModelConfig = ModelConfig(), folds: int = 5,
          seed: int = 0, extra: tuple[list, list] = ((), ()), *, prepared: Prepared | None = None,
          cv: dict | None = None) -> TrainResult:
    """Cross-validate (unless `cv`, this config's result on these `prepared` rows, is given), then fit the
    one Pipeline (normaliser -> features -> calibrated classifier) on all."""
    prepared = prepared or prepare(texts, y, label_space, folds, extra)
    timings = {"normalise_s": prepared.normalise_s}
    cv = cv or cross_validate_prepared(prepared, label_space, config, folds, seed)
    timings["cross_validation_s"] = cv["seconds"]
    start = time.perf_counter()
    all_texts, all_y = list(prepared.normalised) + prepared.extra[0], list(prepared.y) + prepared.extra[1]
    features = _features_for(config).fit(all_texts)
    classifier = config.build_classifier(temperature=cv["temperature"], n_samples=len(all_y))
    classifier.fit(features.transform(all_texts), np.asarray(all_y))
    timings["final_fit_s"] = time.perf_counter() - start
    pipeline = Pipeline([("normalise", PersianNormaliser()), ("features", features),
                         ("classifier", classifier)])
    cv_rows = ~prepared.rare
    cv_rows[cv_rows] = cv["scored"]
    return TrainResult(pipeline, cv["metrics"], cv["threshold"], cv["temperature"], timings, cv["oof_proba"], cv_rows)


def cross_validate_candidates(prepared: Prepared, label_space: LabelSpace, candidates: dict = CANDIDATES,
                              folds: int = 5, seed: int = 0) -> dict[str, dict]:
    """Each candidate configuration cross-validated on the same folds."""
    return {name: cross_validate_prepared(prepared, label_space, config, folds, seed)
            for name, config in candidates.items()}


def candidate_table(results: dict[str, dict], candidates: dict) -> dict:
    """The figures of `cross_validate_candidates`, rounded, with each candidate's config and seconds."""
    return {name: {**{k: round(v, 4) if isinstance(v, float) else v for k, v in cv["metrics"].items() if k != "n"},
                   "config": asdict(candidates[name]), "seconds": round(cv["seconds"], 1)}
            for name, cv in results.items()}


def train_and_save(frame, label_space: LabelSpace, model_dir, *, name: str = "default",
                   config: ModelConfig = ModelConfig(), folds: int = 5, extra: tuple[list, list] = ((), ()),
                   compare: bool = False, data_summary: dict | None = None, selection_file=None,
                   tune: bool = False) -> dict:
    """Train on a frame with columns `text, label` and save the artifact and card; returns the card.

    `compare` cross-validates `CANDIDATES` for the record and trains `config`; `tune` cross-validates
    `TUNING_CANDIDATES` and trains the best of them."""
    from .artifact import save_model
    from .card import build_card
    from .corpus import data_sha256

    candidates, chosen_cv = None, None
    start = time.perf_counter()
    prepared = prepare(frame["text"], frame["label"], label_space, folds, extra)
    if compare or tune:
        pool = TUNING_CANDIDATES if tune else CANDIDATES
        results = cross_validate_candidates(prepared, label_space, pool, folds)
        table = candidate_table(results, pool)
        candidates = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                      "data_sha256": data_sha256(frame), "folds": folds, "candidates": table,
                      "rule": f"highest cross-validated group macro-F1; within {TIE}, the faster one"}
        if tune:  # the chosen candidate's cross-validation is the model's own: not run a second time
            candidates["chosen"] = pick_best(table)
            config, chosen_cv = pool[candidates["chosen"]], results[candidates["chosen"]]
        if selection_file is not None and not tune:
            from .artifact import write_atomic

            write_atomic(Path(selection_file), json.dumps(candidates, ensure_ascii=False, indent=2).encode("utf-8"))
    elif selection_file is not None and Path(selection_file).exists():
        # The comparison is expensive (every candidate, every fold); a normal training run records the last
        # one measured and says whether it was measured on these very rows.
        candidates = json.loads(Path(selection_file).read_text(encoding="utf-8"))
        candidates["data_sha256_matches"] = candidates.get("data_sha256") == data_sha256(frame)
    result = train(frame["text"], frame["label"], label_space, config, folds, extra=extra, prepared=prepared,
                   cv=chosen_cv)
    result.timings["total_s"] = time.perf_counter() - start
    summary = {"rows": int(len(frame)), "labels": int(frame["label"].nunique()),
               "extra_taxonomy_texts": len(extra[0]), **(data_summary or {})}
    card = build_card(name=name, result=result, config=config, label_space=label_space, data_summary=summary,
                      data_sha256=data_sha256(frame), candidates=candidates)
    card = save_model(result.pipeline, card, model_dir)
    if "report_id" in frame:
        from .artifact import write_atomic
        from .reviewflow import OOF_FILE, oof_table

        oof = oof_table(frame[result.cv_rows], result.oof_proba, np.asarray(result.pipeline.classes_),
                        card["model_id"])
        write_atomic(Path(model_dir) / OOF_FILE, oof.to_csv(index=False).encode("utf-8"))
    return card
