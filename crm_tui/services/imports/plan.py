"""An import's dry run: every row of the file read through the column map,
its cells read in the file's style, its lookups found, matched on the chosen
key and checked by the kind's own service, without writing anything. Each
row is to be created, updated, left as it is (unchanged), a duplicate, or
an error with its column, value and reason; none is dropped silently, and
the counts always add up to the file's rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from crm_tui import meta
from crm_tui.errors import CrmError, ValidationError
from crm_tui.meta import AttributeType
from crm_tui.services import access, dates, records, session
from crm_tui.services.imports import cells, lookups, sources, targets
from crm_tui.services.imports.reading import Row

# Rows kept of each outcome to show before anything is written; every error
# is kept (the error file holds them all).
SHOWN = 20
ACTIONS = ("create", "update", "unchanged", "duplicate", "error")
# A lookup an import may create when no record has the name: the account a
# contact, opportunity or case row names.
CREATABLE = ("account",)


@dataclass(frozen=True)
class Options:
    """How to import: the mode, the key rows are matched on, the answers to
    the file's questions, and whether a missing account is created."""

    mode: str = "create"
    key: str = ""
    dates: str = ""  # dmy or mdy, for a file whose days could be either
    decimal: str = ""  # . or ,, for a file whose amounts could be either
    create_missing: bool = False


@dataclass
class RowPlan:
    """What the import would do with one row."""

    number: int
    action: str  # one of ACTIONS
    values: dict = field(default_factory=dict)  # the service's input (errors: as read)
    # (column, value as typed, why) per problem; for a duplicate, what it repeats
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    match: targets.Match | None = None  # the record an update changes
    cells: dict[str, str] = field(default_factory=dict)  # the row as the file has it
    # (target, name) of records to create first: an account named in the row
    creates_first: list[tuple[str, str, str]] = field(default_factory=list)
    checked: dict | None = None  # a new record's values as its service's check gave them


@dataclass
class Plan:
    """The dry run of a file: how it was read, the map and options, the
    questions the file leaves open, the counts, the first rows of each
    outcome and every error."""

    kind: str
    source: sources.Source
    mapping: dict[str, str | None]
    options: Options
    styles: cells.Styles
    counts: Counter = field(default_factory=Counter)
    shown: dict[str, list[RowPlan]] = field(default_factory=dict)
    errors: list[RowPlan] = field(default_factory=list)
    to_create_first: set[tuple[str, str]] = field(default_factory=set)

    def add(self, row: RowPlan) -> None:
        self.counts[row.action] += 1
        kept = self.shown.setdefault(row.action, [])
        if len(kept) < SHOWN:
            kept.append(row)
        if row.action == "error":
            self.errors.append(row)
        self.to_create_first.update((t, name) for t, name, _ in row.creates_first)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def notes(self) -> list[str]:
        """How the file's cells were read where a person might read them
        otherwise: a column of Solar Hijri days."""
        return [
            f"{column}: read as Solar Hijri (Persian calendar) days, {cell} = {day:%d %b %Y}"
            for column, (cell, day) in self.styles.solar.items()
        ]

    @property
    def questions(self) -> dict[str, str]:
        """Column -> what the person must answer before the file can be read."""
        return self.styles.questions


def check_options(kind: str, options: Options, mapped: dict[str, str | None]) -> None:
    """ValidationError when the mode, key or answers cannot be used for `kind`."""
    if kind not in targets.KINDS:
        raise ValidationError({"kind": f"{kind} records are not imported; choose one of "
                               f"{', '.join(targets.KINDS)}"})  # fmt: skip
    if options.mode not in targets.modes(kind):
        raise ValidationError({"mode": f"{meta.kind(kind).plural.lower()} are imported in "
                               f"these modes: {', '.join(targets.modes(kind))}"})  # fmt: skip
    keys = targets.keys(kind)
    if options.mode != "create" and not options.key:
        raise ValidationError({"key": "say which key rows are matched on to update records: "
                               + ", ".join(keys)})  # fmt: skip
    if options.key and options.key not in keys:
        raise ValidationError({"key": f"{options.key!r} is not a key of "
                               f"{meta.kind(kind).plural.lower()}: {', '.join(keys)}"})  # fmt: skip
    if options.key:
        chosen = set(mapped.values())
        missing = [n for n in keys[options.key] if n not in chosen]
        people = {"first_name", "last_name"}
        if set(missing) <= people and "full_name" in chosen:
            missing = []
        if missing:
            raise ValidationError({"key": f"no column is mapped to {', '.join(missing)}, "
                                   f"which the key {options.key!r} compares"})  # fmt: skip
    if options.mode in ("create", "upsert"):
        # refused before the file is read, not on each of its rows
        access.require("create", kind, session.current_user().id)
    if options.dates not in ("", *cells.DATE_ORDERS):
        raise ValidationError({"dates": "dates are dmy (day first) or mdy (month first)"})
    if options.decimal not in ("", *cells.DECIMAL_MARKS):
        raise ValidationError({"decimal": "the decimal mark is . or ,"})


