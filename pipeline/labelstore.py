"""The expert label store: an append-only SQLite database under data/labeled/.

Every import is one transaction; rows are never updated or deleted. A newer label for the same report adds
a row, and training uses the latest label of each report.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from .corpus import LABELED_DIR

DEFAULT_STORE = LABELED_DIR / "expert_labels.sqlite"
LABEL_COLUMNS = ("report_id", "text", "group_code", "reviewer", "imported_at", "source_file", "source_sheet",
                 "source_row", "text_sha256", "model_group_code", "model_confidence", "model_version", "note")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS labels (
    label_id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id TEXT NOT NULL,
    text TEXT NOT NULL,
    group_code TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    source_file TEXT NOT NULL,
    source_sheet TEXT,
    source_row INTEGER,
    text_sha256 TEXT NOT NULL,
    model_group_code TEXT,
    model_confidence REAL,
    model_version TEXT,
    note TEXT,
    UNIQUE (report_id, group_code, reviewer, text_sha256, source_file)
);
CREATE TRIGGER IF NOT EXISTS labels_no_update BEFORE UPDATE ON labels
BEGIN SELECT RAISE(ABORT, 'the label store is append-only'); END;
CREATE TRIGGER IF NOT EXISTS labels_no_delete BEFORE DELETE ON labels
BEGIN SELECT RAISE(ABORT, 'the label store is append-only'); END;
"""


def connect(path: str | Path = DEFAULT_STORE) -> sqlite3.Connection:
    """Open (creating if needed) the store. WAL lets readers work while an import writes; the busy
    timeout makes a second simultaneous import wait for the first instead of failing."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.executescript(_SCHEMA)
    return connection


def append_labels(rows: list[dict], path: str | Path = DEFAULT_STORE) -> int:
    """Insert rows in one transaction; rows already stored (same report, label, reviewer, text and file)
    are skipped, so importing the same file twice adds nothing. Returns how many rows were added."""
    if not rows:
        return 0
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    connection = connect(path)
    try:
        connection.execute("BEGIN IMMEDIATE")
        before = connection.total_changes
        connection.executemany(
            f"INSERT OR IGNORE INTO labels ({', '.join(LABEL_COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in LABEL_COLUMNS)})",
            [tuple(row.get(c, now if c == "imported_at" else None) for c in LABEL_COLUMNS) for row in rows])
        added = connection.total_changes - before
        connection.execute("COMMIT")
        return added
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    finally:
        connection.close()


def read_labels(path: str | Path = DEFAULT_STORE) -> pd.DataFrame:
    """Every stored label, oldest first."""
    if not Path(path).exists():
        return pd.DataFrame(columns=["label_id", *LABEL_COLUMNS])
    connection = connect(path)
    try:
        return pd.read_sql_query("SELECT * FROM labels ORDER BY label_id", connection)
    finally:
        connection.close()


def latest_labels(path: str | Path = DEFAULT_STORE) -> pd.DataFrame:
    """The newest label of each report (by insertion order)."""
    labels = read_labels(path)
    return labels.drop_duplicates("report_id", keep="last").reset_index(drop=True)


def merge_expert_labels(frame: pd.DataFrame, path: str | Path = DEFAULT_STORE) -> tuple[pd.DataFrame, int]:
    """Training rows with expert labels applied: the latest expert label of a report overrides any older
    label of the same report_id, and expert-labeled reports not in `frame` are added."""
    latest = latest_labels(path)
    if latest.empty:
        return frame, 0
    expert = pd.DataFrame({"text": latest["text"], "label": latest["group_code"],
                           "report_id": latest["report_id"], "origin": "expert_labels"})
    kept = frame[~frame["report_id"].isin(expert["report_id"])]
    return pd.concat([kept, expert], ignore_index=True), len(expert)


def label_stats(path: str | Path = DEFAULT_STORE, parent_of: dict | None = None) -> dict[str, pd.DataFrame]:
    """Counts by reviewer and area, and how often the expert agreed with the model's prediction."""
    labels = read_labels(path)
    parent_of = parent_of or {}
    labels["area"] = [parent_of.get(code, code.split("-")[0]) for code in labels["group_code"]]
    labels["agrees"] = labels["group_code"] == labels["model_group_code"]
    by_reviewer_area = (labels.pivot_table(index="reviewer", columns="area", values="label_id", aggfunc="count",
                                           fill_value=0) if len(labels) else pd.DataFrame())
    agreement = (labels.groupby("reviewer").agg(labels=("label_id", "count"), agreement=("agrees", "mean"))
                 if len(labels) else pd.DataFrame(columns=["labels", "agreement"]))
    return {"by_reviewer_area": by_reviewer_area, "agreement": agreement,
            "total": pd.DataFrame({"labels": [len(labels)], "reports": [labels["report_id"].nunique()],
                                   "agreement": [labels["agrees"].mean() if len(labels) else float("nan")]})}
