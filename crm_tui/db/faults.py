"""What a database error means for the person who was saving.

SQLite reports a colleague holding the write lock, a full disk, a read-only
file and an I/O error as exceptions of the driver (wrapped by Peewee, or
followed by a failed ROLLBACK that becomes the raised one); `fault_from`
finds the cause in that chain and says it as one plain sentence with what to
do next.
"""

from __future__ import annotations

import apsw

from crm_tui.errors import CrmError, DatabaseBusy, DatabaseFault, PermissionDenied

KEPT = "nothing was saved"

_state = {"busy_seconds": 5.0}


def configure(busy_timeout_ms: int) -> None:
    """Say the busy timeout in use, for the busy message."""
    _state["busy_seconds"] = busy_timeout_ms / 1000


def _busy() -> DatabaseFault:
    seconds = _state["busy_seconds"]
    wait = "1 second" if seconds == 1 else f"{seconds:g} seconds"
    return DatabaseBusy(
        f"The database is busy: a colleague's save held it for over {wait}; {KEPT}, so try again."
    )


def gone(path: object) -> DatabaseFault:
    """The file this app opened was deleted or replaced under it."""
    return DatabaseFault(
        f"The database file {path} was deleted or replaced while crm-tui was open, so "
        "nothing can be saved any more: quit and start crm-tui again (an admin may have "
        "restored a backup)."
    )


def _full() -> DatabaseFault:
    return DatabaseFault(
        f"The disk holding the database is full; {KEPT}: free some space "
        "(or ask your admin to), then save again."
    )


# Most specific first: the driver's classes do not inherit from each other,
# but a wrapped error may carry several in its chain.
_FAULTS: list[tuple[type[BaseException], object]] = [
    (apsw.BusyError, _busy),
    (
        apsw.LockedError,
        lambda: DatabaseBusy(f"The database is busy with another task; {KEPT}, so try again."),
    ),
    (apsw.FullError, lambda: _full()),
    (
        apsw.ReadOnlyError,
        lambda: DatabaseFault(
            f"The database cannot be written (the file or its folder is read-only for you); "
            f"{KEPT}: ask your admin to run crm-tui doctor."
        ),
    ),
    (
        apsw.PermissionsError,
        lambda: DatabaseFault(
            f"You have no permission to write the database; {KEPT}: "
            "ask your admin to run crm-tui doctor."
        ),
    ),
    (
        apsw.CantOpenError,
        lambda: DatabaseFault(
            f"The database file can no longer be opened (moved, deleted, or its folder "
            f"changed); {KEPT}: quit and start crm-tui again, and ask your admin if it persists."
        ),
    ),
    (
        apsw.CorruptError,
        lambda: DatabaseFault(
            f"The database file is damaged; {KEPT}: ask your admin to run crm-tui doctor "
            "and restore the last backup."
        ),
    ),
    (
        apsw.NotADBError,
        lambda: DatabaseFault(
            f"The database file is no longer a database; {KEPT}: ask your admin to run "
            "crm-tui doctor and restore the last backup."
        ),
    ),
    (
        apsw.IOError,
        lambda: DatabaseFault(
            f"The disk reported an error while saving; {KEPT}: try again, and if it "
            "happens again ask your admin to run crm-tui doctor."
        ),
    ),
]


def _causes(exc: BaseException):
    """`exc`, then what it wraps: Peewee's first argument, the cause, the context."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop(0)
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        if item.args and isinstance(item.args[0], BaseException):
            todo.append(item.args[0])
        todo.extend((item.__cause__, item.__context__))


def _lost() -> DatabaseFault:
    return DatabaseFault(
        f"The connection to the database server was lost; {KEPT}: try again, and if it "
        "happens again ask your admin whether the server is running."
    )


# PostgreSQL's errors by SQLSTATE (class or code): the server says what it refused.
_PG_FAULTS: list[tuple[str, object]] = [
    ("55P03", _busy),  # lock_not_available: the write lock past lock_timeout
    ("57014", _busy),  # query_canceled (statement_timeout)
    ("40001", lambda: DatabaseBusy(f"A colleague's save got in the way; {KEPT}, so try again.")),
    ("40P01", lambda: DatabaseBusy(f"A colleague's save got in the way; {KEPT}, so try again.")),
    ("53100", _full),  # disk_full
    (
        "25006",
        lambda: DatabaseFault(
            f"The database server is read-only now (a standby, or in recovery); {KEPT}: "
            "ask your admin."
        ),
    ),
    ("08", _lost),  # connection exceptions
    ("57P", _lost),  # the server shutting down
]


def _postgres_fault(cause: BaseException) -> CrmError | None:
    state = getattr(cause, "sqlstate", None)
    if not isinstance(state, str):
        # the driver's own errors carry no SQLSTATE: a connection that broke
        lost = type(cause).__name__ in ("OperationalError", "InterfaceError")
        return _lost() if lost and type(cause).__module__.startswith("psycopg") else None
    if state == "42501" or "row-level security" in str(cause):
        # the server's access rules (crm_tui/services/server_access.py) refused it
        first = str(cause).strip().splitlines()[0] if str(cause).strip() else "refused"
        return PermissionDenied(
            f"Not allowed by the database ({first}); {KEPT}. An admin can change the "
            "role's privileges (crm-tui roles)."
        )
    for prefix, make in _PG_FAULTS:
        if state.startswith(prefix):
            return make()
    return None


def fault_from(exc: BaseException) -> CrmError | None:
    """The DatabaseFault a database exception means (or, on PostgreSQL, the
    PermissionDenied its access rules gave), or None when it is not a fault
    of the database (a bug, or a constraint a service checks itself)."""
    if isinstance(exc, DatabaseFault | PermissionDenied):
        return exc
    for cause in _causes(exc):
        for driver_error, make in _FAULTS:
            if isinstance(cause, driver_error):
                return make()
        found = _postgres_fault(cause)
        if found is not None:
            return found
    return None