class Planner:
    """Reads rows of one file into RowPlans; kept across the whole file so
    that a row can be a duplicate of any row before it."""

    def __init__(self, kind: str, mapped: dict[str, str | None], options: Options, styles):
        self.kind, self.options, self.styles = kind, options, styles
        self.found = meta.kind(kind)
        self.mapped = {h: a for h, a in mapped.items() if a}
        self.lookups = lookups.Lookups()
        self.matcher = targets.Matcher(kind, options.key) if options.key else None
        self.seen: dict[tuple, int] = {}
        self.zone = dates.configured_zone()
        self.service = targets.service(kind)

    # --- cells ------------------------------------------------------------------------

    def _read(self, row: Row) -> tuple[dict, dict, list, list]:
        """(service input by key, key -> column, problems, records to create first)."""
        data: dict = {}
        column_of: dict[str, str] = {}
        problems: list[tuple[str, str, str]] = []
        first: list[tuple[str, str, str]] = []
        for header, name in self.mapped.items():
            cell = cells.unguarded(row.cells.get(header, ""))
            if name == "full_name":
                given, family = cells.split_name(cell)
                for key, part in (("first_name", given), ("last_name", family)):
                    if not data.get(key):
                        data[key], column_of[key] = part, header
                continue
            if self._key_only(name):
                data[name], column_of[name] = cell.strip(), header
                continue
            attribute = self.found.attribute(name)
            key = attribute.key
            if not cell.strip() and data.get(key):
                continue  # an empty first-name column leaves the full name's part
            column_of[key] = header
            if cell.strip() and header in self.styles.questions:
                problems.append((header, cell, self.styles.questions[header]))
                continue
            data[key] = self._cell(attribute, header, cell, problems, first)
        return data, column_of, problems, first

    def _cell(self, attribute, header, cell, problems, first):
        if not cell.strip():
            empty_none = (AttributeType.LOOKUP, AttributeType.DATETIME)
            return None if attribute.type in empty_none else ""
        kind = attribute.type
        if kind is AttributeType.DATE:
            return cells.day(cell, self.styles.date_order.get(header, "dmy"))
        if kind is AttributeType.DATETIME:
            found = cells.moment(cell, self.styles.date_order.get(header, "dmy"), self.zone)
            if isinstance(found, str):
                problems.append((header, cell, "this is not a date and time"))
            return found
        if kind in cells.COUNTED:
            return cells.amount(cell, self.styles.decimal_mark.get(header, "."))
        if kind is AttributeType.OPTION_SET:
            return cells.option(attribute, cell)
        if kind is AttributeType.BOOLEAN:
            return cells.yes_no(cell)
        if kind is AttributeType.LOOKUP:
            return self._lookup(attribute, header, cell.strip(), problems, first)
        return cell

    def _lookup(self, attribute, header, typed, problems, first):
        if attribute.target is None:  # an activity's regarding: any kind it names
            kind, ids = self.lookups.regarding(typed)
            if len(ids) == 1:
                return (kind, ids[0])
            why = "several records have this name" if ids else "no record has this name or number"
            problems.append((header, typed, why))
            return None
        ids = self.lookups.ids(attribute.target, typed)
        if len(ids) == 1:
            return ids[0]
        target = meta.kind(attribute.target)
        if ids:
            problems.append((header, typed, f"several {target.plural.lower()} have this name: "
                             "name it by its number, email or id"))  # fmt: skip
        elif attribute.target in CREATABLE and self.options.create_missing:
            first.append((attribute.target, typed, attribute.key))
        else:
            said = lookups.ways(attribute.target)
            problems.append((header, typed, f"no {target.label.lower()} has this {said}"))
        return None

    # --- rows -------------------------------------------------------------------------

    def plan(self, row: Row) -> RowPlan:
        """What the import would do with `row`."""
        if row.problem:
            return RowPlan(row.number, "error", {}, [("", "", row.problem)], cells=row.cells)
        data, column_of, problems, first = self._read(row)
        out = RowPlan(row.number, "error", data, problems, cells=row.cells, creates_first=first)
        if problems:
            return out
        match, refusal = self._match(data, column_of)
        if refusal:
            out.problems.append(refusal)
            return out
        if match is not None and self.options.mode == "create":
            out.action = "duplicate"
            out.problems.append(("", "", f"its {self.options.key} is an existing record's"))
            return out
        return self._checked(out, data, column_of, match)

    def _match(self, data, column_of):
        if self.matcher is None:
            return None, None
        names = self.matcher.names
        wanted = {n: str(data.get(n) or "").strip() for n in names}
        column = column_of.get(names[0], "")
        if any(v in (None, "") for v in wanted.values()):
            if self.options.mode == "update":
                return None, (column, "", f"no {self.options.key} to match a record on")
            return None, None
        found = self.matcher.find(wanted)
        if len(found) > 1:
            return None, (column, str(wanted[names[0]]),
                          f"several records have this {self.options.key}")  # fmt: skip
        if not found and self.options.mode == "update":
            return None, (column, str(wanted[names[0]]),
                          f"no {self.found.label.lower()} has this {self.options.key}")  # fmt: skip
        return (found[0] if found else None), None

    def _checked(self, out: RowPlan, data, column_of, match) -> RowPlan:
        given = {k: v for k, v in data.items() if not self._key_only(k)}
        current = None
        if match is not None:
            # an empty cell leaves the field as it is: a file rarely means to clear
            given = {k: v for k, v in given.items() if v not in ("", None)}
            current = records.by_id(self.found.model, match.id)
            if not access.allowed("write", self.kind, records.owner_of(self.kind, match.id)):
                key = self.matcher.names[0]
                out.problems.append((column_of.get(key, ""), str(data.get(key, "")),
                                     f"you may not change this {self.found.label.lower()}"))  # fmt: skip
                return out
        for _target, _typed, key in out.creates_first:
            given.pop(key, None)  # the account comes into being when the row is written
        try:
            checked = self._check(given, current)
        except (ValidationError, CrmError) as exc:
            for name, why in getattr(exc, "errors", {"": str(exc)}).items():
                column = column_of.get(name) or column_of.get(f"{name}_id", name)
                out.problems.append((column, str(data.get(name, "") or ""), why))
            return out
        out.values = given
        if current is not None:
            out.match = match
            out.action = "update" if self._changes(current, checked) else "unchanged"
        else:
            out.action = "create"
            out.checked = checked
        repeats = self._repeats(out.number, {**data, **checked})
        if repeats:
            out.action = "duplicate"
            out.problems.append(("", "", repeats))
        elif out.action == "create":
            why = targets.existing(self.kind, {**data, **checked})
            if why:
                out.action = "duplicate"
                out.problems.append(("", "", why))
        return out

    def _key_only(self, key: str) -> bool:
        return key in ("id", "number") and (
            not self.found.has_attribute(key) or self.found.attribute(key).read_only
        )

    def _check(self, given: dict, current) -> dict:
        if self.kind == "activity":
            checked = self.service.check({k: v for k, v in given.items()
                                          if k not in ("regarding_id", "owner_id")})  # fmt: skip
            return checked
        if self.kind == "case":
            from crm_tui.services.support import case_fields

            checked = case_fields.check(given, creating=current is None)
            if current is None:
                case_fields.customer(checked)
            return checked
        return self.service.check(given, current)

    def _changes(self, current, checked: dict) -> bool:
        """Whether the checked values differ from what `current` holds."""
        for key, value in checked.items():
            if not self.found.has_attribute(key):
                continue  # derived (a sort key): follows the fields it is made of
            name = self.found.attribute(key).name
            kept = records.stored_values(current, [name])[name]
            if isinstance(kept, dt.datetime) and isinstance(value, dt.datetime):
                if kept.replace(tzinfo=kept.tzinfo or dt.UTC) != value:
                    return True
            elif kept != value and not (kept in (None, "") and value in (None, "")):
                return True
        return False

    def _repeats(self, number: int, values: dict) -> str:
        groups = targets.same_in_file(self.kind, values, self.options.key)
        earlier = next((self.seen[g] for g in groups if g in self.seen), None)
        for group in groups:
            self.seen.setdefault(group, number)
        return f"repeats row {earlier}" if earlier is not None else ""


