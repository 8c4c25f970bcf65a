"""Worker functions for multiprocessing tests (spawn needs them importable).

Each worker opens the database FILE itself, in its own process, reports what
happened through a queue and never raises: a crashed worker would only show
up as a missing report.
"""

from __future__ import annotations

import os
import traceback


def _error(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def open_concurrently(path: str, barrier, queue) -> None:
    """Wait for the others, then open (and migrate) the same file at once."""
    from crm_tui.db import close_database, open_database

    try:
        barrier.wait(timeout=30)
        open_database(path)
        close_database()
        queue.put(("ok", os.getpid()))
    except BaseException as exc:  # reported to the parent
        queue.put(("error", _error(exc)))


def log_activities(path: str, login: str, account_id: int, count: int, barrier, queue) -> None:
    """Read the account, then log an activity regarding it, `count` times,
    recording every statement the connection runs."""
    report = {
        "login": login,
        "logged": 0,
        "errors": [],
        "begins": [],
        "writes": 0,
        "writes_outside_transaction": [],
    }
    try:
        from crm_tui.db import close_database, trace_statements
        from crm_tui.runtime import open_for_user
        from crm_tui.services.customers import accounts, activities

        open_for_user(path, login=login)

        def record(sql: str, in_transaction: bool) -> None:
            words = sql.strip().upper().split()
            head = words[0] if words else ""
            if head == "BEGIN":
                report["begins"].append(" ".join(words))
            elif head in {"INSERT", "UPDATE", "DELETE", "REPLACE"}:
                report["writes"] += 1
                if not in_transaction:
                    report["writes_outside_transaction"].append(sql[:80])

        trace_statements(record)
        barrier.wait(timeout=60)
        for i in range(count):
            try:
                account = accounts.get(account_id)
                activities.log("phone_call", f"{login} call {i}", regarding=("account", account.id))
                report["logged"] += 1
            except Exception as exc:  # counted and reported
                report["errors"].append(_error(exc))
        close_database()
    except BaseException as exc:
        report["errors"].append(_error(exc))
    queue.put(report)


def edit_contact(
    path: str,
    login: str,
    contact_id: int,
    job_title: str,
    wait_before_save,
    signal_read,
    done,
    queue,
) -> None:
    """Read the contact, say so, wait for the go, then save with the version read."""
    try:
        from crm_tui.db import close_database
        from crm_tui.errors import ConflictError
        from crm_tui.runtime import open_for_user
        from crm_tui.services.customers import contacts

        open_for_user(path, login=login)
        contact = contacts.get(contact_id)
        version = contact.version
        signal_read.set()
        if not wait_before_save.wait(timeout=30):
            queue.put((login, "timeout", None, None))
            return
        try:
            saved = contacts.update(contact_id, version, {"job_title": job_title})
            queue.put((login, "saved", version, saved.version))
        except ConflictError as exc:
            queue.put((login, "conflict", version, {"version": exc.version, **exc.current}))
        done.set()
        close_database()
    except BaseException as exc:
        queue.put((login, "error", None, _error(exc)))
        done.set()


def write_once(path: str, login: str, name: str, queue) -> None:
    """Commit one account and exit."""
    try:
        from crm_tui.db import close_database
        from crm_tui.runtime import open_for_user
        from crm_tui.services.customers import accounts

        open_for_user(path, login=login)
        account = accounts.create({"name": name})
        close_database()
        queue.put(("ok", account.id))
    except BaseException as exc:
        queue.put(("error", _error(exc)))
