"""Streaming exports: rows are read a page at a time, never a whole table.

The columns and their formats come from the record metadata: the id, then
every attribute of the kind in its order (and a document's or case's
customer). Money leaves as decimal strings ("148000000.00"), never as the
minor units the database keeps; an option set as its stored code under the
attribute's name and its label beside it (state, state_label); a lookup as
the id (account_id) and the looked-up record's name (account), a user by
login; times in ISO 8601, UTC with its offset; days as YYYY-MM-DD.
JSON is exact; CSV is made safe to open in a spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import BinaryIO, TextIO

from crm_tui import meta
from crm_tui.db import database
from crm_tui.errors import NotFound, ValidationError
from crm_tui.meta import Attribute, AttributeType
from crm_tui.services import access, custom_defs, new_files
from crm_tui.text import clean

# What makes a spreadsheet run a cell as a formula (OWASP "CSV injection");
# clean() already trims a leading tab or CR, listed to keep the rule whole.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A negative amount starts with "-" but is data; only a plain number passes.
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")

# A document's or case's customer: its account, else its contact, by name.
_CUSTOMER = (
    "customer",
    "coalesce((SELECT name FROM account WHERE id = t.account_id), "
    "(SELECT full_name FROM contact WHERE id = t.contact_id), '')",
)


@dataclass(frozen=True)
class Export:
    """What one export holds: the kind's attributes, plus `extra` columns
    (name, SQL over the kind's table `t`) after the id, and attributes read
    through other SQL than their column (`override`)."""

    kind: str
    extra: tuple[tuple[str, str], ...] = ()
    override: dict[str, str] = field(default_factory=dict)


EXPORTS: dict[str, Export] = {
    "accounts": Export("account"),
    "contacts": Export("contact"),
    "activities": Export("activity"),
    "leads": Export("lead"),
    "opportunities": Export("opportunity"),
    "competitors": Export("competitor"),
    "products": Export("product"),
    # A quote's number is read with its revision, as people search it (QUO-00001-R2).
    "quotes": Export("quote", (_CUSTOMER,), {"number": "t.number || '-R' || t.revision"}),
    "orders": Export("order", (_CUSTOMER,)),
    "invoices": Export("invoice", (_CUSTOMER,)),
    "cases": Export("case", (_CUSTOMER,)),
}


@dataclass(frozen=True)
class _Column:
    name: str
    sql: str
    convert: Callable[[object], object] | None = None
    amount: bool = False  # money: a number in a workbook


def _table(kind: meta.Kind) -> str:
    return kind.model._meta.table_name


def _name_column(kind: meta.Kind) -> str:
    # People are named by login in exports: unique, and what `crm-tui users` takes.
    title = "login" if kind.name == "user" else kind.title
    return kind.model._meta.fields[title].column_name


def _money(attribute: Attribute) -> Callable[[object], object]:
    digits = attribute.money.minor_digits

    def convert(stored):
        # Decimal arithmetic: a float would round large amounts.
        if not isinstance(stored, int):
            return stored
        return f"{attribute.to_decimal(stored):.{digits}f}"

    return convert


def _utc(stored):
    """The database's UTC text as ISO 8601 with its offset."""
    if not isinstance(stored, str):
        return stored
    try:
        value = dt.datetime.fromisoformat(stored)
    except ValueError:
        return stored
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()


def _label(attribute: Attribute) -> Callable[[object], object]:
    def convert(stored):
        if stored in (None, ""):
            return stored
        try:
            return attribute.option_label(str(stored))
        except NotFound:
            return stored  # a code the metadata does not know: as stored

    return convert


def _regarding(attribute: Attribute) -> str:
    """The name of the record a polymorphic lookup points at, by its kind."""
    kinds = attribute.kind_attribute
    whens = " ".join(
        f'WHEN \'{k.name}\' THEN (SELECT "{_name_column(k)}" FROM "{_table(k)}" '
        f"WHERE id = t.{attribute.key})"
        for k in meta.regardable()
    )
    return f"CASE t.{kinds} {whens} END"


def _plan(what: str) -> tuple[tuple[_Column, ...], str]:
    """The columns of an export and the FROM clause (with its joins)."""
    custom_defs.current()
    return _plan_of(what, meta.kind(EXPORTS[what].kind))


@cache
def _plan_of(what: str, kind: meta.Kind) -> tuple[tuple[_Column, ...], str]:
    # kept per kind as described: a custom field added or removed is a new kind
    spec = EXPORTS[what]
    columns = [_Column("id", "t.id"), *(_Column(n, sql) for n, sql in spec.extra)]
    joins = []
    for attribute in kind.attributes:
        if attribute.name == "id":
            continue
        column = spec.override.get(attribute.name, f"t.{attribute.key}")
        kind_of = attribute.type
        if kind_of is AttributeType.MONEY:
            columns.append(_Column(attribute.name, column, _money(attribute), amount=True))
        elif kind_of is AttributeType.DATETIME:
            columns.append(_Column(attribute.name, column, _utc))
        elif kind_of is AttributeType.OPTION_SET:
            columns.append(_Column(attribute.name, column))
            columns.append(_Column(f"{attribute.name}_label", column, _label(attribute)))
        elif kind_of is AttributeType.LOOKUP:
            columns.append(_Column(attribute.key, column))
            name = attribute.name.removesuffix("_id") if attribute.plain_id else attribute.name
            if name == attribute.key:  # a custom lookup: cf_referrer, cf_referrer_name
                name += "_name"
            if attribute.target is None:
                columns.append(_Column(name, _regarding(attribute)))
            else:
                target = meta.kind(attribute.target)
                alias = f"j{len(joins)}"
                joins.append(
                    f'LEFT JOIN "{_table(target)}" {alias} ON {alias}.id = t.{attribute.key}'
                )
                columns.append(_Column(name, f'{alias}."{_name_column(target)}"'))
        else:
            columns.append(_Column(attribute.name, column))
    names = [c.name for c in columns]
    assert len(set(names)) == len(names), names
    return tuple(columns), f'FROM "{_table(kind)}" t ' + " ".join(joins)


def name_of(kind: str) -> str:
    """The export name of a record kind ("account" -> "accounts")."""
    for what, spec in EXPORTS.items():
        if spec.kind == kind:
            return what
    raise NotFound(f"{meta.kind(kind).plural.lower()} are not exported")


def _list_page(kind: str) -> Callable[..., object]:
    """The page function of `kind`'s list: what a saved view of it shows."""
    import importlib

    module = {
        "account": "customers.accounts",
        "contact": "customers.contacts",
        "quote": "sales.quotes",
        "order": "sales.orders",
        "invoice": "sales.invoices",
        "case": "support.cases",
    }.get(kind)
    if module is None:
        raise NotFound(f"{kind} records have no list whose views can be exported")
    return importlib.import_module(f"crm_tui.services.{module}").page


def view_ids(view, batch: int = 1000) -> Iterator[list[int]]:
    """The ids of the records a saved view shows, in its order, a page at a
    time, read as its list reads them (its built-in view, query and sort,
    the access rules)."""
    page = _list_page(view.list)
    options: dict = {"view": view.base_view, "query": view.query or None}
    if view.list == "case" and view.base_view.startswith("queue:"):
        options.update(view="queue", queue_id=int(view.base_view.split(":", 1)[1]))
    after = None
    while True:
        found = page(**options, after=after, limit=batch)
        if found.rows:
            yield [row["id"] for row in found.rows]
        if not found.more_after or not found.rows:
            return
        after = found.keys[-1]


def amount_columns(what: str) -> set[str]:
    """The money columns of an export (a workbook writes them as numbers)."""
    return {c.name for c in _plan(what)[0] if c.amount}


def rows(
    what: str, batch: int = 1000, view=None, ids: list[int] | None = None
) -> tuple[list[str], Iterator[tuple]]:
    """Column names and a generator of rows for an export, by id, in batches;
    with a saved `view` (services.views) the records it shows, in its order;
    with `ids` those records (the ones marked on a list), in that order."""
    if what not in EXPORTS:
        raise ValueError(f"cannot export {what!r}; choose one of {', '.join(EXPORTS)}")
    kind = EXPORTS[what].kind
    if view is not None and view.list != kind:
        raise ValueError(f"{view.name!r} is a view of {view.list} records, not of {what}")
    columns, source = _plan(what)
    select = ", ".join(f'{c.sql} AS "{c.name}"' for c in columns)
    sql = f"SELECT {select} {source}"
    # only what the person may read leaves the database
    readable = access.read_filter(
        kind, "t.owner_id", unowned="t.assigned = 0" if kind == "case" else ""
    )
    condition = f" AND {readable}" if readable else ""
    converts = [(index, c.convert) for index, c in enumerate(columns) if c.convert]

    def convert(row) -> tuple:
        out = list(row)
        for index, convert in converts:
            out[index] = convert(out[index])
        return tuple(out)

    def in_order(batches) -> Iterator[tuple]:
        for chosen in batches:
            marks = ", ".join("?" * len(chosen))
            chunk = database.execute_sql(
                f"{sql} WHERE t.id IN ({marks}){condition}", chosen
            ).fetchall()
            by_id = {row[0]: row for row in chunk}
            yield from (convert(by_id[i]) for i in chosen if i in by_id)

    if view is not None:
        return [c.name for c in columns], in_order(view_ids(view, batch))
    if ids is not None:
        batches = (ids[at : at + batch] for at in range(0, len(ids), batch))
        return [c.name for c in columns], in_order(batches)

    def generate() -> Iterator[tuple]:
        last = 0
        while True:
            chunk = database.execute_sql(
                f"{sql} WHERE t.id > ?{condition} ORDER BY t.id LIMIT ?", (last, batch)
            ).fetchall()
            if not chunk:
                return
            yield from (convert(row) for row in chunk)
            last = chunk[-1][0]

    return [c.name for c in columns], generate()


def csv_cell(value: object) -> object:
    """A value as a CSV cell a spreadsheet shows as text: without control
    characters, and with a leading ' when it would start a formula.

    Numbers, and text that is exactly a plain decimal number, are data."""
    if not isinstance(value, str) or _PLAIN_NUMBER.fullmatch(value):
        return value
    # Cleaning first: removing an escape or a space can bring an "=" to the front.
    text = clean(value, multiline=True)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


FORMATS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx", ".vcf": "vcf"}


def write(what: str, out: TextIO, fmt: str = "csv", view=None, ids=None) -> int:
    """Write an export (or the records a saved `view` shows, or those of
    `ids`) to `out` as csv, json (one array) or vcf (contacts as vCard
    4.0); returns the row count. (A workbook is binary: `write_xlsx`.)

    CSV cells go through `csv_cell`; JSON keeps every value exactly."""
    names, data = rows(what, view=view, ids=ids)
    count = 0
    if fmt == "vcf":
        if what != "contacts":
            raise ValueError("only contacts are written as vCards")
        from crm_tui.services.imports import vcard

        return vcard.write(out, names, data)
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(names)
        for row in data:
            writer.writerow([csv_cell(value) for value in row])
            count += 1
    elif fmt == "json":
        out.write("[")
        for row in data:
            out.write(
                ("," if count else "")
                + "\n"
                + json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False)
            )
            count += 1
        out.write("\n]\n")
    else:
        raise ValueError(f"unknown format {fmt!r}; choose csv, json or vcf")
    return count


