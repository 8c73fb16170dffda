"""The expert loop: export a queue, fill it, import it into the append-only store, retrain."""

import sqlite3
import threading

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.errors import InputError
from pipeline.labels import LabelSpace
from pipeline.labelstore import append_labels, connect, read_labels
from pipeline.review import neutralise, restore
from pipeline.reviewflow import ReviewImportError, export_queue, import_reviews
from pipeline.taxonomy import load_taxonomy

ZWNJ = "\u200c"


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+98 61", "-5%", "@SUM(A1)", "\tتب", "\rخط",
                                  "'=quoted", "''", f"کارخانه{ZWNJ}ها تعطیل", "", "عادی"])
def test_neutralise_restore_round_trip(text):
    assert restore(neutralise(text)) == text
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise(text).startswith("'")


@pytest.fixture
def space(mini_taxonomy_path):
    return LabelSpace.from_taxonomy(load_taxonomy(mini_taxonomy_path))


@pytest.fixture
def classified(tmp_path, mini_model_dir, mini_taxonomy_path, mini_corpus):
    """A classify output with a formula-looking text and a ZWNJ text among real reports."""
    from pipeline.classify import classify_file
    from pipeline.predict import Predictor

    texts = mini_corpus.groupby("group_code").head(5)["text"].tolist()
    texts[0] = "=cmd|' /C calc'!A0 پول خرید مواد نداریم"
    texts[1] = f"کارخانه{ZWNJ}ها از کمبود نقدینگی{ZWNJ}{ZWNJ} رنج می{ZWNJ}برند"
    src = tmp_path / "batch.csv"
    pd.DataFrame({"report_id": [f"b{i}" for i in range(40)], "text": texts}).to_csv(src, index=False)
    out = tmp_path / "batch.classified.csv"
    classify_file(src, out, predictor=Predictor.load(mini_model_dir, mini_taxonomy_path))
    return out


def fill(queue_path, answers):
    """Play the expert: write codes into expert_group_code (answers: {report_id: code})."""
    book = load_workbook(queue_path)
    for sheet in book.worksheets:
        if sheet.title == "codes":
            continue
        header = [c.value for c in sheet[1]]
        id_col, code_col = header.index("report_id") + 1, header.index("expert_group_code") + 1
        for row in range(3, sheet.max_row + 1):
            code = answers.get(restore(sheet.cell(row, id_col).value))
            if code:
                sheet.cell(row, code_col).value = code
    book.save(queue_path)


def test_export_workbook_format(classified, tmp_path, space):
    summary = export_queue(classified, tmp_path / "q.xlsx", space, n=30, per_area=True, store=tmp_path / "s.sqlite")
    book = load_workbook(summary.path)
    sheets = [s for s in book.worksheets if s.title != "codes"]
    assert len(sheets) >= 2 and book["codes"].sheet_state == "hidden"
    sheet = sheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:7] == ["report_id", "text", "suggestion_1", "suggestion_2", "suggestion_3",
                          "expert_group_code", "expert_note"]
    assert sheet.sheet_view.rightToLeft and sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["H"].hidden  # text hash
    assert sheet.cell(3, 2).alignment.wrap_text
    assert sheet.data_validations.dataValidation[0].formula1.startswith("=codes!")
    assert "(" in sheet.cell(3, 3).value and sheet.cell(3, 3).value.split()[0] in space.labels
    all_texts = [s.cell(r, 2).value for s in sheets for r in range(3, s.max_row + 1)]
    assert all(not str(t).startswith(("=", "+", "-", "@")) for t in all_texts)


