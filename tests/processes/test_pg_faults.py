"""A PostgreSQL server that drops the connection (a restart, a fail-over):
the save in flight is refused in a sentence, and trying again works."""

from __future__ import annotations

import pytest

from crm_tui.db import change_watcher, close_database
from crm_tui.errors import DatabaseFault
from crm_tui.runtime import open_for_user
from crm_tui.services import session
from crm_tui.services.customers import accounts


def _drop_connections(pg_server, url: str) -> None:
    name = url.split("/")[3].split("?")[0]
    with pg_server.connect(autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )


def test_a_dropped_connection_refuses_one_save_and_the_next_try_saves(
    pg_server, pg_migrated_database
):
    open_for_user(pg_migrated_database, login="tester")
    watcher = change_watcher()
    try:
        _drop_connections(pg_server, pg_migrated_database)
        with pytest.raises(DatabaseFault, match="connection to the database server was lost"):
            accounts.create({"name": "In flight"})
        assert accounts.create({"name": "Tried again"}).id
        assert watcher.changed() is True  # listening again; what it missed means a refresh
        assert watcher.changed() is False
    finally:
        session.act_as(None)
        close_database()
