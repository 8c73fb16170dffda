"""Analyst tables over a classify output, model-quality tables, and the `obstacles summarize` workbook."""

import doctest
from datetime import date

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline import reporting
from pipeline.cli import main
from pipeline.errors import InputError
from pipeline.taxonomy import load_taxonomy

ARABIC_YEH_KAF = ("\u064a", "\u0643")
# A tiny classify output as a CSV gives it: every cell a string, an unclassified row, dates in several forms.
CLASSIFIED = pd.DataFrame({
    "report_id": ["r1", "r2", "r3", "r4", "r5", "r6"],
    "county": ["اهواز", "اهواز", "دزفول", "", "آبادان", "دزفول"],
    "sector": ["معدن", "معدن", "نساجی و پوشاک", "معدن", "معدن", "معدن"],
    "reported_at": ["1403/05/12", "۱۴۰۳/۰۵/۳۰", "1403/08/01", "2024-08-02", "نامعلوم", "1403/05/01"],
    "text": ["نقدینگی نداریم", "وام ندادند", "برق رفت", "مالیات سنگین", "", "مطالبات وصول نشده"],
    "pred_group_code": ["FIN-01", "FIN-01", "TEC-24", "FIN-01", "", "FIN-03"],
    "pred_group_name": ["کمبود سرمایه در گردش", "کمبود سرمایه در گردش", "x", "کمبود سرمایه در گردش", "", "x"],
    "pred_area_code": ["FIN", "FIN", "TEC", "FIN", "", "FIN"],
    "pred_area_name": ["مالی", "مالی", "فنی", "مالی", "", "مالی"],
    "confidence": ["0.95", "0.40", "1.0", "0.0", "", "0.55"],
    "needs_review": ["False", "True", "False", "True", "True", "True"],
    "status": ["ok", "ok", "ok", "ok", "empty_text", "ok"],
    "model_version": ["m1"] * 6,
})


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


@pytest.fixture
def frame():
    return reporting.prepare(CLASSIFIED)


def test_docstring_examples():
    result = doctest.testmod(reporting)
    assert result.attempted >= 2 and result.failed == 0


@pytest.mark.parametrize("value, expected", [
    ("1403/05/12", "1403/05"), ("۱۴۰۳/۰۵/۱۲", "1403/05"), ("١٤٠٣/٠٥/١٢", "1403/05"), ("1403-5-1", "1403/05"),
    (" 1403.12.30 ", "1403/12"), ("2024-08-02", "1403/05"), (date(2024, 3, 20), "1403/01"),
    (pd.Timestamp("2025-03-21"), "1404/01"), ("1403/13/01", None), ("1403/12/31", None), ("1402/12/30", None),
    ("", None), ("بدون تاریخ", None), (None, None), (float("nan"), None),
])
def test_jalali_month(value, expected):
    assert reporting.jalali_month([value]).tolist() == [expected]


@pytest.mark.parametrize("key, style, expected", [
    ("1403/05", "name", "مرداد ۱۴۰۳"), ("1404/10", "name", "دی ۱۴۰۴"), ("1403/12", "numeric", "۱۴۰۳/۱۲"),
])
def test_month_label(key, style, expected):
    assert reporting.month_label(key, style) == expected


@pytest.mark.parametrize("text, expected", [("", ""), ("1403/05", "۱۴۰۳/۰۵"), ("12.5%", "۱۲٫۵٪"),
                                            ("FIN-01.", "FIN-۰۱.")])
def test_persian_digits(text, expected):
    assert reporting.persian_digits(text) == expected


def test_persian_strings_use_persian_yeh_and_kaf():
    strings = [*reporting.MONTHS_FA, *reporting.HEADERS_FA.values(), *reporting.SHEETS_FA.values()]
    assert not [s for s in strings if any(c in s for c in ARABIC_YEH_KAF)]


def test_prepare_types_csv_cells(frame):
    assert frame["needs_review"].tolist() == [False, True, False, True, True, True]
    assert frame["confidence"].iloc[0] == 0.95 and np.isnan(frame["confidence"].iloc[4])
    assert frame["pred_group_code"].iloc[4] == ""