def test_round_trip_text_and_import(classified, tmp_path, space):
    store = tmp_path / "s.sqlite"
    queue = export_queue(classified, tmp_path / "q.xlsx", space, n=40, store=store).path
    fill(queue, {"b0": "FIN-02", "b1": "REG-01", "b5": "TEC-33"})
    result = import_reviews(queue, "دکتر رضایی", set(space.labels), store=store)
    assert result["added"] == 3 and result["blank"] >= 30
    labels = read_labels(store).set_index("report_id")
    source = pd.read_csv(classified, dtype=str).set_index("report_id")
    for rid in ("b0", "b1"):
        assert labels.loc[rid, "text"] == source.loc[rid, "text"]  # byte for byte, ZWNJs and all
    assert labels.loc["b1", "reviewer"] == "دکتر رضایی" and labels.loc["b0", "group_code"] == "FIN-02"
    assert labels.loc["b0", "model_confidence"] > 0


def test_double_import_adds_nothing(classified, tmp_path, space):
    store = tmp_path / "s.sqlite"
    queue = export_queue(classified, tmp_path / "q.xlsx", space, n=10, store=store).path
    fill(queue, {rid: "FIN-01" for rid in [f"b{i}" for i in range(40)]})
    first = import_reviews(queue, "a", set(space.labels), store=store)
    second = import_reviews(queue, "a", set(space.labels), store=store)
    assert first["added"] == 10 and second["added"] == 0 and len(read_labels(store)) == 10


def test_failed_import_leaves_store_untouched(classified, tmp_path, space):
    store = tmp_path / "s.sqlite"
    append_labels([{"report_id": "old", "text": "قبلی", "group_code": "FIN-01", "reviewer": "x",
                    "source_file": "f", "text_sha256": "h"}], store)
    before = store.read_bytes()
    queue = export_queue(classified, tmp_path / "q.xlsx", space, n=10, store=store).path
    ids = [c.value for c in load_workbook(queue).worksheets[1]["A"][2:]]
    fill(queue, {ids[0]: "FIN-01", ids[1]: "FIN-99", ids[2]: "TEC-33"})
    book = load_workbook(queue)
    book.worksheets[1].cell(5, 2).value = "متن دستکاری‌شده"  # the third report's text edited
    book.save(queue)
    with pytest.raises(ReviewImportError) as info:
        import_reviews(queue, "a", set(space.labels), store=store)
    problems = info.value.problems
    assert len(problems) == 2
    assert "row 4, column 'expert_group_code': 'FIN-99' is not a group code" in problems[0]
    assert "row 5, column 'text': the report text was changed" in problems[1]
    assert len(read_labels(store)) == 1
    result = import_reviews(queue, "a", set(space.labels), store=store, skip_invalid=True)
    assert result["added"] == 1 and result["skipped_invalid"] == 2
    assert before  # the store existed before the failed attempt


