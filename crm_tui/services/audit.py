"""Reading the audit trail (writing happens in records.audit)."""

from __future__ import annotations

import json

from peewee import JOIN

from crm_tui.models import AuditEntry, User


def history(record_type: str, record_id: int, limit: int = 500) -> list[dict]:
    """A record's changes, newest first: at, who, action, {field: [old, new]}."""
    q = (
        AuditEntry.select(
            AuditEntry.id,
            AuditEntry.at,
            AuditEntry.action,
            AuditEntry.changes,
            User.full_name.alias("who"),
        )
        .join(User, on=(AuditEntry.user == User.id), join_type=JOIN.LEFT_OUTER)
        .where((AuditEntry.record_type == record_type) & (AuditEntry.record_id == record_id))
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    rows = list(q.dicts())
    for row in rows:
        row["changes"] = json.loads(row["changes"] or "{}")
    return rows
