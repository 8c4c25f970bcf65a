"""The record kinds a rule may watch, and the service that writes each: a
rule's actions change records only through those services, so their
checks, state machines, access and audit apply as to a person's save."""

from __future__ import annotations

import importlib
import inspect
from types import ModuleType

from crm_tui import meta
from crm_tui.errors import ValidationError

# kind -> the service module under crm_tui.services
SERVICES = {
    "account": "customers.accounts",
    "contact": "customers.contacts",
    "lead": "sales.leads",
    "opportunity": "sales.opportunities",
    "quote": "sales.quotes",
    "order": "sales.orders",
    "invoice": "sales.invoices",
    "case": "support.cases",
    "contract": "support.contracts",
    "activity": "customers.activities",
    "campaign": "marketing.campaigns",
    "competitor": "sales.competitors",
    "product": "sales.products",
}
KINDS = tuple(SERVICES)
# Where a kind's email address is, for an email action's to = "record".
EMAIL_OF = {"account": "email", "contact": "email", "lead": "email"}


def service(kind: str) -> ModuleType:
    """The service module that writes `kind`."""
    return importlib.import_module(f"crm_tui.services.{SERVICES[kind]}")


def require(kind: str) -> meta.Kind:
    """The metadata of a kind a rule may watch (ValidationError otherwise)."""
    if kind not in SERVICES:
        raise ValidationError(
            {"kind": f"rules watch {', '.join(KINDS)}; {kind or 'nothing'!r} is not one"}
        )
    return meta.kind(kind)


def transitions(kind: str) -> dict[str, meta.Transition]:
    """The state changes a rule may make on `kind`: its machine's, made by
    a person (not the date's), that its service performs."""
    machine = meta.kind(kind).states
    if machine is None:
        return {}
    module = service(kind)
    return {
        t.name: t
        for t in machine.transitions
        if not t.by_system and t.name != "update" and callable(getattr(module, t.name, None))
    }


def transition_needs(kind: str, name: str) -> tuple[list[str], list[str]]:
    """(the values a change needs, those it may take) beyond the record and
    its version, by the service function's parameters."""
    function = getattr(service(kind), name)
    needed, optional = [], []
    for parameter in list(inspect.signature(function).parameters.values())[2:]:
        (needed if parameter.default is inspect.Parameter.empty else optional).append(
            parameter.name
        )
    return needed, optional
