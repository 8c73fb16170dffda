"""The review notebooks run top to bottom on the demo data; the demo outputs they need are made when missing."""

import os
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from pipeline.demo import ensure_demo_outputs, simulate_review
from pipeline.labelstore import DEFAULT_STORE, read_labels
from pipeline.reporting import read_classified

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Charts each notebook must show (a cell that silently stopped plotting would otherwise pass).
MIN_FIGURES = {"01-category-distribution": 6, "02-model-quality": 5, "03-review-progress": 2}


def data_files() -> set[Path]:
    return {p for folder in ("raw", "labeled") for p in (ROOT / "data" / folder).rglob("*")}


@pytest.fixture(scope="session")
def demo():
    """models/default and the classified demo batch (trained and classified here only if missing)."""
    return ensure_demo_outputs()


def test_the_three_notebooks_exist():
    assert [p.stem for p in NOTEBOOKS] == list(MIN_FIGURES)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_thin_and_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert "from pipeline" in code[0].source
    assert not [cell for cell in code if "\ndef " in f"\n{cell.source}"]  # logic belongs in the package


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path, demo, tmp_path):
    before, store_existed = data_files(), DEFAULT_STORE.exists()
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # raises on a failing cell
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    figures = [output for output in outputs if "image/png" in output.get("data", {})]
    assert len(figures) >= MIN_FIGURES[path.stem]
    stderr = "".join(output.get("text", "") for output in outputs if output.get("name") == "stderr")
    assert stderr == ""  # e.g. no "Glyph ... missing from font" warning
    assert data_files() == before and DEFAULT_STORE.exists() == store_existed
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def batch(tmp_path, mini_corpus):
    """A small batch of real reports with its answer key, as the demo has."""
    reports = mini_corpus.groupby("group_code").head(6)
    raw, key = tmp_path / "batch.csv", tmp_path / "batch.answer_key.csv"
    reports[["report_id", "text"]].to_csv(raw, index=False)
    reports[["report_id", "group_code"]].to_csv(key, index=False)
    return raw, key


def test_ensure_demo_outputs_redoes_only_stale_work(batch, tmp_path, mini_model_dir, mini_taxonomy_path):
    raw, key = batch
    out = tmp_path / "reports" / "batch.classified.xlsx"
    make = lambda: ensure_demo_outputs(mini_model_dir, raw, out, key, taxonomy_path=mini_taxonomy_path)
    paths = make()
    assert (paths.model_dir, paths.classified, paths.answer_key) == (mini_model_dir, out, key)
    rows, written = len(read_classified(out)), out.stat().st_mtime_ns
    make()
    assert out.stat().st_mtime_ns == written  # nothing changed, nothing redone
    pd.concat([pd.read_csv(raw, dtype=str)] * 2).to_csv(raw, index=False)  # the batch grew
    os.utime(raw, ns=(written + 10**9, written + 10**9))
    make()
    assert len(read_classified(out)) == 2 * rows


def test_simulate_review_goes_through_the_expert_loop(batch, tmp_path, mini_model_dir, mini_taxonomy_path):
    raw, key = batch
    classified = ensure_demo_outputs(mini_model_dir, raw, tmp_path / "batch.classified.csv", key,
                                     taxonomy_path=mini_taxonomy_path).classified
    rounds = (("کارشناس الف", "margin", 0.0), ("کارشناس ب", "random", 1.0))
    store = simulate_review(classified, key, tmp_path / "review", mini_model_dir, rounds=rounds, n=5)
    assert store == tmp_path / "review" / DEFAULT_STORE.name
    labels = read_labels(store)
    truth = pd.read_csv(key, dtype=str).set_index("report_id")["group_code"]
    assert len(labels) == 10 and labels["report_id"].is_unique  # round 2 skips what round 1 labeled
    assert labels.groupby("reviewer")["source_file"].unique().map(list).to_dict() == {
        "کارشناس الف": ["round_1.xlsx"], "کارشناس ب": ["round_2.xlsx"]}
    careful, careless = (labels[labels["reviewer"] == name] for name in ("کارشناس الف", "کارشناس ب"))
    assert (careful["group_code"] == careful["report_id"].map(truth)).all()
    assert (careless["group_code"] != careless["report_id"].map(truth)).all()
    # A deliberate mistake stays within the true group's area, like a plausible expert slip.
    assert (careless["group_code"].str[:3] == careless["report_id"].map(truth).str[:3]).all()
