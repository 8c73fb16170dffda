"""Speed and scale: end-to-end `obstacles classify` on generated files, the split between stages, training
time, model size and load time, with fastText's predict on the same texts in the same run."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from pipeline.io import TableWriter, read_table
from pipeline.normalise import normalise_many
from pipeline.predict import Predictor
from pipeline.synth import generate
from pipeline.taxonomy import load_taxonomy

from .common import median, run_measured

OBSTACLES = str(Path(sys.executable).with_name("obstacles"))


def make_file(n: int, path: Path, seed: int = 1) -> Path:
    with TableWriter(path) as writer:
        for chunk in generate(load_taxonomy(), n, seed):
            writer.write(chunk)
    return path


def end_to_end(model_dir: Path, sizes: list[int], work: Path, repeats: int = 3) -> list[dict]:
    """Wall time of `obstacles classify` in a fresh process, file in to file out: up to 50,000 reports, the
    median of `repeats` runs without memory sampling and one more run that samples it; above, one run.
    One untimed run first builds what a first run on a new machine builds (hazm's per-user cache)."""
    rows = []
    for n in sizes:
        source = make_file(n, work / f"synth_{n}.csv")
        command = [OBSTACLES, "classify", str(source), "-o", str(work / f"out_{n}.csv"), "--model-dir",
                   str(model_dir), "--quiet"]
        if not rows:
            run_measured(command, memory=False)
        if n <= 50_000:
            timed = [run_measured(command, memory=False) for _ in range(repeats)]
            peak = run_measured(command)["peak_rss_mb"]
        else:  # minutes per run: one run, memory sampled every half second (a few per cent of one core)
            timed = [run_measured(command, interval=0.5)]
            peak = timed[0]["peak_rss_mb"]
        seconds = [r["seconds"] for r in timed]
        rows.append({"reports": n, "runs": len(timed), "seconds_median": median(seconds), "seconds_all": seconds,
                     "reports_per_second": n / median(seconds), "peak_rss_mb": peak})
        (work / f"out_{n}.csv").unlink(missing_ok=True)
        if n > 50_000:
            source.unlink()
    return rows


def start_up(model_dir: Path, work: Path, repeats: int = 5) -> dict:
    """`obstacles classify` on a one-report file: the fixed cost every run pays (interpreter, imports, model
    load and check, hazm's lexicon from its cache), median of `repeats` fresh processes."""
    source = make_file(1, work / "one.csv")
    command = [OBSTACLES, "classify", str(source), "-o", str(work / "one_out.csv"), "--model-dir", str(model_dir),
               "--quiet"]
    seconds = [run_measured(command, memory=False)["seconds"] for _ in range(repeats)]
    return {"seconds_median": median(seconds), "seconds_all": seconds}


def stage_split(model_dir: Path, source: Path) -> dict:
    """One process, one core: seconds spent in each stage on the same file."""
    timings = {}
    start = time.perf_counter()
    predictor = Predictor.load(model_dir)
    timings["load_model"] = time.perf_counter() - start
    start = time.perf_counter()
    normalise_many(["گرم کردن"])
    timings["build_hazm"] = time.perf_counter() - start
    start = time.perf_counter()
    frame = read_table(source)
    timings["read"] = time.perf_counter() - start
    texts = frame["text"].tolist()
    steps = predictor.pipeline.named_steps
    start = time.perf_counter()
    statuses, usable, inputs = predictor.usable_inputs(texts)  # counted with the columns below
    statuses_seconds = time.perf_counter() - start
    start = time.perf_counter()
    normalised = steps["normalise"].transform(inputs)
    timings["normalise"] = time.perf_counter() - start
    start = time.perf_counter()
    features = steps["features"].transform(normalised)
    timings["vectorise"] = time.perf_counter() - start
    start = time.perf_counter()
    proba = steps["classifier"].predict_proba(features)
    timings["predict"] = time.perf_counter() - start
    start = time.perf_counter()
    predictions = predictor.frame(statuses, usable, proba)
    timings["columns_and_review_flags"] = statuses_seconds + time.perf_counter() - start
    frame = frame.join(predictions)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        with TableWriter(Path(tmp) / "out.csv") as writer:
            writer.write(frame)
        timings["write"] = time.perf_counter() - start
    return {"reports": len(texts), "seconds": timings}


def fasttext_predict(texts: list[str], train_texts: list[str], train_labels: list[str], repeats: int = 3) -> dict:
    """fastText trained on the same hand-written corpus; predict (top-3) timed on the same texts."""
    import fasttext

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "train.txt"
        path.write_text("\n".join(f"__label__{l} {t}" for l, t in zip(train_labels, normalise_many(train_texts))),
                        encoding="utf-8")
        model = fasttext.train_supervised(str(path), epoch=25, wordNgrams=2, minn=2, maxn=5, verbose=0)
    flat = [t.replace("\n", " ") for t in texts]
    raw_runs, norm_runs = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict(flat, k=3)
        raw_runs.append(time.perf_counter() - start)
        start = time.perf_counter()
        model.predict(normalise_many(flat), k=3)
        norm_runs.append(time.perf_counter() - start)
    return {"reports": len(texts), "predict_only_per_second": len(texts) / median(raw_runs),
            "with_our_normalisation_per_second": len(texts) / median(norm_runs)}


def training_time(source: Path, work: Path) -> dict:
    run = run_measured([OBSTACLES, "train", "--data", str(source), "--model-dir", str(work / "m_train"), "--quiet"])
    return {"reports": int(source.stat().st_size and len(read_table(source))), "seconds": run["seconds"],
            "peak_rss_mb": run["peak_rss_mb"]}


def model_size_and_load(model_dir: Path, repeats: int = 5) -> dict:
    """Artifact size, and load time in a fresh process (import + verify + unpickle), median of runs."""
    code = ("import time; t = time.perf_counter(); from pipeline.predict import Predictor; "
            f"Predictor.load(r'{model_dir}'); print(time.perf_counter() - t)")
    loads = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
             for _ in range(repeats)]
    size = sum(p.stat().st_size for p in Path(model_dir).iterdir() if p.name == "model.joblib")
    return {"model_mb": size / 1e6, "load_seconds_median": median(loads), "load_seconds_all": loads}


def peak_growth(rows: list[dict]) -> float:
    """Peak memory at the largest size divided by peak memory at the smallest (1.0 = perfectly flat)."""
    peaks = [r["peak_rss_mb"] for r in sorted(rows, key=lambda r: r["reports"])]
    return float(np.round(peaks[-1] / peaks[0], 3)) if peaks else float("nan")
