"""The taxonomy contract: areas and groups keyed on `group_code`, loaded and validated by one function."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import TaxonomyError

DEFAULT_TAXONOMY = Path(__file__).resolve().parent.parent / "data" / "taxonomy.csv"
COLUMNS = ("area_code", "area_name_fa", "area_name_en", "group_code", "group_name_fa",
           "group_name_en", "description_fa", "keywords_fa")
REQUIRED_NON_EMPTY = ("area_code", "area_name_fa", "group_code", "group_name_fa")


@dataclass(frozen=True)
class Group:
    code: str
    name_fa: str
    name_en: str
    area_code: str
    description_fa: str = ""
    keywords_fa: tuple[str, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    """Groups in file order, their areas, and the SHA-256 of the file they came from."""

    groups: tuple[Group, ...]
    area_names_fa: dict[str, str]
    area_names_en: dict[str, str]
    sha256: str
    path: str = ""
    _by_code: dict[str, Group] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_code.update({g.code: g for g in self.groups})

    @property
    def codes(self) -> list[str]:
        return [g.code for g in self.groups]

    @property
    def area_codes(self) -> list[str]:
        return list(self.area_names_fa)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def group(self, code: str) -> Group:
        return self._by_code[code]

    def area_of(self) -> dict[str, str]:
        """Mapping group code -> area code."""
        return {g.code: g.area_code for g in self.groups}

    def training_texts(self) -> list[tuple[str, str]]:
        """(text, group_code) pairs from the names, descriptions and keywords: labeled text too."""
        pairs = []
        for g in self.groups:
            pairs.append((f"{g.name_fa}. {g.description_fa}", g.code))
            if g.keywords_fa:
                pairs.append(("، ".join(g.keywords_fa), g.code))
        return pairs

    def describe_codes(self, limit: int = 4) -> str:
        """A short reminder of the valid codes for error messages, e.g. 'FIN-01..FIN-64, TEC-01..TEC-64'."""
        spans = []
        for area in self.area_codes:
            codes = [g.code for g in self.groups if g.area_code == area]
            spans.append(f"{codes[0]}..{codes[-1]}" if len(codes) > 1 else codes[0])
        return ", ".join(spans[:limit]) + (", ..." if len(spans) > limit else "")


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read and validate a taxonomy CSV (UTF-8, one row per group, the columns in `COLUMNS`).

    Raises `TaxonomyError` naming the file, row and column of the first problem found.
    """
    path = Path(path) if path is not None else DEFAULT_TAXONOMY
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TaxonomyError(f"cannot read the taxonomy ({exc.strerror})", path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TaxonomyError("not UTF-8 text; save the taxonomy as UTF-8 CSV", path) from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise TaxonomyError(f"missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}",
                            path, row=1)
    groups: list[Group] = []
    area_fa: dict[str, str] = {}
    area_en: dict[str, str] = {}
    seen: dict[str, int] = {}
    names: dict[str, int] = {}
    for row_no, row in enumerate(reader, start=2):
        for col in REQUIRED_NON_EMPTY:
            if not (row.get(col) or "").strip():
                raise TaxonomyError("empty value; every group needs a code, an area and names",
                                    path, row_no, col)
        code = row["group_code"].strip()
        if code in seen:
            raise TaxonomyError(f"group code '{code}' already used in row {seen[code]}; codes must be unique",
                                path, row_no, "group_code")
        seen[code] = row_no
        name = row["group_name_fa"].strip()
        if name in names:
            raise TaxonomyError(f"group name '{name}' already used in row {names[name]}", path, row_no,
                                "group_name_fa")
        names[name] = row_no
        area = row["area_code"].strip()
        area_name = row["area_name_fa"].strip()
        if area_fa.setdefault(area, area_name) != area_name:
            raise TaxonomyError(f"area '{area}' is named '{area_fa[area]}' in an earlier row, '{area_name}' here",
                                path, row_no, "area_name_fa")
        area_en.setdefault(area, (row.get("area_name_en") or "").strip())
        keywords = tuple(k.strip() for k in (row.get("keywords_fa") or "").split("|") if k.strip())
        groups.append(Group(code, name, (row.get("group_name_en") or "").strip(), area,
                            (row.get("description_fa") or "").strip(), keywords))
    if not groups:
        raise TaxonomyError("no groups: the file has a header but no rows", path)
    return Taxonomy(tuple(groups), area_fa, area_en, hashlib.sha256(raw).hexdigest(), str(path))