def test_area_counts_lists_every_area_with_persian_names(frame, taxonomy):
    table = reporting.area_counts(frame, taxonomy).set_index("area_code")
    assert set(table.index) == set(taxonomy.area_codes)
    assert table.loc["FIN", "count"] == 4 and table.loc["TEC", "count"] == 1 and table.loc["MKT", "count"] == 0
    assert table["share"].sum() == pytest.approx(1.0)
    assert table.loc["FIN", "area_name"] == taxonomy.area_names_fa["FIN"]
    assert table.loc["FIN", "needs_review"] == 3 and table.loc["FIN", "review_share"] == pytest.approx(0.75)


def test_group_counts_most_frequent_first(frame, taxonomy):
    table = reporting.group_counts(frame, taxonomy)
    assert table["group_code"].tolist() == ["FIN-01", "TEC-24", "FIN-03"]
    assert table["count"].tolist() == [3, 1, 1]
    assert table["group_name"].iloc[0] == taxonomy.group("FIN-01").name_fa
    assert table["area_name"].iloc[1] == taxonomy.area_names_fa["TEC"]


def test_counts_by_place_names_missing_values(frame):
    table = reporting.counts_by(frame, "county").set_index("county")
    assert table["count"].to_dict() == {"اهواز": 2, "دزفول": 2, "نامشخص": 1, "آبادان": 1}
    assert table.loc["اهواز", "review_share"] == 0.5 and table["share"].sum() == pytest.approx(1.0)


def test_cross_counts_area_by_county(frame, taxonomy):
    table = reporting.cross_counts(frame, "county", taxonomy)
    assert list(table.columns) == [taxonomy.area_names_fa[a] for a in taxonomy.area_codes]
    assert table.loc["دزفول", taxonomy.area_names_fa["TEC"]] == 1
    assert table.to_numpy().sum() == 5 and table.index[0] in ("اهواز", "دزفول")


def test_monthly_counts_fill_gaps_and_label_jalali_months(frame, taxonomy):
    table = reporting.monthly_counts(frame, taxonomy)
    assert table["month"].tolist() == ["مرداد ۱۴۰۳", "شهریور ۱۴۰۳", "مهر ۱۴۰۳", "آبان ۱۴۰۳"]
    assert table["total"].tolist() == [4, 0, 0, 1]  # the undated and the unclassified rows are left out
    assert table[taxonomy.area_names_fa["FIN"]].tolist() == [4, 0, 0, 0]


def test_monthly_counts_across_new_year(taxonomy):
    frame = reporting.prepare(CLASSIFIED.assign(reported_at=["1402/11/01", "1403/02/05", "", "", "", ""]))
    assert reporting.monthly_counts(frame, taxonomy)["month"].tolist() == [
        "بهمن ۱۴۰۲", "اسفند ۱۴۰۲", "فروردین ۱۴۰۳", "اردیبهشت ۱۴۰۳"]


def test_confidence_distribution(frame):
    table = reporting.confidence_distribution(frame, bins=4)
    assert table["count"].tolist() == [1, 1, 1, 2]  # 0.0 in the first bin, 1.0 in the last
    assert table["needs_review"].tolist() == [1, 1, 1, 0]
    assert table["confidence_to"].iloc[-1] == 1.0 and table["share"].sum() == pytest.approx(1.0)


def test_compare_batches_grew_and_shrank(frame, taxonomy):
    previous = reporting.prepare(CLASSIFIED.assign(pred_group_code=["FIN-03", "FIN-03", "FIN-03", "FIN-01",
                                                                    "", "REG-01"]))
    table = reporting.compare_batches(frame, previous, taxonomy).set_index("group_code")
    assert table.index[0] == "FIN-01" and table.loc["FIN-01", "trend"] == "افزایش"
    assert table.loc["FIN-01", ["previous_count", "current_count"]].tolist() == [1, 3]
    assert table.loc["FIN-01", "change"] == pytest.approx(3 / 5 - 1 / 5)
    assert table.loc["REG-01", "current_count"] == 0 and table.loc["REG-01", "trend"] == "کاهش"
    assert table.loc["REG-01", "group_name"] == taxonomy.group("REG-01").name_fa
    areas = reporting.compare_batches(frame, frame, taxonomy, level="area")
    assert set(areas["trend"]) == {"بدون تغییر"}


