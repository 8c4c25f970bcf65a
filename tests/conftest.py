"""Shared fixtures: every test gets its own database FILE (never :memory:),
because WAL, locking and data_version only behave truly on a file."""

from __future__ import annotations

import pytest

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
