"""The `obstacles` command: a thin click shell over the library functions."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from .errors import ObstacleError

DEFAULT_MODEL = "models/default"
EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


class CliError(click.ClickException):
    """A user-fixable problem: one line on stderr, exit code 2."""

    exit_code = 2


def friendly_errors(command):
    """Turn our exceptions into one-line messages (never a traceback for a user's mistake)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ObstacleError as exc:
            raise CliError(str(exc)) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="obstacle-pipeline")
def main() -> None:
    """Classify Persian reports of obstacles to production into the taxonomy's groups and areas."""


@main.command()
@click.option("--data", "data_paths", multiple=True, type=EXISTING_FILE,
              help="Labeled file(s); default: every CSV in data/labeled/ plus the expert label store.")
@click.option("--model-dir", default=DEFAULT_MODEL, show_default=True, type=click.Path(file_okay=False))
@click.option("--text-column", default="text", show_default=True)
@click.option("--label-column", default="group_code", show_default=True)
@click.option("--parent-column", default=None, help="Parent label (plays the area's role) for non-taxonomy labels.")
@click.option("--taxonomy", "taxonomy_path", type=EXISTING_FILE, default=None, help="Default: data/taxonomy.csv.")
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2, 20))
@click.option("--compare", is_flag=True, help="Also cross-validate every candidate model; recorded in the card and docs/model_selection.json.")
@click.option("--tune", is_flag=True, help="Cross-validate a few classifiers and strengths and train the best "
              "(for a label set of your own; takes several times longer).")
@click.option("--quiet", is_flag=True)
@friendly_errors
def train(data_paths, model_dir, text_column, label_column, parent_column, taxonomy_path, folds, compare, tune,
          quiet):
    """Train a model and write it with its model card to --model-dir."""
    from .trainflow import train_from_files

    card = train_from_files(list(data_paths), model_dir, text_column=text_column, label_column=label_column,
                            parent_column=parent_column, taxonomy_path=taxonomy_path, folds=folds,
                            compare=compare, tune=tune)
    if quiet:
        return
    cv = card["cross_validation"]
    if tune:
        chosen = card["model_selection"]["chosen"]
        click.echo(f"tuned: {chosen} had the best cross-validated macro-F1 "
                   f"({card['model_selection']['candidates'][chosen]['group_macro_f1']:.3f})")
    click.echo(f"trained {card['model_id']} on {card['training_data']['rows']} reports, "
               f"{card['training_data']['labels']} labels, in {card['timings_s']['total_s']:.1f} s")
    click.echo(f"{cv.get('evaluation', f'{folds}-fold cross-validation')} (near-duplicates kept together): group macro-F1 "
               f"{cv['group_macro_f1']:.3f}, area macro-F1 {cv['area_macro_f1']:.3f}, top-3 accuracy "
               f"{cv['top3_accuracy']:.3f}, ECE {cv['ece']:.3f}")
    click.echo(f"review threshold {card['review_threshold']:.3f}: auto-accepted precision "
               f"{cv['auto_accept_precision']:.3f} at coverage {cv['auto_accept_coverage']:.3f}")
    click.echo(f"model written to {model_dir} ({card['artifact']['bytes'] / 1e6:.1f} MB)")


@main.command()
@click.argument("input_path", metavar="INPUT", type=EXISTING_FILE)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Default: <input stem>.classified.csv beside the input. Format by extension.")
@click.option("--model-dir", default=DEFAULT_MODEL, show_default=True, type=click.Path(file_okay=False))
@click.option("--text-column", default="text", show_default=True)
@click.option("--id-column", default=None, help="Report id column (default: report_id or id, if present).")
@click.option("--top-k", default=3, show_default=True, type=click.IntRange(1, 20),
              help="How many alternative groups to list after the predicted one.")
@click.option("--taxonomy", "taxonomy_path", type=EXISTING_FILE, default=None)
@click.option("--jobs", default=None, type=click.IntRange(1, 64),
              help="Worker processes (default: up to 2, the cores here, for inputs bigger than one chunk).")
