"""The command line's work on a PostgreSQL database: init, doctor, backup.

PostgreSQL's own tools do what they do best: a backup is pg_dump's custom
format, restored with pg_restore; crm-tui only runs pg_dump for you and
says how to restore.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

from crm_tui.db import close_database, database, open_database
from crm_tui.db.migrations import LATEST, applied_level
from crm_tui.errors import CrmError

MIN_SERVER = 150000  # the version crm-tui is tested on


def schema_level(url: str) -> int:
    """The crm-tui schema level of the database at `url` (0: none yet)."""
    open_database(url, migrate=False)
    try:
        return applied_level(database)
    finally:
        close_database()


def checks(url: str) -> list[tuple[bool, str]]:
    """`crm-tui doctor` on PostgreSQL: each check as (passed, one line)."""
    from crm_tui.db.postgres import redact

    out: list[tuple[bool, str]] = []
    try:
        open_database(url, migrate=False)
    except CrmError as exc:
        return [(False, str(exc))]
    try:
        version = database.obj.server_version
        out.append(
            (version >= MIN_SERVER, f"PostgreSQL {version // 10000}.{version % 10000} (needs 15+)")
        )
        role = database.obj.current_role()
        out.append((True, f"connected to {redact(url)} as role {role}"))
        level = applied_level(database)
        if level == LATEST:
            out.append((True, f"schema level {level} (current)"))
        elif level < LATEST:
            out.append((True, f"schema level {level}; it is upgraded to {LATEST} when next opened"))
        else:
            out.append((False, f"schema level {level} is newer than this crm-tui ({LATEST})"))
        if level >= 1:
            admins = database.execute_sql(
                "SELECT count(*) FROM \"user\" WHERE role='admin' AND active=1"
            ).fetchone()[0]
            out.append((admins > 0, f"{admins} active admin(s)"))
            triggers = database.execute_sql(
                "SELECT count(*) FROM pg_trigger WHERE tgname = 'crm_tui_notify'"
            ).fetchone()[0]
            out.append((triggers > 0, f"{triggers} tables announce their changes to other hosts"))
            bare = [
                row[0]
                for row in database.execute_sql(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "AND NOT rowsecurity ORDER BY tablename"
                ).fetchall()
            ]
            out.append(
                (
                    not bare,
                    "every table is under the access rules"
                    if not bare
                    else f"{len(bare)} tables have no access rules ({', '.join(bare[:5])}…): "
                    "run crm-tui --db URL access as the role that owns them",
                )
            )
        out.append(_writable())
    finally:
        close_database()
    return out


def _writable() -> tuple[bool, str]:
    from crm_tui.db.faults import fault_from

    try:
        with database.atomic():
            database.execute_sql("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - every refusal is the answer here
        return (False, f"a trial write transaction failed: {fault_from(exc) or exc}")
    return (True, "you can take the write lock")


def _tool(name: str) -> str:
    """A PostgreSQL client program: on PATH, or in Debian's versioned folders."""
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True):
        if os.access(candidate, os.X_OK):
            return candidate
    raise CrmError(
        f"{name} is not installed; on Debian or Ubuntu: apt-get install postgresql-client"
    )


def dump(url: str, dest: Path) -> Path:
    """Back up the database at `url` with pg_dump into the new file `dest`
    (custom format: restore with pg_restore --clean --dbname URL DEST)."""
    if dest.exists():
        raise CrmError(f"{dest} exists; a backup never overwrites a file")
    partial = dest.with_name(f".partial-{dest.name}")
    done = subprocess.run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}", url],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        reason = (done.stderr.strip().splitlines() or ["no reason given"])[-1]
        raise CrmError(f"pg_dump failed: {reason}")
    os.chmod(partial, 0o600)
    os.link(partial, dest)
    partial.unlink()
    return dest
