"""The demo outputs the notebooks run on: models/default, the classified demo batch, and a simulated review."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .artifact import CARD_FILE, read_card
from .labels import LabelSpace
from .labelstore import DEFAULT_STORE

ROOT = Path(__file__).resolve().parent.parent
DEMO_MODEL = ROOT / "models" / "default"
DEMO_RAW = ROOT / "data" / "raw" / "new_reports.xlsx"
DEMO_ANSWER_KEY = ROOT / "data" / "raw" / "new_reports.answer_key.csv"
DEMO_CLASSIFIED = ROOT / "reports" / "new_reports.classified.xlsx"  # where `make demo` writes it too
# Who plays the experts in a simulated review, round by round, and how often each picks a wrong group.
SIMULATED_ROUNDS = (("کارشناس الف", "margin", 0.0), ("کارشناس ب", "margin", 0.1), ("کارشناس الف", "random", 0.0))


@dataclass(frozen=True)
class DemoPaths:
    """Where the demo's inputs and outputs are."""

    model_dir: Path
    raw: Path
    classified: Path
    answer_key: Path


def ensure_demo_outputs(model_dir: str | Path = DEMO_MODEL, raw: str | Path = DEMO_RAW,
                        classified: str | Path = DEMO_CLASSIFIED,
                        answer_key: str | Path = DEMO_ANSWER_KEY, taxonomy_path=None) -> DemoPaths:
    """Train `model_dir` if it has no model, and classify `raw` into `classified` if that is missing or
    older than the raw batch or the model (the batch keeps growing, so its size is never assumed).

    Training on data/labeled/ takes a minute or two; nothing is written under data/.
    """
    from .classify import classify_file
    from .predict import Predictor
    from .trainflow import train_from_files

    model_dir, raw, classified = Path(model_dir), Path(raw), Path(classified)
    card = model_dir / CARD_FILE
    if not card.exists():
        train_from_files([], model_dir, taxonomy_path=taxonomy_path)
    if not classified.exists() or classified.stat().st_mtime < max(raw.stat().st_mtime, card.stat().st_mtime):
        classify_file(raw, classified, predictor=Predictor.load(model_dir, taxonomy_path), jobs=1)
    return DemoPaths(model_dir, raw, classified, Path(answer_key))


def simulate_review(classified: str | Path, answer_key: str | Path, folder: str | Path, model_dir: str | Path,
                    *, rounds=SIMULATED_ROUNDS, n: int = 30, seed: int = 0) -> Path:
    """Build a small label store in `folder` by playing review rounds through the real expert loop.

    Each round exports a queue with `reviewflow.export_queue`, fills it from the answer key (with the
    round's share of deliberate mistakes, a wrong group of the same area, so that suspected mislabels
    exist) and imports it with `reviewflow.import_reviews`. Returns the store's path.
    """
    from openpyxl import load_workbook

    from .review import CODES_SHEET, restore
    from .reviewflow import export_queue, import_reviews

    folder = Path(folder)
    store = folder / DEFAULT_STORE.name
    space = LabelSpace.from_dict(read_card(model_dir)["label_space"])
    truth = pd.read_csv(answer_key, dtype=str).set_index("report_id")["group_code"].to_dict()
    rng = np.random.default_rng(seed)
    for number, (reviewer, strategy, error_rate) in enumerate(rounds, start=1):
        queue = export_queue(classified, folder / f"round_{number}.xlsx", space, n=n, strategy=strategy,
                             seed=seed + number, store=store).path
        book = load_workbook(queue)
        for sheet in book.worksheets:
            if sheet.title == CODES_SHEET:
                continue
            header = [c.value for c in sheet[1]]
            id_col, code_col = header.index("report_id") + 1, header.index("expert_group_code") + 1
            for row in range(3, sheet.max_row + 1):  # row 2 holds the Persian headers
                code = truth.get(str(restore(sheet.cell(row, id_col).value)))
                if code not in space.parent_of:
                    continue  # no answer, or a group this model does not know: the expert leaves it blank
                if rng.random() < error_rate:
                    siblings = [c for c in space.labels if space.parent_of[c] == space.parent_of[code] and c != code]
                    code = str(rng.choice(siblings)) if siblings else code
                sheet.cell(row, code_col).value = code
        book.save(queue)
        import_reviews(queue, reviewer, set(space.labels), store=store)
    return store
