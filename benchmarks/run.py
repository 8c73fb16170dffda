"""`make bench`: run every benchmark, write benchmarks/results/*.json and regenerate BENCHMARKS.md.

    python -m benchmarks.run [--full] [--smoke] [--only quality,speed,active_learning] [--autotune-seconds 60]

Shared datasets are read from $BENCH_DATA or ../shared/benchmarks and never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from pipeline.card import library_versions
from pipeline.corpus import default_labeled_files, load_labeled
from pipeline.trainflow import train_from_files

from . import active_learning, quality, speed
from .common import RESULTS, ROOT, bench_data_dir, datasets, write_result
from .report import write_markdown

DEFAULT_MODEL = ROOT / "models" / "default"
ALL_PARTS = {"quality", "speed", "active_learning"}


def machine() -> dict:
    import os

    return {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "python": platform.python_version(),
            "cpu_count": os.cpu_count(), "processor": platform.processor() or platform.machine(),
            "libraries": {**library_versions(), "fasttext": _version("fasttext-numpy2-wheel")}}


def _version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def run_quality(args, results: Path) -> list[dict]:
    folder = bench_data_dir()
    if folder is None:
        print("quality: no benchmark data (set BENCH_DATA or provide ../shared/benchmarks); skipped", file=sys.stderr)
        return []
    rows = []
    for dataset in datasets(folder):
        print(f"quality: {dataset.name} …", file=sys.stderr)
        row = quality.run_dataset(dataset, args.autotune_seconds, limit=20 if args.smoke else None,
                                  folds=3 if args.smoke else 5)
        write_result(f"quality_{dataset.name}", row, results)
        rows.append(row)
        if args.smoke:
            break
    return rows


def run_speed(args, results: Path, model_dir: Path) -> dict:
    sizes = [2_000] if args.smoke else [45_000, 450_000] + ([4_500_000] if args.full else [])
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print(f"speed: end to end on {sizes} …", file=sys.stderr)
        rows = speed.end_to_end(model_dir, sizes, work, repeats=1 if args.smoke else 3)
        start_up = speed.start_up(model_dir, work, repeats=1 if args.smoke else 5)
        source = speed.make_file(sizes[0], work / "stages.csv")
        stages = speed.stage_split(model_dir, source)
        corpus = load_labeled(default_labeled_files())
        texts = pd.read_csv(source, dtype=str, keep_default_na=False)["text"].tolist()
        peer = speed.fasttext_predict(texts, corpus["text"].tolist(), corpus["label"].tolist(),
                                      repeats=1 if args.smoke else 3)
        print("speed: training time …", file=sys.stderr)
        training = speed.training_time(source, work)
    result = {"end_to_end": rows, "start_up": start_up, "memory_growth_largest_vs_smallest": speed.peak_growth(rows), "stages": stages,
              "fasttext": peer, "training": training, "model": speed.model_size_and_load(model_dir, 2 if args.smoke else 5)}
    write_result("speed", result, results)
    return result


def run_active_learning(args, results: Path) -> dict:
    corpus = load_labeled(default_labeled_files())
    if args.smoke:  # 16 groups, 12 reports each: enough to exercise every strategy
        corpus = corpus[corpus["label"].isin(sorted(corpus["label"].unique())[:16])].groupby("label").head(12)
    print("active learning …", file=sys.stderr)
    result = active_learning.simulate(corpus["text"].tolist(), corpus["label"].tolist(),
                                      batch=64 if args.smoke else 256, rounds=1 if args.smoke else 8,
                                      seed_per_label=2 if args.smoke else 3)
    write_result("active_learning", result, results)
    return result


def last_results(parts: set, results: Path) -> dict:
    """The last written results of `parts` (benchmarks/results/*.json), for a run that reruns only others."""
    found = {}
    if "quality" in parts:
        found["quality"] = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(results.glob("quality_*.json"))]
    for part in parts - {"quality"}:
        path = results / f"{part}.json"
        if path.exists():
            found[part] = json.loads(path.read_text(encoding="utf-8"))
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="also 4,500,000 reports (takes minutes)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks the code runs (used by tests)")
    parser.add_argument("--only", default=",".join(sorted(ALL_PARTS)))
    parser.add_argument("--autotune-seconds", type=int, default=60)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--markdown", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    parts = set(args.only.split(","))
    if "speed" in parts and not (args.model_dir / "model_card.json").exists():
        print(f"training {args.model_dir} first …", file=sys.stderr)
        train_from_files([], args.model_dir)
    report = {"machine": machine(), "smoke": args.smoke}
    if parts != ALL_PARTS and not args.smoke:
        # `--only` reruns some parts; the others keep their last results, read from their own files.
        report.update(last_results(ALL_PARTS - parts, args.results))
        report["machine"]["parts_not_rerun"] = sorted(ALL_PARTS - parts)
    if "quality" in parts:
        report["quality"] = run_quality(args, args.results)
    if "speed" in parts:
        report["speed"] = run_speed(args, args.results, args.model_dir)
    if "active_learning" in parts:
        report["active_learning"] = run_active_learning(args, args.results)
    write_result("summary", report, args.results)
    write_markdown(report, args.markdown, args.model_dir)
    print(f"wrote {args.markdown} and {args.results}/", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
