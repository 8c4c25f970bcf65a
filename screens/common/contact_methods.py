"""How an account, contact or lead may be contacted (the metadata's
preferences: do not email, no marketing email, do not phone, no letters),
as a form's fields and as a summary's line."""

from __future__ import annotations

from crm_tui.meta import fields as meta_fields
from crm_tui.widgets.record_form import FieldSpec

_CHOICES = [("Allowed", "0"), ("Not allowed", "1")]
# what a summary says of a refusal
_SAID = {
    "do_not_email": "no email",
    "do_not_bulk_email": "no marketing email",
    "do_not_phone": "no calls",
    "do_not_mail": "no letters",
}


def specs() -> list[FieldSpec]:
    """The preferences as a form's select fields."""
    return [
        FieldSpec(a.name, _LABELS[a.name], "select", _CHOICES) for a in meta_fields.preferences()
    ]


# the field's label: what is allowed or not
_LABELS = {
    "do_not_email": "Email",
    "do_not_bulk_email": "Marketing email",
    "do_not_phone": "Phone calls",
    "do_not_mail": "Letters",
}


def values(row=None) -> dict[str, str]:
    """A record's preferences as the form's fields hold them (a new one's:
    every way allowed)."""
    return {a.name: str(getattr(row, a.name, 0) or 0) for a in meta_fields.preferences()}


def summary(row) -> str:
    """What the record refuses, or "" when it may be contacted every way."""
    return " · ".join(_SAID[a.name] for a in meta_fields.preferences() if getattr(row, a.name))
