"""Activity parties (Dynamics' activityparty): who a call was with, whom an
email went to or came from, a meeting's attendees. A party is a contact,
account, lead or user the person may read, or an address typed for someone
the desk does not know. Checked here before the activity service stores
them; shown on the timeline in a few words; offered to the activity modal
as it is typed (crm_tui.services.customers.party_choices)."""

from __future__ import annotations

import re

from crm_tui import meta
from crm_tui.db import database
from crm_tui.errors import ValidationError
from crm_tui.services import access, records
from crm_tui.services.validate import Checker

PARTICIPATIONS = ("from", "to", "cc", "bcc", "required", "optional", "organizer", "customer")
# Who an activity can be with (Dynamics' activity parties): these records
# (a user: the desk's own side of it), or an address typed for someone the
# desk does not know.
PARTY_KINDS = ("contact", "account", "lead", "user")
# The word the timeline puts before a kind's parties, by participation.
_PARTY_WORDS = {
    "phone_call": {"from": "with", "to": "with"},
    "appointment": {"required": "with", "optional": "with"},
    "email": {"from": "from", "to": "to", "cc": "cc"},
    "letter": {"from": "from", "to": "to"},
}
# The kinds whose parties are reached at an email address (the others, by phone).
BY_EMAIL = ("email",)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[\d\s().-]{5,}$")


def participation(kind: str, direction: str | None = "outgoing") -> str:
    """The participation of the one party the activity modal picks: whom a
    call or email went to (or came from, when incoming); a meeting's
    required attendee."""
    if kind == "appointment":
        return "required"
    return "from" if direction == "incoming" else "to"


def check(kind: str, parties) -> list[dict]:
    """The parties as rows to store: the participation known, the record
    there and readable, the address clean (an email's an email address)."""
    rows = []
    for participation_, party_type, party_id, address in parties:
        if participation_ not in PARTICIPATIONS:
            raise ValidationError({"parties": f"{participation_!r} is not a participation"})
        c = Checker({"parties": address or ""})
        c.text("parties", max_len=254, label="the address")
        address = c.done()["parties"]
        if party_id is None:
            if not address:
                raise ValidationError({"parties": "name a contact, account or lead, or an address"})
            if kind in BY_EMAIL and not EMAIL.match(address):
                raise ValidationError(
                    {"parties": f"{address!r} is not an email address (expected name@example.com)"}
                )
            party_type = None
        else:
            if party_type not in PARTY_KINDS:
                raise ValidationError(
                    {
                        "parties": f"an activity can be with a {', '.join(PARTY_KINDS)}, not {party_type!r}"
                    }
                )
            record = records.require(party_type, int(party_id))
            if not address:
                address = _address_of(kind, record)
        rows.append(
            {
                "participation": participation_,
                "party_type": party_type,
                "party_id": None if party_id is None else int(party_id),
                "address": address,
            }
        )
    return rows


def _address_of(kind: str, record) -> str:
    """The address used to reach a party record: its email for an email,
    else its phone (a contact's mobile when it has no phone)."""
    if kind in BY_EMAIL:
        return getattr(record, "email", "") or ""
    return getattr(record, "phone", "") or getattr(record, "mobile", "") or ""


def audit_text(row: dict) -> str:
    """A party as its audit entry keeps it: who, by kind and id, and the address."""
    who = f"{row['party_type']} #{row['party_id']}" if row["party_id"] is not None else ""
    return " ".join(part for part in (row["participation"], who, row["address"]) if part)


def party_words(activity_ids) -> dict[int, str]:
    """{activity id: its parties in a few words} ("with Ana Díaz", "to
    ana@example.com +1"); a party record the person may not read shows its
    address only (or "someone" without one)."""
    ids = sorted({int(i) for i in activity_ids})
    if not ids:
        return {}
    names = []
    for party_type in ("contact", "account", "lead", "user"):
        kind = meta.kind(party_type)
        table = kind.model._meta.table_name
        # users own nothing: every person sees who their colleagues are
        readable = "" if party_type == "user" else access.read_filter(party_type, "r.owner_id")
        names.append(
            f"WHEN '{party_type}' THEN (SELECT r.{kind.title} FROM \"{table}\" r "
            "WHERE r.id = p.party_id" + (f" AND {readable}" if readable else "") + ")"
        )
    marks = ", ".join("?" for _ in ids)
    rows = database.execute_sql(
        "SELECT p.activity_id, a.kind, p.participation, p.address, "
        f"CASE p.party_type {' '.join(names)} END "
        "FROM activity_party p JOIN activity a ON a.id = p.activity_id "
        f"WHERE p.activity_id IN ({marks}) ORDER BY p.activity_id, p.id",
        ids,
    ).fetchall()
    grouped: dict[int, list[tuple[str, str]]] = {}
    for activity_id, kind, participation_, address, name in rows:
        word = _PARTY_WORDS.get(kind, {}).get(participation_)
        if word is None:
            continue
        shown = (address or name) if kind in BY_EMAIL else (name or address)
        grouped.setdefault(activity_id, []).append((word, shown or "someone"))
    out = {}
    for activity_id, parties in grouped.items():
        word, first = parties[0]
        more = f" +{len(parties) - 1}" if len(parties) > 1 else ""
        out[activity_id] = f"{word} {first}{more}"
    return out
