"""Duplicate detection: the accounts and contacts that look like the company
and person about to be created (a lead being qualified).

Rules: contacts with the same email or phone; accounts with the same email,
phone, normalised company name ("ACME Corp." == "Acme") or web domain.
Candidates come from indexes only (the email/phone indexes, the account
name index and the full-text index), at most a few dozen per rule, and are
confirmed here in Python, so a database of a million contacts is never scanned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypedDict

from crm_tui import text
from crm_tui.db import database, dict_rows
from crm_tui.services import access, search
from crm_tui.services.countries import phone_region
from crm_tui.services.validate import normalize_phone, phone_search_terms

# Mail providers anyone can sign up with: sharing one says nothing about a company.
FREE_MAIL = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "ymail.com",
        "rocketmail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr",
        "live.com", "msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
        "protonmail.com", "pm.me", "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.com",
        "yandex.com", "yandex.ru", "mail.ru", "zoho.com", "qq.com", "163.com", "126.com",
        "fastmail.com", "hey.com", "tutanota.com", "chmail.ir",
    }
)  # fmt: skip

# Legal forms dropped from the end of a company name before comparing, and
# words dropped from its start ("The", Persian/Arabic "company").
_LEGAL_SUFFIXES = [
    "inc", "incorporated", "ltd", "limited", "llc", "l.l.c.", "llp", "lp", "corp",
    "corporation", "co", "company", "plc", "gmbh", "ag", "kg", "sa", "s.a.", "sas", "sarl",
    "srl", "spa", "s.p.a.", "bv", "b.v.", "nv", "n.v.", "oy", "ab", "as", "asa", "aps",
    "pty", "pte", "sdn bhd", "سهامی خاص", "سهامی عام", "با مسئولیت محدود", "مسئولیت محدود",
]  # fmt: skip
_LEADING = ["the", "شرکت", "شركة"]
# As token tuples (text.tokens folds case, dots and Arabic spellings), longest first.
SUFFIXES = sorted({tuple(text.tokens(s)) for s in _LEGAL_SUFFIXES}, key=len, reverse=True)
PREFIXES = sorted({tuple(text.tokens(s)) for s in _LEADING}, key=len, reverse=True)

# Candidates read per rule; the list a person sees is shorter still.
CANDIDATES = 50
SHOWN = 20
# Fewer digits than this is no phone number ("ext. 12"): never a match.
MIN_PHONE_DIGITS = 7


class AccountMatch(TypedDict):
    """An existing account that looks like the new one."""

    id: int
    name: str
    city: str
    country: str
    email: str
    phone: str
    website: str
    state: str
    why: list[str]  # ["same email", "same phone", ...]


class ContactMatch(TypedDict):
    """An existing contact that looks like the new one."""

    id: int
    name: str
    job_title: str
    account_id: int | None
    account: str  # "" for none
    email: str
    phone: str
    mobile: str
    city: str
    state: str
    why: list[str]


@dataclass
class Matches:
    """Existing records that look like the new ones. Each row has id, name,
    a few display fields and `why` (["same email", "same phone", ...])."""

    accounts: list[AccountMatch] = field(default_factory=list)
    contacts: list[ContactMatch] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.accounts) + len(self.contacts)


# --- normalising -----------------------------------------------------------------------


def _strip_legal(words: list[str]) -> list[str]:
    """`words` without legal forms at the end and "the"/"company" at the start;
    never all of them ("Company" stays a company named Company)."""
    changed = True
    while changed:
        changed = False
        for affix in PREFIXES:
            if len(words) > len(affix) and tuple(words[: len(affix)]) == affix:
                words, changed = words[len(affix) :], True
        for affix in SUFFIXES:
            if len(words) > len(affix) and tuple(words[-len(affix) :]) == affix:
                words, changed = words[: -len(affix)], True
                break
    return words


def company_key(name: str | None) -> str:
    """The form two company names are compared in: case, punctuation, spaces,
    Persian/Arabic spellings and legal forms folded away ("ACME Corp." and
    "Acme" give "acme"). Empty for no name."""
    return "".join(_strip_legal(text.tokens(name)))


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")


def web_domain(value: str | None) -> str:
    """The domain of a web address or an email address, without "www.";
    empty when there is none or it is a free-mail provider's."""
    value = (value or "").strip().casefold()
    if "@" in value:
        host = value.rsplit("@", 1)[1]
    else:
        host = re.split(r"[/?#:]", _SCHEME.sub("", value), maxsplit=1)[0]
    host = host.strip(".")
    host = host.removeprefix("www.")
    if "." not in host or host in FREE_MAIL:
        return ""
    return host


def phone_forms(phone: str | None, country: str = "") -> set[str]:
    """The stored forms a phone may have: as stored, and read in the region of
    `country` (the lead's), else the default region (a number the service could
    not read when it was saved is kept as typed)."""
    phone = phone or ""
    if len(re.sub(r"\D", "", phone)) < MIN_PHONE_DIGITS:
        return set()
    return {phone, normalize_phone(phone, phone_region(country))}


# --- candidates ------------------------------------------------------------------------


def _ids(sql: str, params) -> set[int]:
    return {row[0] for row in database.execute_sql(sql, list(params))}


def _phrase(words) -> str:
    return '"' + " ".join(w.replace('"', '""') for w in words) + '"'


def _fts(kind: str, column: str, alternatives: set[tuple[str, ...]]) -> set[int]:
    """Ids whose `column` holds any of the word sequences, best ranked first."""
    alternatives = {a for a in alternatives if a}
    if not alternatives:
        return set()
    query = f"{column} : ({' OR '.join(sorted(_phrase(a) for a in alternatives))})"
    sql = (
        f"SELECT rowid FROM {search.fts_from(kind)} WHERE {search.match_sql(kind)} "
        "ORDER BY rank LIMIT ?"
    )
    return _ids(sql, (search.match_param(kind, query), CANDIDATES))


