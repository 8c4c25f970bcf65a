"""Which column of an imported file fills which field: guessed from the
headers, by the record metadata's names and labels and by the headers other
CRMs and address books write (Dynamics, Salesforce, HubSpot, Google and
Outlook contacts), in English and Persian. A guess is only a start: the
person sees and changes it before anything is written."""

from __future__ import annotations

import re

from crm_tui import meta, text

# Headers other products write, folded as `_fold` folds them, per kind:
# header -> attribute. Only what names one field without doubt: Outlook's
# "Title" is a salutation (Herr, Mme), not a job title, so it is left out.
_CONTACT = {
    "given name": "first_name",
    "first": "first_name",
    "family name": "last_name",
    "surname": "last_name",
    "e mail address": "email",
    "email address": "email",
    "e mail 1 value": "email",
    "e mail": "email",
    "business phone": "phone",
    "phone 1 value": "phone",
    "phone number": "phone",
    "telephone": "phone",
    "mobile": "mobile",
    "mobile phone number": "mobile",
    "cell phone": "mobile",
    "organization 1 title": "job_title",
    "company": "account",
    "account name": "account",
    "organization 1 name": "account",
    "organization": "account",
    "name": "full_name",
    "display name": "full_name",
    "full name": "full_name",
    "company name": "account",
    "business street": "street",
    "address 1 street 1": "street",
    "mailing street": "street",
    "business city": "city",
    "address 1 city": "city",
    "mailing city": "city",
    "business state": "state_province",
    "address 1 state province": "state_province",
    "mailing state province": "state_province",
    "business postal code": "postal_code",
    "address 1 zip postal code": "postal_code",
    "mailing zip postal code": "postal_code",
    "business country region": "country",
    "address 1 country region": "country",
    "mailing country": "country",
    "country region": "country",
    "notes": "description",
    # Persian
    "نام": "first_name",
    "نام خانوادگی": "last_name",
    "ایمیل": "email",
    "پست الکترونیک": "email",
    "تلفن": "phone",
    "موبایل": "mobile",
    "تلفن همراه": "mobile",
    "شرکت": "account",
    "سمت": "job_title",
    "شهر": "city",
    "کشور": "country",
    "توضیحات": "description",
}
_ACCOUNT = {
    "company": "name",
    "company name": "name",
    "organization": "name",
    "account": "name",
    "main phone": "phone",
    "phone number": "phone",
    "web page": "website",
    "website url": "website",
    "domain": "website",
    "employees": "employees",
    "number of employees": "employees",
    "annual revenue": "annual_revenue",
    "revenue": "annual_revenue",
    "billing street": "street",
    "address 1 street 1": "street",
    "billing city": "city",
    "address 1 city": "city",
    "billing state province": "state_province",
    "address 1 state province": "state_province",
    "billing zip postal code": "postal_code",
    "address 1 zip postal code": "postal_code",
    "billing country": "country",
    "address 1 country region": "country",
    "شرکت": "name",
    "نام شرکت": "name",
    "تلفن": "phone",
    "وب سایت": "website",
    "شهر": "city",
    "کشور": "country",
}
_LEAD = {
    **{k: v for k, v in _CONTACT.items() if v not in ("account", "mobile", "street")},
    "company": "company_name",
    "company name": "company_name",
    "organization 1 name": "company_name",
    "organization": "company_name",
    "شرکت": "company_name",
    "lead source": "source",
    "original source": "source",
    "annual revenue": "estimated_value",
    "subject": "topic",
    "topic": "topic",
}
_PRODUCT = {
    "product id": "product_number",
    "sku": "product_number",
    "product code": "product_number",
    "product name": "name",
    "price": "list_price",
    "unit price": "list_price",
    "standard cost": "cost",
    "default unit": "unit",
}
_CASE = {
    "case number": "number",
    "ticket id": "number",
    "subject": "title",
    "ticket name": "title",
    "case title": "title",
    "customer": "account",
    "company": "account",
    "contact name": "contact",
    "case origin": "origin",
    "type": "case_type",
}
_OPPORTUNITY = {
    "opportunity name": "name",
    "deal name": "name",
    "topic": "name",
    "account name": "account",
    "potential customer": "account",
    "company": "account",
    "amount": "estimated_revenue",
    "est revenue": "estimated_revenue",
    "close date": "estimated_close_date",
    "est close date": "estimated_close_date",
}
_ACTIVITY = {
    "type": "kind",
    "activity type": "kind",
    "due date": "due_at",
    "start time": "scheduled_start",
    "regarding": "regarding_id",
    "related to": "regarding_id",
    "duration": "duration_minutes",
    "comments": "description",
}
ALIASES = {
    "contact": _CONTACT, "account": _ACCOUNT, "lead": _LEAD, "product": _PRODUCT,
    "case": _CASE, "opportunity": _OPPORTUNITY, "activity": _ACTIVITY,
}  # fmt: skip
# Columns a row is matched on but that are never written: the id a crm-tui
# export wrote, a case's number.
KEY_ONLY = {"id": "Record id (to match on)", "number": "Number (to match on)"}
# A person's name in one column, split into first and last.
FULL_NAME = ("full_name", "Full name (split into first and last)")
# Fields the kind's service does not take from a form or a file: an
# opportunity's stage moves through its gates, never by a cell.
_NOT_IMPORTED = {"opportunity": {"stage"}}
# Columns a Dynamics export adds for its own re-import: never data to map.
_DYNAMICS_OWN = re.compile(r"^\(do not modify\)", re.IGNORECASE)


