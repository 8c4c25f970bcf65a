"""Faults of the database meet a save as one plain sentence, never a crash:
a lock held by another process, a full disk, a read-only file, an I/O error,
the file deleted or replaced. Every fault here is real."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from fault_support import (
    fill,
    is_root,
    lock_held_by_another_process,
    small_file_system,
    unwritable,
)

from crm_tui import config
from crm_tui.db import close_database, database, replaced
from crm_tui.errors import DatabaseBusy, DatabaseFault, DatabaseRefused
from crm_tui.models import Account
from crm_tui.runtime import open_for_user
from crm_tui.services import session
from crm_tui.services.customers import accounts


@pytest.fixture(autouse=True)
def _closed():
    yield
    session.act_as(None)
    close_database()


def _open(path: Path, busy_timeout_ms: int = 200):
    return open_for_user(path, config.Settings(busy_timeout_ms=busy_timeout_ms), login="tester")


def test_a_lock_held_past_the_timeout_is_busy_and_nothing_is_written(tmp_path):
    path = tmp_path / "crm.db"
    _open(path)
    accounts.create({"name": "Before"})
    with lock_held_by_another_process(path):
        with pytest.raises(DatabaseBusy) as caught:
            accounts.create({"name": "During"})
    message = str(caught.value)
    assert message == (
        "The database is busy: a colleague's save held it for over 0.2 seconds; "
        "nothing was saved, so try again."
    )
    assert caught.value.retry
    accounts.create({"name": "After"})
    assert [a.name for a in Account.select().order_by(Account.id)] == ["Before", "After"]


def test_a_full_disk_refuses_the_save_and_the_database_still_reads(tmp_path):
    with small_file_system("16m") as folder:
        path = folder / "crm.db"
        _open(path)
        accounts.create({"name": "Kept"})
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        filler = fill(folder)
        with pytest.raises(DatabaseFault) as caught:
            for n in range(50):  # the first writes may still fit in free pages
                accounts.create({"name": f"Account {n}", "description": "x" * 2000})
        assert "The disk holding the database is full; nothing was saved" in str(caught.value)
        assert not caught.value.retry
        names = [a.name for a in Account.select().order_by(Account.id)]
        assert names[0] == "Kept"
        filler.unlink()
        accounts.create({"name": "After the space was freed"})
        assert Account.select().where(Account.name == "After the space was freed").exists()
        close_database()


def test_a_read_only_file_opens_for_reading_and_refuses_saves(tmp_path):
    path = tmp_path / "crm.db"
    _open(path)
    accounts.create({"name": "Readable"})
    close_database()
    with unwritable(path):
        _open(path)
        assert Account.select().count() == 1
        with pytest.raises(DatabaseFault) as caught:
            accounts.create({"name": "Never"})
        assert str(caught.value).startswith(
            "The database cannot be written (the file or its folder is read-only for you); "
            "nothing was saved"
        )
        close_database()
    _open(path)
    assert [a.name for a in Account.select()] == ["Readable"]


def test_an_io_error_while_the_app_runs_is_a_fault_not_a_crash(tmp_path):
    if not is_root():
        pytest.skip("only an immutable file (root) fails writes through an open descriptor")
    path = tmp_path / "crm.db"
    _open(path)
    accounts.create({"name": "First"})
    # the files turn unwritable under the open connection: the next write
    # to them fails in the kernel (EPERM/EACCES), which SQLite reports as I/O
    with unwritable(path, Path(f"{path}-wal")):
        with pytest.raises(DatabaseFault) as caught:
            accounts.create({"name": "Lost?"})
        assert str(caught.value).startswith(
            "The disk reported an error while saving; nothing was saved: try again"
        )
    accounts.create({"name": "Second"})
    assert [a.name for a in Account.select().order_by(Account.id)] == ["First", "Second"]


def test_a_deleted_database_file_refuses_writes(tmp_path):
    path = tmp_path / "crm.db"
    _open(path)
    accounts.create({"name": "Before"})
    assert not replaced()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    assert replaced()
    with pytest.raises(DatabaseFault, match="was deleted or replaced while crm-tui was open"):
        accounts.create({"name": "Into the void"})


def test_a_replaced_database_file_refuses_writes(tmp_path):
    path = tmp_path / "crm.db"
    _open(path)
    accounts.create({"name": "Before"})
    other = tmp_path / "other.db"
    shutil.copy(path, other)
    os.replace(other, path)  # a careless restore: a plain copy moved into place
    with pytest.raises(DatabaseFault, match="deleted or replaced"):
        accounts.create({"name": "Lost"})


def test_an_empty_file_is_not_adopted_as_a_new_database(tmp_path):
    path = tmp_path / "crm.db"
    path.write_bytes(b"")
    with pytest.raises(DatabaseRefused, match="is an empty file, not a crm-tui database"):
        _open(path)
    assert path.stat().st_size == 0


def test_doctor_reports_a_database_the_user_cannot_write(tmp_path, capsys):
    from crm_tui import cli

    path = tmp_path / "crm.db"
    _open(path)
    close_database()
    with unwritable(path):
        code = cli.main(["--db", str(path), "doctor"])
        close_database()
    out = capsys.readouterr().out
    assert code == 1
    line = next(line for line in out.splitlines() if "write" in line and "cannot" in line)
    assert line.startswith("FAIL  you cannot write crm.db: nothing you do in crm-tui can be saved")
    assert cli.main(["--db", str(path), "doctor"]) == 0
    close_database()
    assert "ok    you can write the database" in capsys.readouterr().out


def test_an_empty_file_is_one_line_from_the_command_line_and_a_doctor_failure(tmp_path, capsys):
    from crm_tui import cli

    path = tmp_path / "crm.db"
    path.write_bytes(b"")
    assert cli.main(["--db", str(path), "users", "list"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is an empty file, not a crm-tui database" in err
    assert cli.main(["--db", str(path), "doctor"]) == 1
    assert "FAIL" in capsys.readouterr().out
    assert path.stat().st_size == 0
