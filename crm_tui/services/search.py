"""Full-text search (FTS5) over every listed record type.

Both the index and the query are normalised in Python (crm_tui.text), so
Persian and Arabic spellings, digits and diacritics fold together. The index
is contentless and keyed by record id; services update it in the same
transaction as the record.
"""

from __future__ import annotations

from itertools import islice

from crm_tui import text
from crm_tui.db import database, executemany
from crm_tui.services.validate import phone_search_terms

# bm25 column weights: a hit in the name outranks a hit in the details.
WEIGHTS = "10.0, 1.0"

# Per kind: the rows to index, as (id, name, number, email, web, phone,
# mobile, city, country, extra), and the id column to select one by.
# "number" is indexed with the name (its hits rank high).
_CUSTOMER = "coalesce(a.name, c.full_name, '')"
_DOCUMENT = (
    "SELECT d.id, d.name, {}, '', '', '', '', '', '', " + _CUSTOMER + " FROM {} d "
    "LEFT JOIN account a ON a.id = d.account_id LEFT JOIN contact c ON c.id = d.contact_id"
)
_SOURCES = {
    "account": (
        "SELECT id, name, account_number, email, website, phone, '', city, country, industry "
        "FROM account",
        "id",
    ),
    "contact": (
        "SELECT c.id, c.full_name, '', c.email, coalesce(a.name, ''), c.phone, c.mobile,"
        " c.city, c.country, c.job_title FROM contact c LEFT JOIN account a ON a.id = c.account_id",
        "c.id",
    ),
    "lead": (
        "SELECT id, full_name, company_name, email, website, phone, '', city, country, "
        "job_title || ' ' || topic FROM lead",
        "id",
    ),
    "opportunity": (
        "SELECT o.id, o.name, " + _CUSTOMER + ", '', '', '', '', '', '', '' FROM opportunity o "
        "LEFT JOIN account a ON a.id = o.account_id LEFT JOIN contact c ON c.id = o.contact_id",
        "o.id",
    ),
    "competitor": (
        "SELECT id, name, '', '', website, '', '', '', '', '' FROM competitor",
        "id",
    ),
    "product": (
        "SELECT id, name, product_number, '', '', '', '', '', '', description FROM product",
        "id",
    ),
    # A case by its number, title, customer (and their email and phone),
    # subject and description.
    "case": (
        "SELECT k.id, k.title, k.number, coalesce(c.email, a.email, ''), '', "
        "coalesce(c.phone, a.phone, ''), '', '', '', "
        + _CUSTOMER
        + " || ' ' || k.subject || ' ' || k.description "
        'FROM "case" k LEFT JOIN account a ON a.id = k.account_id '
        "LEFT JOIN contact c ON c.id = k.contact_id",
        "k.id",
    ),
    # A quote is found by the number people read: QUO-00001-R2.
    "quote": (_DOCUMENT.format("d.number || '-R' || d.revision", "quote"), "d.id"),
    "order": (_DOCUMENT.format("d.number", "sales_order"), "d.id"),
    "invoice": (_DOCUMENT.format("d.number", "invoice"), "d.id"),
}


def _documents(row) -> tuple[str, str]:
    _, name, number, email, web, phone, mobile, city, country, extra = row
    phone_terms = phone_search_terms(phone) + phone_search_terms(mobile)
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
    # normalize() joins the parts of a ZWNJ compound (فن‌آوران -> فنآوران); index
    # the parts as well, for keyboards that type a space instead of ZWNJ.
    parts = name.replace("\u200c", " ") if "\u200c" in (name or "") else ""
    return text.normalize(f"{name} {number} {parts}"), text.normalize(details)


def index(kind: str, record_id: int) -> None:
    """(Re)index one record; call inside the write transaction that changed it."""
    table = f"{kind}_fts"
    database.execute_sql(f"DELETE FROM {table} WHERE rowid = ?", (record_id,))
    sql, key = _SOURCES[kind]
    row = database.execute_sql(f"{sql} WHERE {key} = ?", (record_id,)).fetchone()
    if row is not None:
        name, details = _documents(row)
        database.execute_sql(
            f"INSERT INTO {table} (rowid, name, details) VALUES (?, ?, ?)",
            (record_id, name, details),
        )


def indexed_kinds() -> tuple[str, ...]:
    """The record kinds with a full-text index kept by `index`/`reindex`."""
    return tuple(_SOURCES)


def reindex(kind: str, batch: int = 5000) -> int:
    """Rebuild the whole index of `kind` from its table; returns rows indexed."""
    table = f"{kind}_fts"
    database.execute_sql(f"DELETE FROM {table}")
    cursor = iter(database.execute_sql(_SOURCES[kind][0]))
    count = 0
    while rows := list(islice(cursor, batch)):
        executemany(
            f"INSERT INTO {table} (rowid, name, details) VALUES (?, ?, ?)",
            [(row[0], *_documents(row)) for row in rows],
        )
        count += len(rows)
    return count


def match_sql(kind: str) -> str:
    """The FROM/WHERE fragment that joins a kind's table to its matches;
    the rank column is `bm25(...)` aliased as rank."""
    return f"{kind}_fts MATCH ?"


def rank_expr(kind: str) -> str:
    return f"bm25({kind}_fts, {WEIGHTS})"


def query_for(typed: str | None) -> str | None:
    """The FTS5 query for what a person typed, or None for no filter."""
    return text.fts_prefix_query(typed)