def _fold(header: str) -> str:
    """A header as compared: Persian and Arabic letter forms, case, and every
    mark between words (E-mail 1 - Value, Address 1: City) aside."""
    folded = text.normalize(header).lower()
    return " ".join(re.findall(r"[^\W_]+", folded))


def choices(kind: str) -> list[tuple[str, str]]:
    """(field, label) of what a column of a `kind` file can fill, in form
    order: the writable attributes, a full name to split (people), and the
    keys only matched on."""
    found = meta.kind(kind)
    skipped = _NOT_IMPORTED.get(kind, set())
    out = [(a.name, a.label) for a in found.attributes if not a.read_only and a.name not in skipped]
    if found.has_attribute("last_name"):
        out.insert(0, FULL_NAME)
    if kind != "activity":
        out.append(("id", KEY_ONLY["id"]))
    if found.number == "number":
        out.append(("number", KEY_ONLY["number"]))
    return out


def guess(kind: str, headers: list[str] | tuple[str, ...]) -> dict[str, str | None]:
    """Per header, the field of `kind` it fills (None: not imported).

    A header matches a field's name or label, then what other products call
    it; each field is filled by the first header that names it. System
    fields (stamps, states) are never guessed; an id or number column is
    taken as a key to match on."""
    found = meta.kind(kind)
    # an owner named in another product's file is rarely a login here: the
    # person maps it when it is
    fields = [(n, label) for n, label in choices(kind) if n != "owner"]
    by_name: dict[str, str] = {}
    for name, label in fields:
        said = [name, label]
        if found.has_attribute(name):
            said.append(found.attribute(name).key)
        for one in said:
            by_name.setdefault(_fold(one.replace("_", " ")), name)
    aliases = {_fold(k): v for k, v in ALIASES.get(kind, {}).items()}
    known = {name for name, _ in fields}
    taken: set[str] = set()
    out: dict[str, str | None] = {}
    for header in headers:
        if _DYNAMICS_OWN.match(header.strip()):
            out[header] = None
            continue
        folded = _fold(header)
        chosen = by_name.get(folded) or aliases.get(folded)
        if chosen not in known or chosen in taken:
            chosen = None
        if chosen is not None:
            taken.add(chosen)
        out[header] = chosen
    return out