def test_summary_tables_follow_the_columns_present(frame, taxonomy):
    assert set(reporting.summary_tables(frame, taxonomy)) == {
        "overview", "areas", "groups", "county", "sector", "area_by_county", "monthly", "confidence"}
    bare = frame.drop(columns=["county", "sector", "reported_at"])
    with_previous = reporting.summary_tables(bare, taxonomy, previous=frame)
    assert set(with_previous) == {"overview", "areas", "groups", "confidence", "group_change", "area_change"}


def test_overview_counts(frame):
    values = reporting.overview(frame).set_index("metric")["value"]
    assert values["تعداد گزارش‌ها"] == 6 and values["نیازمند بازبینی"] == 4 and values["طبقه‌بندی‌شده"] == 5
    assert values["بدون تاریخ معتبر"] == 1 and values["وضعیت empty_text"] == 1
    assert values["بازه زمانی"] == "مرداد ۱۴۰۳ تا آبان ۱۴۰۳"


def test_write_summary_persian_headers_and_rtl(frame, taxonomy, tmp_path):
    path = reporting.write_summary(reporting.summary_tables(frame, taxonomy), tmp_path / "out" / "s.xlsx")
    book = load_workbook(path)
    assert book.sheetnames[:3] == ["خلاصه", "حوزه‌ها", "گروه‌ها"]
    assert all(sheet.sheet_view.rightToLeft for sheet in book.worksheets)
    areas = book["حوزه‌ها"]
    assert [c.value for c in areas[1]] == ["کد حوزه", "حوزه", "تعداد", "سهم", "نیازمند بازبینی", "سهم نیازمند بازبینی"]
    assert areas.cell(2, 4).number_format == "0.0%" and areas.freeze_panes == "A2"
    assert [c.value for c in book["روند ماهانه"]["A"]][1] == "مرداد ۱۴۰۳"
    assert not list(tmp_path.glob("out/.*.tmp"))


def test_write_summary_needs_xlsx(frame, tmp_path):
    with pytest.raises(InputError, match=r"s\.csv: the summary is an Excel workbook; name it «s\.xlsx»"):
        reporting.write_summary({"areas": reporting.area_counts(frame)}, tmp_path / "s.csv")


def test_read_classified_rejects_other_tables(tmp_path):
    path = tmp_path / "raw.csv"
    CLASSIFIED[["report_id", "text"]].to_csv(path, index=False)
    with pytest.raises(InputError, match=r"raw\.csv: not a `classify` output: no column 'pred_group_code'"):
        reporting.read_classified(path)


def test_cli_summarize_default_output_and_previous(tmp_path):
    src, old = tmp_path / "batch.classified.csv", tmp_path / "old.classified.csv"
    CLASSIFIED.to_csv(src, index=False)
    CLASSIFIED.assign(pred_group_code="FIN-03").to_csv(old, index=False)
    result = CliRunner().invoke(main, ["summarize", str(src), "--previous", str(old)])
    assert result.exit_code == 0, result.output
    assert "tables on 6 reports (67% need review) written to" in result.output
    book = load_workbook(tmp_path / "batch.summary.xlsx")
    assert "تغییر گروه‌ها" in book.sheetnames and book["تغییر گروه‌ها"]["A1"].value == "کد گروه"


@pytest.mark.parametrize("args, match", [
    (["-o", "{src}"], "would overwrite an input"),
    (["-o", "{dir}/s.csv"], "the summary is an Excel workbook"),
])
def test_cli_summarize_refuses_bad_output(args, match, tmp_path):
    src = tmp_path / "batch.classified.csv"
    CLASSIFIED.to_csv(src, index=False)
    args = [a.format(src=src, dir=tmp_path) for a in args]
    result = CliRunner().invoke(main, ["summarize", str(src), *args])
    assert result.exit_code == 2 and match in result.stderr
    assert pd.read_csv(src, dtype=str, keep_default_na=False).equals(CLASSIFIED)


def test_cli_summarize_not_a_classify_output(tmp_path):
    src = tmp_path / "raw.csv"
    CLASSIFIED[["report_id", "text"]].to_csv(src, index=False)
    result = CliRunner().invoke(main, ["summarize", str(src)])
    assert result.exit_code == 2 and "not a `classify` output" in result.stderr and "Traceback" not in result.stderr