"""PostgreSQL: the same database for teams that outgrow one host.

Imported only when a postgresql:// URL is opened, so the driver costs
nothing on SQLite. The database class makes PostgreSQL behave the way the
services were written for:

- raw SQL keeps SQLite's `?` placeholders (rewritten by `dialect.for_postgres`,
  which also drops SQLite's planner hints);
  the queries Peewee builds itself already speak PostgreSQL;
- `COLLATE NOCASE` names a case-insensitive collation of the same name
  (created by the first migration);
- every transaction takes the database's write lock before its first
  statement runs, as SQLite's BEGIN IMMEDIATE does, so a read-then-write
  (take a case, the next number, a booking) stays exactly-once across
  hosts; reads never wait;
- parameters are bound on the client, as SQLite binds them: an untyped `?`
  never leaves the server guessing its type;
- sums of whole numbers come back as int, as in SQLite (the server widens
  them to numeric).
"""

from __future__ import annotations

import os
import uuid

import psycopg
from peewee import PostgresqlDatabase, Psycopg3Adapter, __exception_wrapper__
from psycopg.adapt import Loader
from psycopg.conninfo import conninfo_to_dict
from psycopg.pq import TransactionStatus
from psycopg.types.json import Json, Jsonb

from crm_tui.db.dialect import for_postgres

# pg_advisory_xact_lock key of the write lock: "crm-tui " as a big-endian integer.
WRITE_LOCK = int.from_bytes(b"crm-tui ", "big") & 0x7FFF_FFFF_FFFF_FFFF
# The channel every commit is announced on (see notify triggers in migrations/ddl.py).
CHANNEL = "crm_tui_changes"
# What every transaction sends first: it begins holding the write lock.
_BEGIN = ["BEGIN", f"SELECT pg_advisory_xact_lock({WRITE_LOCK})"]


def _joined(statements: list[str], percent: str) -> str:
    """`statements` as the head of one query text; `percent` is how a
    literal % is written there (doubled when the driver binds the query)."""
    return "".join(statement.replace("%", percent) + "; " for statement in statements)


class _Number(Loader):
    """numeric as int when whole (sums of integer columns), else float (averages)."""

    def load(self, data) -> int | float:
        text = bytes(data).decode()
        try:
            return int(text)
        except ValueError:
            return float(text)


class _Adapter(Psycopg3Adapter):
    """Peewee's psycopg 3 adapter on the driver imported here: Peewee's own
    import of it is deferred (crm_tui/driver_import.py), so its module has none."""

    txn_idle = TransactionStatus.IDLE
    txn_inerror = TransactionStatus.INERROR
    txn_unknown = TransactionStatus.UNKNOWN

    def __init__(self) -> None:
        super().__init__()
        self.json_type, self.jsonb_type = Json, Jsonb

    def check_driver(self) -> None:
        pass

    def get_binary_type(self):
        return psycopg.Binary

    def connect(self, db, **params):
        params.setdefault("dbname", db.database)
        return psycopg.connect(**params)

    def server_side_cursor(self, conn):
        in_transaction = self.txn_status(conn) == TransactionStatus.INTRANS
        return conn.cursor(name=str(uuid.uuid1()), withhold=not in_transaction)


