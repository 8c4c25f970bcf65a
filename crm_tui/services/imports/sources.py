"""A file to import, whatever its format: a CSV text table (reading.py), an
Excel workbook (its first sheet), or an address book of vCards (vcard.py).
Each gives its header cells, says in words how it was read, and streams its
rows with the numbers the person sees (a spreadsheet's row, a card's place)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from crm_tui.errors import ValidationError
from crm_tui.services.imports import reading

XLSX_SUFFIXES = (".xlsx", ".xlsm")
VCARD_SUFFIXES = (".vcf", ".vcard")


@dataclass(frozen=True)
class Source:
    """A readable file: its path, header cells and format, in words."""

    path: Path
    headers: tuple[str, ...]
    description: str
    format: str  # csv · xlsx · vcard
    sniffed: reading.Sniffed | None = None

    def describe(self) -> str:
        """How the file was read, for the person to check."""
        return self.description

    def rows(self) -> Iterator[reading.Row]:
        """The data rows, one at a time, never the whole file at once."""
        if self.format == "xlsx":
            return _xlsx_rows(self.path, self.headers)
        if self.format == "vcard":
            from crm_tui.services.imports import vcard

            return vcard.rows(self.path)
        return reading.rows(self.path, self.sniffed)


def open_source(path: Path | str) -> Source:
    """The file at `path` read as its name and bytes say; ValidationError
    (under "file") for one that cannot be read, in words."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise ValidationError({"file": f"{path} is not a file that can be read"})
    suffix = path.suffix.lower()
    try:
        if suffix in XLSX_SUFFIXES:
            headers = _xlsx_headers(path)
            return Source(path, headers, "an Excel workbook (its first sheet)", "xlsx")
        if suffix in VCARD_SUFFIXES:
            from crm_tui.services.imports import vcard

            return Source(path, vcard.HEADERS, "vCards (an address book)", "vcard")
    except OSError as exc:
        raise ValidationError({"file": f"cannot read {path}: {exc.strerror}"}) from None
    sniffed = reading.sniff(path)
    return Source(path, sniffed.headers, sniffed.describe(), "csv", sniffed)


def _sheet(path: Path):
    import openpyxl  # only an import of a workbook needs it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign file, in any of its ways
        raise ValidationError({"file": f"{path.name} is not an Excel workbook ({exc})"}) from None
    return book, book.worksheets[0]


def _xlsx_headers(path: Path) -> tuple[str, ...]:
    book, sheet = _sheet(path)
    try:
        first = next(sheet.iter_rows(max_row=1, values_only=True), ())
    finally:
        book.close()
    if not any(_cell(c).strip() for c in first):
        raise ValidationError({"file": f"{path.name} has no header row"})
    return reading.headers_of([_cell(c) for c in first])


def _cell(value) -> str:
    """A workbook cell as the text a CSV export of it would hold: days as
    2026-04-03, whole numbers without ".0"."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _xlsx_rows(path: Path, headers: tuple[str, ...]) -> Iterator[reading.Row]:
    book, sheet = _sheet(path)
    width = len(headers)
    try:
        for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            cells = [_cell(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            problem = ""
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                problem = f"{len(cells)} cells, but the header has {width}"
            padded = [*cells[:width], *([""] * (width - len(cells)))]
            yield reading.Row(number, dict(zip(headers, padded, strict=True)), problem)
    finally:
        book.close()
