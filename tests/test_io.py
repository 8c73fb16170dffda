"""Reading and writing tables: every format, encodings, and clear errors for what is not a table."""

import pandas as pd
import pytest

from pipeline.errors import InputError
from pipeline.io import FORMATS, TableWriter, detect_encoding, iter_table, read_table

FRAME = pd.DataFrame({"report_id": ["007", "008", "009"],
                      "text": ["کارخانه\u200cها تعطیل شد", "=SUM(A1)", "برق رفت، ۱۲ نفر بیکار"]})


@pytest.mark.parametrize("suffix", FORMATS)
def test_round_trip_every_format(tmp_path, suffix):
    path = tmp_path / f"reports{suffix}"
    with TableWriter(path) as writer:
        writer.write(FRAME.iloc[:2])
        writer.write(FRAME.iloc[2:])
    back = read_table(path)
    assert list(back.columns) == ["report_id", "text"]
    assert back["text"].tolist() == FRAME["text"].tolist()  # ZWNJ and a formula-looking text survive
    assert back["report_id"].astype(str).str.zfill(3).tolist() == ["007", "008", "009"]


def test_csv_ids_keep_leading_zeros(tmp_path):
    path = tmp_path / "r.csv"
    FRAME.to_csv(path, index=False)
    assert read_table(path)["report_id"].tolist() == ["007", "008", "009"]


@pytest.mark.parametrize("encoding, expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1256", "cp1256")])
def test_encodings_are_read_not_refused(tmp_path, encoding, expected):
    path = tmp_path / "r.csv"
    text = "گزارش كارخانه شهرك صنعتي"  # cp1256 has Arabic ي/ك (and گ) but no Persian ی/ک
    path.write_bytes(f"text\n{text}\n".encode(encoding))
    assert detect_encoding(path) == expected
    assert read_table(path)["text"].tolist() == [text]


def test_chunks_continue_the_index(tmp_path):
    path = tmp_path / "r.csv"
    pd.DataFrame({"text": [f"گزارش {i}" for i in range(25)]}).to_csv(path, index=False)
    chunks = list(iter_table(path, chunksize=10))
    assert [len(c) for c in chunks] == [10, 10, 5]
    assert chunks[2].index[0] == 20


def test_header_only_file_gives_empty_frame_with_columns(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("report_id,text\n", encoding="utf-8")
    frame = read_table(path)
    assert list(frame.columns) == ["report_id", "text"] and len(frame) == 0


@pytest.mark.parametrize("name, content, match", [
    ("r.csv", b"", r"r\.csv: empty file"),
    ("r.csv", b"\x00\x01\x02PK binary", r"r\.csv: not a CSV text table"),
    ("r.xlsx", b"this is not a zip", r"r\.xlsx: not an Excel \.xlsx workbook"),
    ("r.parquet", b"nonsense", r"r\.parquet: not a Parquet file"),
    ("r.jsonl", b'{"text": "a"}\n{broken\n', r"r\.jsonl: not a readable jsonl table"),
    ("r.docx", b"x", r"unsupported file type '\.docx'"),
])
def test_not_a_table(tmp_path, name, content, match):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=match):
        read_table(path)


def test_malformed_csv_names_the_row(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("report_id,text\n1,خوب\n2,بد,اضافه\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"r\.csv, row 3: not a well-formed table \(Expected 2 fields"):
        read_table(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "nope.csv")


def test_writer_leaves_nothing_on_failure(tmp_path):
    path = tmp_path / "out.csv"
    with pytest.raises(RuntimeError):
        with TableWriter(path) as writer:
            writer.write(FRAME)
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_xlsx_output_is_right_to_left_with_frozen_header(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "out.xlsx"
    with TableWriter(path) as writer:
        writer.write(FRAME)
    sheet = load_workbook(path).worksheets[0]
    assert sheet.sheet_view.rightToLeft
    assert sheet.freeze_panes == "A2"
    assert sheet["B3"].value == "=SUM(A1)" and sheet["B3"].data_type == "s"  # text, not a live formula
