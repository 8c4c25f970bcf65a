"""Rows as an older schema held them, for the tests of an upgrade: written
in SQL, since the models describe the newest schema. The same SQL runs on
both engines."""

from __future__ import annotations

from crm_tui.db import database

# the audit columns every record table has had since the first level
STAMPS = "version, created_at, created_by_id, modified_at, modified_by_id, owner_id"


def user_and_account(now: str) -> None:
    """User 1 (an admin) and account 1, Acme, both made at `now`; inside the
    caller's transaction."""
    database.execute_sql(
        'INSERT INTO "user" (id, login, full_name, role, active, created_at)'
        " VALUES (1, 'old', 'Old Timer', 'admin', 1, ?)",
        (now,),
    )
    database.execute_sql(
        f"INSERT INTO account (id, {STAMPS}, name, name_sort)"
        " VALUES (1, 1, ?, 1, ?, 1, 1, 'Acme', 'acme')",
        (now, now),
    )
