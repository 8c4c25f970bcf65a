"""Field validation shared by every service. Each checker returns the cleaned
value or raises _Invalid with a message naming what to do."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from crm_tui import text
from crm_tui.errors import ValidationError
from crm_tui.meta import fields as meta_fields
from crm_tui.services import dates, records

_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_WEBSITE = re.compile(r"^(https?://)?[^\s/.]+(\.[^\s/.]+)+(/\S*)?$", re.IGNORECASE)


class Checker:
    """Collects cleaned values and per-field errors, raising them all at once."""

    def __init__(self, data: dict):
        self.data = data
        self.values: dict = {}
        self.errors: dict[str, str] = {}
        # Per field: what was saved as typed although it could not be read
        # (a phone of no known country); the save goes ahead.
        self.warnings: dict[str, str] = {}

    def has(self, name: str) -> bool:
        return name in self.data

    def _raw(self, name: str):
        return self.data.get(name)

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        max_len: int = 200,
        multiline: bool = False,
        label: str | None = None,
    ) -> None:
        if not self.has(name) and not required:
            return
        label = label or name.replace("_", " ")
        value = text.clean(self._raw(name), multiline=multiline)
        if required and not value:
            self.errors[name] = f"{label} is required"
        elif len(value) > max_len:
            self.errors[name] = f"{label} is {len(value)} characters; the limit is {max_len}"
        else:
            self.values[name] = value

    def email(self, name: str) -> None:
        if not self.has(name):
            return
        value = text.clean(self._raw(name))
        if value and (not _EMAIL.match(value) or len(value) > 254):
            self.errors[name] = f"{value!r} is not an email address (expected name@example.com)"
        else:
            self.values[name] = value

    def website(self, name: str) -> None:
        if not self.has(name):
            return
        value = text.clean(self._raw(name))
        if value and not _WEBSITE.match(value):
            self.errors[name] = f"{value!r} is not a web address (expected example.com)"
        else:
            self.values[name] = value

    def phone(self, name: str, region: str = "", *, label: str = "phone") -> None:
        """E.164 when the number can be read (with its +country code, or in
        `region`); else kept as typed, with a warning saying why."""
        if not self.has(name):
            return
        typed = text.clean(self._raw(name))
        self.values[name], problem = read_phone(typed, region)
        if len(self.values[name]) > 40:
            self.errors[name] = f"{label} is longer than 40 characters"
        elif problem:
            self.warnings[name] = f"{label.capitalize()} {typed!r} kept as typed: {problem}."

    def integer(self, name: str, *, minimum: int | None = 0, label: str | None = None) -> None:
        if not self.has(name):
            return
        label = label or name.replace("_", " ")
        raw = self._raw(name)
        if raw in (None, ""):
            self.values[name] = None
            return
        try:
            value = int(str(raw).replace(",", "").strip())
        except ValueError:
            self.errors[name] = f"{label} must be a whole number, not {raw!r}"
            return
        if minimum is not None and value < minimum:
            self.errors[name] = f"{label} must be at least {minimum}"
        else:
            self.values[name] = value

    def money(self, name: str, *, precision: int = 2, label: str | None = None) -> None:
        """Store as integer minor units; refuse more decimals than the currency has."""
        if not self.has(name):
            return
        label = label or name.replace("_", " ")
        raw = self._raw(name)
        if raw in (None, ""):
            self.values[name] = None
            return
        try:
            amount = Decimal(str(raw).replace(",", "").strip())
        except InvalidOperation:
            self.errors[name] = f"{label} must be an amount such as 1250.00, not {raw!r}"
            return
        if not amount.is_finite() or amount < 0:
            self.errors[name] = f"{label} must be a positive amount"
            return
        minor = amount.scaleb(precision)
        if minor != minor.to_integral_value():
            self.errors[name] = f"{label} has more than {precision} decimals"
            return
        if abs(minor) >= 2**62:
            self.errors[name] = f"{label} is too large"
            return
        self.values[name] = int(minor)

    def date(self, name: str, *, label: str | None = None, past: bool = False) -> None:
        """A day as dates.read_day reads it (fri, +3d, 27 Nov, 2026-12-01);
        `past`: a weekday means the last one (a close date)."""
        if not self.has(name):
            return
        try:
            self.values[name] = dates.read_day(self._raw(name), field=name, past=past)
        except ValidationError as exc:
            self.errors[name] = exc.errors[name]

    def choice(self, name: str, allowed, *, required: bool = False) -> None:
        if not self.has(name):
            if required:
                self.errors[name] = f"{name.replace('_', ' ')} is required"
            return
        value = self._raw(name)
        if value not in allowed:
            options = ", ".join(str(a) for a in allowed if a is not None)
            self.errors[name] = f"{value!r} is not one of: {options}"
        else:
            self.values[name] = value

    def owner(self, name: str = "owner_id", *, store_as: str | None = None) -> None:
        """A record's owner: the id of an active user (kept as `store_as`,
        for services that hold values by field name)."""
        if not self.has(name):
            return
        from crm_tui.models import User

        owner = User.get_or_none((User.id == self._raw(name)) & (User.active == 1))
        if owner is None:
            self.errors[name] = "the owner must be an active user"
        else:
            self.values[store_as or name] = owner.id

    def reference(self, name: str, model, message: str) -> None:
        """A nullable foreign key typed or picked on a form: an id of an
        existing `model` row, or empty; `message` when there is no such row."""
        if not self.has(name):
            return
        raw = self._raw(name)
        if raw in (None, ""):
            self.values[name] = None
            return
        try:
            record_id = int(raw)
        except (TypeError, ValueError):
            self.errors[name] = message
            return
        if not records.exists(model, record_id):
            self.errors[name] = message
        else:
            self.values[name] = record_id

    def custom(self, kind: str, *, creating: bool) -> None:
        """The custom fields an admin added to `kind` (services/custom_fields.py),
        each checked as its type reads: a required one must be filled when a
        record is created, and may not be emptied later."""
        from crm_tui.services import custom_values

        for attribute in custom_values.attributes(kind):
            name, label = attribute.name, attribute.label
            if attribute.required and (creating or self.has(name)):
                if self._raw(name) in (None, ""):
                    self.errors[name] = f"{label} is required"
                    continue
            if not self.has(name):
                continue
            custom_values.check_value(self, attribute)

    def flag(self, name: str, *, label: str | None = None) -> None:
        """Yes or no, stored as 1 or 0 (empty: no)."""
        if not self.has(name):
            return
        raw = self._raw(name)
        value = 0 if raw in (None, "") else text.yes_no(raw)
        if value is None:
            self.errors[name] = f"{label or name.replace('_', ' ')} is yes or no, not {raw!r}"
        else:
            self.values[name] = value

    def preferences(self) -> None:
        """How a customer may be contacted (do not email, phone ...: the
        metadata's `preferences`), each a yes or no."""
        for attribute in meta_fields.preferences():
            self.flag(attribute.name, label=attribute.label)

    def fail(self, name: str, message: str) -> None:
        self.errors[name] = message

    def done(self) -> dict:
        if self.errors:
            raise ValidationError(self.errors)
        return self.values


def normalize_phone(value: str, region: str = "") -> str:
    """E.164 when the number parses (with +country, or in `region`);
    otherwise exactly what was typed."""
    return read_phone(value, region)[0]


def read_phone(value: str, region: str = "") -> tuple[str, str]:
    """(E.164, "") when the number can be read (with its +country code, or
    in `region`); else (what was typed, why it could not be read)."""
    # a +country code decides the region whatever `region` says: one reading
    return _read_phone(value, "" if value.startswith("+") else region)


# A number is read several times in one save or import row (checked, then
# compared for duplicates, then indexed): parsing it is the costly part.
@lru_cache(maxsize=4096)
def _read_phone(value: str, region: str) -> tuple[str, str]:
    if not value:
        return "", ""
    if not value.startswith("+") and not region:
        return value, "no +country code, and no country to read it by"
    # imported at the first phone typed, not with the services: the app's
    # start does without it
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region.upper() or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        if value.startswith("+"):
            return value, "not a phone number"
        from crm_tui.services.countries import name_of

        return value, f"not a phone number in {name_of(region)}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), ""


def phone_search_terms(value: str) -> list[str]:
    """Digit strings a person might type to find this phone: the full
    international digits, the national number, and with a trunk 0."""
    return list(_search_terms(value))


@lru_cache(maxsize=4096)
def _search_terms(value: str) -> tuple[str, ...]:
    if not value:
        return ()
    digits = re.sub(r"\D", "", value)
    terms = {digits} if digits else set()
    if value.startswith("+"):
        import phonenumbers

        try:
            number = phonenumbers.parse(value, None)
            national = str(number.national_number)
            terms.update({national, "0" + national})
        except phonenumbers.NumberParseException:
            pass
    return tuple(sorted(terms))
