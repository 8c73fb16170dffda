"""The shipped corpus: every group covered by hand-written reports, clean ids, no repeated text."""

import re

import pandas as pd
import pytest

from pipeline.corpus import LABELED_COLUMNS, default_labeled_files
from pipeline.io import read_table
from pipeline.neardup import near_duplicate_groups
from pipeline.taxonomy import load_taxonomy

from conftest import LABELED, ROOT

RAW = ROOT / "data" / "raw" / "new_reports.xlsx"


@pytest.fixture(scope="module")
def corpus():
    return pd.read_csv(LABELED, dtype=str, keep_default_na=False)


def test_columns(corpus):
    assert set(LABELED_COLUMNS) <= set(corpus.columns)
    assert (corpus["source"] == "handwritten").all()
    assert set(corpus["style"]) == {"formal_letter", "field_note", "chat", "summary"}


def test_every_group_has_at_least_20_handwritten_reports(corpus):
    counts = corpus["group_code"].value_counts()
    taxonomy = load_taxonomy()
    missing = {code: int(counts.get(code, 0)) for code in taxonomy.codes if counts.get(code, 0) < 20}
    assert not missing, f"groups under 20 reports: {missing}"
    assert set(counts.index) <= set(taxonomy.codes)


def test_ids_unique_and_texts_distinct(corpus):
    assert corpus["report_id"].is_unique
    assert corpus["text"].is_unique
    groups = near_duplicate_groups(corpus["text"], threshold=0.95)
    assert groups.max() + 1 >= 0.99 * len(corpus)  # almost no near-copies either


def test_dates_are_jalali(corpus):
    assert corpus["reported_at"].str.fullmatch(r"14\d\d/(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])").all()


def test_noise_is_a_labeled_minority(corpus):
    arabic = corpus["text"].str.contains("[يك]")
    assert 0.03 < arabic.mean() < 0.3
    assert (corpus.loc[arabic, "noise"].str.contains("arabic_keyboard")).all()


def test_only_csv_files_in_labeled_are_training_data():
    assert [p.name for p in default_labeled_files()] == ["handwritten_reports.csv"]


def test_raw_workbook_is_unlabeled_and_not_a_copy(corpus):
    raw = read_table(RAW)
    assert len(raw) >= 1000
    assert {"report_id", "unit_name", "county", "industrial_estate", "reported_at", "text"} <= set(raw.columns)
    assert "group_code" not in raw.columns
    assert not set(raw["text"]) & set(corpus["text"])