def styles_of(source: sources.Source, kind: str, mapped: dict, options: Options) -> cells.Styles:
    """The file's date and decimal styles, read from every row of the columns
    mapped to days, times and amounts."""
    found = meta.kind(kind)
    columns = {
        h: found.attribute(a)
        for h, a in mapped.items()
        if a
        and found.has_attribute(a)
        and found.attribute(a).type in (*cells.DATED, *cells.COUNTED)
    }
    rows: Iterator[dict] = (r.cells for r in source.rows()) if columns else iter(())
    return cells.Styles.found(columns, rows, dates=options.dates, decimal=options.decimal)


class DryRun:
    """A dry run read a number of rows at a time (`step`), so that a screen
    can say how far it is; `plan` holds what was read so far."""

    def __init__(self, path, kind: str, mapped: dict[str, str | None], options: Options | None):
        options = options or Options()
        source = sources.open_source(path)
        check_options(kind, options, mapped)
        styles = styles_of(source, kind, mapped, options)
        self.plan = Plan(kind, source, dict(mapped), options, styles)
        self._planner = Planner(kind, mapped, options, styles)
        self._rows = source.rows()

    def step(self, rows: int = 500) -> bool:
        """Read up to `rows` more rows; False once the file is done."""
        for n, row in enumerate(self._rows, start=1):
            self.plan.add(self._planner.plan(row))
            if n >= rows:
                return True
        return False


def dry_run(path, kind: str, mapped: dict[str, str | None], options: Options | None = None) -> Plan:
    """The dry run of importing the file at `path` as `kind` records through
    `mapped` (header -> field): nothing is written. ValidationError when
    the file cannot be read or the options cannot be used."""
    running = DryRun(path, kind, mapped, options)
    while running.step():
        pass
    return running.plan
