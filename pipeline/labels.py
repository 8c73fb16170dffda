"""The label space a model predicts into: the taxonomy's groups and areas, or any label set found in data."""

from __future__ import annotations

from dataclasses import dataclass

from .taxonomy import Taxonomy


@dataclass(frozen=True)
class LabelSpace:
    """Labels with display names and the parent ("area") of each.

    For the taxonomy, labels are group codes and parents are area codes. For any other data set
    (benchmarks), labels come from the data and the parent column, if any, plays the area's role.
    """

    labels: tuple[str, ...]
    label_names: dict[str, str]
    parent_of: dict[str, str]
    parent_names: dict[str, str]
    taxonomy_sha256: str | None = None

    @classmethod
    def from_taxonomy(cls, taxonomy: Taxonomy) -> "LabelSpace":
        return cls(tuple(taxonomy.codes), {g.code: g.name_fa for g in taxonomy.groups},
                   taxonomy.area_of(), dict(taxonomy.area_names_fa), taxonomy.sha256)

    @classmethod
    def from_data(cls, labels, parents=None) -> "LabelSpace":
        """Labels in first-seen order; with parents, each label must have one parent throughout."""
        order: dict[str, str] = {}
        for i, label in enumerate(labels):
            parent = str(parents[i]) if parents is not None else str(label)
            order.setdefault(str(label), parent)
        names = {label: label for label in order}
        parent_names = {p: p for p in order.values()}
        return cls(tuple(order), names, order, parent_names, None)

    def parents(self, labels) -> list[str]:
        return [self.parent_of.get(str(label), "") for label in labels]

    def to_dict(self) -> dict:
        return {"labels": list(self.labels), "label_names": self.label_names, "parent_of": self.parent_of,
                "parent_names": self.parent_names, "taxonomy_sha256": self.taxonomy_sha256}

    @classmethod
    def from_dict(cls, data: dict) -> "LabelSpace":
        return cls(tuple(data["labels"]), dict(data["label_names"]), dict(data["parent_of"]),
                   dict(data["parent_names"]), data.get("taxonomy_sha256"))
