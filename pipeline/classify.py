"""Batch classification of a report file: stream it in chunks, add the prediction columns, write atomically."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError
from .io import DEFAULT_CHUNK, TableWriter, iter_table, table_format
from .predict import PRED_COLUMNS, Predictor

ID_COLUMNS = ("report_id", "id", "شناسه")


@dataclass
class ClassifySummary:
    input: Path
    output: Path
    rows: int = 0
    needs_review: int = 0
    statuses: Counter = field(default_factory=Counter)
    areas: Counter = field(default_factory=Counter)
    groups: Counter = field(default_factory=Counter)
    duplicate_ids: list = field(default_factory=list)
    duplicate_id_rows: int = 0
    seconds: float = 0.0
    model_version: str = ""


def default_output(input_path: Path) -> Path:
    return input_path.with_name(f"{input_path.stem}.classified.csv")


class _DuplicateIds:
    """Spots repeated report ids across chunks with 8-byte hashes, so memory stays small for millions."""

    def __init__(self) -> None:
        self.seen = np.zeros(0, dtype=np.uint64)
        self.examples: list = []
        self.count = 0

    def add(self, ids: pd.Series) -> None:
        hashes = pd.util.hash_array(ids.astype(str).to_numpy())
        uniq, first, counts = np.unique(hashes, return_index=True, return_counts=True)
        position = np.searchsorted(self.seen, uniq)
        already = (position < len(self.seen)) & (self.seen[np.minimum(position, len(self.seen) - 1)] == uniq) \
            if len(self.seen) else np.zeros(len(uniq), dtype=bool)
        repeated = already | (counts > 1)
        self.count += int(counts[repeated].sum() - (~already[repeated]).sum())
        for i in first[repeated]:
            if len(self.examples) < 5 and ids.iloc[i] not in self.examples:
                self.examples.append(ids.iloc[i])
        self.seen = np.union1d(self.seen, uniq)


def classify_file(input_path: str | Path, output_path: str | Path | None = None, *, predictor: Predictor,
                  text_column: str = "text", top_k: int = 3, id_column: str | None = None,
                  chunksize: int = DEFAULT_CHUNK, progress: Callable[[int], None] | None = None) -> ClassifySummary:
    """Classify every row of `input_path` into `output_path` (default: `<stem>.classified.csv` beside it).

    All input columns and rows are kept, in order, with `PRED_COLUMNS` appended. Nothing is written to
    `output_path` unless the whole file succeeds.
    """
    start = time.perf_counter()
    input_path = Path(input_path)
    output_path = Path(output_path) if output_path else default_output(input_path)
    table_format(output_path)
    if output_path.resolve() == input_path.resolve():
        raise InputError("the output would overwrite the input; choose another -o", output_path)
    summary = ClassifySummary(input_path, output_path, model_version=predictor.version)
    duplicates = _DuplicateIds()
    with TableWriter(output_path) as writer:
        for chunk in iter_table(input_path, chunksize):
            if text_column not in chunk.columns:
                raise InputError(f"no column '{text_column}'; the columns are: "
                                 f"{', '.join(map(str, chunk.columns)) or '(none)'}; choose one with --text-column",
                                 input_path)
            id_col = id_column or next((c for c in ID_COLUMNS if c in chunk.columns), None)
            if id_column and id_column not in chunk.columns:
                raise InputError(f"no id column '{id_column}'", input_path)
            if id_col is not None and len(chunk):
                duplicates.add(chunk[id_col])
            predictions = predictor.predict(chunk[text_column].tolist(), top_k=top_k)
            predictions.index = chunk.index
            clashing = [c for c in PRED_COLUMNS if c in chunk.columns]
            writer.write(pd.concat([chunk.drop(columns=clashing), predictions], axis=1))
            _count(summary, predictions)
            if progress:
                progress(len(chunk))
    summary.duplicate_ids, summary.duplicate_id_rows = duplicates.examples, duplicates.count
    summary.seconds = time.perf_counter() - start
    return summary


def _count(summary: ClassifySummary, predictions: pd.DataFrame) -> None:
    summary.rows += len(predictions)
    summary.needs_review += int(predictions["needs_review"].sum())
    summary.statuses.update(predictions["status"])
    classified = predictions[predictions["pred_group_code"].notna()]
    summary.areas.update(classified["pred_area_code"])
    summary.groups.update(classified["pred_group_code"])
