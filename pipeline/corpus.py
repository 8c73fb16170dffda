"""Labeled reports: reading and validating the files in data/labeled (and expert labels) for training."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from .errors import InputError
from .io import read_table
from .taxonomy import Taxonomy

LABELED_DIR = Path(__file__).resolve().parent.parent / "data" / "labeled"
LABELED_COLUMNS = ("report_id", "text", "group_code", "county", "industrial_estate", "sector", "reported_at",
                   "source", "style")


def default_labeled_files(folder: Path = LABELED_DIR) -> list[Path]:
    return sorted(p for p in folder.glob("*.csv") if not p.name.startswith("."))


def validate_frame(frame: pd.DataFrame, required, path) -> None:
    """Every required column is present; otherwise name what is missing and what exists."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(f"no column '{missing[0]}'; the columns are: {', '.join(map(str, frame.columns))} "
                         "(choose another with --text-column / --label-column)", path)


def load_labeled(paths, text_column: str = "text", label_column: str = "group_code",
                 parent_column: str | None = None, taxonomy: Taxonomy | None = None) -> pd.DataFrame:
    """Concatenate labeled files into columns `text, label[, parent], report_id, origin`.

    With a taxonomy, every label must be one of its group codes. Empty texts or labels are errors
    (a labeled file is curated data: silently dropping rows would hide a mistake).
    """
    frames = []
    for path in paths:
        path = Path(path)
        frame = read_table(path)
        validate_frame(frame, [text_column, label_column] + ([parent_column] if parent_column else []), path)
        out = pd.DataFrame({"text": frame[text_column].astype(str),
                            "label": frame[label_column].astype(str).str.strip()})
        if parent_column:
            out["parent"] = frame[parent_column].astype(str).str.strip()
        out["report_id"] = frame["report_id"].astype(str) if "report_id" in frame else [
            f"{path.stem}:{i}" for i in range(2, len(frame) + 2)]
        out["origin"] = path.name
        for column, values in ((text_column, out["text"]), (label_column, out["label"])):
            blank = values.str.strip().isin(["", "nan", "None"])
            if blank.any():
                raise InputError("empty value; labeled rows need a text and a label", path,
                                 int(blank.to_numpy().nonzero()[0][0]) + 2, column)
        if taxonomy is not None:
            unknown = ~out["label"].isin(taxonomy.codes)
            if unknown.any():
                i = int(unknown.to_numpy().nonzero()[0][0])
                raise InputError(f"group code '{out['label'].iloc[i]}' is not in the taxonomy "
                                 f"({taxonomy.describe_codes()}); see {taxonomy.path}", path, i + 2, label_column)
        frames.append(out)
    if not frames:
        raise InputError("no labeled files given (and none found in data/labeled)")
    return pd.concat(frames, ignore_index=True)


def data_sha256(frame: pd.DataFrame) -> str:
    """A hash of the training rows themselves (text and label), independent of file names and order."""
    digest = hashlib.sha256()
    for line in sorted(frame["text"] + "\t" + frame["label"]):
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()
