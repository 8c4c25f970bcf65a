"""Custom fields: attributes an admin adds to a record kind (Dynamics'
customisation). Text, long text, integer, number, money, date, yes/no,
option set or lookup; required or not; searchable (indexed, and found by
the filter's free words when it is text) or not.

Once added, a field is an attribute of its kind's metadata like any other:
forms show it, records store it (each kind's service checks it through
`Checker.custom`), lists can show it as a column, the query language
filters on it, exports carry it and the history names it. Removing one
hides it everywhere and keeps its values; it can be restored, or purged
(its column dropped, its values gone) once an admin confirms by its name.

Every process keeps the definitions it read: `refresh()` reads them again
when another process changed them (one small query), and opening another
database forgets them.
"""

from __future__ import annotations

import json
import re

from crm_tui import meta, text
from crm_tui.db import dict_rows, write
from crm_tui.errors import ConflictError, PermissionDenied, ValidationError
from crm_tui.meta import Option
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import custom_schema, search, session
from crm_tui.services.custom_defs import (  # noqa: F401 - part of this module's face
    CustomField,
    by_name,
    current,
    fields,
    get,
    refresh,
)
from crm_tui.services.custom_schema import CUSTOMISABLE, PREFIX, TYPES  # noqa: F401

TYPE_LABELS = {
    "text": "Text",
    "long_text": "Long text",
    "integer": "Whole number",
    "number": "Number",
    "money": "Money",
    "date": "Date",
    "boolean": "Yes/no",
    "option_set": "Option set",
    "lookup": "Lookup",
}
# What a lookup field may point at.
LOOKUP_TARGETS = ("account", "contact", "lead", "opportunity", "case", "product", "user")
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
MAX_OPTIONS = 100
# Labels are shown in many places (form labels, option lists, column heads);
# brackets alone could read as styling in some of them: refused at the door.
_BRACKETS = re.compile(r"[\[\]]")


def _admin() -> None:
    if session.current_user().role != "admin":
        raise PermissionDenied("only an admin adds, changes or removes custom fields")


def _built_in_label(kind: str, label: str) -> bool:
    """Whether the kind has a built-in attribute read as `label` (the query
    language finds fields by label: two would be ambiguous)."""
    wanted = label.lower()
    return any(
        wanted in (a.label.lower(), a.name) for a in meta.kind(kind).attributes if not a.custom
    )


def _option_set(typed, existing: tuple[Option, ...] = ()) -> tuple[Option, ...]:
    """Options from labels (a list, or text split at commas): a label kept
    keeps its code, so records holding it still read it."""
    labels = typed.split(",") if isinstance(typed, str) else list(typed or ())
    labels = [text.clean(label) for label in labels]
    labels = [label for label in labels if label]
    if not labels:
        raise ValidationError({"options": "an option set needs at least one option"})
    if len(labels) > MAX_OPTIONS:
        raise ValidationError({"options": f"at most {MAX_OPTIONS} options"})
    if len({label.lower() for label in labels}) != len(labels):
        raise ValidationError({"options": "two options have the same label"})
    if any(len(label) > 80 for label in labels):
        raise ValidationError({"options": "an option's label is longer than 80 characters"})
    if any(_BRACKETS.search(label) for label in labels):
        raise ValidationError({"options": "an option's label has no [ or ]"})
    codes = {o.label.lower(): o.code for o in existing}
    taken = {o.code for o in existing}
    out = []
    for label in labels:
        code = codes.get(label.lower())
        if code is None:
            code = _new_code(label, taken)
            taken.add(code)
        out.append(Option(code, label))
    return tuple(out)


