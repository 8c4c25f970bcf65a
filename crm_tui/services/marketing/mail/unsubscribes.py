"""Unsubscribing: a reply to a campaign message (its subject carries the
message's token, as its last line asks) or an address said out loud is
recorded as "do not send marketing email" on whoever the mail went to."""

from __future__ import annotations

from crm_tui import meta
from crm_tui.db import database, write
from crm_tui.meta.marketing import MEMBER_TYPES
from crm_tui.services import records


def record(who: str) -> list[tuple[str, str]]:
    """Mark the recipient of the message with this token, or every account,
    contact and lead with this email address, as wanting no marketing
    email; returns (kind, name) of each one marked."""
    who = who.strip().removeprefix("unsubscribe").strip()
    row = database.execute_sql(
        "SELECT recipient_type, recipient_id FROM mail_message WHERE unsubscribe_token = ?",
        (who,),
    ).fetchone()
    if row is not None and row[0] is not None:
        targets = [(row[0], row[1])]
    elif "@" in who:
        targets = [
            (kind, found)
            for kind in MEMBER_TYPES
            for (found,) in database.execute_sql(
                f"SELECT id FROM {kind} WHERE email = ? COLLATE NOCASE", (who,)
            )
        ]
    else:
        targets = []
    marked = []
    with write():
        for kind, record_id in targets:
            current = records.by_id(meta.kind(kind).model, record_id)
            if current is None:
                continue
            if not current.do_not_bulk_email:
                records.update_versioned(
                    kind, record_id, current.version, {"do_not_bulk_email": 1},
                    action="unsubscribed",
                )  # fmt: skip
            marked.append((kind, records.title_of(kind, record_id)))
    return marked
