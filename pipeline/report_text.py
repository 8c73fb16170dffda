"""Short human-readable summaries for the terminal, with Persian names."""

from __future__ import annotations

from .labels import LabelSpace


def classify_summary_lines(summary, label_space: LabelSpace, top: int = 5) -> list[str]:
    """What an analyst wants after a batch: counts per area, top groups, share to review, where it went."""
    lines = [f"classified {summary.rows} reports from {summary.input} in {summary.seconds:.1f} s "
             f"(model {summary.model_version})"]
    classified = sum(summary.areas.values())
    if classified:
        lines.append("per area:")
        for area, count in summary.areas.most_common():
            lines.append(f"  {area}  {label_space.parent_names.get(area, area)}: {count} "
                         f"({count / classified:.0%})")
        lines.append(f"top {min(top, len(summary.groups))} groups:")
        for group, count in summary.groups.most_common(top):
            lines.append(f"  {group}  {label_space.label_names.get(group, group)}: {count}")
    if summary.rows:
        lines.append(f"needs review: {summary.needs_review} of {summary.rows} "
                     f"({summary.needs_review / summary.rows:.0%})")
    unusual = {k: v for k, v in summary.statuses.items() if k != "ok"}
    if unusual:
        lines.append("not classified normally: " + ", ".join(f"{k} {v}" for k, v in sorted(unusual.items())))
    lines.append(f"output: {summary.output}")
    return lines
