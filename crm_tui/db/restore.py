"""`crm-tui restore`: put a backup back in place of a database.

The backup is checked first (SQLite's quick_check, a crm-tui schema no newer
than this program's). The database is then taken with an exclusive lock,
which SQLite grants only while no other connection has it open (in WAL mode
every open connection keeps a shared lock on the file); its contents are
kept in a safety copy, and the backup is copied in through SQLite's backup
API under that lock. A file copy instead would corrupt a WAL database that
someone has open, and would lose its permissions and group, which stay as
they were here.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import apsw

from crm_tui.db import check_local, openers
from crm_tui.db.backup import BackupError, backup, copy_permissions, failure, reason, remove_files
from crm_tui.db.migrations import LATEST, applied_level
from crm_tui.text import clean

# Long enough for a command that is just finishing (an export, a backup) to
# let go; an open app or writer keeps its lock for good.
LOCK_WAIT_MS = 2000


@dataclass(frozen=True)
class Restored:
    level: int  # the schema level of the backup
    kept: Path | None  # the safety copy of what the database held
    created: bool  # the database did not exist (or was an empty file)


def restore(backup_path: Path | str, target: Path | str) -> Restored:
    """Replace the database at `target` with the backup at `backup_path`,
    refusing a damaged backup, one from a newer crm-tui, and a database that
    another process has open."""
    backup_path, target = Path(backup_path), Path(target)
    check_local(target)
    source = _open_backup(backup_path)
    try:
        level = _check(source, backup_path)
        if os.path.exists(target) and os.path.samefile(backup_path, target):
            raise BackupError(f"{backup_path} is the database itself; choose a backup")
        created = _create_if_missing(target)
        try:
            kept = _replace(source, target)
            if created:
                copy_permissions(target, backup_path)
        except BaseException:
            if created:
                remove_files(target)
            raise
    except OSError as exc:
        raise failure(exc, f"{target} was not restored") from exc
    finally:
        source.close()
    return Restored(level, kept, created or kept is None)


def _open_backup(path: Path) -> apsw.Connection:
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    if path.stat().st_size == 0:
        raise BackupError(f"{path} is an empty file, not a backup")
    if not os.access(path, os.R_OK):
        raise BackupError(f"cannot read the backup {path}: permission denied")
    # A backup is one file: read as immutable, SQLite leaves no -wal or -shm
    # beside it. One with a -wal beside it may be a database in use, which is
    # read the ordinary way, its -wal included.
    in_use = os.path.exists(f"{path}-wal")
    uri = f"file:{quote(str(path.absolute()))}?{'mode=ro' if in_use else 'immutable=1'}"
    try:
        return apsw.Connection(uri, flags=apsw.SQLITE_OPEN_READONLY | apsw.SQLITE_OPEN_URI)
    except apsw.Error as exc:
        raise BackupError(f"cannot read the backup {path}: {reason(exc)}") from None


class _Sql:
    """What migrations.applied_level needs of a database, on a plain connection."""

    def __init__(self, conn: apsw.Connection) -> None:
        self._conn = conn

    def execute_sql(self, sql: str, params: tuple = ()) -> apsw.Cursor:
        return self._conn.execute(sql, params)


def _check(source: apsw.Connection, path: Path) -> int:
    """The backup's schema level, once it is known to be sound and not too new."""
    try:
        verdict = [row[0] for row in source.execute("PRAGMA quick_check")]
        level = applied_level(_Sql(source))
    except apsw.Error as exc:
        raise BackupError(f"{path} is not a usable backup: {reason(exc)}") from None
    if verdict != ["ok"]:
        more = f" and {len(verdict) - 1} more problems" if len(verdict) > 1 else ""
        raise BackupError(
            f"{path} is damaged (quick_check: {clean(verdict[0])[:200]}{more}); choose another backup"
        )
    if level == 0:
        raise BackupError(f"{path} is not a crm-tui database (it has no schema history)")
    if level > LATEST:
        raise BackupError(
            f"{path} has schema level {level} but this crm-tui knows only {LATEST}: "
            "it was made by a newer crm-tui, so restore it with that version"
        )
    return level


