"""Opening a database for a person: settings, schema, identity."""

from __future__ import annotations

from pathlib import Path

from crm_tui import config
from crm_tui.db import database, is_postgres, open_database
from crm_tui.models import User
from crm_tui.services import (
    access,
    custom_defs,  # noqa: F401 - told of every open: it reads the custom fields then
    session,
    users,
)


def open_for_user(
    path: Path | str, settings: config.Settings | None = None, login: str | None = None
) -> User:
    """Open `path` (a SQLite file or a postgresql:// URL), upgrade its schema
    and sign the person in: the OS login on SQLite, the role the server
    authenticated on PostgreSQL.

    A database with no users makes this login its admin (what `init` does);
    otherwise an unknown login is refused with UnknownUser.
    """
    settings = settings or config.Settings()
    session.configure(settings)
    open_database(path, synchronous=settings.synchronous, busy_timeout_ms=settings.busy_timeout_ms)
    access.forget()  # the role table read from the database opened before
    login = login or (database.obj.current_role() if is_postgres() else session.os_login())
    if users.count() == 0:
        session.act_as(None)
        users.add(login, login, "admin")
    return session.sign_in(login)