def _name_candidates(company: str) -> set[int]:
    words = _strip_legal(text.tokens(company))
    if not words:
        return set()
    # Exact names with any legal form: account_name index seeks, so a common
    # name ("Global") is found whatever the full-text ranking makes of it.
    variants = {
        " ".join((*prefix, *words, *suffix))
        for prefix in [(), *PREFIXES]
        for suffix in [(), *SUFFIXES]
    }
    marks = ", ".join("?" * len(variants))
    found = _ids(f"SELECT id FROM account WHERE name_sort IN ({marks}) LIMIT ?", [*variants, 200])
    # The rest (two legal forms, "Acme Widgets" typed "AcmeWidgets", a ZWNJ
    # compound typed with a space) from the full-text index.
    parted = _strip_legal(text.tokens(company.replace("\u200c", " ")))
    found |= _fts("account", "name", {tuple(words), tuple(parted), ("".join(words),)})
    return found


def _exact(table: str, column: str, values: set[str], *, nocase: bool = False) -> set[int]:
    values = {v for v in values if v}
    if not values:
        return set()
    marks = ", ".join("?" * len(values))
    collate = " COLLATE NOCASE" if nocase else ""
    # `column != ''` lets SQLite use the partial index (WHERE column != '').
    sql = f"SELECT id FROM {table} WHERE {column}{collate} IN ({marks}) AND {column} != '' LIMIT ?"
    return _ids(sql, [*values, CANDIDATES])


# --- finding ---------------------------------------------------------------------------


def find(
    *, email: str = "", phone: str = "", company: str = "", website: str = "", country: str = ""
) -> Matches:
    """Accounts and contacts matching these details (a lead's), strongest
    first: contacts by email or phone, accounts by email, phone, company name
    or web domain (from the website or a non-free-mail email address). A
    phone without its +country code is read in `country`'s region, and so is
    an account's, in its own country's."""
    phones = phone_forms(phone, country)
    domains = {d for d in (web_domain(website), web_domain(email)) if d}
    return Matches(
        _accounts(email, phones, company_key(company), company, domains),
        _contacts(email, phones),
    )


def contacts_like(*, email: str = "", phone: str = "", country: str = "") -> list[ContactMatch]:
    """The contacts with this email or phone (a contact about to be imported),
    strongest first; accounts are not looked at."""
    return _contacts(email, phone_forms(phone, country))


def _phone_terms(phones: set[str]) -> set[tuple[str, ...]]:
    # A number stored as typed ("020 7946 0958", saved before the default
    # region was set) is indexed by its digits only: look for the national
    # forms too and let the confirmation normalise what is found.
    return {(term,) for p in phones for term in phone_search_terms(p)}


def _accounts(
    email: str, phones: set[str], key: str, company: str, domains: set[str]
) -> list[AccountMatch]:
    ids = _exact("account", "email", {email}, nocase=True) | _exact("account", "phone", phones)
    if key:
        ids |= _name_candidates(company)
    ids |= _fts(
        "account", "details", {tuple(text.tokens(d)) for d in domains} | _phone_terms(phones)
    )
    if not ids:
        return []
    # only the records the person may read are named as matches
    readable = access.read_filter("account", "owner_id")
    rows = dict_rows(
        "SELECT id, name, city, country, email, phone, website, state FROM account "
        f"WHERE id IN ({', '.join('?' * len(ids))})" + (f" AND {readable}" if readable else ""),
        sorted(ids),
    )
    out = []
    for row in rows:
        why = []
        if email and row["email"].casefold() == email.casefold():
            why.append("same email")
        region = phone_region(row["country"])
        if phones and (row["phone"] in phones or normalize_phone(row["phone"], region) in phones):
            why.append("same phone")
        if key and company_key(row["name"]) == key:
            why.append("same company name")
        if domains & {web_domain(row["website"]), web_domain(row["email"])}:
            why.append("same web domain")
        if why:
            out.append({**row, "why": why})
    return _strongest(out)


def _contacts(email: str, phones: set[str]) -> list[ContactMatch]:
    ids = _exact("contact", "email", {email}, nocase=True) | _exact("contact", "phone", phones)
    # Mobiles have no index of their own; the full-text index holds their digits.
    ids |= _fts("contact", "details", _phone_terms(phones))
    if not ids:
        return []
    # only the records the person may read are named as matches
    readable = access.read_filter("contact", "c.owner_id")
    rows = dict_rows(
        "SELECT c.id AS id, c.full_name AS name, c.job_title AS job_title, "
        "c.account_id AS account_id, coalesce(a.name, '') AS account, c.email AS email, "
        "c.phone AS phone, c.mobile AS mobile, c.city AS city, c.state AS state, "
        "c.country AS country, coalesce(a.country, '') AS account_country "
        "FROM contact c LEFT JOIN account a ON a.id = c.account_id "
        f"WHERE c.id IN ({', '.join('?' * len(ids))})" + (f" AND {readable}" if readable else ""),
        sorted(ids),
    )
    out = []
    for row in rows:
        why = []
        if email and row["email"].casefold() == email.casefold():
            why.append("same email")
        region = phone_region(row.pop("country"), row.pop("account_country"))
        stored = {row["phone"], row["mobile"]} - {""}
        if phones and (stored & phones or {normalize_phone(p, region) for p in stored} & phones):
            why.append("same phone")
        if why:
            out.append({**row, "why": why})
    return _strongest(out)


def _strongest(rows: list[dict]) -> list[dict]:
    rows.sort(key=lambda r: (-len(r["why"]), r["state"] != "active", text.sort_key(r["name"])))
    return rows[:SHOWN]
