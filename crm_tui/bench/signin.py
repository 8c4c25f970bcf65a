"""Acting as one of the generated users while a measurement runs.

On PostgreSQL the bench connects as a superuser (it builds and restores the
database); measuring as that role would skip the server's access rules,
which every person is under. `connect_as` makes the connection's identity
the person's own role (SET SESSION AUTHORIZATION, a superuser's right), so
row-level security applies to what is timed exactly as it does to them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from crm_tui.db import database, faults, is_postgres
from crm_tui.errors import PermissionDenied
from crm_tui.models import User
from crm_tui.services import session


def connect_as(login: str | None) -> bool:
    """PostgreSQL: the connection acts as `login`'s role from now on (None:
    as the role that connected). False where it cannot: on SQLite, or when
    the bench's role is not a superuser (then it measures as itself)."""
    if not is_postgres():
        return False
    if login is None:
        database.execute_sql("RESET SESSION AUTHORIZATION")
        return True
    quoted = '"' + login.replace('"', '""') + '"'
    try:
        database.execute_sql(f"SET SESSION AUTHORIZATION {quoted}")
    except Exception as exc:
        if isinstance(faults.fault_from(exc), PermissionDenied):
            return False
        raise
    return True


@contextmanager
def signed_in(login: str) -> Iterator[User]:
    """Act as `login` for the block (on PostgreSQL as their role too), then
    as whoever acted before."""
    before = session._state["user"]
    user = User.get(User.login == login)
    session.act_as(user)
    connect_as(login)
    try:
        yield user
    finally:
        session.act_as(before)
        connect_as(before.login if before is not None else None)
