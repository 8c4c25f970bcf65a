"""A custom field's value as a record holds it: checked and cleaned from
what a form, the command line or an import typed (`Checker.custom` asks
here for each field), in the same words as the built-in fields' checks."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from crm_tui import meta, text
from crm_tui.meta import Attribute, AttributeType
from crm_tui.services import custom_defs


def attributes(kind: str) -> tuple[Attribute, ...]:
    """The custom attributes `kind` has now, in form order."""
    custom_defs.current()
    return tuple(a for a in meta.kind(kind).attributes if a.custom)


def check_value(checker, attribute: Attribute) -> None:
    """Check and clean one custom field's typed value into `checker`."""
    name, label, kind = attribute.name, attribute.label, attribute.type
    raw = checker.data.get(name)
    if kind is AttributeType.TEXT:
        checker.text(name, max_len=400, label=label)
    elif kind is AttributeType.MEMO:
        checker.text(name, max_len=4000, multiline=True, label=label)
    elif kind is AttributeType.INTEGER:
        checker.integer(name, minimum=None, label=label)
    elif kind is AttributeType.MONEY:
        checker.money(name, label=label)
    elif kind is AttributeType.DATE:
        if raw in (None, ""):
            checker.values[name] = None
        else:
            checker.date(name, label=label)
    elif kind is AttributeType.DECIMAL:
        checker.values[name] = _number(checker, name, label, raw)
    elif kind is AttributeType.BOOLEAN:
        checker.values[name] = _yes_no(checker, name, label, raw)
    elif kind is AttributeType.OPTION_SET:
        checker.values[name] = _option(checker, attribute, raw)
    else:
        checker.values[name] = _lookup(checker, attribute, raw)


def _number(checker, name: str, label: str, raw) -> str | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).replace(",", "").strip())
    except InvalidOperation:
        checker.fail(name, f"{label} must be a number such as 12.5, not {raw!r}")
        return None
    if not value.is_finite() or abs(value) >= Decimal(10) ** 15:
        checker.fail(name, f"{label} must be a number below 10^15")
        return None
    return format(value.normalize(), "f") if value == value.normalize() else str(value)


def _yes_no(checker, name: str, label: str, raw) -> int | None:
    if raw in (None, ""):
        return None
    value = text.yes_no(raw)
    if value is None:
        checker.fail(name, f"{label} is yes or no, not {raw!r}")
    return value


def _option(checker, attribute: Attribute, raw) -> str | None:
    if raw in (None, ""):
        return None
    typed = str(raw).strip()
    for option in attribute.options:
        if typed in (option.code, option.label) or typed.lower() == option.label.lower():
            return option.code
    labels = ", ".join(o.label for o in attribute.options)
    checker.fail(attribute.name, f"{attribute.label} is one of: {labels}")
    return None


def _lookup(checker, attribute: Attribute, raw) -> int | None:
    if raw in (None, ""):
        return None
    target = meta.kind(attribute.target)
    try:
        record_id = int(raw)
    except (TypeError, ValueError):
        checker.fail(attribute.name, f"{attribute.label}: choose a {target.label.lower()}")
        return None
    model = target.model
    if not model.select(model.id).where(model.id == record_id).exists():
        checker.fail(attribute.name, f"{attribute.label}: that {target.label.lower()} is gone")
        return None
    return record_id
