"""PostgreSQL's write lock: every write transaction holds it before its first
statement runs, as SQLite's BEGIN IMMEDIATE does, without a round trip of its
own; a statement whose result nobody reads (an audit entry) goes with the
transaction's next statement or its COMMIT."""

from __future__ import annotations

import psycopg
import pytest
from peewee import IntegrityError

from crm_tui import config
from crm_tui.db import close_database, database, execute_soon, executemany, write
from crm_tui.db.postgres import WRITE_LOCK
from crm_tui.errors import DatabaseBusy
from crm_tui.runtime import open_for_user
from crm_tui.services import session
from crm_tui.services.customers import accounts, activities


@pytest.fixture
def pg(pg_migrated_database):
    open_for_user(pg_migrated_database, config.Settings(busy_timeout_ms=300), login="tester")
    yield pg_migrated_database
    session.act_as(None)
    close_database()


def _scalar(sql: str, params=()):
    return database.execute_sql(sql, params).fetchone()[0]


def _locks_held() -> int:
    return _scalar(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND pid = pg_backend_pid()"
    )


@pytest.fixture
def sent(monkeypatch):
    """The query texts this process sends to the server, one per round trip."""
    texts: list[str] = []
    execute = psycopg.ClientCursor.execute

    def recording(cursor, query, params=None, **kwargs):
        texts.append(query if isinstance(query, str) else str(query))
        return execute(cursor, query, params, **kwargs)

    monkeypatch.setattr(psycopg.ClientCursor, "execute", recording)
    return texts


def test_a_write_holds_the_lock_from_its_first_statement_to_its_end(pg):
    with write():
        assert _locks_held() == 1
    assert _locks_held() == 0
    with write():
        executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [("a", "1"), ("b", "2")])
        assert _locks_held() == 1


def test_a_colleague_holding_the_lock_makes_a_logged_call_busy_and_nothing_is_written(pg):
    acme = accounts.create({"name": "Acme"})
    with psycopg.connect(pg) as colleague:
        colleague.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
        with pytest.raises(DatabaseBusy):
            activities.log("phone_call", "Blocked", regarding=("account", acme.id))
    assert _scalar("SELECT count(*) FROM activity") == 0
    assert _scalar("SELECT count(*) FROM audit_entry WHERE record_type = 'activity'") == 0
    assert activities.log("phone_call", "Free again", regarding=("account", acme.id)).id


def test_a_logged_call_is_three_round_trips_and_one_while_holding_the_lock(pg, sent):
    acme = accounts.create({"name": "Acme"})
    activities.log("phone_call", "Warm-up", regarding=("account", acme.id))
    sent.clear()
    call = activities.log("phone_call", "Counted", regarding=("account", acme.id))
    assert len(sent) == 3, sent
    read, first, last = sent
    assert read.startswith("SELECT") and '"account"' in read  # the regarded record, unlocked
    assert first.startswith(f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK}); INSERT")
    assert last.startswith('INSERT INTO "audit_entry"') and last.endswith("; COMMIT")
    assert activities.get(call.id).__data__ == call.__data__
    sent.clear()
    with write():
        pass
    assert sent == []  # a write that ran nothing never began on the server


def test_a_statement_sent_soon_is_seen_next_and_fails_with_its_transaction(pg):
    with write():
        execute_soon("INSERT INTO meta (key, value) VALUES (?, ?)", ("soon", "50%"))
        assert _scalar("SELECT value FROM meta WHERE key = ?", ("soon",)) == "50%"
        execute_soon("INSERT INTO meta (key, value) VALUES (?, ?)", ("at commit", "100%"))
    assert _scalar("SELECT value FROM meta WHERE key = ?", ("at commit",)) == "100%"
    with pytest.raises(IntegrityError), write():
        database.execute_sql("INSERT INTO meta (key, value) VALUES ('undone', '1')")
        execute_soon("INSERT INTO meta (key, value) VALUES (?, ?)", ("soon", "again"))
    assert _scalar("SELECT count(*) FROM meta WHERE key IN ('undone', 'soon')") == 1
    assert _locks_held() == 0
