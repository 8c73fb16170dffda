"""Shared fixtures: a small real taxonomy and corpus slice, and one model trained on it per session."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from pipeline.labels import LabelSpace
from pipeline.taxonomy import DEFAULT_TAXONOMY, load_taxonomy
from pipeline.training import ModelConfig, train_and_save

ROOT = Path(__file__).resolve().parent.parent
LABELED = ROOT / "data" / "labeled" / "handwritten_reports.csv"
# Two groups from each area: enough to exercise groups, areas and calibration in seconds.
MINI_GROUPS = ["FIN-01", "FIN-02", "TEC-33", "TEC-34", "MKT-01", "MKT-33", "REG-01", "REG-33"]
# A tiny hand-written Persian corpus for tests that need no model.
TINY_CORPUS = [
    ("با سلام و احترام، به استحضار می‌رساند به علت قطع مکرر برق خط تولید متوقف شده است.", "TEC-24"),
    ("سلام مهندس، باز برق رفت و دستگاه ها خوابیدن", "TEC-24"),
    ("مطالبات ما از شرکت ملی نفت دو ساله پرداخت نشده", "FIN-03"),
    ("پول خرید مواد اولیه نداریم، نصف ظرفیت کار میکنیم", "FIN-01"),
]


@pytest.fixture(scope="session")
def mini_taxonomy_path(tmp_path_factory) -> Path:
    rows = list(csv.DictReader(open(DEFAULT_TAXONOMY, encoding="utf-8")))
    path = tmp_path_factory.mktemp("taxonomy") / "mini_taxonomy.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(r for r in rows if r["group_code"] in MINI_GROUPS)
    return path


@pytest.fixture(scope="session")
def mini_corpus() -> pd.DataFrame:
    frame = pd.read_csv(LABELED, dtype=str, keep_default_na=False)
    return frame[frame["group_code"].isin(MINI_GROUPS)].reset_index(drop=True)


@pytest.fixture(scope="session")
def mini_labeled_path(mini_corpus, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("labeled") / "mini_labeled.csv"
    mini_corpus.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def mini_model_dir(mini_corpus, mini_taxonomy_path, tmp_path_factory) -> Path:
    """A taxonomy model over the mini taxonomy, trained through the same code path as `obstacles train`."""
    taxonomy = load_taxonomy(mini_taxonomy_path)
    model_dir = tmp_path_factory.mktemp("models") / "mini"
    frame = pd.DataFrame({"text": mini_corpus["text"], "label": mini_corpus["group_code"],
                          "report_id": mini_corpus["report_id"]})
    pairs = taxonomy.training_texts()
    train_and_save(frame, LabelSpace.from_taxonomy(taxonomy), model_dir, name="mini", folds=3,
                   config=ModelConfig(max_word_features=20_000, max_char_features=40_000),
                   extra=([t for t, _ in pairs], [c for _, c in pairs]))
    return model_dir
