"""Batch classification: every row out, in order, with predictions, and bad rows flagged, not dropped."""

import numpy as np
import pandas as pd
import pytest

from pipeline.classify import classify_file, default_output
from pipeline.errors import InputError
from pipeline.predict import PRED_COLUMNS, Predictor


@pytest.fixture(scope="module")
def predictor(mini_model_dir, mini_taxonomy_path):
    return Predictor.load(mini_model_dir, mini_taxonomy_path)


MESSY = ["با سلام و احترام، به استحضار می‌رساند نقدینگی برای خرید مواد اولیه نداریم.", "", "   \t ",
         "hello, the plant is closed", "كارخانه ي ما پول خريد مواد ندارد", "برق " * 30_000]


def test_every_row_kept_in_order_with_status(tmp_path, predictor):
    src = tmp_path / "in.csv"
    pd.DataFrame({"report_id": [f"r{i}" for i in range(len(MESSY))], "extra": list("abcdef"),
                  "text": MESSY}).to_csv(src, index=False)
    summary = classify_file(src, predictor=predictor)
    out = pd.read_csv(default_output(src), dtype=str, keep_default_na=False)
    assert list(out.columns) == ["report_id", "extra", "text", *PRED_COLUMNS]
    assert out["report_id"].tolist() == [f"r{i}" for i in range(len(MESSY))]
    assert out["status"].tolist() == ["ok", "empty_text", "whitespace_only", "non_persian", "ok", "too_long_truncated"]
    assert out["needs_review"].tolist()[1:4] == ["True"] * 3 and out["needs_review"].iloc[5] == "True"
    assert out["pred_group_code"].iloc[1] == "" and out["pred_group_code"].iloc[5] != ""
    assert summary.rows == 6 and summary.statuses["ok"] == 2


def test_predictions_are_consistent(tmp_path, predictor, mini_corpus):
    out = predictor.predict(mini_corpus["text"].head(30), top_k=3)
    ok = out[out["status"] == "ok"]
    assert (ok["confidence"] >= 0).all() and (ok["confidence"] <= 1).all()
    assert (ok["area_confidence"] >= ok["confidence"] - 1e-9).all()
    assert (ok["margin"] <= ok["confidence"]).all()
    assert all(len(a.split("|")) == 3 for a in ok["alternatives"])
    assert all(code[:3] == area for code, area in zip(ok["pred_group_code"], ok["pred_area_code"]))
    assert (ok["needs_review"] == (ok["confidence"] < predictor.threshold)).all()
    assert ok["pred_group_name"].str.contains("[آ-ی]").all()  # Persian names


def test_chunked_streaming_gives_the_same_output(tmp_path, predictor, mini_corpus):
    src = tmp_path / "in.csv"
    mini_corpus[["report_id", "text"]].head(50).to_csv(src, index=False)
    classify_file(src, tmp_path / "one.csv", predictor=predictor)
    classify_file(src, tmp_path / "many.csv", predictor=predictor, chunksize=7)
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "many.csv").read_bytes()


def test_empty_input_gives_empty_output_with_columns(tmp_path, predictor):
    src = tmp_path / "in.csv"
    src.write_text("report_id,text\n", encoding="utf-8")
    summary = classify_file(src, tmp_path / "out.xlsx", predictor=predictor)
    out = pd.read_excel(tmp_path / "out.xlsx")
    assert summary.rows == 0 and len(out) == 0 and list(out.columns) == ["report_id", "text", *PRED_COLUMNS]


def test_duplicate_id_count_over_many_chunks_matches_a_plain_count():
    from collections import Counter

    from pipeline.classify import _DuplicateIds

    rng = np.random.default_rng(3)
    ids = rng.integers(0, 3_000, size=10_000).astype(str)
    tracker = _DuplicateIds()
    for start in range(0, len(ids), 137):
        tracker.add(pd.Series(ids[start:start + 137]))
    assert tracker.count == sum(c - 1 for c in Counter(ids).values())
    assert len(tracker.levels) <= 14  # a few sorted arrays, not one per chunk
    assert sum(map(len, tracker.levels)) == len(set(ids))


def test_duplicate_ids_are_classified_and_counted(tmp_path, predictor):
    src = tmp_path / "in.csv"
    pd.DataFrame({"report_id": ["a", "b", "a", "c", "a"], "text": ["برق رفت"] * 5}).to_csv(src, index=False)
    summary = classify_file(src, predictor=predictor, chunksize=2)
    assert summary.rows == 5 and summary.duplicate_id_rows == 2 and summary.duplicate_ids == ["a"]


def test_missing_text_column_lists_the_columns(tmp_path, predictor):
    src = tmp_path / "in.csv"
    pd.DataFrame({"id": [1], "matn": ["برق"]}).to_csv(src, index=False)
    with pytest.raises(InputError, match=r"in\.csv: no column 'text'; the columns are: id, matn"):
        classify_file(src, predictor=predictor)
    assert not default_output(src).exists()


def test_output_never_overwrites_input(tmp_path, predictor):
    src = tmp_path / "in.csv"
    pd.DataFrame({"text": ["برق"]}).to_csv(src, index=False)
    with pytest.raises(InputError, match="overwrite the input"):
        classify_file(src, src, predictor=predictor)
    assert src.read_text(encoding="utf-8") == "text\nبرق\n"


@pytest.mark.parametrize("suffix", [".tsv", ".xlsx", ".parquet", ".jsonl"])
def test_every_output_format(tmp_path, predictor, suffix):
    src = tmp_path / "in.csv"
    pd.DataFrame({"text": ["نقدینگی نداریم", "برق رفت"]}).to_csv(src, index=False)
    classify_file(src, tmp_path / f"out{suffix}", predictor=predictor)
    from pipeline.io import read_table

    out = read_table(tmp_path / f"out{suffix}")
    assert len(out) == 2 and "pred_group_code" in out.columns
