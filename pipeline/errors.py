"""Our exceptions: library code raises these, the CLI turns them into one-line messages with exit code 2."""

from __future__ import annotations


class ObstacleError(Exception):
    """Base class for every error a user can fix (bad file, bad value, bad model)."""


class InputError(ObstacleError):
    """A problem with an input file, located by file, row and column where they are known.

    Rows are numbered as a spreadsheet shows them: the header is row 1, the first report row 2.
    """

    def __init__(self, message: str, path: object = None, row: int | None = None,
                 column: str | None = None) -> None:
        self.path, self.row, self.column = path, row, column
        where = [str(path)] if path is not None else []
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(", ".join(where) + ": " + message if where else message)


class TaxonomyError(InputError):
    """The taxonomy file breaks the contract (columns, unique codes, one area per group, names)."""


class ModelError(ObstacleError):
    """A model directory is missing, incomplete, tampered with, or built for another taxonomy."""
