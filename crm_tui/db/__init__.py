"""The database: one proxy shared by every model, pointed at SQLite (an APSW
database on a file, the default) or at PostgreSQL (db/postgres.py, for a
postgresql:// URL).

Many processes write the same file, so every SQLite connection runs in WAL
mode, every write is a short BEGIN IMMEDIATE transaction (a deferred
read-then-write transaction gets SQLITE_BUSY without waiting for the lock),
and other processes' commits are noticed through PRAGMA data_version; on
PostgreSQL a write lock taken at BEGIN and LISTEN/NOTIFY do the same.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import apsw
from peewee import DatabaseProxy, OperationalError
from playhouse.apsw_ext import APSWDatabase

from crm_tui.db import faults, wal
from crm_tui.db.local_files import (  # noqa: F401 (the database layer's face)
    NETWORK_FS,
    check_local,
    file_mode,
    filesystem_type,
    refuse_empty_file,
)
from crm_tui.errors import DatabaseRefused

MIN_SQLITE = (3, 51, 3)


class _Database(APSWDatabase):
    """APSW with a busy handler that retries the write lock every few hundred
    microseconds. SQLite's own handler backs off to 25-100 ms sleeps, which on a
    busy 2-core host leaves the lock idle while writers sleep."""

    def _connect(self):
        conn = super()._connect()
        busy = _busy_handler(self._timeout) if self._timeout is not None else None
        if busy is not None:
            conn.set_busy_handler(busy)
        wal.keep_small(conn, busy)
        return conn


def _busy_handler(timeout: float):
    """Wait for a lock up to `timeout` seconds, polling it closely."""

    def retry(attempt: int) -> bool:
        if attempt == 0:
            retry.deadline = time.monotonic() + timeout
        elif time.monotonic() >= retry.deadline:
            return False  # SQLITE_BUSY: the caller reports "database is locked"
        time.sleep(0.0002 if attempt < 50 else 0.002)
        return True

    retry.deadline = 0.0
    return retry


# Deferred: the path is only known once settings and the command line are read.
_sqlite = _Database(None, lock_type="IMMEDIATE")
database = DatabaseProxy()
database.initialize(_sqlite)


def is_postgres() -> bool:
    """Whether the open database is PostgreSQL (else SQLite)."""
    return database.obj is not _sqlite


def engine() -> str:
    return "postgresql" if is_postgres() else "sqlite"


# File systems on which WAL's shared-memory index cannot work across hosts.
def sqlite_version() -> tuple[int, ...]:
    return tuple(int(p) for p in apsw.sqlite_lib_version().split("."))


def is_url(target: object) -> bool:
    """Whether `target` names a PostgreSQL database rather than a SQLite file."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


# Called after the shared `database` is pointed elsewhere (opened or closed):
# what a service keeps about the schema (custom fields' columns) is forgotten.
_on_open: list[Callable[[], None]] = []


def on_open(callback: Callable[[], None]) -> None:
    """Call `callback` each time a database is opened or closed."""
    if callback not in _on_open:
        _on_open.append(callback)


def table_exists(name: str) -> bool:
    """Whether the open database has this table and this connection may
    read it: not before the migration that made it (a database opened
    without upgrading it), nor on PostgreSQL before its access rules were
    installed again since."""
    if is_postgres():
        sql = (
            "SELECT CASE WHEN to_regclass(?) IS NULL THEN false "
            "ELSE has_table_privilege(?, 'SELECT') END"
        )
        return bool(database.execute_sql(sql, (name, name)).fetchone()[0])
    sql = "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return bool(database.execute_sql(sql, (name,)).fetchone()[0])


def _opened_now() -> None:
    for callback in _on_open:
        callback()


