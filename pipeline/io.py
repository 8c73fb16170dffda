"""Tables in and out, by file extension (.csv .tsv .xlsx .parquet .jsonl), streamed in chunks.

Every value is read as it is (CSV/TSV cells as strings, so ids keep their leading zeros), every row comes
out in order, and output goes to a temporary file that is renamed into place only when complete.
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from .errors import InputError

FORMATS = (".csv", ".tsv", ".xlsx", ".parquet", ".jsonl")
DEFAULT_CHUNK = 20_000


def table_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"unsupported file type '{suffix or '(none)'}'; use one of {', '.join(FORMATS)}", path)
    return suffix


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), else Windows-1256, the encoding of older Persian Windows software."""
    with open(path, "rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for block in iter(lambda: handle.read(1 << 22), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1256"
    return "utf-8"


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise InputError("file not found", path)
    if path.is_dir():
        raise InputError("is a folder, not a file", path)
    if not os.access(path, os.R_OK):
        raise InputError("file is not readable (permission denied)", path)


def _looks_binary(path: Path) -> bool:
    with open(path, "rb") as handle:
        return b"\x00" in handle.read(1 << 16)


_LINE = re.compile(r"line (\d+)")


def _csv_error(path: Path, exc: Exception) -> InputError:
    text = str(exc)
    match = _LINE.search(text)
    row = int(match.group(1)) if match else None
    detail = re.sub(r"^Error tokenizing data\. C error: ", "", text)
    detail = re.sub(r" in line \d+", "", detail)
    return InputError(f"not a well-formed table ({detail.strip()}); check quoting and the separator", path, row)


def iter_table(path: str | Path, chunksize: int = DEFAULT_CHUNK) -> Iterator[pd.DataFrame]:
    """Yield the table in chunks of at most `chunksize` rows (each chunk's index continues the count)."""
    path = Path(path)
    fmt = table_format(path)
    _check_readable(path)
    if fmt in (".csv", ".tsv", ".jsonl") and _looks_binary(path):
        raise InputError(f"not a {fmt[1:].upper()} text table (the file holds binary data)", path)
    try:
        if fmt in (".csv", ".tsv"):
            yield from _iter_csv(path, fmt, chunksize)
        elif fmt == ".jsonl":
            reader = pd.read_json(path, lines=True, chunksize=chunksize, dtype=False, encoding=detect_encoding(path))
            with reader:
                yield from reader
        elif fmt == ".parquet":
            yield from _iter_parquet(path, chunksize)
        else:
            yield from _iter_xlsx(path, chunksize)
    except InputError:
        raise
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, zipfile.BadZipFile, KeyError,
            OSError) as exc:
        if fmt in (".csv", ".tsv") and isinstance(exc, pd.errors.ParserError):
            raise _csv_error(path, exc) from None
        raise InputError(f"not a readable {fmt[1:]} table ({type(exc).__name__}: {str(exc)[:200]})", path) from None


def _iter_csv(path: Path, fmt: str, chunksize: int) -> Iterator[pd.DataFrame]:
    encoding = detect_encoding(path)
    if path.stat().st_size == 0:
        raise InputError("empty file: not even a header row", path)
    with pd.read_csv(path, sep="\t" if fmt == ".tsv" else ",", dtype=str, keep_default_na=False,
                     encoding=encoding, chunksize=chunksize, on_bad_lines="error") as reader:
        produced = False
        for chunk in reader:
            produced = True
            yield chunk
        if not produced:  # header only: keep the columns so the output has them too
            yield pd.read_csv(path, sep="\t" if fmt == ".tsv" else ",", dtype=str, nrows=0, encoding=encoding)


def _iter_parquet(path: Path, chunksize: int) -> Iterator[pd.DataFrame]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid for anything that is not Parquet
        raise InputError(f"not a Parquet file ({str(exc)[:120]})", path) from None
    start = 0
    produced = False
    for batch in parquet.iter_batches(batch_size=chunksize):
        frame = batch.to_pandas()
        frame.index = range(start, start + len(frame))
        start += len(frame)
        produced = True
        yield frame
    if not produced:
        yield parquet.schema_arrow.empty_table().to_pandas()


