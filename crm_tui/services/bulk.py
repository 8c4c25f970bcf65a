"""One action on many records (Dynamics' bulk edit and assign): assign an
owner, set a field, deactivate or reactivate.

Each record is written through its kind's own service, in its own short
transaction, from the version the person saw when they marked it: its
rules, access, audit entry and version apply as if done one by one, and the
database is never locked for the whole run. A record the person may not
change, one that changed since it was marked, or one whose value the
kind's rules refuse is reported by name with the reason, and the others
are still done.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from crm_tui import meta
from crm_tui.errors import ConflictError, CrmError, DatabaseFault, ValidationError
from crm_tui.services import records

# Kinds whose records a list marks, and the service that writes each.
SERVICES = {
    "account": "customers.accounts",
    "contact": "customers.contacts",
    "lead": "sales.leads",
    "opportunity": "sales.opportunities",
    "competitor": "sales.competitors",
    "product": "sales.products",
}
ACTIONS = {
    "assign": "Assign to someone",
    "set": "Set a field",
    "deactivate": "Deactivate",
    "reactivate": "Reactivate",
}


@dataclass
class Outcome:
    """What a bulk action did: the records done, and those refused with why."""

    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        """One line: how many were done, and how many refused."""
        said = f"{len(self.done)} done"
        if self.refused:
            said += f", {len(self.refused)} not changed"
        return said


def _service(kind: str):
    module = SERVICES.get(kind)
    if module is None:
        raise CrmError(f"{meta.kind(kind).plural.lower()} cannot be changed in bulk")
    return importlib.import_module(f"crm_tui.services.{module}")


def settable(kind: str) -> list[meta.Attribute]:
    """The fields `set` may change on `kind`: what a form writes, but not the
    record's name or number (they tell records apart)."""
    found = meta.kind(kind)
    skip = {found.title, found.number, "owner"}
    return [a for a in found.attributes if not a.read_only and a.name not in skip]


def option_code(attribute: meta.Attribute, value):
    """A choice typed by its label (or code, in any case) as the code the
    form stores; anything else as typed, for the kind's rules to judge."""
    if attribute.type is not meta.AttributeType.OPTION_SET or value in (None, ""):
        return value
    typed = str(value).strip().lower()
    for option in attribute.options:
        if typed in (option.code.lower(), option.label.lower()):
            return option.code
    return value


def _call(kind: str, action: str, record_id: int, version: int, value=None, name: str = ""):
    service = _service(kind)
    if action == "assign":
        return service.update(record_id, version, {"owner_id": value})
    if action == "set":
        attribute = meta.kind(kind).attribute(name)
        if attribute not in settable(kind):
            raise ValidationError({name: "this field is not changed in bulk"})
        return service.update(record_id, version, {attribute.key: option_code(attribute, value)})
    if action in ("deactivate", "reactivate"):
        step = getattr(service, action, None)
        if step is None:
            raise CrmError(f"{meta.kind(kind).plural.lower()} are not {action}d this way")
        return step(record_id, version)
    raise CrmError(f"unknown bulk action {action!r}; choose one of {', '.join(ACTIONS)}")


def _reason(exc: CrmError) -> str:
    if isinstance(exc, ConflictError):
        who = f" by {exc.modified_by}" if exc.modified_by else ""
        return f"changed{who} since it was marked"
    if isinstance(exc, ValidationError):
        return "; ".join(exc.errors.values())
    return str(exc)


def titles(kind: str, record_ids: list[int]) -> dict[int, str]:
    """The names of a batch of marked records, read at once for `apply_one`."""
    return records.titles_of(kind, record_ids)


def apply_one(outcome: Outcome, kind: str, action: str, record_id: int, version: int,
              *, value=None, field_name: str = "", title: str | None = None) -> None:  # fmt: skip
    """Do `action` to one marked record and note it in `outcome` under its
    `title` (read when not given). A fault of the database (busy, full) is
    raised: the run stops there, with what was done kept and reported."""
    title = title or records.title_of(kind, record_id)
    try:
        _call(kind, action, record_id, version, value, field_name)
    except DatabaseFault:
        raise
    except CrmError as exc:
        outcome.refused.append((title, _reason(exc)))
    else:
        outcome.done.append(title)


def apply(kind: str, marked: Iterable[tuple[int, int]], action: str, *, value=None,
          field_name: str = "", progress: Callable[[int], None] | None = None) -> Outcome:  # fmt: skip
    """Do `action` to each marked (id, version seen) record of `kind`, one
    short transaction each; `progress(n)` after each. `value` is the owner's
    user id for assign, the typed value for set (with `field_name`)."""
    _service(kind)  # a kind, or an action, it does not know: refused before any
    if action not in ACTIONS:
        raise CrmError(f"unknown bulk action {action!r}; choose one of {', '.join(ACTIONS)}")
    outcome = Outcome()
    marked = list(marked)
    named = titles(kind, [record_id for record_id, _ in marked])
    for count, (record_id, version) in enumerate(marked, start=1):
        apply_one(outcome, kind, action, record_id, version, value=value,
                  field_name=field_name, title=named.get(record_id))  # fmt: skip
        if progress is not None:
            progress(count)
    return outcome
