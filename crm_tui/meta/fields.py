"""Short constructors for attributes, so that each kind reads as a list of
its fields, and the system fields every owned record shares."""

from __future__ import annotations

from dataclasses import replace

from crm_tui.meta.machine import StateMachine
from crm_tui.meta.types import Attribute, AttributeType, Money, Option, options

# Money is integer minor units with two decimals everywhere (MoneyField,
# services.pricing.MONEY_DECIMALS).
MONEY_DIGITS = 2


def text(name: str, label: str, **kw) -> Attribute:
    """A single line of text."""
    return Attribute(name, label, AttributeType.TEXT, **kw)


def memo(name: str, label: str, **kw) -> Attribute:
    """Long text of several lines."""
    return Attribute(name, label, AttributeType.MEMO, **kw)


def email(name: str, label: str = "Email", **kw) -> Attribute:
    """An email address."""
    return Attribute(name, label, AttributeType.EMAIL, **kw)


def phone(name: str, label: str = "Phone", **kw) -> Attribute:
    """A phone number as typed."""
    return Attribute(name, label, AttributeType.PHONE, **kw)


def url(name: str, label: str = "Website", **kw) -> Attribute:
    """A web address."""
    return Attribute(name, label, AttributeType.URL, **kw)


def integer(name: str, label: str, **kw) -> Attribute:
    """A whole number."""
    return Attribute(name, label, AttributeType.INTEGER, **kw)


def decimal(name: str, label: str, **kw) -> Attribute:
    """An exact decimal stored as text (a percentage, a quantity)."""
    return Attribute(name, label, AttributeType.DECIMAL, **kw)


def date(name: str, label: str, **kw) -> Attribute:
    """A calendar day."""
    return Attribute(name, label, AttributeType.DATE, **kw)


def moment(name: str, label: str, **kw) -> Attribute:
    """A date and time (aware, stored as UTC)."""
    return Attribute(name, label, AttributeType.DATETIME, **kw)


def boolean(name: str, label: str, **kw) -> Attribute:
    """Yes or no (stored as 0 or 1)."""
    return Attribute(name, label, AttributeType.BOOLEAN, **kw)


def money(name: str, label: str, *, currency: str | None = None, **kw) -> Attribute:
    """Money in minor units, in the record's `currency` attribute or, when
    None, in the configured currency."""
    return Attribute(name, label, AttributeType.MONEY, money=Money(MONEY_DIGITS, currency), **kw)


def choice(name: str, label: str, labels: dict[str, str], **kw) -> Attribute:
    """An option set from {stored code: label}, in display order."""
    return Attribute(name, label, AttributeType.OPTION_SET, options=options(labels), **kw)


def lookup(name: str, label: str, target: str, **kw) -> Attribute:
    """A reference to one record of the kind `target`."""
    return Attribute(name, label, AttributeType.LOOKUP, target=target, **kw)


def state(machine: StateMachine, **kw) -> Attribute:
    """The state (Dynamics' "Status") of a kind with a state machine."""
    codes = tuple(Option(s.code, s.label) for s in machine.states)
    kw.setdefault("read_only", True)  # changed by transitions, never by a form
    return Attribute(machine.attribute, "Status", AttributeType.OPTION_SET, options=codes, **kw)


def status_reason(machine: StateMachine, **kw) -> Attribute:
    """The status reason (Dynamics' "Status reason") within the state."""
    assert machine.reason_attribute is not None
    kw.setdefault("read_only", True)
    return Attribute(
        machine.reason_attribute,
        "Status reason",
        AttributeType.OPTION_SET,
        options=machine.reasons,
        **kw,
    )


def regarding() -> tuple[Attribute, ...]:
    """The record a note or activity is about: its kind and its id."""
    return (
        text("regarding_type", "Regarding type", read_only=True),
        Attribute(
            "regarding_id",
            "Regarding",
            AttributeType.LOOKUP,
            kind_attribute="regarding_type",
            plain_id=True,
        ),
    )


def preferences() -> tuple[Attribute, ...]:
    """How an account, contact or lead may be contacted (Dynamics' contact
    methods): every distribution and mail leaves out whom they refuse."""
    return (
        boolean("do_not_email", "Do not email"),
        boolean("do_not_bulk_email", "Do not send marketing email"),
        boolean("do_not_phone", "Do not phone"),
        boolean("do_not_mail", "Do not send letters"),
    )


def derived(attribute: Attribute, sqlite: str, postgres: str | None = None) -> Attribute:
    """`attribute` as a value worked out by SQL (the same on both engines
    unless `postgres` is given), never stored or typed."""
    return replace(attribute, read_only=True, expression=(sqlite, postgres or sqlite))


def record_id() -> Attribute:
    """The id every record has."""
    return integer("id", "Record ID", read_only=True)


def stamps(
    *, owner_listed: bool = False, modified_sortable: bool = False, owner_sortable: bool = False
) -> tuple[Attribute, ...]:
    """The fields of every owned record (OwnedModel): version, created and
    modified stamps (read-only) and the owner (assignable)."""
    return (
        record_id(),
        integer("version", "Version", read_only=True),
        moment("created_at", "Created on", read_only=True),
        lookup("created_by", "Created by", "user", read_only=True),
        moment("modified_at", "Modified on", read_only=True, sortable=modified_sortable),
        lookup("modified_by", "Modified by", "user", read_only=True),
        lookup(
            "owner", "Owner", "user", required=True, listed=owner_listed, sortable=owner_sortable
        ),  # fmt: skip
    )