def _iter_xlsx(path: Path, chunksize: int) -> Iterator[pd.DataFrame]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(f"not an Excel .xlsx workbook ({type(exc).__name__})", path) from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise InputError("the first sheet is empty: not even a header row", path)
        columns = _unique_columns([("" if h is None else str(h)).strip() for h in header])
        batch, start = [], 0
        for row in rows:
            if row and all(v is None for v in row):
                continue  # openpyxl reports formatted but empty rows; they are not reports
            batch.append(list(row[:len(columns)]) + [None] * (len(columns) - len(row)))
            if len(batch) == chunksize:
                yield pd.DataFrame(batch, columns=columns, index=range(start, start + len(batch)))
                start += len(batch)
                batch = []
        if batch or start == 0:
            yield pd.DataFrame(batch, columns=columns, index=range(start, start + len(batch)))
    finally:
        workbook.close()


def _unique_columns(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        name = name or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def xlsx_cell(sheet, value):
    """A value ready for openpyxl: NaN becomes an empty cell; text that openpyxl would store as a formula
    (it starts with '=') is written as a plain string cell; characters XML cannot hold are dropped."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, str):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        if ILLEGAL_CHARACTERS_RE.search(value):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
    return value


def read_table(path: str | Path) -> pd.DataFrame:
    """The whole table at once (for labeled data and review files, which are small)."""
    frames = list(iter_table(path))
    return pd.concat(frames) if len(frames) > 1 else frames[0]


class TableWriter:
    """Append chunks to a temporary file beside `path`; `close()` renames it into place.

    Used as a context manager: on an exception the temporary file is removed and `path` is untouched.
    """

    def __init__(self, path: str | Path, sheet_title: str = "reports", right_to_left: bool = True) -> None:
        self.path = Path(path)
        self.format = table_format(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        os.close(fd)
        self._rows = 0
        self._started = False
        self._sheet_title = sheet_title
        self._rtl = right_to_left
        self._parquet = None
        self._book = self._sheet = None

    def write(self, frame: pd.DataFrame) -> None:
        if self.format in (".csv", ".tsv"):
            frame.to_csv(self._tmp, sep="\t" if self.format == ".tsv" else ",", index=False,
                         header=not self._started, mode="a" if self._started else "w",
                         encoding="utf-8" if self._started else "utf-8-sig")
        elif self.format == ".jsonl":
            with open(self._tmp, "a", encoding="utf-8") as handle:
                if len(frame):
                    frame.to_json(handle, orient="records", lines=True, force_ascii=False)
                    handle.write("" if frame.empty else "\n")
        elif self.format == ".parquet":
            self._write_parquet(frame)
        else:
            self._write_xlsx(frame)
        self._started = True
        self._rows += len(frame)

    def _write_parquet(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self._tmp, table.schema)
        else:
            table = table.cast(self._parquet.schema)
        self._parquet.write_table(table)

    def _write_xlsx(self, frame: pd.DataFrame) -> None:
        if self._book is None:
            from openpyxl import Workbook

            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet(self._sheet_title)
            self._sheet.sheet_view.rightToLeft = self._rtl
            self._sheet.freeze_panes = "A2"
            self._sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            self._sheet.append([xlsx_cell(self._sheet, v) for v in row])

    def close(self) -> Path:
        if self._parquet is not None:
            self._parquet.close()
        if self.format == ".xlsx":
            if self._book is None:
                raise RuntimeError("no frame written")  # write() is always called at least once
            self._book.save(self._tmp)
        from .artifact import publish

        publish(self._tmp, self.path)
        return self.path

    def abort(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        Path(self._tmp).unlink(missing_ok=True)

    def __enter__(self) -> "TableWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
