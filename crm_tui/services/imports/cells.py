"""A cell as the file wrote it, read into what the record's checks take:
days and times in the file's own order (03/04/2026 is asked, never guessed),
amounts in its decimal style (1.250,00 or 1,250.00), options by label or
code, yes/no in English or Persian, and a full name split in two.

A column's style is found from all of its cells before any row is read
(`Styles.found`): a single 13/04/2026 settles that the column is day first,
and a column that never settles is a question for the person, not a guess."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from crm_tui import text
from crm_tui.meta import Attribute, AttributeType
from crm_tui.services import dates

DATE_ORDERS = {"dmy": "day first (31/12/2026)", "mdy": "month first (12/31/2026)"}
DECIMAL_MARKS = {".": "a point (1,250.50)", ",": "a comma (1.250,50)"}
DATED = (AttributeType.DATE, AttributeType.DATETIME)
COUNTED = (AttributeType.MONEY, AttributeType.DECIMAL)

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?")
_NUMERIC = re.compile(
    r"(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{2,4})"
    r"(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
)
# A year from 1300 to 1499 first: a Solar Hijri (Persian calendar) day, as
# Iranian files write them; no Gregorian day of a CRM is that old.
_SOLAR = re.compile(r"(1[34]\d\d)[/.\-](\d{1,2})[/.\-](\d{1,2})")
_DIGITS = str.maketrans({**{chr(0x06F0 + i): str(i) for i in range(10)},
                         **{chr(0x0660 + i): str(i) for i in range(10)}})  # fmt: skip
_NAMED = re.compile(r"(\d{1,2}|[a-z]{3,9})\.?\s+(\d{1,2}|[a-z]{3,9})\.?,?\s+(\d{4})")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ZONE = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_SYMBOLS = re.compile(r"[^\d.,\-]")
_YES = {"yes", "y", "true", "1", "x", "بله", "آری", "✓"}
_NO = {"no", "n", "false", "0", "خیر", "نه"}


def _fold(typed: str) -> str:
    return text.normalize(typed).strip().casefold()


@dataclass
class Styles:
    """How the file writes days and amounts, per column: found from its
    cells, or chosen by the person (`dates`, `decimal`) when the cells do
    not say."""

    dates: str = ""  # the person's answer: dmy or mdy
    decimal: str = ""  # the person's answer: . or ,
    date_order: dict[str, str] = field(default_factory=dict)  # column -> ymd/dmy/mdy
    decimal_mark: dict[str, str] = field(default_factory=dict)  # column -> . or ,
    questions: dict[str, str] = field(default_factory=dict)  # column -> what to ask
    # column -> a cell of it read as a Solar Hijri day, and the day it is
    solar: dict[str, tuple[str, dt.date]] = field(default_factory=dict)

    @classmethod
    def found(
        cls, columns: dict[str, Attribute], rows: Iterable[dict[str, str]], *, dates: str = "",
        decimal: str = "",
    ) -> Styles:  # fmt: skip
        """The styles of `columns` (header -> the attribute it fills) read from
        every row's cells; an ambiguous column takes the person's answer, or
        becomes a question."""
        orders = {c: set(DATE_ORDERS) for c, a in columns.items() if a.type in DATED}
        marks = {c: set(DECIMAL_MARKS) for c, a in columns.items() if a.type in COUNTED}
        seen_date: set[str] = set()
        seen_mark: set[str] = set()
        solar: dict[str, str] = {}
        for cells in rows:
            for column, left in orders.items():
                cell = cells.get(column, "").strip().translate(_DIGITS)
                if column not in solar and _SOLAR.fullmatch(cell):
                    solar[column] = cell
                if cell and not _ISO.match(cell) and not _SOLAR.fullmatch(cell):
                    possible = _orders_of(cell)
                    if possible is not None:
                        seen_date.add(column)
                        left &= possible
            for column, left in marks.items():
                cell = cells.get(column, "").strip()
                if cell:
                    possible = _marks_of(cell)
                    if possible is not None:
                        seen_mark.add(column)
                        left &= possible
        styles = cls(dates=dates, decimal=decimal)
        for column, cell in solar.items():
            read = _moment(cell, "dmy")
            if read is not None:
                styles.solar[column] = (cell, read[0])
        for column, left in orders.items():
            if column not in seen_date:
                continue
            if len(left) == 1:
                styles.date_order[column] = left.pop()
            elif len(left) == 2 and dates:
                styles.date_order[column] = dates
            elif len(left) == 2:
                styles.questions[column] = (
                    "its dates could be day first or month first (03/04/2026): say which"
                )
            else:
                styles.questions[column] = "its dates are written both day first and month first"
        for column, left in marks.items():
            if len(left) == 1 and column in seen_mark:
                styles.decimal_mark[column] = left.pop()
            elif column in seen_mark and len(left) == 2 and decimal:
                styles.decimal_mark[column] = decimal
            elif column in seen_mark and len(left) == 2:
                styles.questions[column] = (
                    "its amounts could have a decimal point or comma (1,250): say which"
                )
            elif column in seen_mark:
                styles.questions[column] = "its amounts mix a decimal point and a decimal comma"
        return styles


def _orders_of(cell: str) -> set[str] | None:
    """The orders a numeric day like 03/04/2026 can be read in; None when the
    cell is not one (month names and ISO days read in any order)."""
    found = _NUMERIC.match(cell)
    if not found:
        return None
    first, second = int(found.group(1)), int(found.group(2))
    if len(found.group(1)) == 4:  # 2026/04/03
        return set(DATE_ORDERS)
    possible = set()
    if 1 <= first <= 31 and 1 <= second <= 12:
        possible.add("dmy")
    if 1 <= first <= 12 and 1 <= second <= 31:
        possible.add("mdy")
    return possible


def _marks_of(cell: str) -> set[str] | None:
    """The decimal marks an amount like 1,250 could be written with."""
    digits = _SYMBOLS.sub("", cell)
    has_point, has_comma = "." in digits, "," in digits
    if has_point and has_comma:
        return {"." if digits.rfind(".") > digits.rfind(",") else ","}
    mark = "." if has_point else "," if has_comma else ""
    if not mark:
        return None
    parts = digits.split(mark)
    # 1,250 or 1.250.000: groups of three after the mark read either way;
    # 12,5 or 1.25 can only be decimals
    if len(parts) > 2:
        return {"," if mark == "." else "."}
    if len(parts[1]) == 3:
        return set(DECIMAL_MARKS)
    return {mark}


def unguarded(cell: str) -> str:
    """A cell without the apostrophe an export put before a leading = + - @
    so that a spreadsheet shows it as text (export.csv_cell): the value is
    what follows."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@":
        return cell[1:]
    return cell


