"""Shared fixtures: every test gets its own database FILE (never :memory:),
because WAL, locking and data_version only behave truly on a file. The
PostgreSQL fixtures share one throwaway server, started only when asked for."""

from __future__ import annotations

import secrets

import pytest
from pg_server import PgServer, require_bindir

from crm_tui import config
from crm_tui.db import close_database
from crm_tui.runtime import open_for_user
from crm_tui.services import session


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CRM_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture
def settings():
    return config.Settings()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "crm.db"


@pytest.fixture
def db(db_path, settings):
    """An open, migrated database with the signed-in admin 'tester'."""
    user = open_for_user(db_path, settings, login="tester")
    yield user
    session.act_as(None)
    close_database()


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server, started by the first test that asks for it.

    Skips, in one line, where PostgreSQL is not installed; fails with the
    server's log when it would not start."""
    server = PgServer(require_bindir()).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_database(pg_server):
    """The URL of a fresh, empty database on `pg_server`, dropped after the test."""
    name = f"test_{secrets.token_hex(6)}"
    url = pg_server.create_database(name)
    yield url
    pg_server.drop_database(name)
