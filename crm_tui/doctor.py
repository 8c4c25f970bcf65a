"""`crm-tui doctor`: what can go wrong with a shared SQLite file, checked."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import apsw

from crm_tui import config
from crm_tui.db import (
    MIN_SQLITE,
    check_local,
    close_database,
    database,
    open_database,
    refuse_empty_file,
    sqlite_version,
)
from crm_tui.db.faults import fault_from
from crm_tui.db.migrations import LATEST, applied_level
from crm_tui.errors import DatabaseRefused


def checks(path: Path, settings: config.Settings) -> list[tuple[bool, str]]:
    """Each check as (passed, one line saying what was found)."""
    out: list[tuple[bool, str]] = []
    version = apsw.sqlite_lib_version()
    out.append(
        (
            sqlite_version() >= MIN_SQLITE,
            f"SQLite {version} (needs {'.'.join(map(str, MIN_SQLITE))} or newer)",
        )
    )
    try:
        check_local(path)
        out.append((True, f"{path} is on a local file system"))
    except DatabaseRefused as exc:
        out.append((False, str(exc)))
        return out
    try:
        refuse_empty_file(path)
    except DatabaseRefused as exc:
        out.append((False, str(exc)))
        return out
    open_database(
        path,
        synchronous=settings.synchronous,
        busy_timeout_ms=settings.busy_timeout_ms,
        migrate=False,
    )
    try:
        mode = database.execute_sql("PRAGMA journal_mode").fetchone()[0]
        out.append((mode == "wal", f"journal mode {mode} (needs wal)"))
        level = applied_level(database)
        if level == LATEST:
            out.append((True, f"schema level {level} (current)"))
        elif level < LATEST:
            out.append((True, f"schema level {level}; it is upgraded to {LATEST} when next opened"))
        else:
            out.append((False, f"schema level {level} is newer than this crm-tui ({LATEST})"))
        result = database.execute_sql("PRAGMA quick_check").fetchone()[0]
        out.append((result == "ok", f"quick_check: {result}"))
        out.append(_writable(path))
        shared = False
        if level >= 1:
            row = database.execute_sql("SELECT value FROM meta WHERE key='shared'").fetchone()
            shared = bool(row and row[0] == "1")
            admins = database.execute_sql(
                "SELECT count(*) FROM \"user\" WHERE role='admin' AND active=1"
            ).fetchone()[0]
            out.append((admins > 0, f"{admins} active admin(s)"))
        if level >= 5 and settings.routing:
            from crm_tui.services.support import routing

            problems = routing.check_rules(settings)
            out.extend((False, line) for line in problems)
            if not problems:
                out.append((True, f"{len(settings.routing)} routing rule(s) name existing queues"))
        out.extend(_modes(path, shared))
    finally:
        close_database()
    return out


def _writable(path: Path) -> tuple[bool, str]:
    """Whether this user can save: the files and the folder (SQLite creates
    the -wal and -shm files there) writable, and the write lock obtainable."""
    names = [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
    blocked = [p.name for p in names if not os.access(p, os.W_OK)]
    folder = path.resolve().parent
    if not os.access(folder, os.W_OK | os.X_OK):
        blocked.append(f"its folder {folder}")
    if blocked:
        return (
            False,
            f"you cannot write {', '.join(blocked)}: nothing you do in crm-tui can be saved",
        )
    try:
        database.execute_sql("BEGIN IMMEDIATE")
        database.execute_sql("ROLLBACK")
    except Exception as exc:  # noqa: BLE001 - every refusal is the answer here
        fault = fault_from(exc)
        if fault is not None and fault.retry:
            return (True, "the files are writable (the write lock is busy right now)")
        return (False, f"a trial write failed: {fault or exc}")
    return (True, "you can write the database")


def _modes(path: Path, shared: bool) -> list[tuple[bool, str]]:
    out = []
    files = [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
    group = os.stat(path).st_gid
    for file in files:
        mode = stat.S_IMODE(os.stat(file).st_mode)
        if shared:
            ok = mode & 0o060 == 0o060 and os.stat(file).st_gid == group
            out.append(
                (
                    ok,
                    f"{file.name} mode {mode:o}"
                    + (
                        ""
                        if ok
                        else " (a shared database and its -wal/-shm need group read+write, one group)"
                    ),
                )
            )
        else:
            ok = not mode & 0o002
            out.append((ok, f"{file.name} mode {mode:o}" + ("" if ok else " (world-writable)")))
    if shared:
        folder = path.resolve().parent
        mode = stat.S_IMODE(os.stat(folder).st_mode)
        ok = bool(mode & stat.S_ISGID) and mode & 0o070 == 0o070
        out.append(
            (
                ok,
                f"folder {folder} mode {mode:o}"
                + (
                    ""
                    if ok
                    else " (needs group rwx and setgid so new -wal/-shm files keep the group)"
                ),
            )
        )
    return out
