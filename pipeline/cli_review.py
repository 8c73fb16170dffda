"""The `obstacles review` and `obstacles labels` commands: the expert loop, as a thin shell."""

from __future__ import annotations

from pathlib import Path

import click

from .cli import DEFAULT_MODEL, EXISTING_FILE, friendly_errors


def _label_space(model_dir, taxonomy_path):
    """The model's label space when a model exists, else the taxonomy's."""
    from .artifact import read_card
    from .labels import LabelSpace
    from .taxonomy import load_taxonomy

    if model_dir and (Path(model_dir) / "model_card.json").exists():
        return LabelSpace.from_dict(read_card(model_dir)["label_space"])
    return LabelSpace.from_taxonomy(load_taxonomy(taxonomy_path))


STORE_OPTION = click.option("--store", type=click.Path(dir_okay=False, path_type=Path), default=None,
                            help="Label store (default: data/labeled/expert_labels.sqlite).")


def _store(store):
    from .labelstore import DEFAULT_STORE

    return store or DEFAULT_STORE


@click.group()
def review():
    """Review queues for the experts (Excel) and the import of their labels."""


@review.command("export")
@click.argument("classified", type=EXISTING_FILE)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Default: <classified stem>.review.xlsx beside it.")
@click.option("--n", "n", default=200, show_default=True, type=click.IntRange(1, None), help="Reports per sheet.")
@click.option("--strategy", default="margin", show_default=True,
              type=click.Choice(["margin", "least_confidence", "entropy", "random"]))
@click.option("--per-area", is_flag=True, help="One sheet per predicted area.")
@click.option("--audit-share", default=0.1, show_default=True, type=click.FloatRange(0, 1),
              help="Share of each queue picked at random, so measured accuracy stays unbiased.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--model-dir", default=DEFAULT_MODEL, show_default=True)
@click.option("--taxonomy", "taxonomy_path", type=EXISTING_FILE, default=None)
@STORE_OPTION
@friendly_errors
def review_export(classified, output, n, strategy, per_area, audit_share, seed, model_dir, taxonomy_path, store):
    """Write the reports experts should label next from a `classify` output to a workbook."""
    from .reviewflow import export_queue

    output = output or classified.with_name(f"{classified.stem}.review.xlsx")
    summary = export_queue(classified, output, _label_space(model_dir, taxonomy_path), n=n, strategy=strategy,
                           per_area=per_area, audit_share=audit_share, seed=seed, store=_store(store))
    for title, count in summary.sheets.items():
        click.echo(f"  {title}: {count} reports")
    click.echo(f"review queue ({strategy}, {summary.audit} random audit picks) written to {summary.path}")


@review.command("import")
@click.argument("queue", type=EXISTING_FILE)
@click.option("--reviewer", required=True, help="Who labeled this workbook.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows even if some rows are invalid.")
@click.option("--model-dir", default=DEFAULT_MODEL, show_default=True)
@click.option("--taxonomy", "taxonomy_path", type=EXISTING_FILE, default=None)
@STORE_OPTION
@friendly_errors
def review_import(queue, reviewer, skip_invalid, model_dir, taxonomy_path, store):
    """Validate a filled review workbook and append its labels to the label store."""
    from .reviewflow import import_reviews

    space = _label_space(model_dir, taxonomy_path)
    result = import_reviews(queue, reviewer, set(space.labels), skip_invalid=skip_invalid, store=_store(store))
    click.echo(f"{result['added']} label(s) added, {result['already_stored']} already stored, "
               f"{result['blank']} blank row(s) skipped, {result['skipped_invalid']} invalid row(s) skipped")


@review.command("suspects")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("reports/suspects.xlsx"),
              show_default=True)
@click.option("--n", "n", default=200, show_default=True, type=click.IntRange(1, None))
@click.option("--model-dir", default=DEFAULT_MODEL, show_default=True)
@friendly_errors
def review_suspects(output, n, model_dir):
    """Labeled reports whose label the model (trained without them) strongly disputes, for a second look."""
    from .reviewflow import export_suspects

    summary = export_suspects(model_dir, output, _label_space(model_dir, None), n=n)
    click.echo(f"{sum(summary.sheets.values())} suspected labels written to {summary.path}")


@click.group()
def labels():
    """The expert label store."""


@labels.command("export")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@STORE_OPTION
@friendly_errors
def labels_export(output, store):
    """Dump every stored label (oldest first) to a table file."""
    from .io import TableWriter
    from .labelstore import read_labels

    frame = read_labels(_store(store))
    with TableWriter(output) as writer:
        writer.write(frame)
    click.echo(f"{len(frame)} label(s) written to {output}")


@labels.command("stats")
@click.option("--model-dir", default=DEFAULT_MODEL, show_default=True)
@click.option("--taxonomy", "taxonomy_path", type=EXISTING_FILE, default=None)
@STORE_OPTION
@friendly_errors
def labels_stats(model_dir, taxonomy_path, store):
    """Labels by reviewer and area, and agreement with the model."""
    from .labelstore import label_stats

    space = _label_space(model_dir, taxonomy_path)
    tables = label_stats(_store(store), space.parent_of)
    for name, table in tables.items():
        click.echo(f"{name}:")
        click.echo(table.to_string() if len(table) else "  (no labels yet)")
