"""A rule's text with the record's values in it: `{title}`, `{number}` and
`{field}` for any attribute of the kind, filled in plain words (an option
by its label, a lookup by its record's name, a time in the configured
zone). Nothing else in braces is read; `{{` writes a brace."""

from __future__ import annotations

import datetime as dt
import string

from crm_tui import meta, text
from crm_tui.db import database, dict_rows
from crm_tui.services import dates, records

_FORMATTER = string.Formatter()
EXTRA = {"title": "the record's name", "number": "its number", "kind": "what it is (Case)",
         "rule": "the rule's name"}  # fmt: skip


def names(kind: str) -> set[str]:
    """The placeholders a rule on `kind` may use."""
    return set(EXTRA) | {a.name for a in meta.kind(kind).attributes}


def problem(template: str, kind: str) -> str:
    """What is wrong with the placeholders of `template`, in one line; ""."""
    try:
        parts = list(_FORMATTER.parse(template))
    except ValueError as exc:
        return f"a brace is not closed or not doubled ({exc}); write {{{{ for a brace"
    known = names(kind)
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in known or spec or conversion:
            return f"{{{field}}} is not a field of a {meta.kind(kind).label.lower()}"
    return ""


def fill(template: str, values: dict[str, str]) -> str:
    """`template` with each placeholder's value (control characters removed)."""
    return template.format_map({k: text.clean(v) for k, v in values.items()})


def _word(attribute: meta.Attribute, value, zone) -> str:
    if value in (None, ""):
        return ""
    kind = attribute.type
    if kind is meta.AttributeType.OPTION_SET:
        return attribute.option_label(value)
    if kind is meta.AttributeType.BOOLEAN:
        return "yes" if value else "no"
    if kind is meta.AttributeType.DATETIME:
        return dates.as_local(value, zone).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def values_of(kind_name: str, record_id: int, rule_name: str = "") -> dict[str, str]:
    """Every placeholder of a record of `kind_name`, as words."""
    kind = meta.kind(kind_name)
    table = kind.model._meta.table_name
    rows = dict_rows(f'SELECT * FROM "{table}" WHERE id = ?', (record_id,))
    row = rows[0] if rows else {}
    zone = dates.configured_zone()
    out = {name: "" for name in names(kind_name)}
    fields = kind.model._meta.fields
    for attribute in kind.attributes:
        field = fields.get(attribute.name) or fields.get(attribute.key)
        value = row.get(field.column_name) if field is not None else None
        if attribute.type is meta.AttributeType.LOOKUP:
            target = attribute.target
            found = target and value not in (None, "") and records.titles_of(target, [value])
            out[attribute.name] = found.get(int(value), "") if found else ""
        elif attribute.money is not None and value is not None:
            out[attribute.name] = f"{attribute.to_decimal(value):,}"
        else:
            out[attribute.name] = _word(attribute, value, zone)
    out["title"] = out.get(kind.title, "")
    out["number"] = out.get(kind.number, "") if kind.number else str(record_id)
    out["kind"] = kind.label
    out["rule"] = rule_name
    return out


def labels_of(kind_name: str, record_ids) -> dict[int, str]:
    """{id: "CAS-00012 Printer on fire"}: each record by its number (for a
    kind that has one) and name, in one query per kind."""
    kind = meta.kind(kind_name)
    titles = records.titles_of(kind_name, record_ids)
    if not kind.number or not titles:
        return titles
    column = kind.model._meta.fields[kind.number].column_name
    table = kind.model._meta.table_name
    ids = sorted(titles)
    marks = ", ".join("?" for _ in ids)
    numbers = dict(
        database.execute_sql(f'SELECT id, "{column}" FROM "{table}" WHERE id IN ({marks})', ids)
    )
    return {i: f"{numbers.get(i) or ''} {t}".strip() for i, t in titles.items()}
