"""The expert loop as functions the CLI calls: export a review queue, import the answers, find suspects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError, ObstacleError
from .io import read_table
from .labels import LabelSpace
from .labelstore import DEFAULT_STORE, append_labels, latest_labels
from .neardup import near_duplicate_groups
from .quality import most_disputed
from .review import QueueRows, read_reviews, suggestion, text_hash, write_workbook
from .strategies import build_queue

OOF_FILE = "oof_predictions.csv"


class ReviewImportError(ObstacleError):
    """Some filled rows are invalid; nothing was stored. One line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} invalid row(s); nothing was imported:\n" + "\n".join(problems))


@dataclass
class ExportSummary:
    path: Path
    sheets: dict
    audit: int


def probabilities_from_classified(frame: pd.DataFrame, n_classes: int) -> np.ndarray:
    """Rebuild each row's probability vector from `confidence` and `alternatives`; the probability the file
    does not list is spread evenly over the groups it does not name (enough for every strategy here)."""
    rows = []
    for confidence, alternatives in zip(frame["confidence"], frame["alternatives"].fillna("")):
        known = [float(confidence)] + [float(p.rsplit(":", 1)[1]) for p in str(alternatives).split("|") if ":" in p]
        rest = max(0.0, 1.0 - sum(known)) / max(1, n_classes - len(known))
        rows.append(known + [rest] * (n_classes - len(known)))
    return np.array(rows, dtype=float).reshape(len(rows), n_classes)


def _queue_frame(frame: pd.DataFrame, picked: np.ndarray, is_audit: np.ndarray, strategy: str,
                 space: LabelSpace) -> pd.DataFrame:
    rows = frame.iloc[picked]
    suggestions = [[(c, float(p)) for c, p in ([(r.pred_group_code, r.confidence)] +
                                                [tuple(a.rsplit(":", 1)) for a in str(r.alternatives).split("|") if ":" in a])]
                   for r in rows.itertuples()]
    out = pd.DataFrame({"report_id": rows["report_id"].astype(str).to_numpy(), "text": rows["text"].to_numpy()})
    for k in range(3):
        out[f"suggestion_{k + 1}"] = [suggestion(*s[k], space) if len(s) > k else "" for s in suggestions]
    out["expert_group_code"] = ""
    out["expert_note"] = ""
    out["text_sha256"] = [text_hash(t) for t in out["text"]]
    out["model_group_code"] = rows["pred_group_code"].to_numpy()
    out["model_confidence"] = rows["confidence"].astype(float).to_numpy()
    out["model_version"] = rows["model_version"].to_numpy()
    out["picked_by"] = np.where(is_audit, "random_audit", strategy)
    return out


def export_queue(classified_path, output, space: LabelSpace, *, n: int = 200, strategy: str = "margin",
                 per_area: bool = False, audit_share: float = 0.1, seed: int = 0, text_column: str = "text",
                 store=DEFAULT_STORE) -> ExportSummary:
    """Pick the reports experts should see from a `classify` output and write the review workbook.

    Reports already labeled in the store are left out; with `per_area`, one sheet (of up to `n`) per
    predicted area so that each area's experts get their own."""
    frame = read_table(classified_path)
    needed = ["pred_group_code", "confidence", "alternatives", "model_version", text_column]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError(f"not a `classify` output: no column '{missing[0]}'", classified_path)
    frame = frame.rename(columns={text_column: "text"})
    if "report_id" not in frame.columns:
        frame["report_id"] = [str(i) for i in range(2, len(frame) + 2)]  # its spreadsheet row
    frame = frame[frame["pred_group_code"].notna() & (frame["pred_group_code"].astype(str) != "")]
    frame = frame.reset_index(drop=True)
    done = set(latest_labels(store)["report_id"]) if Path(store).exists() else set()
    proba = probabilities_from_classified(frame, max(len(space.labels), 2))
    clusters = near_duplicate_groups(frame["text"].astype(str).tolist())
    already = frame["report_id"].astype(str).isin(done).to_numpy()
    parts = ([(a, frame["pred_area_code"].astype(str).to_numpy() == a) for a in sorted(frame["pred_area_code"].unique())]
             if per_area else [("", np.ones(len(frame), dtype=bool))])
    sheets, audit = [], 0
    for area, mask in parts:
        picked, is_audit = build_queue(proba, n, strategy, audit_share, seed, clusters, exclude=already | ~mask)
        title = f"{area} {space.parent_names.get(area, area)}" if area else "صف بازبینی"
        sheets.append(QueueRows(title, _queue_frame(frame, picked, is_audit, strategy, space)))
        audit += int(is_audit.sum())
    path = write_workbook(sheets, output, space)
    return ExportSummary(path, {s.title: len(s.frame) for s in sheets}, audit)


