"""Helpers shared by the benchmarks: where the data is, timing, peak memory of a process tree."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def bench_data_dir() -> Path | None:
    """`$BENCH_DATA`, else ../shared/benchmarks beside the project; None when neither exists."""
    candidates = [os.environ.get("BENCH_DATA"), ROOT.parent / "shared" / "benchmarks"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def datasets(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if (p / "train.csv").exists() and (p / "test.csv").exists())


def median(values) -> float:
    return float(statistics.median(values))


def write_result(name: str, data: dict, folder: Path = RESULTS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _pss(process) -> int:
    """Proportional set size in bytes. /proc/PID/smaps_rollup is summed by the kernel; psutil's
    `memory_full_info` parses the whole smaps file, which took most of a core on a 2-core machine while a
    4,500,000-report run was being sampled."""
    import psutil

    try:
        with open(f"/proc/{process.pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return process.memory_full_info().pss
    except (psutil.AccessDenied, AttributeError):
        return process.memory_info().rss


def run_measured(command: list[str], interval: float = 0.1, memory: bool = True) -> dict:
    """Run a command; wall time and (with `memory`) the peak memory of it and all its children.

    Memory is the summed PSS (proportional set size): forked workers share the parent's pages (the model,
    the libraries) copy-on-write, and summing RSS would count those pages once per process. Reading PSS
    walks every mapping of every process and costs CPU on a 2-core machine, so timed runs leave it off."""
    import psutil

    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        if not memory:
            return
        parent = psutil.Process(process.pid)
        while not done.is_set():
            try:
                tree = [parent] + parent.children(recursive=True)
                peak = max(peak, sum(_pss(p) for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}): {err.decode()[-500:]}")
    return {"seconds": seconds, "peak_rss_mb": peak / 2**20 if memory else None, "memory_measure": "sum of PSS",
            "stdout": out.decode()[-2000:]}