def open_database(
    path: Path | str,
    *,
    synchronous: str = "NORMAL",
    busy_timeout_ms: int = 5000,
    migrate: bool = True,
):
    """Point the shared `database` at `path` (a SQLite file, or a
    postgresql:// URL), set it up, and bring the schema up to date (refusing
    a database from a newer crm-tui)."""
    if is_url(path):
        return _open_postgres(str(path), busy_timeout_ms=busy_timeout_ms, migrate=migrate)
    if sqlite_version() < MIN_SQLITE:
        raise DatabaseRefused(
            f"SQLite {apsw.sqlite_lib_version()} is too old; crm-tui needs "
            f"{'.'.join(map(str, MIN_SQLITE))} or newer (upgrade the apsw package)"
        )
    path = Path(path)
    check_local(path)
    refuse_empty_file(path, wait_seconds=min(busy_timeout_ms / 1000, 2.0))
    if not database.is_closed():
        database.close()
    database.initialize(_sqlite)
    path.parent.mkdir(parents=True, exist_ok=True)
    _sqlite.init(
        str(path),
        pragmas={
            "journal_mode": "wal",
            "foreign_keys": 1,
            "synchronous": synchronous.upper(),
            "mmap_size": 0,
            # a big sort (a report's GROUP BY over millions of rows) uses a
            # second core: a third less time on the bench's two
            "threads": 2,
            # the -wal file is cut back to this whenever the log starts over
            "journal_size_limit": 64 * 1024 * 1024,
        },
        timeout=busy_timeout_ms / 1000,
    )
    faults.configure(busy_timeout_ms)
    _connect_waiting(busy_timeout_ms)
    _opened.update(path=path, identity=_identity(path), target=path)
    if migrate:
        from crm_tui.db.migrations import upgrade

        upgrade(database)
    _opened_now()
    return database


def _open_postgres(url: str, *, busy_timeout_ms: int, migrate: bool):
    from crm_tui.db.postgres import open_postgres

    if not database.is_closed():
        database.close()
    faults.configure(busy_timeout_ms)
    database.initialize(open_postgres(url, busy_timeout_ms=busy_timeout_ms))
    _opened.update(path=None, identity=None, target=url)
    if migrate:
        from crm_tui.db.migrations import upgrade

        upgrade(database)
    _opened_now()
    return database


def _connect_waiting(busy_timeout_ms: int) -> None:
    """Connect, retrying while another process holds the lock.

    Switching a fresh file to WAL needs an exclusive lock, and SQLite answers
    "database is locked" at once, without the busy handler, when another
    process is opening the same new file: wait for it up to the busy timeout.
    """
    deadline = time.monotonic() + busy_timeout_ms / 1000
    while True:
        try:
            database.connect(reuse_if_open=True)
            return
        except OperationalError as exc:
            if not isinstance(exc.__context__, apsw.BusyError) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def interrupter() -> Callable[[], None]:
    """A function that stops, from any thread, the statement this thread's
    own connection is running (a long report run by a worker thread): the
    statement then fails as interrupted or canceled."""
    connection = database.connection()
    return connection.cancel if is_postgres() else connection.interrupt


def close_thread_connection() -> None:
    """Close the connection this thread opened (each thread has its own)."""
    if not database.is_closed():
        database.close()


def close_database() -> None:
    if not database.is_closed():
        database.close()
    database.initialize(_sqlite)
    _opened.update(path=None, identity=None, target=None)
    _opened_now()


# The file this process opened, as (device, inode): a file deleted or
# replaced under a running app keeps taking writes that nobody will see.
_opened: dict = {"path": None, "identity": None, "target": None}


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def file_path() -> Path | None:
    """The SQLite file this process opened (None on PostgreSQL)."""
    return _opened["path"]


def target() -> Path | str | None:
    """What this process opened: the SQLite file, or the postgresql:// URL
    (another process run for it opens the same)."""
    return _opened["target"]


def gone_fault():
    """The refusal a write gets once the file was deleted or replaced."""
    return faults.gone(_opened["path"])


def replaced() -> bool:
    """Whether the database file was deleted or replaced since it was opened."""
    path = _opened["path"]
    return path is not None and _identity(path) != _opened["identity"]


# Moves on with every write this process makes and every commit of another
# process its change watcher reports: a screen that read its data at one
# generation has nothing new to read while it stays the same.
_generation = [0]


def generation() -> int:
    return _generation[0]


def _moved_on() -> None:
    _generation[0] += 1


_blocks = threading.local()
# (before_end, after_abort) pairs: what runs as each write() block ends
# (inside it, so what it writes is part of the block) and after one is
# rolled back (see `watch_blocks`).
_block_watchers: list[tuple[Callable[[int], None], Callable[[int, BaseException], None]]] = []


def watch_blocks(
    before_end: Callable[[int], None], after_abort: Callable[[int, BaseException], None]
) -> None:
    """Call `before_end(depth)` as every write() block ends without an error,
    inside it (depth 1 is the transaction, deeper ones savepoints; what it
    raises rolls the block back), and `after_abort(depth, error)` once a
    block has been rolled back (it must not raise). The workflow runs the
    rules a write triggered this way, in the transaction of that write."""
    if (before_end, after_abort) not in _block_watchers:
        _block_watchers.append((before_end, after_abort))


