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
    "شرکت": "company_name",
    "lead source": "source",
    "original source": "source",
    "annual revenue": "estimated_value",
    "subject": "topic",
    "topic": "topic",
}
ALIASES = {"contact": _CONTACT, "account": _ACCOUNT, "lead": _LEAD}
# Columns a Dynamics export adds for its own re-import: never data to map.
_DYNAMICS_OWN = re.compile(r"^\(do not modify\)", re.IGNORECASE)


def _fold(header: str) -> str:
    """A header as compared: Persian and Arabic letter forms, case, and every
    mark between words (E-mail 1 - Value, Address 1: City) aside."""
    folded = text.normalize(header).lower()
    return " ".join(re.findall(r"\w+", folded))


def guess(kind: str, headers: list[str] | tuple[str, ...]) -> dict[str, str | None]:
    """Per header, the attribute of `kind` it fills (None: not imported).

    A header matches an attribute's name or label, then what other products
    call it; each attribute is filled by the first header that names it.
    System fields (stamps, states, numbers the product gives) are never
    guessed."""
    found = meta.kind(kind)
    writable = [a for a in found.attributes if not a.read_only and a.name != "owner"]
    by_name: dict[str, str] = {}
    for attribute in writable:
        for said in (attribute.name, attribute.key, attribute.label):
            by_name.setdefault(_fold(said.replace("_", " ")), attribute.name)
    aliases = {_fold(k): v for k, v in ALIASES.get(kind, {}).items()}
    known = {a.name for a in writable}
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
