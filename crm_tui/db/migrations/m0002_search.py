"""Full-text search over accounts and contacts.

The index is contentless: it holds normalised text (Persian/Arabic folding
happens in Python before indexing and querying), keyed by the record id.
Existing rows are indexed as part of the upgrade.

Frozen: the rows indexed and the documents built from them are copied here
as the search service had them when this migration was written, so later
changes to the service cannot change what this upgrade does. Only the text
folding is the product's own (crm_tui.text.normalize): the index must fold
text exactly as the queries searching it do.
"""

import re
from itertools import islice

import phonenumbers

from crm_tui import text
from crm_tui.db.migrations import ddl

STATEMENTS = [
    """CREATE VIRTUAL TABLE account_fts USING fts5(
        name, details, content='', contentless_delete=1,
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')""",
    """CREATE VIRTUAL TABLE contact_fts USING fts5(
        name, details, content='', contentless_delete=1,
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')""",
]

# Per table: (id, name, number, email, web, phone, mobile, city, country, extra).
_SOURCES = {
    "account": (
        "SELECT id, name, account_number, email, website, phone, '', city, country, industry "
        "FROM account"
    ),
    "contact": (
        "SELECT c.id, c.full_name, '', c.email, coalesce(a.name, ''), c.phone, c.mobile,"
        " c.city, c.country, c.job_title FROM contact c LEFT JOIN account a ON a.id = c.account_id"
    ),
}
_BATCH = 5000


def _phone_terms(value: str) -> list[str]:
    """Digit strings a person might type to find this phone: the full
    international digits, the national number, and with a trunk 0."""
    if not value:
        return []
    digits = re.sub(r"\D", "", value)
    terms = {digits} if digits else set()
    if value.startswith("+"):
        try:
            number = phonenumbers.parse(value, None)
            national = str(number.national_number)
            terms.update({national, "0" + national})
        except phonenumbers.NumberParseException:
            pass
    return sorted(terms)


def _documents(row) -> tuple[str, str]:
    _, name, number, email, web, phone, mobile, city, country, extra = row
    phone_terms = _phone_terms(phone) + _phone_terms(mobile)
    domain = email.split("@", 1)[1] if "@" in (email or "") else ""
    details = " ".join(
        [
            email or "",
            domain,
            web or "",
            " ".join(phone_terms),
            city or "",
            country or "",
            extra or "",
        ]
    )
    return text.normalize(f"{name} {number}"), text.normalize(details)


def _index_all(db, kind: str) -> None:
    table = f"{kind}_fts"
    cursor = iter(db.execute_sql(_SOURCES[kind]))
    while rows := list(islice(cursor, _BATCH)):
        ddl.executemany(
            db,
            f"INSERT INTO {table} (rowid, name, details) VALUES (?, ?, ?)",
            [(row[0], *_documents(row)) for row in rows],
        )


def up(db):
    ddl.run(db, STATEMENTS)
    _index_all(db, "account")
    _index_all(db, "contact")