@contextmanager
def write() -> Iterator[object]:
    """A write transaction: BEGIN IMMEDIATE, nested calls become savepoints.

    A fault of the database (busy past the timeout, disk full, read-only,
    I/O error) leaves as a DatabaseFault that says what happened, after the
    rollback; a file deleted or replaced under the app refuses the write."""
    if database.transaction_depth() == 0 and replaced():
        raise gone_fault()
    depth = write_depth() + 1
    _blocks.depth = depth
    try:
        with database.atomic("IMMEDIATE") as tx:
            yield tx
            for before_end, _ in _block_watchers:
                before_end(depth)
    except BaseException as exc:
        _blocks.depth = depth - 1
        for _, after_abort in _block_watchers:
            after_abort(depth, exc)
        if not isinstance(exc, Exception):
            raise
        fault = faults.fault_from(exc)
        if fault is None or fault is exc:
            raise
        raise fault from exc
    finally:
        _blocks.depth = depth - 1
    _moved_on()


def write_depth() -> int:
    """How many write() blocks this thread is in (Peewee counts only the
    transaction, not the savepoints inside it)."""
    return getattr(_blocks, "depth", 0)


def connection() -> apsw.Connection:
    return database.connection()


def executemany(sql: str, rows) -> None:
    """Run one ?-placeholder statement for each row of parameters."""
    if is_postgres():
        database.obj.executemany(sql, rows)
    else:
        database.connection().executemany(sql, rows)


def execute_soon(sql: str, params=()) -> None:
    """Run a statement whose result nobody reads (an audit entry) as part of
    the open write transaction. PostgreSQL sends it ahead of the
    transaction's next statement, or with its COMMIT, instead of in a round
    trip of its own while the write lock is held; a failure surfaces there
    and rolls the whole transaction back. SQLite runs it at once."""
    if is_postgres():
        database.obj.execute_soon(sql, params)
    else:
        database.execute_sql(sql, params).fetchall()


def changes(cursor) -> int:
    """How many rows the statement just run on `cursor` changed."""
    return cursor.rowcount if is_postgres() else database.connection().changes()


def dict_rows(sql: str, params=()) -> list[dict]:
    """Run a query and return its rows as dicts keyed by column name."""
    if is_postgres():
        cur = database.execute_sql(sql, params)
        if cur.description is None:  # a statement that returns no rows
            return []
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    cur = database.cursor()
    names: list[str] = []

    def as_dict(cursor, row):
        if not names:
            names.extend(d[0] for d in cursor.get_description())
        return dict(zip(names, row, strict=True))

    cur.row_trace = as_dict
    return cur.execute(sql, params).fetchall()


def column_names(sql: str) -> list[str]:
    """The result columns of `sql` without running it."""
    if is_postgres():
        return [d[0] for d in database.execute_sql(f"SELECT * FROM ({sql}) q LIMIT 0").description]
    import apsw.ext

    return [d[0] for d in apsw.ext.query_info(connection(), sql).description]


def change_watcher():
    """A watcher whose `changed()` tells whether another connection committed
    since the last look: LISTEN/NOTIFY on PostgreSQL, PRAGMA data_version on SQLite.
    What it reports moves the generation on."""
    if is_postgres():
        from crm_tui.db.postgres import ChangeListener

        return _Counted(ChangeListener(database.obj))
    return _Counted(DataVersionWatcher())


class _Counted:
    """A change watcher whose reported changes move the generation on, so a
    screen under another one sees them when it is shown again."""

    def __init__(self, watcher) -> None:
        self._watcher = watcher

    def changed(self) -> bool:
        if self._watcher.changed():
            _moved_on()
            return True
        return False

    def close(self) -> None:
        self._watcher.close()


class DataVersionWatcher:
    """Tells whether another connection committed since the last look.

    PRAGMA data_version changes only for other connections' commits, so our
    own writes never trigger a refresh here (screens refresh after them).
    """

    def __init__(self) -> None:
        self._last = self._read()

    def close(self) -> None:
        pass

    @staticmethod
    def _read() -> int:
        return database.execute_sql("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        now = self._read()
        if now != self._last:
            self._last = now
            return True
        return False


def trace_statements(callback: Callable[[str, bool], None]) -> None:
    """Call `callback(sql, in_transaction)` before every statement on this
    connection; tests use it to prove every write begins IMMEDIATE."""
    conn = connection()

    def tracer(cursor, sql, bindings):
        callback(sql, not conn.get_autocommit())
        return True

    conn.exec_trace = tracer
