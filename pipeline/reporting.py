"""Tables for analysts over a `classify` output, model-quality tables, and the Persian summary workbook."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError
from .taxonomy import Taxonomy

REQUIRED = ("pred_group_code", "pred_area_code", "confidence", "needs_review")
PLACES = ("county", "industrial_estate", "sector")
MONTHS_FA = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
HEADERS_FA = {
    "area_code": "کد حوزه", "area_name": "حوزه", "group_code": "کد گروه", "group_name": "گروه",
    "county": "شهرستان", "industrial_estate": "شهرک صنعتی", "sector": "بخش صنعتی", "month": "ماه",
    "count": "تعداد", "share": "سهم", "needs_review": "نیازمند بازبینی", "review_share": "سهم نیازمند بازبینی",
    "confidence_from": "اطمینان از", "confidence_to": "اطمینان تا", "metric": "شاخص", "value": "مقدار",
    "previous_count": "تعداد دسته قبل", "current_count": "تعداد دسته فعلی", "previous_share": "سهم دسته قبل",
    "current_share": "سهم دسته فعلی", "change": "تغییر سهم", "trend": "روند", "total": "کل",
    "support": "تعداد واقعی", "precision": "دقت", "recall": "بازیابی", "f1": "F1", "true": "گروه واقعی",
    "true_name": "نام گروه واقعی", "predicted": "گروه پیش‌بینی‌شده", "predicted_name": "نام گروه پیش‌بینی‌شده",
    "example": "نمونه متن", "mean_confidence": "میانگین اطمینان",
    "accuracy": "صحت", "reviewer": "کارشناس", "round": "دور بازبینی", "labels": "برچسب‌ها",
    "agreement": "توافق با مدل", "source_file": "فایل", "report_id": "شناسه گزارش", "text": "متن گزارش",
    "label": "برچسب فعلی", "label_name": "نام برچسب فعلی", "model_pick": "انتخاب مدل",
    "model_pick_name": "نام انتخاب مدل", "model_probability": "احتمال انتخاب مدل",
    "label_probability": "احتمال برچسب فعلی"}
SHEETS_FA = {"overview": "خلاصه", "areas": "حوزه‌ها", "groups": "گروه‌ها", "county": "شهرستان‌ها",
             "industrial_estate": "شهرک‌های صنعتی", "sector": "بخش‌های صنعتی", "area_by_county": "حوزه در شهرستان",
             "monthly": "روند ماهانه", "confidence": "توزیع اطمینان", "group_change": "تغییر گروه‌ها",
             "area_change": "تغییر حوزه‌ها"}
SHARE_COLUMNS = {"share", "review_share", "previous_share", "current_share", "change", "precision", "recall", "f1",
                 "accuracy", "mean_confidence", "agreement"}
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")
_DATE = re.compile(r"^\s*(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})")


def persian_digits(text) -> str:
    """Persian digits, decimal separator and percent sign.

    >>> persian_digits("1403/05, 12.5%")
    '۱۴۰۳/۰۵, ۱۲٫۵٪'
    """
    text = _DECIMAL_POINT.sub("٫", str(text)).replace("%", "٪")
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def read_classified(path) -> pd.DataFrame:
    """A `classify` output with typed prediction columns (CSV cells arrive as strings)."""
    from .io import read_table

    frame = read_table(path)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(f"not a `classify` output: no column '{missing[0]}'; run `obstacles classify` first", path)
    return prepare(frame)


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """Coerce `confidence` to float and `needs_review` to bool; unclassified rows keep empty codes."""
    frame = frame.copy()
    frame["confidence"] = pd.to_numeric(frame["confidence"], errors="coerce")
    frame["needs_review"] = frame["needs_review"].map(lambda v: str(v).strip().lower() in ("true", "1", "yes"))
    for column in ("pred_group_code", "pred_area_code"):
        frame[column] = frame[column].where(frame[column].notna(), "").astype(str).replace({"nan": "", "None": ""})
    return frame


def _names(frame: pd.DataFrame, taxonomy: Taxonomy | None, level: str) -> dict[str, str]:
    """Persian names per code: the taxonomy's, else the names the classify output carries."""
    code_col, name_col = f"pred_{level}_code", f"pred_{level}_name"
    names = dict(zip(frame[code_col], frame[name_col])) if name_col in frame else {}
    if taxonomy is not None:
        names.update(taxonomy.area_names_fa if level == "area" else {g.code: g.name_fa for g in taxonomy.groups})
    return {str(k): str(v) for k, v in names.items()}


