"""A report's result as a table: rows of text and exact values for CSV,
an Excel workbook (amounts as numbers) or JSON. Group names are people's text: cleaned, and never read as a
spreadsheet formula (for a terminal: cli_report.py)."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from typing import BinaryIO, TextIO

from crm_tui.services.export import csv_cell
from crm_tui.services.reporting.engine import Result
from crm_tui.text import clean


def table(result: Result) -> tuple[list[str], list[list], list[str]]:
    """(headings, rows of values, what each row is: "row", "subtotal",
    "total"): every group, each first-level group's subtotal after its
    rows (two groupings), the totals last; a Currency column when the
    amounts are in more than one."""
    headings, rows, kinds, _ = table_of(result)
    return headings, rows, kinds


def table_of(result: Result) -> tuple[list[str], list[list], list[str], list]:
    """`table`, and the report's row behind each line (for its drill-down)."""
    currencies = {row.currency for row in result.totals}
    with_currency = len(currencies) > 1 or currencies != {""}
    headings = list(result.group_headings) or ["Report"]
    if with_currency:
        headings.append("Currency")
    headings += [c.heading for c in result.columns]
    depth = len(result.spec.groups)

    def line(labels, row) -> list:
        cells = list(labels) + [""] * (max(depth, 1) - len(labels))
        if with_currency:
            cells.append(row.currency)
        return cells + list(row.values)

    rows, kinds, sources = [], [], []

    def subtotal(key) -> None:
        row = result.subtotals[key]
        rows.append(line((f"{row.labels[0]} total",), row))
        kinds.append("subtotal")
        sources.append(row)

    previous = None
    for row in result.rows:
        key = (row.keys[0], row.currency)
        if depth == 2 and previous is not None and key != previous:
            subtotal(previous)
        previous = key
        rows.append(line(row.labels, row))
        kinds.append("row")
        sources.append(row)
    if depth == 2 and previous is not None:
        subtotal(previous)
    for total in result.totals:
        rows.append(line(("Total",), total))
        kinds.append("total")
        sources.append(total)
    return headings, rows, kinds, sources


def _plain(value) -> object:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def write_csv(result: Result, out: TextIO) -> int:
    """The table as CSV; returns the rows written under the headings."""
    headings, rows, _ = table(result)
    writer = csv.writer(out)
    writer.writerow([csv_cell(h) for h in headings])
    for row in rows:
        writer.writerow([csv_cell(_plain(v)) for v in row])
    return len(rows)


def write_json(result: Result, out: TextIO) -> int:
    """The table as JSON: one object per row, amounts as exact strings."""
    headings, rows, kinds = table(result)
    data = [
        {"row": kind, **{h: _plain(v) for h, v in zip(headings, row, strict=True)}}
        for row, kind in zip(rows, kinds, strict=True)
    ]
    json.dump(data, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(rows)


def write_xlsx(result: Result, out: BinaryIO, title: str) -> int:
    """The table as a workbook: amounts as numbers, names always as text,
    subtotals and totals in bold."""
    import openpyxl  # only a workbook needs it
    from openpyxl.styles import Font

    headings, rows, kinds = table(result)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(clean(title)[:31].translate(str.maketrans("[]:*?/\\", "       ")))
    bold = Font(bold=True)
    sheet.append([_text_cell(sheet, h, bold) for h in headings])
    for row, kind in zip(rows, kinds, strict=True):
        font = bold if kind != "row" else None
        sheet.append([_text_cell(sheet, v, font) if isinstance(v, str) else
                      _number_cell(sheet, v, font) for v in row])  # fmt: skip
    book.save(out)
    return len(rows)


def _text_cell(sheet, value: str, font):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=clean(value, multiline=True))
    cell.data_type = "s"  # "=SUM(…)" typed in a name stays text
    if font is not None:
        cell.font = font
    return cell


def _number_cell(sheet, value, font):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, Decimal):
        cell.number_format = "#,##0.00"
    if font is not None:
        cell.font = font
    return cell


FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}


def to_new_file(result: Result, typed_path: str, title: str) -> tuple[int, str]:
    """Write the report to a new file named `typed_path` (CSV, or as its
    name says: .xlsx, .json), readable by its owner alone; an existing file
    is never overwritten, a failed write leaves none. Returns (rows, path)."""
    from crm_tui.services import new_files

    path = new_files.path_of(typed_path)
    fmt = FORMATS.get(path.suffix.lower(), "csv")
    with new_files.owner_only(path, binary=fmt == "xlsx") as out:
        if fmt == "xlsx":
            count = write_xlsx(result, out, title)
        else:
            count = (write_json if fmt == "json" else write_csv)(result, out)
    return count, str(path)
