"""What metadata is made of: attribute types, options, money storage,
attributes and record kinds. Plain frozen dataclasses; no database access."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from crm_tui.errors import NotFound
from crm_tui.meta.options import Option, options  # noqa: F401 - part of the types' face

if TYPE_CHECKING:
    from peewee import Model

    from crm_tui.meta.machine import StateMachine


class AttributeType(StrEnum):
    """How an attribute's value is read and written (Dynamics' attribute types)."""

    TEXT = "text"
    MEMO = "memo"  # long text, several lines
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    MONEY = "money"
    DECIMAL = "decimal"  # exact decimal kept as text (percentages, quantities)
    INTEGER = "integer"
    DATE = "date"
    DATETIME = "datetime"  # an aware UTC time
    OPTION_SET = "option_set"
    LOOKUP = "lookup"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Money:
    """How a money attribute is stored: an integer count of minor units
    (cents), `minor_digits` decimals, in the currency held by the record's
    `currency_attribute`, or in the configured currency (settings.currency)
    when that is None."""

    minor_digits: int = 2
    currency_attribute: str | None = None

    def to_decimal(self, stored: int | None) -> Decimal | None:
        """The stored minor units as a Decimal amount (None stays None)."""
        if stored is None:
            return None
        return Decimal(stored).scaleb(-self.minor_digits)


@dataclass(frozen=True)
class Attribute:
    """One field of a record kind, as a person and a form see it.

    `name` is the model's field name; for a lookup kept in a ForeignKeyField
    the stored column (and the key services use) is `key`, e.g. account_id."""

    name: str
    label: str
    type: AttributeType
    required: bool = False
    searchable: bool = False  # indexed for full-text search / the go-to palette
    sortable: bool = False  # a list can be sorted by it
    listed: bool = False  # a column of the kind's list by default
    read_only: bool = False  # no form writes it: the system or a transition does
    options: tuple[Option, ...] = ()
    # Lookup: the kind it points at; None with `kind_attribute` for a
    # polymorphic one (an activity's or note's "regarding").
    target: str | None = None
    kind_attribute: str | None = None
    # The model keeps the id in a plain IntegerField, not a ForeignKeyField
    # (the models would import each other otherwise).
    plain_id: bool = False
    money: Money | None = None
    # Added by an admin (services/custom_fields.py): its column is cf_<name>.
    custom: bool = False
    # A value worked out from other columns rather than stored (a kind's
    # `derived`): SQL on the row `{t}`, as (SQLite, PostgreSQL); `{now}`
    # and `{soon}` (an hour on) are the time the query is made, as stored.
    expression: tuple[str, str] | None = None

    @property
    def key(self) -> str:
        """The column that stores it (a ForeignKeyField's is name + _id)."""
        if self.type is AttributeType.LOOKUP and not self.plain_id and self.target is not None:
            return f"{self.name}_id"
        return self.name

    def option(self, code: str) -> Option:
        """The option stored as `code`; NotFound if this option set has none."""
        for option in self.options:
            if option.code == code:
                return option
        raise NotFound(f"{self.label} has no option {code!r}")

    def option_label(self, code: str | None) -> str:
        """What a person reads for the stored `code` ("" for no value)."""
        if code in (None, ""):
            return ""
        return self.option(code).label

    @property
    def option_codes(self) -> tuple[str, ...]:
        """The codes of the option set, in display order."""
        return tuple(option.code for option in self.options)

    def to_decimal(self, stored: int | None) -> Decimal | None:
        """A money attribute's stored minor units as a Decimal amount."""
        if self.money is None:
            raise NotFound(f"{self.label} is not money")
        return self.money.to_decimal(stored)


@dataclass(frozen=True)
class Kind:
    """One record kind: what it is called, where it is stored and what it holds."""

    name: str  # the regarding_type / audit record_type string
    label: str  # singular, capitalised as at the start of a sentence
    plural: str
    # The class name in crm_tui.models: the sales, service and knowledge
    # models load on first use, so the registry must not import them.
    model_name: str
    title: str  # the attribute that names a record
    attributes: tuple[Attribute, ...]
    number: str | None = None  # the attribute holding its human number (CAS-00001)
    # The prefix of the numbers the product hands out (CAS); None when the
    # number, if any, is typed by a person (a product's).
    number_prefix: str | None = None
    owned: bool = True
    regardable: bool = False  # notes and activities may regard it
    states: StateMachine | None = None
    # The app area (mode) a record of this kind opens in; None: none opens it.
    area: str | None = None
    # Model fields deliberately not described (derived sort keys, counters
    # kept for speed, raw bytes), so that a new field is never missed silently.
    internal: frozenset[str] = field(default=frozenset())
    # Values worked out from the row (Attribute.expression): queries and
    # reports read them; no form, list column or import does.
    derived: tuple[Attribute, ...] = ()

    @property
    def model(self) -> type[Model]:
        """The Peewee model (loads its module on first use)."""
        return getattr(importlib.import_module("crm_tui.models"), self.model_name)

    def attribute(self, name: str) -> Attribute:
        """The attribute by field name or stored key (account or account_id),
        or a derived value by its name."""
        for attribute in self.queryable:
            if name in (attribute.name, attribute.key):
                return attribute
        raise NotFound(f"a {self.label.lower()} has no attribute {name!r}")

    @property
    def queryable(self) -> tuple[Attribute, ...]:
        """What a query and a report may name: the attributes, then the
        derived values."""
        return self.attributes + self.derived

    def has_attribute(self, name: str) -> bool:
        """Whether `attribute(name)` would find one."""
        return any(name in (a.name, a.key) for a in self.attributes)

    @property
    def listed(self) -> tuple[Attribute, ...]:
        """The attributes a list shows by default, in order."""
        return tuple(a for a in self.attributes if a.listed)

    @property
    def searchable(self) -> tuple[Attribute, ...]:
        """The attributes full-text search finds records by."""
        return tuple(a for a in self.attributes if a.searchable)

    def state_label(self, code: str) -> str:
        """What a person reads for the stored state `code`."""
        if self.states is None:
            raise NotFound(f"a {self.label.lower()} has no states")
        return self.states.state_label(code)

    def reason_label(self, code: str) -> str:
        """What a person reads for the stored status reason `code`."""
        if self.states is None:
            raise NotFound(f"a {self.label.lower()} has no status reasons")
        return self.states.reason_label(code)
