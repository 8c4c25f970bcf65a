"""Shared fixtures: every test gets its own database FILE (never :memory:),
because WAL, locking and data_version only behave truly on a file. The
PostgreSQL fixtures share one throwaway server, started only when asked for."""

from __future__ import annotations

import os
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
    monkeypatch.setenv("CRM_TUI_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture
def settings():
    # the app's tests start on a list (the accounts); the dashboard's own
    # tests ask for it
    # and never start a workflow runner of their own
    return config.Settings(start_area="accounts", workflow_runner=False)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "crm.db"


# The engines the engine-parametrised tests run on (CRM_TUI_TEST_ENGINES=sqlite runs one).
ENGINES = os.environ.get("CRM_TUI_TEST_ENGINES", "sqlite,postgresql").split(",")
# Folders whose tests that use `db` run on every engine.
BOTH_ENGINES = ("services", "processes", "ui")


def pytest_generate_tests(metafunc):
    """A test under BOTH_ENGINES that uses the `db` fixture runs once per
    engine, unless it reaches for the SQLite file itself (`db_path`) or is
    marked sqlite_only."""
    if "engine" not in metafunc.fixturenames:
        return
    if metafunc.definition.path.parent.name not in BOTH_ENGINES:
        return  # the `engine` fixture: SQLite, and test names unchanged
    sqlite_only = "db_path" in metafunc.fixturenames or metafunc.definition.get_closest_marker(
        "sqlite_only"
    )
    metafunc.parametrize("engine", ["sqlite"] if sqlite_only else ENGINES)


@pytest.fixture
def engine():
    """The engine of a test that is not run on both."""
    return "sqlite"


@pytest.fixture
def db_target(engine, tmp_path, request):
    """Where the test's database is: a SQLite file, or a PostgreSQL URL."""
    if engine == "postgresql":
        return request.getfixturevalue("pg_migrated_database")
    return tmp_path / "crm.db"


@pytest.fixture
def db(db_target, settings):
    """An open, migrated database with the signed-in admin 'tester'."""
    user = open_for_user(db_target, settings, login="tester")
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


@pytest.fixture(scope="session")
def pg_template(pg_server):
    """A database at the latest schema, copied for each test that needs one."""
    from crm_tui.db import open_database

    url = pg_server.create_database("crm_template")
    open_database(url)
    close_database()
    return "crm_template"


@pytest.fixture
def pg_migrated_database(pg_server, pg_template):
    """The URL of a fresh database at the latest schema, dropped after the test."""
    name = f"test_{secrets.token_hex(6)}"
    url = pg_server.create_database(name, template=pg_template)
    yield url
    pg_server.drop_database(name)


@pytest.fixture
def pg_database(pg_server):
    """The URL of a fresh, empty database on `pg_server`, dropped after the test."""
    name = f"test_{secrets.token_hex(6)}"
    url = pg_server.create_database(name)
    yield url
    pg_server.drop_database(name)
