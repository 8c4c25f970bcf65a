"""Record metadata: every record kind the product has, described once (like
Dynamics' entity and attribute metadata) - its names, model, title and
number, state machine, and attributes with their types, options and labels.

This package sits below the services: it imports only crm_tui.models (and
not even those until a kind's `model` is asked for) and crm_tui.errors.
Importing it builds a few hundred frozen dataclasses and nothing else.

    from crm_tui import meta
    case = meta.kind("case")
    case.attribute("priority").option_label("high")    # "High"
    case.state_label("resolved")                       # "Resolved"
    case.states.transitions_from("active")             # set_status, resolve, ...
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from crm_tui.errors import NotFound
from crm_tui.meta import customers, documents, knowledge, marketing, organisation, sales, support
from crm_tui.meta.machine import State, StateMachine, Transition
from crm_tui.meta.types import Attribute, AttributeType, Kind, Money, Option

if TYPE_CHECKING:
    from peewee import Model

# The order kinds are offered in (the go-to palette's, then the rest).
_ALL: tuple[Kind, ...] = (
    customers.ACCOUNT,
    customers.CONTACT,
    sales.LEAD,
    sales.OPPORTUNITY,
    documents.QUOTE,
    documents.ORDER,
    documents.INVOICE,
    support.CASE,
    support.CONTRACT,
    knowledge.ARTICLE,
    marketing.CAMPAIGN,
    marketing.MARKETING_LIST,
    marketing.SALES_LITERATURE,
    sales.PRODUCT,
    sales.COMPETITOR,
    sales.PRICE_LIST,
    support.QUEUE,
    support.SERVICE,
    support.RESOURCE,
    customers.ACTIVITY,
    customers.NOTE,
    knowledge.SUBJECT,
    support.CONTRACT_LINE,
    marketing.CAMPAIGN_ACTIVITY,
    organisation.USER,
)
_BY_NAME: dict[str, Kind] = {k.name: k for k in _ALL}
_BY_MODEL_NAME: dict[str, Kind] = {k.model_name: k for k in _ALL}
# Each kind as the product describes it, before any custom field.
_BUILT_IN: dict[str, Kind] = dict(_BY_NAME)


def kind(name: str) -> Kind:
    """The kind stored as `name` ("case", "price_list"); NotFound otherwise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise NotFound(f"unknown record kind {name!r}") from None


def kinds() -> tuple[Kind, ...]:
    """Every kind, in the order they are offered."""
    return _ALL


def names() -> tuple[str, ...]:
    """Every kind's name, in the order they are offered."""
    return tuple(k.name for k in _ALL)


def regardable() -> tuple[Kind, ...]:
    """The kinds notes and activities may regard."""
    return tuple(k for k in _ALL if k.regardable)


def findable() -> tuple[Kind, ...]:
    """The kinds "go to" finds by name or number (they have searchable attributes)."""
    return tuple(k for k in _ALL if k.searchable)


def kind_for_model(model: type[Model] | Model) -> Kind:
    """The kind a Peewee model class (or one of its rows) is stored in."""
    cls = model if isinstance(model, type) else type(model)
    found = _BY_MODEL_NAME.get(cls.__name__)
    if found is None or found.model is not cls:
        raise NotFound(f"no record kind is stored in {cls.__name__}")
    return found


def customise(kind_name: str, custom: tuple[Attribute, ...]) -> Kind:
    """Describe `kind_name` as built in plus the `custom` attributes an admin
    added (services/custom_fields.py keeps them in step with the database);
    () restores the kind as built in. Returns the kind now described."""
    global _ALL
    built_in = _BUILT_IN[kind_name]
    now = replace(built_in, attributes=built_in.attributes + tuple(custom)) if custom else built_in
    _BY_NAME[kind_name] = _BY_MODEL_NAME[built_in.model_name] = now
    _ALL = tuple(now if k.name == kind_name else k for k in _ALL)
    return now


def attribute(kind_name: str, name: str) -> Attribute:
    """`kind(kind_name).attribute(name)`: by field name or stored key."""
    return kind(kind_name).attribute(name)


__all__ = [
    "Attribute",
    "AttributeType",
    "Kind",
    "Money",
    "Option",
    "State",
    "StateMachine",
    "Transition",
    "attribute",
    "customise",
    "findable",
    "kind",
    "kind_for_model",
    "kinds",
    "names",
    "regardable",
]