def test_store_is_append_only(tmp_path):
    store = tmp_path / "s.sqlite"
    append_labels([{"report_id": "r", "text": "t", "group_code": "FIN-01", "reviewer": "a", "source_file": "f",
                    "text_sha256": "h"}], store)
    connection = connect(store)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        connection.execute("UPDATE labels SET group_code = 'FIN-02'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        connection.execute("DELETE FROM labels")
    connection.close()


def test_two_concurrent_imports_both_land(tmp_path):
    store = tmp_path / "s.sqlite"
    connect(store).close()
    batches = [[{"report_id": f"{who}{i}", "text": "متن", "group_code": "FIN-01", "reviewer": who,
                 "source_file": f"{who}.xlsx", "text_sha256": "h"} for i in range(300)] for who in ("a", "b")]
    start = threading.Barrier(2)

    def run(batch):
        start.wait()
        append_labels(batch, store)

    threads = [threading.Thread(target=run, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(read_labels(store)) == 600


def test_newer_label_wins_in_training_data(tmp_path):
    from pipeline.labelstore import merge_expert_labels

    store = tmp_path / "s.sqlite"
    row = {"report_id": "L-1", "text": "متن", "reviewer": "a", "text_sha256": "h"}
    append_labels([{**row, "group_code": "FIN-01", "source_file": "1.xlsx"}], store)
    append_labels([{**row, "group_code": "TEC-33", "source_file": "2.xlsx"}], store)
    frame = pd.DataFrame({"text": ["متن", "دیگر"], "label": ["REG-01", "MKT-01"], "report_id": ["L-1", "L-2"],
                          "origin": "x"})
    merged, n = merge_expert_labels(frame, store)
    assert n == 1 and dict(zip(merged["report_id"], merged["label"])) == {"L-2": "MKT-01", "L-1": "TEC-33"}


def test_import_of_a_non_workbook(tmp_path, space):
    bad = tmp_path / "q.xlsx"
    bad.write_text("nope")
    with pytest.raises(InputError, match="not an Excel"):
        import_reviews(bad, "a", set(space.labels), store=tmp_path / "s.sqlite")


def test_cli_round_trip_relabels_flow_into_training(tmp_path, mini_labeled_path, mini_taxonomy_path):
    """classify -> review export -> experts fill -> review import -> train -> predicted as the experts said."""
    runner = CliRunner()
    invoke = lambda *a: runner.invoke(main, [str(x) for x in a], catch_exceptions=False)
    model, store = tmp_path / "m", tmp_path / "store.sqlite"
    corpus = pd.read_csv(mini_labeled_path, dtype=str, keep_default_na=False)
    labeled_part = corpus.groupby("group_code").head(12)
    labeled_path = tmp_path / "labeled.csv"
    labeled_part.to_csv(labeled_path, index=False)
    assert invoke("train", "--data", labeled_path, "--taxonomy", mini_taxonomy_path, "--model-dir", model,
                  "--folds", 3).exit_code == 0
    batch = corpus.drop(labeled_part.index).head(24)[["report_id", "text"]]
    batch.to_csv(tmp_path / "batch.csv", index=False)
    assert invoke("classify", tmp_path / "batch.csv", "--model-dir", model, "--taxonomy", mini_taxonomy_path).exit_code == 0
    result = invoke("review", "export", tmp_path / "batch.classified.csv", "-o", tmp_path / "q.xlsx", "--n", 12,
                    "--per-area", "--model-dir", model, "--store", store)
    assert result.exit_code == 0, result.output
    # The experts deliberately relabel every queued report to REG-33, so the effect is unmistakable.
    queued = [restore(c.value) for s in load_workbook(tmp_path / "q.xlsx").worksheets[1:] for c in s["A"][2:]]
    fill(tmp_path / "q.xlsx", {rid: "REG-33" for rid in queued})
    result = invoke("review", "import", tmp_path / "q.xlsx", "--reviewer", "kh", "--model-dir", model, "--store", store)
    assert result.exit_code == 0 and f"{len(queued)} label(s) added" in result.output
    from pipeline.labelstore import merge_expert_labels
    from pipeline.training import train_and_save
    from pipeline.predict import Predictor

    frame = pd.DataFrame({"text": labeled_part["text"], "label": labeled_part["group_code"],
                          "report_id": labeled_part["report_id"]})
    merged, n = merge_expert_labels(frame, store)
    assert n == len(queued)
    space = LabelSpace.from_taxonomy(load_taxonomy(mini_taxonomy_path))
    train_and_save(merged, space, tmp_path / "m2", folds=3)
    relabeled = batch[batch["report_id"].isin(queued)]["text"].tolist()
    predicted = Predictor.load(tmp_path / "m2", mini_taxonomy_path).predict(relabeled)["pred_group_code"]
    assert (predicted == "REG-33").mean() >= 0.9
    stats = invoke("labels", "stats", "--model-dir", model, "--store", store)
    assert "kh" in stats.output and "agreement" in stats.output
    assert invoke("labels", "export", "-o", tmp_path / "labels.csv", "--store", store).exit_code == 0
    assert len(pd.read_csv(tmp_path / "labels.csv")) == len(queued)


def test_suspects_workbook(tmp_path, mini_model_dir):
    runner = CliRunner()
    result = runner.invoke(main, ["review", "suspects", "-o", str(tmp_path / "s.xlsx"), "--n", "5",
                                  "--model-dir", str(mini_model_dir)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(tmp_path / "s.xlsx").worksheets[1]
    assert sheet.max_row == 2 + 5
    assert str(sheet.cell(3, 7).value).startswith("برچسب فعلی")