def _create_if_missing(target: Path) -> bool:
    """Create `target` empty and private if it does not exist (the backup's
    permissions are given once it is filled)."""
    if os.path.lexists(target):
        return False
    wal = Path(f"{target}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise BackupError(
            f"{target} does not exist but {wal} does: it holds changes of a database that was "
            f"deleted or moved, and SQLite would apply them to the restored one; move {wal} and "
            f"{target}-shm away, then restore again"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return True


def _replace(source: apsw.Connection, target: Path) -> Path | None:
    """Copy `source` into the database at `target` under an exclusive lock;
    returns the safety copy of what it held (None when it was empty)."""
    conn = apsw.Connection(str(target))
    try:
        conn.set_busy_timeout(LOCK_WAIT_MS)
        _lock(conn, target)
        kept = None if _empty(conn) else _keep(conn, target)
        done = f"{target} was not restored" + (f" (its contents are in {kept})" if kept else "")
        try:
            if _page_size(conn) != _page_size(source) and _journal(conn) == "wal":
                # SQLite cannot copy pages of another size into a WAL database.
                conn.execute("PRAGMA journal_mode=DELETE").fetchall()
            with conn.backup("main", source, "main") as job:
                job.step(-1)
            conn.execute("PRAGMA journal_mode=WAL").fetchall()
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except apsw.Error as exc:
            raise failure(exc, done) from exc
    finally:
        conn.close()
    return kept


def _lock(conn: apsw.Connection, target: Path) -> None:
    """Take `target` for this connection alone, or refuse saying who has it."""
    try:
        # EXCLUSIVE locking mode keeps the lock after the transaction ends,
        # until the connection closes.
        conn.execute("PRAGMA locking_mode=EXCLUSIVE").fetchall()
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
    except apsw.BusyError:
        raise BackupError(_in_use(target, *_openers(target))) from None
    except (apsw.CorruptError, apsw.NotADBError):
        raise BackupError(
            f"{target} is too damaged for SQLite to open; move it and its -wal and -shm files "
            f"aside, then restore into {target} again"
        ) from None
    except apsw.Error as exc:
        raise failure(exc, f"{target} was not restored") from exc
    # A process can have the file open without a lock (one that opened it
    # but has not read it yet, or a database not in WAL mode): refuse those too.
    found, complete = _openers(target)
    if found:
        raise BackupError(_in_use(target, found, complete))


def _openers(target: Path) -> tuple[list[openers.Opener], bool]:
    return openers.find([target, Path(f"{target}-wal"), Path(f"{target}-shm")])


def _in_use(target: Path, found: list[openers.Opener], complete: bool) -> str:
    check = f"fuser -v {target} {target}-wal {target}-shm (or lsof {target})" + (
        "" if complete else ", as root to see every user's processes"
    )
    if not found:
        return (
            f"{target} is open in another process, so it cannot be restored now; find it with: "
            f"{check}, and restore when nobody has it open"
        )
    who = ", ".join(str(o) for o in found[:5]) + (
        f" and {len(found) - 5} more" if len(found) > 5 else ""
    )
    others = "" if complete else f"; others may have it open too ({check})"
    return (
        f"{target} is open in other processes: {who}{others}; it can be restored only while "
        "nobody has it open (ask them to quit crm-tui)"
    )


def _empty(conn: apsw.Connection) -> bool:
    """Whether the database holds nothing to keep (an empty file reads as an
    empty database, and the lock's transaction may have given it a first page)."""
    return conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] == 0


def _keep(conn: apsw.Connection, target: Path) -> Path:
    """A safety copy of the database as it is, beside it."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = Path(f"{target}.before-restore-{stamp}")
    number = 1
    while os.path.lexists(name):
        number += 1
        name = Path(f"{target}.before-restore-{stamp}-{number}")
    try:
        return backup(conn, name)
    except BackupError as exc:
        raise BackupError(
            f"{target} was not restored, because its current contents could not be kept first "
            f"({exc})"
        ) from None


def _page_size(conn: apsw.Connection) -> int:
    return conn.execute("PRAGMA page_size").fetchone()[0]


def _journal(conn: apsw.Connection) -> str:
    return conn.execute("PRAGMA journal_mode").fetchone()[0]
