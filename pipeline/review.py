"""Review queues as Excel workbooks for the experts, and validated import of their answers.

Text cells are neutralised against formula injection (OWASP) on export and restored on import, so a
report's text round-trips byte for byte, ZWNJs included; a hidden hash column catches edited texts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError
from .labels import LabelSpace

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUEUE_COLUMNS = ["report_id", "text", "suggestion_1", "suggestion_2", "suggestion_3", "expert_group_code",
                 "expert_note"]
HIDDEN_COLUMNS = ["text_sha256", "model_group_code", "model_confidence", "model_version", "picked_by"]
CODES_SHEET = "codes"
HEADER_FA = {"report_id": "شناسه گزارش", "text": "متن گزارش", "suggestion_1": "پیشنهاد ۱", "suggestion_2": "پیشنهاد ۲",
             "suggestion_3": "پیشنهاد ۳", "expert_group_code": "کد گروه کارشناس", "expert_note": "یادداشت کارشناس"}


def neutralise(value):
    """Prefix text that a spreadsheet would run as a formula with an apostrophe (a leading apostrophe is
    prefixed too, so that `restore` is exact)."""
    if isinstance(value, str) and value and (value.startswith(FORMULA_STARTS) or value.startswith("'")):
        return "'" + value
    return value


def restore(value):
    """Undo `neutralise`."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_STARTS + ("'",)):
        return value[1:]
    return value


def text_hash(text: str) -> str:
    return hashlib.sha256(str(text).encode("utf-8")).hexdigest()


def suggestion(code: str, probability: float, space: LabelSpace) -> str:
    """«FIN-01 کمبود سرمایه در گردش (0.62)»"""
    return f"{code} {space.label_names.get(code, code)} ({probability:.2f})" if code else ""


def parse_code(cell, valid: set[str]) -> str | None:
    """The code an expert chose: a bare code, or a drop-down entry «FIN-01 — name»."""
    if cell is None:
        return None
    text = str(cell).strip()
    if not text:
        return None
    return text.split()[0] if text.split()[0] in valid else text


@dataclass
class QueueRows:
    """Rows for one review workbook sheet."""

    title: str
    frame: pd.DataFrame


