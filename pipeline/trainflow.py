"""From files to a saved model: pick the label space, gather labeled text, train, save."""

from __future__ import annotations

from pathlib import Path

from .corpus import default_labeled_files, load_labeled
from .errors import InputError
from .labels import LabelSpace
from .taxonomy import load_taxonomy
from .training import ModelConfig, train_and_save

SELECTION_FILE = Path(__file__).resolve().parent.parent / "docs" / "model_selection.json"


def train_from_files(data_paths: list, model_dir, *, text_column: str = "text", label_column: str = "group_code",
                     parent_column: str | None = None, taxonomy_path=None, folds: int = 5, compare: bool = False,
                     tune: bool = False, config: ModelConfig = ModelConfig(), include_expert_labels: bool = True) -> dict:
    """Train on labeled files and save to `model_dir`; returns the model card.

    Labels that are all taxonomy group codes train a taxonomy model (keyed on the taxonomy's hash, with the
    taxonomy's names, descriptions and keywords as extra labeled text). Any other label set, or a
    `parent_column`, trains a model whose labels and parents come from the data.
    """
    taxonomy = load_taxonomy(taxonomy_path)
    paths = [Path(p) for p in data_paths] or default_labeled_files()
    if not paths:
        raise InputError("no labeled data: data/labeled/ holds no CSV file; pass --data FILE")
    frame = load_labeled(paths, text_column, label_column, parent_column)
    taxonomy_mode = parent_column is None and frame["label"].isin(taxonomy.codes).all()
    sources = {p.name: int((frame["origin"] == p.name).sum()) for p in paths}
    if taxonomy_mode:
        if include_expert_labels and not data_paths:
            from .labelstore import merge_expert_labels

            frame, sources["expert_labels"] = merge_expert_labels(frame)
        label_space = LabelSpace.from_taxonomy(taxonomy)
        pairs = taxonomy.training_texts()
        extra = ([t for t, _ in pairs], [c for _, c in pairs])
    else:
        if label_column == "group_code" and parent_column is None:
            load_labeled(paths, text_column, label_column, None, taxonomy)  # raises naming the bad code
        label_space = LabelSpace.from_data(frame["label"].tolist(),
                                           frame["parent"].tolist() if parent_column else None)
        extra = ([], [])
    return train_and_save(frame, label_space, model_dir, name=Path(model_dir).name, config=config, folds=folds,
                          extra=extra, compare=compare, tune=tune, selection_file=SELECTION_FILE if taxonomy_mode else None,
                          data_summary={"files": sources, "mode": "taxonomy" if taxonomy_mode else "data"})
