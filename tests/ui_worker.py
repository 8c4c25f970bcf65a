"""Code run in a separate process by the UI tests (multiprocessing, spawn):
it must be importable by name, so it lives outside the test modules."""

from __future__ import annotations


def create_account(db_path: str, name: str) -> None:
    """Open the shared database as another process would and add an account."""
    from crm_tui import config
    from crm_tui.db import close_database
    from crm_tui.runtime import open_for_user
    from crm_tui.services.customers import accounts

    open_for_user(db_path, config.Settings(), login="tester")
    try:
        accounts.create({"name": name, "city": "Elsewhere"})
    finally:
        close_database()