def amount(cell: str, mark: str) -> str:
    """An amount as the checks read it ("1250.50"), from the file's style:
    currency symbols, spaces and grouping marks aside."""
    digits = _SYMBOLS.sub("", cell)
    if not digits:
        return cell  # the check says what is wrong with it
    grouping = "," if mark == "." else "."
    plain = digits.replace(grouping, "").replace(mark, ".")
    try:
        Decimal(plain)
    except InvalidOperation:
        return cell
    return plain


def day(cell: str, order: str) -> str:
    """A day as the checks read it (2026-04-03), from the file's order;
    times of day are dropped (a date attribute holds none)."""
    moment = _moment(cell, order)
    return moment[0].isoformat() if moment else cell


def moment(cell: str, order: str, zone: dt.tzinfo) -> dt.datetime | str:
    """A time as an aware datetime: an offset written in the cell is kept,
    else the time is read in `zone`; a day alone is the start of the
    working day. A cell that is no time comes back as typed (the check
    says why)."""
    stripped = cell.strip()
    try:
        parsed = dt.datetime.fromisoformat(stripped.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is not None and (_ZONE.search(stripped) or "T" in stripped or " " in stripped):
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    found = _moment(stripped, order)
    if found is None:
        return cell
    when, at = found
    if at is None:  # as a day typed in the app is due: at the end of its working day
        return dates.end_of_working_day(when, zone)
    return dt.datetime.combine(when, at, tzinfo=zone)


def _moment(cell: str, order: str) -> tuple[dt.date, dt.time | None] | None:
    stripped = cell.strip().translate(_DIGITS)
    solar = _SOLAR.fullmatch(stripped)
    if solar:
        found = solar_hijri(*(int(solar.group(i)) for i in (1, 2, 3)))
        return (found, None) if found else None
    iso = _ISO.fullmatch(stripped)
    try:
        if iso:
            y, m, d = (int(iso.group(i)) for i in (1, 2, 3))
            return dt.date(y, m, d), _time(iso.group(4), iso.group(5), iso.group(6), None)
        found = _NUMERIC.fullmatch(stripped)
        if found:
            a, b, c = found.group(1), found.group(2), found.group(3)
            if len(a) == 4:
                y, m, d = int(a), int(b), int(c)
            elif order == "mdy":
                m, d, y = int(a), int(b), _year(c)
            else:
                d, m, y = int(a), int(b), _year(c)
            at = _time(found.group(4), found.group(5), found.group(6), found.group(7))
            return dt.date(y, m, d), at
    except ValueError:
        return None
    return _named_month(stripped)


def _named_month(cell: str) -> tuple[dt.date, None] | None:
    """27 Nov 2026, 27 November 2026, Nov 27, 2026: read in any order."""
    found = _NAMED.fullmatch(cell.casefold())
    if not found:
        return None
    words = [w for w in found.groups() if w]
    numbers = [int(w) for w in words if w.isdigit()]
    months = [w for w in words if not w.isdigit()]
    month = next((i for i, m in enumerate(_MONTHS, 1) if months and months[0].startswith(m)), 0)
    if not month or len(numbers) != 2 or numbers[1] < 1000:
        return None
    try:
        return dt.date(numbers[1], month, numbers[0]), None
    except ValueError:
        return None


def solar_hijri(year: int, month: int, day: int) -> dt.date | None:
    """The Gregorian day of a Solar Hijri (Persian calendar) one, by the
    33-year cycle of leap years; None for a day the calendar does not have
    (Mehr 31, Esfand 30 of a common year)."""
    if not (1 <= month <= 12 and 1 <= day <= (31 if month <= 6 else 30)):
        return None
    found = _solar_days(year, month, day)
    if month == 12 and day == 30 and found == _solar_days(year + 1, 1, 1):
        return None
    return found


def _solar_days(year: int, month: int, day: int) -> dt.date:
    cycle = year + 1595
    days = -356033 + 365 * cycle + (cycle // 33) * 8 + ((cycle % 33) + 3) // 4 + day
    days += (month - 1) * 31 if month < 7 else (month - 7) * 30 + 186
    return dt.date(1, 1, 1) + dt.timedelta(days=days - 1)


def _year(typed: str) -> int:
    year = int(typed)
    return year + 2000 if year < 70 else year + 1900 if year < 100 else year


def _time(hours, minutes, seconds, half) -> dt.time | None:
    if hours is None:
        return None
    hour = int(hours)
    if half:
        hour = hour % 12 + (12 if half.lower() == "pm" else 0)
    return dt.time(hour, int(minutes), int(seconds or 0))


def option(attribute: Attribute, cell: str) -> str:
    """An option's code from its label or code, as folded text compares
    them; a cell naming none comes back as typed (the check lists them)."""
    folded = _fold(cell)
    for choice in attribute.options:
        if folded in (_fold(choice.code), _fold(choice.label)):
            return choice.code
    return cell


def yes_no(cell: str) -> str:
    """ "1" or "0" for the ways files write yes and no; else as typed."""
    folded = _fold(cell)
    return "1" if folded in _YES else "0" if folded in _NO else cell


def split_name(full: str) -> tuple[str, str]:
    """(first, last) of a full name: "Díaz, Ana" and "Ana Díaz" alike; the
    last word is the family name, the words before it the given names."""
    cleaned = " ".join(full.split())
    if "," in cleaned:
        last, _, first = cleaned.partition(",")
        return first.strip(), last.strip()
    first, _, last = cleaned.rpartition(" ")
    return first, last