def write_workbook(sheets: list[QueueRows], path: str | Path, space: LabelSpace) -> Path:
    """An Excel workbook: one right-to-left sheet per queue, header frozen, text wrapped, a drop-down of
    every valid code with its Persian name on `expert_group_code`, hidden columns for checks."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from .artifact import publish

    book = Workbook()
    book.remove(book.active)
    codes = book.create_sheet(CODES_SHEET)
    codes.sheet_view.rightToLeft = True
    codes.append(["code", "نام گروه", "حوزه"])
    for label in space.labels:
        codes.append([f"{label} — {space.label_names.get(label, label)}", space.label_names.get(label, label),
                      space.parent_names.get(space.parent_of.get(label, ""), "")])
    codes.sheet_state = "hidden"
    columns = QUEUE_COLUMNS + HIDDEN_COLUMNS
    for queue in sheets:
        sheet = book.create_sheet(_sheet_title(queue.title, book.sheetnames))
        sheet.sheet_view.rightToLeft = True
        sheet.append(columns)
        sheet.append([HEADER_FA.get(c, c) for c in columns])
        for row in queue.frame[columns].itertuples(index=False, name=None):
            sheet.append([_cell(neutralise(v)) for v in row])
        sheet.freeze_panes = "A3"
        for cell in sheet[1] + sheet[2]:
            cell.font = Font(bold=True)
        widths = {"report_id": 14, "text": 80, "suggestion_1": 34, "suggestion_2": 34, "suggestion_3": 34,
                  "expert_group_code": 40, "expert_note": 30}
        for i, name in enumerate(columns, start=1):
            letter = get_column_letter(i)
            sheet.column_dimensions[letter].width = widths.get(name, 12)
            if name in HIDDEN_COLUMNS:
                sheet.column_dimensions[letter].hidden = True
        for row in sheet.iter_rows(min_row=3, min_col=2, max_col=2):
            row[0].alignment = Alignment(wrap_text=True, vertical="top")
        if len(queue.frame):
            letter = get_column_letter(columns.index("expert_group_code") + 1)
            rule = DataValidation(type="list", formula1=f"={CODES_SHEET}!$A$2:$A${len(space.labels) + 1}",
                                  allow_blank=True, showErrorMessage=True, errorTitle="کد نامعتبر",
                                  error="یکی از کدهای فهرست را انتخاب کنید.")
            rule.add(f"{letter}3:{letter}{len(queue.frame) + 2}")
            sheet.add_data_validation(rule)
    book.active = 1 if len(book.sheetnames) > 1 else 0
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    book.save(tmp)
    publish(tmp, path)
    return path


def _cell(value):
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _sheet_title(title: str, taken: list[str]) -> str:
    clean = "".join("-" if c in '[]:*?/\\' else c for c in title)[:31] or "queue"
    candidate, n = clean, 2
    while candidate in taken:
        candidate = f"{clean[:28]} {n}"
        n += 1
    return candidate


@dataclass
class ReviewedLabels:
    """What an import found: rows to store, problems, and blank rows skipped."""

    rows: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    blank: int = 0


def read_reviews(path: str | Path, valid_codes: set[str]) -> ReviewedLabels:
    """Validate every filled row of a review workbook; one problem line per bad row (sheet and row)."""
    from openpyxl import load_workbook

    path = Path(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for files that are not workbooks
        raise InputError(f"not an Excel .xlsx workbook ({type(exc).__name__})", path) from None
    result = ReviewedLabels()
    seen: dict[str, str] = {}
    try:
        for sheet in book.worksheets:
            if sheet.title == CODES_SHEET:
                continue
            rows = sheet.iter_rows(values_only=True)
            header = [str(h) if h is not None else "" for h in next(rows, ())]
            missing = [c for c in ("report_id", "text", "expert_group_code", "text_sha256") if c not in header]
            if missing:
                raise InputError(f"not a review sheet: no column '{missing[0]}'", path, row=1)
            col = {name: header.index(name) for name in header if name}
            for row_no, row in enumerate(rows, start=2):
                if row_no == 2:
                    continue  # the Persian header row
                value = lambda name: row[col[name]] if name in col and col[name] < len(row) else None
                chosen = parse_code(value("expert_group_code"), valid_codes)
                if chosen is None:
                    result.blank += 1
                    continue
                where = f"{path.name}, sheet '{sheet.title}', row {row_no}"
                report_id = str(restore(value("report_id")))
                text = restore(value("text")) or ""
                if chosen not in valid_codes:
                    result.problems.append(f"{where}, column 'expert_group_code': '{chosen}' is not a group code; "
                                           "pick one from the drop-down list")
                elif text_hash(text) != value("text_sha256"):
                    result.problems.append(f"{where}, column 'text': the report text was changed after export; "
                                           "restore it (labels must refer to the text the model saw)")
                elif report_id in seen:
                    result.problems.append(f"{where}, column 'report_id': report '{report_id}' is labeled again "
                                           f"(first at {seen[report_id]})")
                else:
                    seen[report_id] = f"sheet '{sheet.title}', row {row_no}"
                    confidence = value("model_confidence")
                    result.rows.append({
                        "report_id": report_id, "text": text, "group_code": chosen, "source_file": path.name,
                        "source_sheet": sheet.title, "source_row": row_no, "text_sha256": value("text_sha256"),
                        "model_group_code": restore(value("model_group_code")),
                        "model_confidence": float(confidence) if confidence not in (None, "") else None,
                        "model_version": restore(value("model_version")), "note": restore(value("expert_note"))})
    finally:
        book.close()
    return result