def _new_code(label: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", text.sort_key(label).lower()).strip("_")[:30] or "option"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    return code


def add(
    kind: str,
    name: str,
    type_: str,
    *,
    label: str = "",
    options=(),
    target: str | None = None,
    required: bool = False,
    searchable: bool = False,
) -> CustomField:
    """Add a field to `kind` (admins): its definition and its column, in one
    transaction. A searchable field is indexed at once, which walks the
    kind's rows (seconds on a million contacts)."""
    _admin()
    errors: dict[str, str] = {}
    if kind not in CUSTOMISABLE:
        errors["kind"] = f"fields can be added to: {', '.join(CUSTOMISABLE)}"
    name = (name or "").strip().lower()
    if not _NAME.fullmatch(name):
        errors["name"] = (
            "a name is 1 to 40 lower-case letters, digits and _, starting with a letter"
        )
    if type_ not in TYPES:
        errors["type"] = f"the type is one of: {', '.join(TYPES)}"
    label = text.clean(label) or name.replace("_", " ").capitalize()
    if len(label) > 60:
        errors["label"] = "a label is at most 60 characters"
    elif _BRACKETS.search(label):
        errors["label"] = "a label has no [ or ] (screens would read them as styling)"
    if kind in CUSTOMISABLE and _built_in_label(kind, label):
        errors["label"] = f"{label!r} is already a field of {meta.kind(kind).plural.lower()}"
    chosen: tuple[Option, ...] = ()
    if type_ == "option_set":
        try:
            chosen = _option_set(options)
        except ValidationError as exc:
            errors.update(exc.errors)
    if type_ == "lookup" and target not in LOOKUP_TARGETS:
        errors["target"] = f"a lookup points at one of: {', '.join(LOOKUP_TARGETS)}"
    if errors:
        raise ValidationError(errors)
    with write():
        taken = dict_rows(
            "SELECT removed FROM custom_field WHERE kind = ? AND (name = ? OR lower(label) = ?)",
            (kind, name, label.lower()),
        )
        if taken:
            raise ValidationError(
                {
                    "name": f"{meta.kind(kind).plural} already have a field named {name!r} "
                    f"or labelled {label!r}"
                    + (" (removed: restore or purge it)" if taken[0]["removed"] else "")
                }
            )
        position = dict_rows(
            "SELECT coalesce(max(position), 0) + 1 AS p FROM custom_field WHERE kind = ?", (kind,)
        )[0]["p"]
        now, me = to_db_time(utcnow()), session.current_user().id
        dict_rows(
            "INSERT INTO custom_field (kind, name, label, type, options, target, required, "
            "searchable, position, created_at, created_by, modified_at, modified_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                kind, name, label, type_, _options_json(chosen), target if type_ == "lookup" else None,
                int(required), int(searchable), position, now, me, now, me,
            ),
        )  # fmt: skip
        custom_schema.add_column(kind, name, type_)
        if searchable:
            custom_schema.add_index(kind, name, type_)
    refresh()
    return by_name(kind, name)


def _options_json(options: tuple[Option, ...]) -> str:
    return json.dumps([[o.code, o.label] for o in options], ensure_ascii=False)


def _current(field_id: int, version: int) -> CustomField:
    field = get(field_id)
    if field.version != version:
        raise ConflictError("custom field", field_id, field.version, {})
    return field


def _save(field: CustomField, **columns) -> None:
    sets = ", ".join(f"{c} = ?" for c in columns)
    dict_rows(
        f"UPDATE custom_field SET {sets}, version = version + 1, modified_at = ?, "
        "modified_by = ? WHERE id = ? AND version = ? RETURNING id",
        (*columns.values(), to_db_time(utcnow()), session.current_user().id, field.id,
         field.version),
    )  # fmt: skip


