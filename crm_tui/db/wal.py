"""Keeping the -wal file bounded while many processes write all day.

SQLite's automatic checkpoint (PASSIVE, once the log holds 1000 pages)
copies pages back into the database but starts the log over only when the
connection that writes next began reading after a complete checkpoint; with
several processes writing without pause that moment never comes, and the
-wal file grows without end (hundreds of MB a minute with four busy writers).
A RESTART checkpoint makes that moment: it keeps writers out for as long as
the readers of the old log need to finish, so it is tried only once the log
is long and waits a few milliseconds at most; after refusals (a long reader
such as a backup) it waits longer and longer, up to a few seconds, before
stalling writers again.
PRAGMA journal_size_limit (db.open_database) then cuts the file back when
the log starts over.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import apsw

PASSIVE_PAGES = 1000  # SQLite's own automatic checkpoint
RESTART_PAGES = 4096  # 16 MiB of log at 4 KiB pages
RESTART_WAIT_MS = 25
FIRST_RETRY_SECONDS = 0.1
LAST_RETRY_SECONDS = 2.0


def keep_small(conn: apsw.Connection, busy: Callable[[int], bool] | None) -> None:
    """Checkpoint `conn`'s log after its commits, in place of SQLite's
    automatic checkpoint. `busy` is the connection's busy handler, put back
    after each RESTART attempt (which waits with a short one of its own)."""
    retry = {"at": 0.0, "after": FIRST_RETRY_SECONDS}

    def after_commit(c: apsw.Connection, name: str, pages: int) -> int:
        # The commit is done whatever happens here: a checkpoint that fails
        # is tried again after a later commit, so nothing is raised.
        try:
            now = time.monotonic()
            if pages >= RESTART_PAGES and now >= retry["at"]:
                outcome = _restart(c, name, busy)
                if outcome == "held":
                    retry["at"] = now + retry["after"]
                    retry["after"] = min(2 * retry["after"], LAST_RETRY_SECONDS)
                elif outcome == "contended":
                    retry["at"] = now + FIRST_RETRY_SECONDS
                else:
                    retry["after"] = FIRST_RETRY_SECONDS
            elif pages >= PASSIVE_PAGES:
                c.wal_checkpoint(name, apsw.SQLITE_CHECKPOINT_PASSIVE)
        except apsw.Error:
            pass
        return apsw.SQLITE_OK

    conn.set_wal_hook(after_commit)


def _restart(conn: apsw.Connection, name: str, busy: Callable[[int], bool] | None) -> str:
    """One RESTART checkpoint, waiting at most about RESTART_WAIT_MS: "done";
    "held" when a reader or writer kept its lock past the wait (stalling the
    writers meanwhile); "contended" when other processes' checkpoints kept
    the checkpoint lock, which stalls nobody."""
    waiting = _Waiting(RESTART_WAIT_MS / 1000)
    conn.set_busy_handler(waiting)
    deadline = time.monotonic() + RESTART_WAIT_MS / 1000
    try:
        while True:
            try:
                conn.wal_checkpoint(name, apsw.SQLITE_CHECKPOINT_RESTART)
                return "done"
            except apsw.BusyError:
                if waiting.gave_up:
                    return "held"
                # SQLite does not wait for the checkpoint lock, which the other
                # writers' PASSIVE checkpoints hold much of the time.
                if time.monotonic() >= deadline:
                    return "contended"
                time.sleep(0.0005)
    finally:
        if busy is not None:
            conn.set_busy_handler(busy)
        else:
            conn.set_busy_timeout(0)


class _Waiting:
    """A busy handler that gives up after `seconds` for each lock, polling
    closely: the writer lock passes between busy writers within a millisecond."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = 0.0
        self.gave_up = False

    def __call__(self, attempt: int) -> bool:
        if attempt == 0:
            self.deadline = time.monotonic() + self.seconds
        elif time.monotonic() >= self.deadline:
            self.gave_up = True
            return False
        time.sleep(0.0002)
        return True
