"""Model-quality and review-progress tables."""

import numpy as np
import pandas as pd
import pytest

from pipeline import quality



def test_per_label_f1_worst_first():
    table = quality.per_label_f1(["A", "A", "B", "B"], ["A", "A", "A", "B"], {"A": "الف"})
    assert table["group_code"].tolist() == ["B", "A"]
    assert table.set_index("group_code").loc["A", ["precision", "recall"]].tolist() == pytest.approx([2 / 3, 1.0])
    assert table["group_name"].tolist() == ["B", "الف"] and table["support"].tolist() == [2, 2]


def test_confusion_table_rows_true_columns_predicted():
    table = quality.confusion_table(["FIN", "FIN", "TEC"], ["FIN", "TEC", "MKT"], {"FIN": "مالی"})
    assert list(table.index) == ["مالی", "MKT", "TEC"] and list(table.columns) == ["مالی", "MKT", "TEC"]
    assert table.loc["مالی", "TEC"] == 1 and table.loc["TEC", "MKT"] == 1 and table.to_numpy().sum() == 3


def test_confused_pairs_count_and_shortest_example():
    pairs = quality.confused_pairs(["A", "A", "A", "B", "B"], ["B", "B", "A", "A", "B"],
                                     ["متن بلندتر", "کوتاه", "درست", "تنها", "درست"], {"A": "الف", "B": "ب"})
    assert pairs[["true", "predicted", "count", "example"]].values.tolist() == [["A", "B", 2, "کوتاه"],
                                                                              ["B", "A", 1, "تنها"]]
    assert pairs["true_name"].tolist() == ["الف", "ب"]


def test_reliability_table_bins():
    table = quality.reliability_table([0.05, 0.15, 0.95, 1.0], [0, 1, 1, 0], bins=10)
    assert table["confidence_from"].tolist() == [0.0, 0.1, 0.9]
    assert table["count"].tolist() == [1, 1, 2] and table["accuracy"].tolist() == [0.0, 1.0, 0.5]
    assert table["mean_confidence"].iloc[2] == pytest.approx(0.975)


LABELS = pd.DataFrame({"label_id": [1, 2, 3, 4, 5], "reviewer": ["الف", "الف", "ب", "ب", "الف"],
                       "group_code": ["FIN-01", "TEC-24", "FIN-01", "FIN-02", "FIN-03"],
                       "model_group_code": ["FIN-01", "TEC-01", "FIN-01", "FIN-01", "FIN-03"],
                       "source_file": ["r1.xlsx", "r1.xlsx", "r2.xlsx", "r2.xlsx", "r3.xlsx"]})


def test_agreement_by_round_in_import_order():
    table = quality.agreement_by_round(LABELS.iloc[[2, 3, 0, 1, 4]])
    assert table["source_file"].tolist() == ["r1.xlsx", "r2.xlsx", "r3.xlsx"]
    assert table["round"].tolist() == [1, 2, 3] and table["agreement"].tolist() == [0.5, 0.5, 1.0]
    assert table["reviewer"].tolist() == ["الف", "ب", "الف"]


def test_suspected_mislabels_most_disputed_first():
    oof = pd.DataFrame({"report_id": ["a", "b", "c"], "text": ["یک", "دو", "سه"], "label": ["X", "Y", "Z"],
                        "pred_1": ["Y", "Y", "X"], "prob_1": [0.9, 0.8, 0.6], "prob_label": [0.05, 0.8, 0.3]})
    table = quality.suspected_mislabels(oof, {"X": "ایکس"}, n=5)
    assert table["report_id"].tolist() == ["a", "c"]
    assert table["label_name"].tolist() == ["ایکس", "Z"] and table["model_pick_name"].tolist() == ["Y", "ایکس"]