class PgDatabase(PostgresqlDatabase):
    """PostgreSQL as the services expect a database to behave (see the module)."""

    psycopg3_adapter = _Adapter

    def __init__(self, url: str, *, lock_timeout_ms: int = 5000) -> None:
        params = conninfo_to_dict(url)
        name = params.pop("dbname", None) or params.get("user") or os.environ.get("USER", "")
        self.url = url
        self.lock_timeout_ms = lock_timeout_ms
        super().__init__(
            name,
            prefer_psycopg3=True,
            cursor_factory=psycopg.ClientCursor,
            application_name="crm-tui",
            **params,
        )

    def init(self, database, **kwargs):
        super().init(database, **kwargs)
        # Peewee picks its adapter by the driver it imported itself: none here
        self._adapter = self.psycopg3_adapter()

    def _connect(self):
        conn = super()._connect()
        conn.adapters.register_loader("numeric", _Number)
        with conn.cursor() as cur:
            cur.execute(f"SET lock_timeout = {int(self.lock_timeout_ms)}")
            cur.execute("SET TIME ZONE 'UTC'")
        return conn

    # --- SQL --------------------------------------------------------------

    def execute_sql(self, sql, params=None):
        # Raw SQL (Model.raw too) is written with ?; what Peewee builds has %s.
        # The driver reads % even with no parameters, so a literal one is doubled.
        if not (params and "%s" in sql):
            sql = for_postgres(sql)
        owed = self._take_owed()
        if not owed:
            return self._execute_cursor(sql, params or None)
        # The client binds parameters itself, so everything goes as one simple
        # query; the caller reads the results of its own statement.
        cursor = self._execute_cursor(_joined(owed, "%%") + sql, params or None)
        for _ in owed:
            cursor.nextset()
        return cursor

    def execute_soon(self, sql: str, params=None) -> None:
        """Run a statement whose result nobody reads (an audit entry) in the
        open transaction: it goes to the server ahead of the transaction's
        next statement, or with its COMMIT, not in a round trip of its own."""
        if not self.in_transaction():
            self.execute_sql(sql, params)
            return
        if not (params and "%s" in sql):
            sql = for_postgres(sql)
        bound = psycopg.ClientCursor(self.connection()).mogrify(sql, params or ())
        self._state.owed = [*getattr(self._state, "owed", ()), bound]

    def executemany(self, sql: str, rows) -> None:
        """Run one ?-placeholder statement for each row of parameters."""
        with self.cursor() as cur:
            cur.executemany(for_postgres(sql), rows)

    def cursor(self, named_cursor=None):
        if self.transaction_depth() == 0:
            self._replace_if_dropped()
        cursor = super().cursor(named_cursor)
        owed = self._take_owed()
        if owed:  # for a statement that does not go through execute_sql (executemany, COPY)
            with __exception_wrapper__:
                cursor.execute(_joined(owed, "%"))
        return cursor

    def _replace_if_dropped(self) -> None:
        # A connection the server dropped (a restart, a fail-over) is replaced
        # before the next statement outside a transaction, so "try again" works.
        if not self.is_closed() and not self.is_connection_usable():
            self.close()

    # --- transactions -----------------------------------------------------

    def begin(self, lock_type=None):
        # lock_type is SQLite's (IMMEDIATE): here every transaction takes the
        # write lock, as every SQLite transaction of this app begins IMMEDIATE.
        # BEGIN and the lock go with the transaction's first statement, in one
        # message: every round trip made while holding the lock is time every
        # other writer waits (bench: 8 processes logging activities). The lock
        # is still held before anything of the transaction runs.
        if self.transaction_depth() == 0:
            self._replace_if_dropped()
        self._state.owed = list(_BEGIN)

    def _take_owed(self) -> list[str]:
        """The statements still to send, ahead of the next one; the caller sends them."""
        owed = getattr(self._state, "owed", None)
        if not owed:
            return []
        self._state.owed = []
        return owed

    def commit(self):
        owed = self._take_owed()
        if owed == _BEGIN:
            return  # a transaction that ran no statement never began on the server
        if not owed:
            super().commit()
            return
        # On the transaction's own connection: were it lost, these must fail
        # with it, not run by themselves on a new one.
        with __exception_wrapper__, self._state.conn.cursor() as cursor:
            cursor.execute(_joined(owed, "%") + "COMMIT")

    def rollback(self):
        owed = self._take_owed()
        if owed[:1] == _BEGIN[:1]:
            return  # never began on the server: nothing to undo
        super().rollback()  # and what was owed is never sent

    def close(self):
        closed = super().close()
        self._state.owed = []
        return closed

    def current_role(self) -> str:
        return self.execute_sql("SELECT current_user").fetchone()[0]


def open_postgres(url: str, *, busy_timeout_ms: int) -> PgDatabase:
    """A connected PgDatabase for `url`; a refusal from the server or libpq
    becomes DatabaseRefused with the reason in one line."""
    from crm_tui.errors import DatabaseRefused

    db = PgDatabase(url, lock_timeout_ms=busy_timeout_ms)
    try:
        db.connect()
    except Exception as exc:
        reason = str(getattr(exc, "__context__", None) or exc).strip().splitlines()
        raise DatabaseRefused(
            f"cannot connect to {redact(url)}: {reason[0] if reason else exc}"
        ) from exc
    return db


def redact(url: str) -> str:
    """`url` without a password, for messages and logs."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the PostgreSQL database"
    shown = [f"{key}={params[key]}" for key in ("dbname", "user", "host", "port") if key in params]
    return "postgresql (" + " ".join(shown) + ")"


class ChangeListener:
    """Tells whether another connection committed since the last look.

    A second connection LISTENs on the channel the notify triggers announce
    every committed change on, with the writer's backend pid as payload, so
    this process's own writes are told apart (screens refresh after them)."""

    def __init__(self, db: PgDatabase) -> None:
        self._own = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
        self._db = db
        self._conn = self._listen(db.url)

    def changed(self) -> bool:
        seen = False
        try:
            self._conn.execute("SELECT 1")  # reads notifications that arrived meanwhile
            notes = list(self._conn.notifies(timeout=0, stop_after=None))
        except psycopg.OperationalError:
            # the server dropped us: listen again, and refresh, since
            # whatever was announced meanwhile is lost
            self._conn = self._listen(self._db.url)
            return True
        for note in notes:
            if note.payload != str(self._own):
                seen = True
        return seen

    @staticmethod
    def _listen(url: str):
        conn = psycopg.connect(url, autocommit=True, application_name="crm-tui listen")
        conn.execute(f"LISTEN {CHANNEL}")
        return conn

    def close(self) -> None:
        self._conn.close()