def write_xlsx(what: str, out: BinaryIO, view=None, ids=None) -> int:
    """Write an export as an Excel workbook (one sheet, a header row, money
    as numbers, text always as text: never read as a formula)."""
    import openpyxl  # only a workbook export needs it
    from openpyxl.cell import WriteOnlyCell

    names, data = rows(what, view=view, ids=ids)
    amounts = amount_columns(what)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(what.capitalize())
    sheet.append(names)
    count = 0
    for row in data:
        cells = []
        for name, value in zip(names, row, strict=True):
            if name in amounts and isinstance(value, str):
                value = Decimal(value)
            cell = WriteOnlyCell(sheet, value=clean(value, multiline=True)
                                 if isinstance(value, str) else value)  # fmt: skip
            if isinstance(value, str):
                cell.data_type = "s"  # "=SUM(…)" typed in a name stays text
            cells.append(cell)
        sheet.append(cells)
        count += 1
    book.save(out)
    return count


def to_new_file(
    what: str, typed_path: str, ids: list[int] | None = None, *, fmt: str | None = None, view=None
) -> tuple[int, str]:
    """Write the records `ids` (in that order; else those of a saved `view`,
    else all) as `what` to a new file at `typed_path`, in `fmt` or as its
    name says (.csv, .json, .xlsx, .vcf), readable by its owner alone: it
    holds customers' data. An existing file is never overwritten, and a
    failed export leaves no half-written file. Returns (rows, path)."""
    path = new_files.path_of(typed_path)
    fmt = fmt or FORMATS.get(path.suffix.lower(), "csv")
    if fmt == "vcf" and what != "contacts":
        raise ValidationError({"file": "only contacts are written as vCards (.vcf)"})
    with new_files.owner_only(path, binary=fmt == "xlsx") as out:
        if fmt == "xlsx":
            count = write_xlsx(what, out, view=view, ids=ids)
        else:
            count = write(what, out, fmt, view=view, ids=ids)
    return count, str(path)
