"""The `obstacles` command end to end through click's CliRunner: exit codes, messages, files."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.evaluate import METRIC_KEYS


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def test_train_writes_model_and_prints_figures(run, mini_labeled_path, mini_taxonomy_path, tmp_path):
    result = run("train", "--data", mini_labeled_path, "--taxonomy", mini_taxonomy_path, "--model-dir",
                 tmp_path / "m", "--folds", 3)
    assert result.exit_code == 0, result.output
    assert "group macro-F1" in result.output and "review threshold" in result.output
    card = json.loads((tmp_path / "m" / "model_card.json").read_text(encoding="utf-8"))
    assert card["training_data"]["mode"] == "taxonomy"


def test_classify_default_output_and_summary(run, mini_model_dir, mini_taxonomy_path, tmp_path):
    src = tmp_path / "batch.csv"
    pd.DataFrame({"report_id": ["1", "2"], "text": ["نقدینگی برای خرید مواد نداریم", ""]}).to_csv(src, index=False)
    result = run("classify", src, "--model-dir", mini_model_dir, "--taxonomy", mini_taxonomy_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "batch.classified.csv").exists()
    assert "needs review:" in result.output and "empty_text 1" in result.output


def test_classify_jobs_do_not_change_the_output(run, mini_model_dir, mini_taxonomy_path, mini_corpus, tmp_path):
    src = tmp_path / "batch.csv"
    mini_corpus[["report_id", "text"]].to_csv(src, index=False)
    for jobs in (1, 3):
        result = run("classify", src, "-o", tmp_path / f"jobs{jobs}.csv", "--model-dir", mini_model_dir,
                     "--taxonomy", mini_taxonomy_path, "--jobs", jobs, "--quiet")
        assert result.exit_code == 0
    assert (tmp_path / "jobs1.csv").read_bytes() == (tmp_path / "jobs3.csv").read_bytes()


def test_classify_quiet_prints_nothing(run, mini_model_dir, mini_taxonomy_path, tmp_path):
    src = tmp_path / "batch.jsonl"
    src.write_text('{"text": "برق رفت"}\n', encoding="utf-8")
    result = run("classify", src, "-o", tmp_path / "o.parquet", "--model-dir", mini_model_dir, "--taxonomy",
                 mini_taxonomy_path, "--quiet")
    assert result.exit_code == 0 and result.output == ""


def test_classify_warns_about_duplicate_ids(run, mini_model_dir, mini_taxonomy_path, tmp_path):
    src = tmp_path / "batch.csv"
    pd.DataFrame({"report_id": ["7", "7"], "text": ["برق رفت", "آب نداریم"]}).to_csv(src, index=False)
    result = CliRunner().invoke(main, ["classify", str(src), "--model-dir", str(mini_model_dir), "--taxonomy",
                                       str(mini_taxonomy_path)])
    assert result.exit_code == 0
    assert "warning:" in result.stderr and "repeat a report id" in result.stderr


@pytest.mark.parametrize("content, match", [
    ("id,matn\n1,برق\n", r"batch\.csv: no column 'text'; the columns are: id, matn"),
    ("text\nبرق\nآب,اضافه\n", r"batch\.csv, row 3: not a well-formed table"),
])
def test_bad_input_is_one_line_with_exit_code_2(content, match, mini_model_dir, mini_taxonomy_path, tmp_path):
    src = tmp_path / "batch.csv"
    src.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["classify", str(src), "--model-dir", str(mini_model_dir), "--taxonomy",
                                       str(mini_taxonomy_path)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    import re

    assert re.search(match, result.stderr)


def test_missing_input_file_fails_before_work(tmp_path):
    result = CliRunner().invoke(main, ["classify", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_cp1256_input_is_read(run, mini_model_dir, mini_taxonomy_path, tmp_path):
    src = tmp_path / "old.csv"
    src.write_bytes("text\nپول خريد مواد اوليه نداريم\n".encode("cp1256"))
    result = run("classify", src, "--model-dir", mini_model_dir, "--taxonomy", mini_taxonomy_path)
    assert result.exit_code == 0
    out = pd.read_csv(tmp_path / "old.classified.csv", dtype=str)
    assert out["text"].iloc[0] == "پول خريد مواد اوليه نداريم" and out["status"].iloc[0] == "ok"


def test_evaluate_json_has_the_documented_keys(run, mini_model_dir, mini_taxonomy_path, mini_labeled_path):
    result = run("evaluate", mini_labeled_path, "--model-dir", mini_model_dir, "--taxonomy", mini_taxonomy_path, "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert set(METRIC_KEYS) <= set(figures) and figures["n"] > 0


def test_train_refuses_unknown_group_code(mini_labeled_path, mini_taxonomy_path, tmp_path):
    bad = pd.read_csv(mini_labeled_path, dtype=str, keep_default_na=False)
    bad.loc[3, "group_code"] = "FIN-99"
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    result = CliRunner().invoke(main, ["train", "--data", str(path), "--taxonomy", str(mini_taxonomy_path),
                                       "--model-dir", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "bad.csv, row 5, column 'group_code': group code 'FIN-99' is not in the taxonomy" in result.stderr
    assert not (tmp_path / "m").exists()


def test_train_and_evaluate_on_any_label_set(run, tmp_path):
    colours = ["سفید", "مشکی", "قرمز", "آبی", "سبز", "زرد", "طوسی", "صورتی", "بنفش", "قهوه‌ای", "نارنجی", "کرم"]
    brands = ["نایک", "آدیداس", "سامسونگ", "شیائومی", "پوما", "اپل", "ال‌جی", "هواوی", "ریباک", "نوکیا", "زارا", "مانگو"]
    rows = [(f"{w} {colours[i]} برند {brands[(i * 5) % 12]} سایز {36 + i}", label, parent) for i in range(12)
            for w, label, parent in (("کفش ورزشی", "shoe", "fashion"), ("پیراهن مردانه", "shirt", "fashion"),
                                     ("گوشی موبایل", "phone", "digital"))]
    data = tmp_path / "bench.csv"
    pd.DataFrame(rows, columns=["text", "label", "parent_label"]).to_csv(data, index=False)
    assert run("train", "--data", data, "--label-column", "label", "--parent-column", "parent_label",
               "--model-dir", tmp_path / "m", "--folds", 3).exit_code == 0
    tuned = run("train", "--data", data, "--label-column", "label", "--model-dir", tmp_path / "t", "--folds", 3,
                "--tune")
    assert tuned.exit_code == 0 and "tuned: " in tuned.output
    card = json.loads((tmp_path / "t" / "model_card.json").read_text(encoding="utf-8"))
    assert card["model_selection"]["chosen"] in card["model_selection"]["candidates"]
    result = run("evaluate", data, "--model-dir", tmp_path / "m", "--label-column", "label", "--parent-column",
                 "parent_label", "--json")
    figures = json.loads(result.output)
    assert figures["group_accuracy"] > 0.9 and figures["area_accuracy"] > 0.9


def test_taxonomy_lists_persian_and_english(run):
    result = run("taxonomy")
    assert result.exit_code == 0
    assert "TEC-24" in result.output and "فنی، تولید و زیرساخت" in result.output
    assert "Finance, credit and tax" in result.output


def test_taxonomy_validate(run, mini_taxonomy_path):
    result = run("taxonomy", "--validate", mini_taxonomy_path)
    assert result.exit_code == 0 and "4 areas, 8 groups" in result.output


def test_synth_is_deterministic_and_marked_generated(run, tmp_path):
    run("synth", "--n", 500, "--seed", 3, "-o", tmp_path / "a.csv")
    run("synth", "--n", 500, "--seed", 3, "-o", tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    frame = pd.read_csv(tmp_path / "a.csv")
    assert len(frame) == 500 and (frame["source"] == "generated").all()
    counts = frame["group_code"].value_counts()
    assert counts.iloc[0] > 10 * counts.median() / 2  # skewed: a few groups dominate