@click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
@friendly_errors
def classify(input_path, output, model_dir, text_column, id_column, top_k, taxonomy_path, jobs, quiet):
    """Classify every report in INPUT (.csv .tsv .xlsx .parquet .jsonl)."""
    from tqdm import tqdm

    from .classify import classify_file
    from .predict import Predictor
    from .report_text import classify_summary_lines

    predictor = Predictor.load(model_dir, taxonomy_path)
    # disable=None: tqdm hides the bar when stderr is not a terminal (pipes, logs, tests).
    with tqdm(unit=" reports", file=sys.stderr, disable=True if quiet else None, mininterval=0.5, leave=False) as bar:
        summary = classify_file(input_path, output, predictor=predictor, text_column=text_column, top_k=top_k,
                                id_column=id_column, progress=bar.update, jobs=jobs)
    if summary.duplicate_id_rows:
        click.echo(f"warning: {input_path}: {summary.duplicate_id_rows} row(s) repeat a report id already seen "
                   f"(e.g. {', '.join(map(str, summary.duplicate_ids))}); all were classified", err=True)
    if not quiet:
        for line in classify_summary_lines(summary, predictor.label_space):
            click.echo(line)


@main.command()
@click.argument("input_path", metavar="INPUT", type=EXISTING_FILE)
@click.option("--model-dir", default=DEFAULT_MODEL, show_default=True, type=click.Path(file_okay=False))
@click.option("--text-column", default="text", show_default=True)
@click.option("--label-column", default="group_code", show_default=True)
@click.option("--parent-column", default=None)
@click.option("--taxonomy", "taxonomy_path", type=EXISTING_FILE, default=None)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@friendly_errors
def evaluate(input_path, model_dir, text_column, label_column, parent_column, taxonomy_path, as_json):
    """Measure a model on a labeled file it was not trained on."""
    from .evaluate import evaluate_file
    from .predict import Predictor

    predictor = Predictor.load(model_dir, taxonomy_path)
    result = evaluate_file(input_path, predictor, text_column, label_column, parent_column)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    for key, value in result.items():
        click.echo(f"{key:>24}: {value:.4f}" if isinstance(value, float) else f"{key:>24}: {value}")


@main.command()
@click.option("--validate", "validate_path", type=EXISTING_FILE, default=None,
              help="Validate this taxonomy file instead of listing the one in use.")
@friendly_errors
def taxonomy(validate_path):
    """List the areas and groups (Persian and English), or validate a taxonomy file."""
    from .taxonomy import load_taxonomy

    tax = load_taxonomy(validate_path)
    if validate_path:
        click.echo(f"{validate_path}: valid: {len(tax.area_codes)} areas, {len(tax.groups)} groups "
                   f"(sha256 {tax.sha256[:12]}…)")
        return
    for area in tax.area_codes:
        groups = [g for g in tax.groups if g.area_code == area]
        click.echo(f"{area}  {tax.area_names_fa[area]}  ({tax.area_names_en[area]}): {len(groups)} groups")
        for g in groups:
            click.echo(f"  {g.code}  {g.name_fa}  ({g.name_en})")


@main.command()
@click.option("--n", "n", required=True, type=click.IntRange(0, None), help="How many reports.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--taxonomy", "taxonomy_path", type=EXISTING_FILE, default=None)
@click.option("--quiet", is_flag=True)
@friendly_errors
def synth(n, seed, output, taxonomy_path, quiet):
    """Generate N reports (source=generated) for speed and memory tests; never for model quality."""
    from .io import TableWriter
    from .synth import generate
    from .taxonomy import load_taxonomy

    with TableWriter(output) as writer:
        for chunk in generate(load_taxonomy(taxonomy_path), n, seed):
            writer.write(chunk)
    if not quiet:
        click.echo(f"wrote {n} generated reports to {output}")


@main.command()
@click.argument("classified", type=EXISTING_FILE)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Default: <name>.summary.xlsx beside CLASSIFIED.")
@click.option("--previous", type=EXISTING_FILE, default=None,
              help="An earlier batch's `classify` output: adds which groups and areas grew or shrank.")
@click.option("--taxonomy", "taxonomy_path", type=EXISTING_FILE, default=None)
@friendly_errors
def summarize(classified, output, previous, taxonomy_path):
    """Write the analyst's tables of a `classify` output to a workbook with Persian headers."""
    from .reporting import read_classified, summary_path, summary_tables, write_summary
    from .taxonomy import load_taxonomy

    output = output or summary_path(classified)
    if output.resolve() in {classified.resolve(), previous.resolve() if previous else None}:
        raise click.UsageError(f"-o {output} would overwrite an input; choose another name")
    reports = read_classified(classified)
    tables = summary_tables(reports, load_taxonomy(taxonomy_path), read_classified(previous) if previous else None)
    path = write_summary(tables, output)
    click.echo(f"{len(tables)} tables on {len(reports)} reports "
               f"({reports['needs_review'].mean() if len(reports) else 0:.0%} need review) written to {path}")


from .cli_review import labels, review  # noqa: E402  (the expert-loop commands live in their own module)

main.add_command(review)
main.add_command(labels)
