"""A smoke run of the benchmark code on tiny sizes, so that it cannot rot. Nothing here is timed."""

import json

import pandas as pd
import pytest

from benchmarks import run
from benchmarks.common import bench_data_dir
from pipeline.labels import LabelSpace
from pipeline.taxonomy import load_taxonomy
from pipeline.training import ModelConfig, train_and_save


@pytest.fixture(scope="module")
def taxonomy_model(mini_corpus, tmp_path_factory):
    """A small model over the full taxonomy (the speed benchmark classifies taxonomy reports)."""
    taxonomy = load_taxonomy()
    model_dir = tmp_path_factory.mktemp("bench") / "model"
    frame = pd.DataFrame({"text": mini_corpus["text"], "label": mini_corpus["group_code"],
                          "report_id": mini_corpus["report_id"]})
    pairs = taxonomy.training_texts()
    train_and_save(frame, LabelSpace.from_taxonomy(taxonomy), model_dir, folds=3,
                   config=ModelConfig(max_word_features=20_000, max_char_features=40_000),
                   extra=([t for t, _ in pairs], [c for _, c in pairs]))
    return model_dir


def test_smoke_run_writes_results_and_markdown(tmp_path, taxonomy_model):
    results, markdown = tmp_path / "results", tmp_path / "BENCHMARKS.md"
    code = run.main(["--smoke", "--results", str(results), "--markdown", str(markdown), "--model-dir",
                     str(taxonomy_model), "--autotune-seconds", "2"])
    assert code == 0
    summary = json.loads((results / "summary.json").read_text(encoding="utf-8"))
    speed = summary["speed"]
    assert speed["end_to_end"][0]["reports"] == 2000 and speed["end_to_end"][0]["reports_per_second"] > 0
    assert set(speed["stages"]["seconds"]) >= {"read", "normalise", "vectorise", "predict", "write"}
    assert speed["fasttext"]["predict_only_per_second"] > 0 and speed["model"]["model_mb"] > 0
    curves = summary["active_learning"]["curves"]
    assert set(curves) == {"least_confidence", "margin", "entropy", "random"}
    assert all(len(c) == 2 and c[1]["labels"] > c[0]["labels"] for c in curves.values())
    text = markdown.read_text(encoding="utf-8")
    assert "## Targets" in text and "Smoke run" in text
    if bench_data_dir() is not None:
        quality = summary["quality"][0]
        assert 0 <= quality["ours"]["macro_f1"] <= 1 and 0 <= quality["fasttext"]["macro_f1"] <= 1
    else:
        assert summary["quality"] == [] and "No benchmark data found" in text


def test_missing_benchmark_data_is_said_clearly(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("BENCH_DATA", str(tmp_path / "absent"))
    monkeypatch.setattr("benchmarks.common.ROOT", tmp_path)
    assert bench_data_dir() is None
    rows = run.run_quality(type("Args", (), {"smoke": True, "autotune_seconds": 2})(), tmp_path)
    assert rows == [] and "no benchmark data" in capsys.readouterr().err


def test_rerunning_some_parts_keeps_the_others_from_their_files(tmp_path):
    (tmp_path / "quality_b.json").write_text(json.dumps({"dataset": "b"}), encoding="utf-8")
    (tmp_path / "quality_a.json").write_text(json.dumps({"dataset": "a"}), encoding="utf-8")
    (tmp_path / "speed.json").write_text(json.dumps({"end_to_end": []}), encoding="utf-8")
    kept = run.last_results({"quality", "speed", "active_learning"}, tmp_path)
    assert [row["dataset"] for row in kept["quality"]] == ["a", "b"]
    assert kept["speed"] == {"end_to_end": []} and "active_learning" not in kept