def _filled(values: pd.Series) -> pd.Series:
    """Values as text, with «نامشخص» (unknown) for empty cells."""
    return values.where(values.notna() & (values.astype(str).str.strip() != ""), "نامشخص").astype(str)


def counts_by(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Reports per value of `column`, their share, and how many (and what share) need review."""
    table = (frame.assign(_key=_filled(frame[column])).groupby("_key", sort=False)
             .agg(count=("needs_review", "size"), needs_review=("needs_review", "sum")))
    table["share"] = table["count"] / max(len(frame), 1)
    table["review_share"] = table["needs_review"] / table["count"]
    table = table.sort_values(["count"], ascending=False, kind="stable").rename_axis(column).reset_index()
    return table[[column, "count", "share", "needs_review", "review_share"]]


def area_counts(frame: pd.DataFrame, taxonomy: Taxonomy | None = None) -> pd.DataFrame:
    """Counts per predicted area with its Persian name; every taxonomy area appears, with 0 if unused."""
    classified = frame[frame["pred_area_code"] != ""]
    table = counts_by(classified, "pred_area_code").rename(columns={"pred_area_code": "area_code"})
    if taxonomy is not None:
        table = (pd.DataFrame({"area_code": taxonomy.area_codes}).merge(table, how="outer", on="area_code")
                 .fillna({"count": 0, "share": 0.0, "needs_review": 0})
                 .sort_values("count", ascending=False, kind="stable"))
    table.insert(1, "area_name", table["area_code"].map(_names(frame, taxonomy, "area")))
    return table.reset_index(drop=True).astype({"count": int, "needs_review": int})


def group_counts(frame: pd.DataFrame, taxonomy: Taxonomy | None = None) -> pd.DataFrame:
    """Counts per predicted group (most frequent first), with group and area names."""
    classified = frame[frame["pred_group_code"] != ""]
    table = counts_by(classified, "pred_group_code").rename(columns={"pred_group_code": "group_code"})
    area_of = dict(zip(classified["pred_group_code"], classified["pred_area_code"]))
    table.insert(1, "group_name", table["group_code"].map(_names(frame, taxonomy, "group")))
    table.insert(2, "area_name", table["group_code"].map(area_of).map(_names(frame, taxonomy, "area")))
    return table


def cross_counts(frame: pd.DataFrame, rows: str, taxonomy: Taxonomy | None = None) -> pd.DataFrame:
    """Reports per value of `rows` (e.g. county) and predicted area, with Persian area names as columns."""
    classified = frame[frame["pred_area_code"] != ""]
    table = pd.crosstab(_filled(classified[rows]), classified["pred_area_code"])
    areas = list(taxonomy.area_codes if taxonomy else [])
    table = table.reindex(columns=areas + [a for a in table.columns if a not in areas], fill_value=0)
    table = table.rename(columns=_names(frame, taxonomy, "area")).rename_axis(index=rows, columns=None)
    return table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index]


def jalali_month(values) -> pd.Series:
    """Each date's Jalali month as «1403/05» (None when it is not a date).

    Accepts Jalali «yyyy/mm/dd» text in Latin or Persian digits, with / - or . between, and Gregorian
    dates (as text with a year above 1700, or date objects), which are converted.

    >>> jalali_month(["۱۴۰۳/۰۵/۱۲", "2024-08-02", "بدون تاریخ"]).tolist()
    ['1403/05', '1403/05', None]
    """
    import jdatetime

    def month(value):
        if isinstance(value, (datetime, date)) and not pd.isna(value):
            value = jdatetime.date.fromgregorian(date=pd.Timestamp(value).date())
            return f"{value.year:04d}/{value.month:02d}"
        match = _DATE.match(str(value).translate(_DIGITS)) if isinstance(value, str) else None
        if not match:
            return None
        y, m, d = map(int, match.groups())
        try:
            day = (jdatetime.date.fromgregorian(date=date(y, m, d)) if y > 1700 else jdatetime.date(y, m, d))
        except ValueError:
            return None
        return f"{day.year:04d}/{day.month:02d}"

    return pd.Series([month(v) for v in values], dtype=object)


def month_label(key: str, style: str = "name") -> str:
    """«1403/05» as «مرداد ۱۴۰۳» (style 'name') or «۱۴۰۳/۰۵» (style 'numeric')."""
    year, month = key.split("/")
    return persian_digits(key) if style == "numeric" else f"{MONTHS_FA[int(month) - 1]} {persian_digits(year)}"


def monthly_counts(frame: pd.DataFrame, taxonomy: Taxonomy | None = None,
                   date_column: str = "reported_at") -> pd.DataFrame:
    """Reports per Jalali month (every month between the first and last, empty ones as 0) and area."""
    months = jalali_month(frame[date_column]).to_numpy()
    dated = frame.assign(month=months)[pd.notna(months) & (frame["pred_area_code"] != "").to_numpy()]
    table = cross_counts(dated, "month", taxonomy).sort_index()
    if len(table):
        first, last = (tuple(map(int, k.split("/"))) for k in (table.index[0], table.index[-1]))
        span = [f"{y:04d}/{m:02d}" for y in range(first[0], last[0] + 1) for m in range(1, 13)
                if first <= (y, m) <= last]
        table = table.reindex(span, fill_value=0).rename_axis("month")
    table["total"] = table.sum(axis=1)
    return table.reset_index().assign(month=lambda t: t["month"].map(month_label))


def confidence_distribution(frame: pd.DataFrame, bins: int = 10) -> pd.DataFrame:
    """Classified reports per equal-width confidence bin, and how many of each need review."""
    classified = frame[frame["confidence"].notna()]
    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(classified["confidence"], edges[1:-1]), 0, bins - 1)
    counts = np.bincount(index, minlength=bins)
    review = np.bincount(index, weights=classified["needs_review"].astype(float), minlength=bins).astype(int)
    return pd.DataFrame({"confidence_from": edges[:-1].round(3), "confidence_to": edges[1:].round(3),
                         "count": counts, "share": counts / max(counts.sum(), 1), "needs_review": review})


def overview(frame: pd.DataFrame, date_column: str = "reported_at") -> pd.DataFrame:
    """The batch in a few lines: size, the share needing review, model, statuses, dates."""
    rows = [("تعداد گزارش‌ها", len(frame)), ("طبقه‌بندی‌شده", int((frame["pred_group_code"] != "").sum())),
            ("نیازمند بازبینی", int(frame["needs_review"].sum())),
            ("سهم نیازمند بازبینی", f"{frame['needs_review'].mean() if len(frame) else 0:.1%}")]
    if "model_version" in frame and len(frame):
        rows.append(("نسخه مدل", ", ".join(sorted(frame["model_version"].dropna().astype(str).unique()))))
    if "status" in frame:
        rows += [(f"وضعیت {status}", int(n)) for status, n in frame["status"].value_counts().items()]
    if date_column in frame:
        months = jalali_month(frame[date_column]).dropna()
        if len(months):
            rows.append(("بازه زمانی", f"{month_label(months.min())} تا {month_label(months.max())}"))
        rows.append(("بدون تاریخ معتبر", int(len(frame) - len(months))))
    return pd.DataFrame(rows, columns=["metric", "value"])


def compare_batches(current: pd.DataFrame, previous: pd.DataFrame, taxonomy: Taxonomy | None = None,
                    level: str = "group") -> pd.DataFrame:
    """Which groups (or areas) grew or shrank: counts and shares in both batches, largest rise first.

    `change` is the difference in share (0.05 = five percentage points), so batches of any size compare."""
    column = f"pred_{level}_code"
    now, before = (f.loc[f[column] != "", column].value_counts() for f in (current, previous))
    table = pd.DataFrame({"previous_count": before, "current_count": now}).fillna(0).astype(int)
    table["previous_share"] = table["previous_count"] / max(before.sum(), 1)
    table["current_share"] = table["current_count"] / max(now.sum(), 1)
    table["change"] = table["current_share"] - table["previous_share"]
    table["trend"] = np.select([table["change"] > 1e-9, table["change"] < -1e-9], ["افزایش", "کاهش"], "بدون تغییر")
    names = {**_names(previous, taxonomy, level), **_names(current, taxonomy, level)}
    table.insert(0, f"{level}_name", table.index.map(lambda c: names.get(c, c)))
    table = table.rename_axis(f"{level}_code").sort_values(["change", "current_count"], ascending=False, kind="stable")
    return table.reset_index()


def summary_tables(frame: pd.DataFrame, taxonomy: Taxonomy | None = None,
                   previous: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Every analyst table for one batch (those whose columns the file has), keyed as in `SHEETS_FA`."""
    tables = {"overview": overview(frame), "areas": area_counts(frame, taxonomy),
              "groups": group_counts(frame, taxonomy)}
    tables.update({column: counts_by(frame, column) for column in PLACES if column in frame})
    if "county" in frame:
        tables["area_by_county"] = cross_counts(frame, "county", taxonomy).reset_index()
    if "reported_at" in frame:
        tables["monthly"] = monthly_counts(frame, taxonomy)
    tables["confidence"] = confidence_distribution(frame)
    if previous is not None:
        tables["group_change"] = compare_batches(frame, previous, taxonomy, "group")
        tables["area_change"] = compare_batches(frame, previous, taxonomy, "area")
    return tables


def persian_headers(table: pd.DataFrame) -> pd.DataFrame:
    """The same table with Persian column names, for people to read."""
    return table.rename(columns=HEADERS_FA)


def summary_path(classified: str | Path) -> Path:
    """«batch.classified.xlsx» -> «batch.summary.xlsx» beside it."""
    classified = Path(classified)
    return classified.with_name(f"{classified.stem.removesuffix('.classified')}.summary.xlsx")


def write_summary(tables: dict[str, pd.DataFrame], path: str | Path) -> Path:
    """One right-to-left sheet per table, Persian sheet names and headers, shares as percentages."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from .artifact import publish
    from .review import neutralise

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"the summary is an Excel workbook; name it «{path.stem}.xlsx»", path)
    book = Workbook()
    book.remove(book.active)
    for key, table in tables.items():
        sheet = book.create_sheet(SHEETS_FA.get(key, key)[:31])
        sheet.sheet_view.rightToLeft = True
        sheet.append([HEADERS_FA.get(str(c), str(c)) for c in table.columns])
        for row in table.itertuples(index=False, name=None):
            sheet.append([None if pd.isna(v) else neutralise(v.item() if isinstance(v, np.generic) else v)
                          for v in row])
        sheet.freeze_panes = "A2"
        for i, column in enumerate(table.columns, start=1):
            sheet.cell(1, i).font = Font(bold=True)
            width = max([len(str(sheet.cell(1, i).value))] + [len(str(v)) for v in table[column].head(200)])
            sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
            if column in SHARE_COLUMNS:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = "0.0%"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    book.save(tmp)
    publish(tmp, path)
    return path
