"""The model card: what a model was trained on, how, how good it measured, and how to verify it."""

from __future__ import annotations

import platform
from dataclasses import asdict
from datetime import datetime, timezone
from importlib import metadata

LIBRARIES = ("hazm", "scikit-learn", "numpy", "scipy", "pandas", "joblib")


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def jalali_now(now: datetime) -> str:
    import jdatetime

    return jdatetime.datetime.fromgregorian(datetime=now.astimezone()).strftime("%Y/%m/%d %H:%M")


def build_card(*, name: str, result, config, label_space, data_summary: dict, data_sha256: str,
               candidates: dict | None = None) -> dict:
    """Everything `obstacles classify` and a reviewer need to trust (or refuse) the model."""
    now = datetime.now(timezone.utc)
    return {
        "model_id": f"{name}-{now:%Y%m%dT%H%M%SZ}-{data_sha256[:8]}",
        "created_at": now.isoformat(timespec="seconds"),
        "created_at_jalali": jalali_now(now),
        "label_space": label_space.to_dict(),
        "taxonomy_sha256": label_space.taxonomy_sha256,
        "training_data": {**data_summary, "sha256": data_sha256},
        "libraries": library_versions(),
        "hyper_parameters": asdict(config),
        "cross_validation": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in result.cv_metrics.items()},
        "calibration": {"method": "temperature scaling on out-of-fold decision scores",
                        "temperature": round(result.temperature, 4)},
        "review_threshold": result.threshold,
        "review_rule": "needs_review when confidence < review_threshold (chosen on out-of-fold predictions "
                       "so that accepted predictions reach 95% precision) or status is not ok",
        "timings_s": {k: round(v, 2) for k, v in result.timings.items()},
        "model_selection": candidates or {},
    }
