"""Processes for the backup and restore tests (spawn needs them importable):
colleagues who keep writing, or who just have the database open."""

from __future__ import annotations

import os
import traceback


def write_until(path: str, login: str, account_id: int, stop, counter, queue) -> None:
    """Log activities one after another, each its own transaction, until
    `stop`; `counter` counts every commit of every writer."""
    report = {"login": login, "logged": 0, "errors": []}
    try:
        from crm_tui.runtime import open_for_user
        from crm_tui.services.customers import activities

        open_for_user(path, login=login)
        while not stop.is_set():
            activities.log(
                "phone_call", f"{login} {report['logged']}", regarding=("account", account_id)
            )
            report["logged"] += 1
            with counter.get_lock():
                counter.value += 1
    except BaseException as exc:  # reported to the parent
        report["errors"].append("".join(traceback.format_exception_only(type(exc), exc)).strip())
    queue.put(report)


def keep_open(path: str, login: str, ready, release) -> None:
    """Have the database open, as an idle app does, until told to quit."""
    from crm_tui.db import close_database
    from crm_tui.runtime import open_for_user

    open_for_user(path, login=login)
    ready.set()
    release.wait(120)
    close_database()


def keep_reading(path: str, ready, release) -> None:
    """Hold one read transaction open (a long report, a backup) until told."""
    import apsw

    conn = apsw.Connection(path)
    conn.execute("BEGIN")
    conn.execute("SELECT count(*) FROM sqlite_schema").fetchall()
    ready.set()
    release.wait(120)
    conn.execute("COMMIT")
    conn.close()


def backup_as(uid: int, gid: int, source: str, dest: str, queue) -> None:
    """Make a backup as another user (the process gives up root first)."""
    import os

    try:
        import apsw

        from crm_tui.db.backup import backup

        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
        backup(apsw.Connection(source, flags=apsw.SQLITE_OPEN_READONLY), dest)
        queue.put("ok")
    except BaseException as exc:  # reported to the parent
        queue.put("".join(traceback.format_exception_only(type(exc), exc)).strip())


def update_scattered(path: str, rows: int, commits: int, barrier, queue) -> None:
    """Commit `commits` transactions through crm-tui's own connection, each
    rewriting rows all over a large table (as writes to a large database
    land on pages all over the file), all writers starting together."""
    try:
        import random

        from crm_tui.db import close_database, database, open_database, write

        open_database(path, migrate=False)
        pick = random.Random(os.getpid()).randint
        barrier.wait(60)
        for _ in range(commits):
            with write():
                for _ in range(6):
                    database.execute_sql(
                        "UPDATE test_filler SET b = randomblob(3000) WHERE rowid = ?",
                        (pick(1, rows),),
                    )
        close_database()
        queue.put("ok")
    except BaseException as exc:  # reported to the parent
        queue.put("".join(traceback.format_exception_only(type(exc), exc)).strip())
