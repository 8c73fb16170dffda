"""BENCHMARKS.md from the results: machine, versions, every figure with how it was measured, targets."""

from __future__ import annotations

import json
from pathlib import Path

F1_FLOORS = {"snapp_product_titles": 0.72, "persian_stock_telegram": 0.65}


def _f(value, digits=3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def quality_lines(rows: list[dict]) -> list[str]:
    if not rows:
        return ["No benchmark data found (set `BENCH_DATA` or provide `../shared/benchmarks`); not measured.", ""]
    lines = ["| dataset | train / test / classes | ours acc | ours macro-F1 | ours --tune macro-F1 (chosen) | "
             "baseline macro-F1 | fastText acc | fastText macro-F1 | ours parent acc | fastText parent acc | "
             "ours train s (--tune) | fastText train s |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        o, b, f = r["ours"], r["baseline_hazm_tfidf_linearsvc"], r["fasttext"]
        t = r.get("ours_tuned") or {}
        tuned = f"**{_f(t['macro_f1'])}** ({t['chosen']})" if t else "n/a"
        lines.append(f"| {r['dataset']} | {r['train_rows']} / {r['test_rows']} / {r['classes']} | {_f(o['accuracy'])} | "
                     f"**{_f(o['macro_f1'])}** | {tuned} | {_f(b['macro_f1'])} | {_f(f['accuracy'])} | "
                     f"{_f(f['macro_f1'])} | {_f(o.get('parent_accuracy'))} | {_f(f.get('parent_accuracy'))} | "
                     f"{o['train_seconds']:.0f} ({t.get('train_seconds', 0):.0f}) | {f['train_seconds']:.0f} |")
    lines += ["", "How: each system trains on the dataset's `train.csv` and is scored once on its `test.csv`, in the "
              "same run. Ours goes through `obstacles train --label-column label [--parent-column parent_label]` and "
              "`obstacles evaluate` (its training time includes the 5-fold cross-validation that calibrates it); "
              "`--tune` first cross-validates six classifier/strength candidates on train only and trains the best "
              "(highest CV macro-F1, the faster within 0.005), as fastText's autotune chooses on a split of train. "
              "fastText supervised is tuned by its own autotune on a 10% per-class validation split carved from "
              "train and reads the same hazm-normalised text. The baseline is hazm tokens + word TF-IDF + LinearSVC.",
              ""]
    return lines


def speed_lines(speed: dict) -> list[str]:
    if not speed:
        return ["Not run.", ""]
    lines = ["| reports | runs | median seconds | reports/s | peak memory (MB, all processes) |", "|---|---|---|---|---|"]
    for r in speed["end_to_end"]:
        lines.append(f"| {r['reports']:,} | {r['runs']} | {r['seconds_median']:.1f} | {r['reports_per_second']:,.0f} | "
                     f"{r['peak_rss_mb']:.0f} |")
    stages = speed["stages"]["seconds"]
    total = sum(stages.values())
    lines += ["", f"Stage split, one process on one core, {speed['stages']['reports']:,} reports "
              f"({speed['stages']['reports'] / total:,.0f} reports/s including start-up):", "",
              "| stage | seconds | share |", "|---|---|---|"]
    lines += [f"| {k} | {v:.2f} | {v / total:.0%} |" for k, v in stages.items()]
    ft = speed["fasttext"]
    lines += ["", f"fastText on the same {ft['reports']:,} texts, same run: predict only "
              f"{ft['predict_only_per_second']:,.0f} reports/s; with our normalisation first "
              f"{ft['with_our_normalisation_per_second']:,.0f} reports/s (no file reading or writing in either).", "",
              f"Training (`obstacles train --data`, a 20% holdout for calibration and figures + final fit; SGD "
              f"passes scaled to the data size) on {speed['training']['reports']:,} generated reports: "
              f"{speed['training']['seconds']:.0f} s.",
              f"Model: {speed['model']['model_mb']:.1f} MB; load in a fresh process (import, SHA-256 check, unpickle): "
              f"median {speed['model']['load_seconds_median']:.2f} s.",
              f"Peak memory at the largest size / at the smallest: {speed['memory_growth_largest_vs_smallest']}.", "",
              "How: `obstacles classify FILE.csv -o OUT.csv --quiet` as a separate process on files from "
              "`obstacles synth` (seed 1), wall time including start-up, after one untimed warm-up run (a first run "
              "on a new machine also builds hazm's per-user cache, about one second). Up to 45,000 reports: the "
              "median of 3 runs without memory sampling, then one more run for memory; larger sizes: one run. "
              "Peak memory = the sum of the PSS of the process and its forked workers (pages they share count "
              "once), sampled every 0.1 s (0.5 s for the larger runs).", ""]
    return lines


def target_lines(report: dict) -> list[str]:
    rows = []
    for r in report.get("quality", []):
        peer = r["fasttext"]["macro_f1"]
        for key, how in (("ours", "default"), ("ours_tuned", "--tune")):
            if key not in r:
                continue
            ours = r[key]["macro_f1"]
            rows.append((f"macro-F1 above fastText on {r['dataset']} ({how})", f"{ours:.3f} vs {peer:.3f}", ours > peer))
            if r["dataset"] in F1_FLOORS:
                floor = F1_FLOORS[r["dataset"]]
                rows.append((f"macro-F1 above {floor} on {r['dataset']} ({how})", f"{ours:.3f}", ours > floor))
    speed = report.get("speed")
    if speed:
        first = min(speed["end_to_end"], key=lambda r: r["reports"])
        rows.append((f"classify ≥ 10,000 reports/s on {first['reports']:,}", f"{first['reports_per_second']:,.0f}/s",
                     first["reports_per_second"] >= 10_000))
        largest = max(speed["end_to_end"], key=lambda r: r["reports"])
        rows.append((f"peak memory ≤ 1 GB (largest run: {largest['reports']:,})", f"{largest['peak_rss_mb']:.0f} MB",
                     largest["peak_rss_mb"] <= 1024))
        rows.append(("model ≤ 50 MB", f"{speed['model']['model_mb']:.1f} MB", speed["model"]["model_mb"] <= 50))
        rows.append(("model loads in < 2 s", f"{speed['model']['load_seconds_median']:.2f} s",
                     speed["model"]["load_seconds_median"] < 2))
        rows.append((f"training on {speed['training']['reports']:,} in ≤ 60 s", f"{speed['training']['seconds']:.0f} s",
                     speed["training"]["seconds"] <= 60))
    lines = ["| target | measured | met |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {'yes' if ok else '**no**'} |" for name, value, ok in rows]
    if speed:
        stages = speed["stages"]["seconds"]
        work = {k: v for k, v in stages.items() if k not in ("load_model", "build_hazm")}
        worst = max(work, key=work.get)
        rates = sorted(speed["end_to_end"], key=lambda r: r["reports"])
        lines += ["", f"Where the time goes (stage split below): {worst} takes {work[worst] / sum(work.values()):.0%} "
                  "of the per-report work on one core. End to end: "
                  + ", ".join(f"{r['reports_per_second']:,.0f}/s at {r['reports']:,}" for r in rates) + "."]
        if "start_up" in speed:
            fixed, first = speed["start_up"]["seconds_median"], rates[0]
            rest = first["seconds_median"] - fixed
            lines += ["", f"Every run first pays a fixed start-up of {fixed:.1f} s (classifying a one-report file: "
                      "interpreter, scikit-learn and pandas imports, model load and check, hazm's lexicon); at "
                      f"{first['reports']:,} reports that is {fixed / first['seconds_median']:.0%} of the wall time, "
                      f"and the reports themselves go at {first['reports'] / rest:,.0f}/s. 10,000/s end to end at "
                      f"{first['reports']:,} would need the whole run in {first['reports'] / 10_000:.1f} s."]
    return lines + [""]


def al_lines(result: dict) -> list[str]:
    if not result:
        return ["Not run.", ""]
    curves = result["curves"]
    names = list(curves)
    lines = [f"Pool {result['pool']}, held-out test {result['test']} (near-duplicates kept on one side); start "
             f"{result['seed_per_label']} labels per group, then {result['rounds']} batches of {result['batch']}.", "",
             "| labels | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for i, point in enumerate(curves[names[0]]):
        lines.append(f"| {point['labels']} | " + " | ".join(f"{curves[n][i]['macro_f1']:.3f}" for n in names) + " |")
    return lines + [""]


def write_markdown(report: dict, path: Path, model_dir: Path) -> Path:
    m = report["machine"]
    lines = ["# Benchmarks", "", f"Generated by `make bench` on {m['date']}: Python {m['python']}, {m['cpu_count']} cores "
             f"({m['processor']}). Libraries: " + ", ".join(f"{k} {v}" for k, v in m["libraries"].items()) + ".", "",
             "This machine is shared and noisy: figures are medians where runs repeat. Raw figures: "
             "`benchmarks/results/*.json`." + (" **Smoke run: tiny sizes, figures meaningless.**" if report.get("smoke") else "")
             + (f" Not rerun this time (figures from their last run, `benchmarks/results/`): "
                f"{', '.join(m['parts_not_rerun'])}." if m.get("parts_not_rerun") else ""),
             "", "## Targets", ""]
    lines += target_lines(report)
    lines += ["## Quality on real Persian data", ""] + quality_lines(report.get("quality", []))
    lines += ["## Speed and scale", ""] + speed_lines(report.get("speed"))
    lines += ["## Active learning (simulated experts)", ""] + al_lines(report.get("active_learning"))
    card = Path(model_dir) / "model_card.json"
    if card.exists():
        cv = json.loads(card.read_text(encoding="utf-8"))["cross_validation"]
        lines += ["## The default model (cross-validated on hand-written reports)", "",
                  ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in cv.items()), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


if __name__ == "__main__":  # rewrite BENCHMARKS.md from the last results without rerunning anything
    from .common import RESULTS, ROOT

    report = json.loads((RESULTS / "summary.json").read_text(encoding="utf-8"))
    write_markdown(report, ROOT / "BENCHMARKS.md", ROOT / "models" / "default")