def import_reviews(path, reviewer: str, valid_codes: set[str], *, skip_invalid: bool = False,
                   store=DEFAULT_STORE) -> dict:
    """Validate every filled row, then append them to the label store in one transaction.

    Any invalid row stops the import before anything is written, unless `skip_invalid`."""
    if not reviewer.strip():
        raise InputError("a reviewer name is needed (--reviewer)")
    reviews = read_reviews(path, valid_codes)
    if reviews.problems and not skip_invalid:
        raise ReviewImportError(reviews.problems)
    for row in reviews.rows:
        row["reviewer"] = reviewer.strip()
    added = append_labels(reviews.rows, store)
    return {"filled": len(reviews.rows), "added": added, "already_stored": len(reviews.rows) - added,
            "blank": reviews.blank, "skipped_invalid": len(reviews.problems)}


def export_suspects(model_dir, output, space: LabelSpace, *, n: int = 200) -> ExportSummary:
    """Labeled reports whose label the model, trained without them (out-of-fold), most strongly disputes."""
    path = Path(model_dir) / OOF_FILE
    if not path.exists():
        raise InputError(f"no out-of-fold predictions in {model_dir}; retrain with `obstacles train`", path)
    oof = pd.read_csv(path, dtype={"report_id": str}, keep_default_na=False)
    disputed = most_disputed(oof, n)
    out = pd.DataFrame({"report_id": disputed["report_id"], "text": disputed["text"]})
    for k in range(3):
        out[f"suggestion_{k + 1}"] = [suggestion(c, p, space) for c, p in
                                      zip(disputed[f"pred_{k + 1}"], disputed[f"prob_{k + 1}"])]
    out["expert_group_code"] = ""
    out["expert_note"] = ["برچسب فعلی: " + suggestion(c, p, space) for c, p in
                          zip(disputed["label"], disputed["prob_label"])]
    out["text_sha256"] = [text_hash(t) for t in out["text"]]
    out["model_group_code"] = disputed["pred_1"].to_numpy()
    out["model_confidence"] = disputed["prob_1"].to_numpy()
    out["model_version"] = disputed["model_id"].to_numpy() if "model_id" in disputed else ""
    out["picked_by"] = "suspect_label"
    written = write_workbook([QueueRows("برچسب‌های مشکوک", out.reset_index(drop=True))], output, space)
    return ExportSummary(written, {"برچسب‌های مشکوک": len(out)}, 0)


def oof_table(frame: pd.DataFrame, proba: np.ndarray, classes: np.ndarray, model_id: str) -> pd.DataFrame:
    """Out-of-fold top-3 predictions and the probability of the given label, saved beside the model."""
    top = np.argsort(-proba, axis=1)[:, :3]
    rows = np.arange(len(proba))
    table = pd.DataFrame({"report_id": frame["report_id"].astype(str).to_numpy(), "text": frame["text"].to_numpy(),
                          "label": frame["label"].astype(str).to_numpy()})
    for k in range(3):
        table[f"pred_{k + 1}"] = classes[top[:, k]]
        table[f"prob_{k + 1}"] = np.round(proba[rows, top[:, k]], 4)
    table["prob_label"] = np.round(proba[rows, np.searchsorted(classes, table["label"])], 4)
    table["model_id"] = model_id
    return table
