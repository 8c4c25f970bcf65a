"""Schema migrations: fresh files, old files, newer files, concurrent openers;
and the refusal of network file systems."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

import old_rows
import pytest

from crm_tui.db import (
    check_local,
    close_database,
    database,
    dict_rows,
    filesystem_type,
    local_files,
    migrations,
    open_database,
)
from crm_tui.errors import DatabaseRefused
from crm_tui.services import session
from crm_tui.services.customers import accounts, contacts

sys.path.insert(0, str(Path(__file__).parents[1]))
import workers  # noqa: E402


@pytest.fixture(autouse=True)
def _closed_after():
    yield
    session.act_as(None)
    close_database()


def history() -> list[dict]:
    return dict_rows("SELECT id, name, applied_at FROM schema_migration ORDER BY id")


def test_new_file_migrates_to_latest(db_path):
    open_database(db_path)
    assert migrations.applied_level(database) == migrations.LATEST
    rows = history()
    assert [r["id"] for r in rows] == list(range(1, migrations.LATEST + 1))
    assert [r["name"] for r in rows] == migrations.MODULES
    assert all(r["applied_at"] for r in rows)
    tables = {r["name"] for r in dict_rows("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"user", "account", "contact", "note", "activity", "audit_entry"} <= tables
    assert {"account_fts", "contact_fts"} <= tables
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


def test_reopening_applies_nothing(db_path):
    open_database(db_path)
    close_database()
    open_database(db_path)
    assert migrations.upgrade(database) == []
    assert len(history()) == migrations.LATEST


def test_upgrade_stops_at_target(db_path):
    open_database(db_path, migrate=False)
    assert migrations.applied_level(database) == 0
    assert migrations.upgrade(database, target=1) == ["m0001_core"]
    assert migrations.applied_level(database) == 1
    assert [r["id"] for r in history()] == [1]


def _old_database(path: Path) -> None:
    """A level-1 database with rows written before search existed."""
    open_database(path, migrate=False)
    migrations.upgrade(database, target=1)
    now = "2024-05-01T10:00:00.000000"
    with database.atomic("IMMEDIATE"):
        database.execute_sql(
            "INSERT INTO user (id, login, full_name, role, active, created_at)"
            " VALUES (1, 'old', 'Old Timer', 'admin', 1, ?)",
            (now,),
        )
        stamps = old_rows.STAMPS
        database.execute_sql(
            f"INSERT INTO account (id, {stamps}, name, name_sort, city, phone)"
            " VALUES (10, 1, ?, 1, ?, 1, 1, 'Contoso Ltd', 'contoso ltd', 'Harbor',"
            " '+442079460958')",
            (now, now),
        )
        database.execute_sql(
            f"INSERT INTO contact (id, {stamps}, first_name, last_name, full_name, name_sort,"
            " account_id) VALUES (20, 1, ?, 1, ?, 1, 1, 'علی', 'کریمی', 'علی کریمی',"
            " 'کریمی علی', 10)",
            (now, now),
        )
    close_database()


def test_old_database_is_upgraded_and_its_rows_become_searchable(db_path):
    _old_database(db_path)
    open_database(db_path)
    assert [r["id"] for r in history()] == list(range(1, migrations.LATEST + 1))
    session.sign_in("old")

    def ids(rows):
        return [r["id"] for r in rows]

    assert ids(accounts.page(view="all", query="conto").rows) == [10]
    assert ids(accounts.page(view="all", query="harbor").rows) == [10]
    assert ids(accounts.page(view="all", query="2079460958").rows) == [10]
    assert ids(contacts.page(view="all", query="كريمي").rows) == [20]  # Arabic spelling
    assert ids(contacts.page(view="all", query="contoso").rows) == [20]  # company name
    # and the upgraded database works as a new one would
    acc = accounts.update(10, 1, {"name": "Fabrikam"})
    assert acc.version == 2
    assert ids(contacts.page(view="all", query="fabrikam").rows) == [20]


def test_database_from_a_newer_crm_tui_is_refused(db_path):
    open_database(db_path)
    with database.atomic("IMMEDIATE"):
        database.execute_sql(
            "INSERT INTO schema_migration (id, name, applied_at) VALUES (?, 'm9999_future', '')",
            (migrations.LATEST + 1,),
        )
    close_database()
    with pytest.raises(DatabaseRefused) as excinfo:
        open_database(db_path)
    message = str(excinfo.value)
    assert "newer crm-tui" in message
    assert str(migrations.LATEST + 1) in message
    close_database()
    # nothing was changed by the refused open
    open_database(db_path, migrate=False)
    assert [r["id"] for r in history()][-1] == migrations.LATEST + 1


def test_two_processes_opening_a_fresh_file_at_once(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    for round_ in range(3):
        path = tmp_path / f"fresh{round_}.db"
        barrier = ctx.Barrier(2)
        queue = ctx.Queue()
        procs = [
            ctx.Process(target=workers.open_concurrently, args=(str(path), barrier, queue))
            for _ in range(2)
        ]
        for p in procs:
            p.start()
        results = [queue.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(timeout=30)
            assert p.exitcode == 0
        assert [status for status, _ in results] == ["ok", "ok"], results
        open_database(path, migrate=False)
        assert [r["id"] for r in history()] == list(range(1, migrations.LATEST + 1))
        assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
        close_database()


# --- network file systems ---------------------------------------------------------------


def _mounts(tmp_path: Path, kind: str) -> list[tuple[str, str]]:
    return [("/", "ext4"), ("/proc", "proc"), (str(tmp_path.resolve()), kind)]


@pytest.mark.parametrize("kind", ["nfs", "nfs4", "cifs", "smb3", "fuse.sshfs", "9p", "ceph"])
def test_check_local_refuses_network_file_systems(tmp_path, kind):
    with pytest.raises(DatabaseRefused) as excinfo:
        check_local(tmp_path / "crm.db", mounts=_mounts(tmp_path, kind))
    message = str(excinfo.value)
    assert "network file system" in message and kind in message
    assert "local" in message


@pytest.mark.parametrize("kind", ["ext4", "xfs", "btrfs", "tmpfs", "zfs", "overlay"])
def test_check_local_accepts_local_file_systems(tmp_path, kind):
    check_local(tmp_path / "crm.db", mounts=_mounts(tmp_path, kind))


def test_check_local_looks_at_the_folder_that_will_hold_the_file(tmp_path):
    # the folders do not exist yet: open_database would create them on the NFS mount
    target = tmp_path / "not" / "yet" / "crm.db"
    with pytest.raises(DatabaseRefused):
        check_local(target, mounts=_mounts(tmp_path, "nfs"))
    check_local(target, mounts=_mounts(tmp_path, "ext4"))


def test_filesystem_type_uses_the_longest_mount_prefix():
    mounts = [("/", "ext4"), ("/srv", "xfs"), ("/srv/share", "nfs4"), ("/srv/shared-local", "ext4")]
    assert filesystem_type(Path("/srv/share/crm/crm.db"), mounts) == "nfs4"
    assert filesystem_type(Path("/srv/share"), mounts) == "nfs4"
    assert filesystem_type(Path("/srv/shared-local/crm.db"), mounts) == "ext4"
    assert filesystem_type(Path("/srv/sharex/crm.db"), mounts) == "xfs"
    assert filesystem_type(Path("/home/a/crm.db"), mounts) == "ext4"
    assert filesystem_type(Path("/home/a/crm.db"), []) == ""


def test_open_database_refuses_a_network_mount_before_creating_anything(tmp_path, monkeypatch):
    monkeypatch.setattr(local_files, "_mounts", lambda: _mounts(tmp_path, "nfs"))
    target = tmp_path / "share" / "crm.db"
    with pytest.raises(DatabaseRefused, match="network file system"):
        open_database(target)
    assert not target.exists() and not target.parent.exists()


def test_m0012_gives_invoices_paid_before_it_their_payment_day(engine, tmp_path, request):
    """A database at level 11 holding a paid and an active invoice: after
    the upgrade the paid one was received the day it was marked paid, with
    no method or reference; the active one has no payment yet. On both
    engines (PostgreSQL in a fresh, empty database)."""
    if engine == "postgresql":
        target = request.getfixturevalue("pg_database")
    else:
        target = tmp_path / "old.db"
    open_database(target, migrate=False)
    migrations.upgrade(database, target=11)
    now = "2025-03-04T23:30:00.000000"
    stamps = old_rows.STAMPS
    with database.atomic("IMMEDIATE"):
        old_rows.user_and_account(now)
        for invoice_id, state, reason, paid in (
            (1, "paid", "complete", 500),
            (2, "active", "new", 0),
        ):
            database.execute_sql(
                f"INSERT INTO invoice (id, {stamps}, number, name, name_sort, account_id,"
                " currency, state, status_reason, total_amount, paid_amount)"
                " VALUES (?, 1, ?, 1, ?, 1, 1, ?, 'Old', 'old', 1, 'EUR', ?, ?, 500, ?)",
                (invoice_id, now, now, f"INV-0000{invoice_id}", state, reason, paid),
            )
    assert migrations.upgrade(database, target=12) == ["m0012_activity_parties"]
    rows = dict_rows(
        "SELECT id, paid_on, payment_method, payment_reference, paid_amount FROM invoice ORDER BY id"
    )
    assert rows == [
        {"id": 1, "paid_on": "2025-03-04", "payment_method": None, "payment_reference": "",
         "paid_amount": 500},
        {"id": 2, "paid_on": None, "payment_method": None, "payment_reference": "",
         "paid_amount": 0},
    ]  # fmt: skip
    with pytest.raises(Exception, match="(?i)check"):
        with database.atomic():
            database.execute_sql("UPDATE invoice SET payment_method = 'barter' WHERE id = 1")