def update(
    field_id: int,
    version: int,
    *,
    label: str | None = None,
    options=None,
    required: bool | None = None,
    searchable: bool | None = None,
) -> CustomField:
    """Change a field's label, options (labels; a kept label keeps its code),
    whether it is required, whether it is searchable (indexes or drops its
    index, and rebuilds the kind's full-text index for a text field)."""
    _admin()
    with write():
        field = _current(field_id, version)
        columns: dict = {}
        if label is not None:
            label = text.clean(label)
            if not label or len(label) > 60:
                raise ValidationError({"label": "a label is 1 to 60 characters"})
            if _BRACKETS.search(label):
                raise ValidationError({"label": "a label has no [ or ]"})
            columns["label"] = label
        if options is not None:
            if field.type != "option_set":
                raise ValidationError({"options": "only an option set has options"})
            chosen = _option_set(options, field.options)
            _refuse_dropping_used(field, {o.code for o in chosen})
            columns["options"] = _options_json(chosen)
        if required is not None:
            columns["required"] = int(required)
        if searchable is not None and searchable != field.searchable:
            columns["searchable"] = int(searchable)
            if searchable:
                custom_schema.add_index(field.kind, field.name, field.type)
            else:
                custom_schema.drop_index(field.kind, field.name)
        if columns:
            _save(field, **columns)
    refresh()
    if "searchable" in columns and field.type in ("text", "long_text"):
        reindex(field)
    return get(field_id)


def _refuse_dropping_used(field: CustomField, kept: set[str]) -> None:
    dropped = [o for o in field.options if o.code not in kept]
    if not dropped:
        return
    table = meta.kind(field.kind).model._meta.table_name
    marks = ", ".join("?" * len(dropped))
    used = dict_rows(
        f'SELECT count(*) AS n FROM "{table}" WHERE "{field.column}" IN ({marks})',
        [o.code for o in dropped],
    )[0]["n"]
    if used:
        names = ", ".join(o.label for o in dropped)
        raise ValidationError(
            {"options": f"{used:,} records hold {names}: change them before removing it"}
        )


def remove(field_id: int, version: int) -> CustomField:
    """Hide a field everywhere; its values stay until it is purged."""
    return _set_removed(field_id, version, True)


def restore(field_id: int, version: int) -> CustomField:
    """Show a removed field again, with the values it kept."""
    return _set_removed(field_id, version, False)


def _set_removed(field_id: int, version: int, removed: bool) -> CustomField:
    _admin()
    with write():
        field = _current(field_id, version)
        _save(field, removed=int(removed))
    refresh()
    if field.searchable and field.type in ("text", "long_text"):
        reindex(field)
    return get(field_id)


def purge(field_id: int, version: int, *, confirm: str) -> None:
    """Drop a removed field's column: its values are gone for good. `confirm`
    must be the field's name, typed by the admin."""
    _admin()
    field = get(field_id)
    if not field.removed:
        raise ValidationError({"confirm": "remove the field first; purging drops its values"})
    if confirm.strip().lower() != field.name:
        raise ValidationError({"confirm": f"type the field's name, {field.name}, to purge it"})
    with write():
        field = _current(field_id, version)
        custom_schema.drop_column(field.kind, field.name)
        dict_rows("DELETE FROM custom_field WHERE id = ? RETURNING id", (field.id,))
    refresh()


# Records re-indexed per transaction: the lock is held for a moment at a time.
REINDEX_BATCH = 500


def reindex(field: CustomField) -> int:
    """Index again the records that hold a value of `field` (a text field
    made searchable or not, removed or restored): free words then find, or no
    longer find, its values. The others' index entries are unchanged.
    Returns how many records were indexed."""
    if field.kind not in search.indexed_kinds():
        return 0
    table = meta.kind(field.kind).model._meta.table_name
    sql = (
        f'SELECT id FROM "{table}" WHERE "{field.column}" IS NOT NULL '
        f"AND \"{field.column}\" <> '' AND id > ? ORDER BY id LIMIT ?"
    )
    done, last = 0, 0
    while True:
        ids = [r["id"] for r in dict_rows(sql, (last, REINDEX_BATCH))]
        if not ids:
            return done
        with write():
            for record_id in ids:
                search.index(field.kind, record_id)
        done += len(ids)
        last = ids[-1]
