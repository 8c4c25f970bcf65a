"""Custom fields on screens: a form's fields for them (after the kind's
own), the values a form starts from, a detail's summary rows and a list's
columns. What each field is comes from the metadata, as for built-in ones."""

from __future__ import annotations

import importlib

from rich.text import Text

from crm_tui import display, meta
from crm_tui.meta import Attribute, AttributeType
from crm_tui.screens.common import calls
from crm_tui.screens.common.date_field import date_spec
from crm_tui.services import custom_fields, money, records, users
from crm_tui.text import safe_line
from crm_tui.widgets.record_form import FieldSpec
from crm_tui.widgets.record_table import Column

T = AttributeType
_NONE = "(none)"
PREFIX = custom_fields.PREFIX


def attributes(kind: str, *, fresh: bool = True) -> tuple[Attribute, ...]:
    """`kind`'s custom fields now (`fresh`: read again first if another
    process changed them)."""
    if not kind:
        return ()
    if fresh:
        try:
            custom_fields.refresh()
        except Exception as exc:
            if calls.as_refusal(exc) is None:
                raise  # a bug, not the database
            # the fields known so far: the read that follows reports the fault
    return tuple(a for a in meta.kind(kind).attributes if a.custom)


def _finder(target: str):
    from crm_tui.screens.common.palette import FINDERS

    module = importlib.import_module(f"crm_tui.services.{FINDERS[target][0]}")

    def matches(typed: str) -> list[dict]:
        rows = module.find_by_name(typed, limit=5)
        return [
            {"id": r["id"], "name": r.get("name") or r.get("full_name") or r.get("title") or ""}
            for r in rows
        ]

    return matches


def form_spec(attribute: Attribute) -> FieldSpec:
    """The form field of one custom attribute."""
    name, label, required = attribute.name, attribute.label, attribute.required
    kind = attribute.type
    if kind is T.MEMO:
        return FieldSpec(name, label, "multiline", required=required)
    if kind is T.DATE:
        return date_spec(name, label, required=required)
    if kind is T.BOOLEAN:
        return FieldSpec(name, label, "select", [(_NONE, ""), ("Yes", "yes"), ("No", "no")],
                         required=required)  # fmt: skip
    if kind is T.OPTION_SET:
        options = [(_NONE, ""), *((o.label, o.code) for o in attribute.options)]
        return FieldSpec(name, label, "select", options, required=required)
    if kind is T.LOOKUP and attribute.target == "user":
        options = [(_NONE, ""), *((u.full_name, u.id) for u in users.all_users())]
        return FieldSpec(name, label, "select", options, required=required)
    if kind is T.LOOKUP:
        return FieldSpec(name, label, "lookup", lookup=_finder(attribute.target), required=required)
    placeholders = {
        T.INTEGER: "a whole number",
        T.DECIMAL: "a number, e.g. 12.5",
        T.MONEY: "an amount, e.g. 1250.00",
    }
    return FieldSpec(name, label, placeholder=placeholders.get(kind, ""), required=required)


def form_specs(kind: str) -> list[FieldSpec]:
    """The form fields of `kind`'s custom attributes, in their order."""
    return [form_spec(a) for a in attributes(kind)]


def form_values(kind: str, record_id: int | None) -> tuple[dict, dict]:
    """(values, lookup labels) a form shows for the record's custom fields."""
    custom = attributes(kind)
    if record_id is None or not custom:
        return {}, {}
    row = records.by_id(meta.kind(kind).model, record_id)
    values, labels = {}, {}
    for attribute in custom:
        stored = getattr(row, attribute.name, None) if row is not None else None
        values[attribute.name] = typed_form(attribute, stored)
        if attribute.type is T.LOOKUP and stored and attribute.target != "user":
            labels[attribute.name] = records.title_of(attribute.target, stored)
    return values, labels


def typed_form(attribute: Attribute, stored):
    """A stored value as its form field holds it."""
    if stored is None:
        return ""
    if attribute.type is T.MONEY:
        return money.plain(stored)
    if attribute.type is T.DATE:
        return display.day(stored)
    if attribute.type is T.BOOLEAN:
        return "yes" if stored else "no"
    return stored


def shown(attribute: Attribute, stored) -> str:
    """A stored value as a person reads it (summary, list cell, conflict)."""
    if stored in (None, ""):
        return ""
    if attribute.type is T.MONEY:
        return display.money(stored)
    if attribute.type is T.INTEGER:
        return f"{stored:,}"
    if attribute.type is T.DATE:
        return display.day(stored)
    if attribute.type is T.BOOLEAN:
        return display.yes_no(stored)
    if attribute.type is T.OPTION_SET:
        return display.option_of(attribute, stored)
    if attribute.type is T.LOOKUP:
        if attribute.target == "user":
            return users.name_of(stored)
        return records.title_of(attribute.target, stored)
    return str(stored)


def summary_rows(kind: str, record) -> list[tuple[Text, str]]:
    """(label, value) of each custom field, for a record's summary; the
    label is an admin's words, as text, never markup."""
    return [
        (Text(a.label), shown(a, getattr(record, a.name, None)))
        for a in attributes(kind, fresh=False)  # as when the record was read
    ]


def columns(kind: str) -> list[Column]:
    """A list column for each custom field, for a view to choose."""
    out = []
    for attribute in attributes(kind):
        width = {T.BOOLEAN: 5, T.DATE: display.DAY_WIDTH, T.INTEGER: 10}.get(attribute.type, 18)
        keep = attribute.type in (T.BOOLEAN, T.DATE)  # cut short, a day is no day
        if keep:
            width = max(width, len(attribute.label))
        names: dict = {}  # a looked-up record's name, read once per list

        def cell(row: dict, attribute=attribute, names=names) -> Text:
            stored = row.get(attribute.name)
            if attribute.type is T.LOOKUP and stored is not None:
                if stored not in names:
                    names[stored] = shown(attribute, stored)
                return safe_line(names[stored])
            out = safe_line(shown(attribute, stored))
            if attribute.type in (T.INTEGER, T.DECIMAL, T.MONEY):
                out.justify = "right"
            return out

        right = attribute.type in (T.INTEGER, T.DECIMAL, T.MONEY)
        label = Text(attribute.label)  # an admin's words, never markup
        out.append(Column(attribute.name, label, width, cell, keep_width=keep, right=right))
    return out
