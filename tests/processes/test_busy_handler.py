"""The write-lock wait: close polling, but still bounded by busy_timeout."""

from __future__ import annotations

import threading
import time

import apsw
import pytest

from crm_tui.db import close_database, open_database, write
from crm_tui.errors import DatabaseBusy


def test_a_held_lock_times_out_after_busy_timeout_not_before(tmp_path):
    path = tmp_path / "lock.db"
    open_database(path, busy_timeout_ms=300)
    holder = apsw.Connection(str(path))
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseBusy, match="busy: a colleague's save held it for over 0.3 s"):
            with write():
                pass
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        close_database()
    assert 0.28 <= waited < 1.5


def test_the_lock_is_taken_as_soon_as_it_is_free(tmp_path):
    path = tmp_path / "lock.db"
    open_database(path, busy_timeout_ms=5000)
    holder = apsw.Connection(str(path))
    holder.execute("BEGIN IMMEDIATE")
    release_at = time.monotonic() + 0.2

    def let_go():
        time.sleep(max(0.0, release_at - time.monotonic()))
        holder.execute("ROLLBACK")

    thread = threading.Thread(target=let_go)
    thread.start()
    try:
        with write():
            got_it = time.monotonic()
    finally:
        thread.join()
        holder.close()
        close_database()
    # SQLite's own handler sleeps 50 ms slices by then and could miss it by that much
    assert got_it - release_at < 0.02
