"""The parties the activity modal offers as a name is typed: an address
typed in full, the people of the record the activity regards first, then
any contact, account or lead found by name. Apart from activity_parties,
which the activity service imports, because finding a lead by name needs
the lead service, which logs activities itself."""

from __future__ import annotations

from typing import TypedDict

from crm_tui import meta
from crm_tui.db import dict_rows
from crm_tui.errors import NotFound
from crm_tui.services import access, records
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.customers.activity_parties import BY_EMAIL, EMAIL, PHONE
from crm_tui.services.sales import leads


class PartyChoice(TypedDict):
    """A party the activity modal offers for what was typed."""

    id: tuple[str | None, int | None, str]  # (party kind, id, address), as activities.log takes it
    name: str


def party_choices(regarding: tuple[str, int] | None, kind: str, typed: str) -> list[PartyChoice]:
    """What the activity modal offers for `typed`: an address typed in full
    (an email address for an email, a phone number for a call or meeting),
    then the people of the regarding record (a contact itself, an account's
    contacts, the contact of a case, opportunity or document), then any
    contact, account or lead found by name."""
    typed = " ".join(typed.split())
    if not typed:
        return []
    out: list[PartyChoice] = []
    if EMAIL.match(typed) or (kind not in BY_EMAIL and PHONE.match(typed)):
        out.append({"id": (None, None, typed), "name": typed})
    folded = typed.casefold()
    for row in related_parties(regarding):
        if folded in row["name"].casefold():
            out.append({"id": ("contact", row["id"], ""), "name": row["name"]})
    found = [("contact", r["id"], r["name"]) for r in contacts.find_by_name(typed, limit=5)]
    if len(out) + len(found) < 5:
        found += [("account", r["id"], r["name"]) for r in accounts.find_by_name(typed, limit=3)]
        found += [("lead", r["id"], r["name"]) for r in leads.find_by_name(typed, limit=3)]
    seen = {choice["id"][:2] for choice in out}
    for party_type, party_id, name in found:
        if (party_type, party_id) not in seen:
            seen.add((party_type, party_id))
            label = name if party_type == "contact" else f"{name} ({party_type})"
            out.append({"id": (party_type, party_id, ""), "name": label})
    return out


def related_parties(regarding: tuple[str, int] | None, limit: int = 50) -> list[dict]:
    """The contacts an activity regarding this record is most likely with,
    readable by the person, by name: the contact itself, an account's
    contacts, the contact of a case, lead, opportunity or document and the
    rest of its account's contacts."""
    if regarding is None:
        return []
    people = _people_of(*regarding)
    if people is None:
        return []
    contact_ids, account_id = people
    if not contact_ids and account_id is None:
        return []
    where = []
    params: list = []
    if contact_ids:
        where.append("c.id = ?")
        params.append(contact_ids[0])
    if account_id is not None:
        where.append("c.account_id = ?")
        params.append(account_id)
    readable = access.read_filter("contact", "c.owner_id")
    sql = (
        "SELECT c.id AS id, c.full_name AS name FROM contact c "
        f"WHERE ({' OR '.join(where)}) AND c.state = 'active'"
        + (f" AND {readable}" if readable else "")
        + " ORDER BY CASE WHEN c.id = ? THEN 0 ELSE 1 END, c.name_sort, c.id LIMIT ?"
    )
    return dict_rows(sql, (*params, contact_ids[0] if contact_ids else 0, limit))


def _people_of(kind: str, record_id: int) -> tuple[list[int], int | None] | None:
    """The contact a record is about (itself, or its contact field) and its
    account; None for a kind that has neither, or a record that is gone."""
    if kind == "contact":
        return [int(record_id)], None
    if kind == "account":
        return [], int(record_id)
    try:
        model = meta.kind(kind).model
    except NotFound:
        return None
    if "contact" not in model._meta.fields:
        return None
    row = records.by_id(model, record_id)
    if row is None:
        return None
    contact = row.__data__.get("contact")
    account_id = row.__data__.get("account") if "account" in model._meta.fields else None
    return ([contact] if contact else []), account_id


def default_party(regarding: tuple[str, int] | None) -> PartyChoice | None:
    """The party the activity modal starts with: the contact it regards, or
    the contact of the case, opportunity or document it regards (answering a
    case is writing to its customer)."""
    if regarding is None or regarding[0] == "account":
        return None
    people = _people_of(*regarding)
    if people is None or not people[0]:
        return None
    rows = related_parties(regarding, limit=1)
    # the first is the record's contact unless the person may not read it
    if not rows or rows[0]["id"] != people[0][0]:
        return None
    return {"id": ("contact", rows[0]["id"], ""), "name": rows[0]["name"]}
