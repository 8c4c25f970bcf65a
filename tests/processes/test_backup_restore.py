"""Backup and restore with real processes and real files: a backup that
finishes while other processes write, permissions that never widen, nothing
half-written left behind, a WAL that is cut back, and a restore that checks
the backup and refuses a database someone has open."""

from __future__ import annotations

import contextlib
import grp
import multiprocessing
import os
import pwd
import queue as queue_module
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import apsw
import pytest
from fault_support import fill, is_root, small_file_system, unwritable

from crm_tui import cli
from crm_tui.db import close_database, database, open_database, restore, wal
from crm_tui.db.migrations import LATEST
from crm_tui.errors import DatabaseRefused
from crm_tui.runtime import open_for_user
from crm_tui.services import session, users
from crm_tui.services.customers import accounts

sys.path.insert(0, str(Path(__file__).parents[1]))
import backup_workers  # noqa: E402

WRITERS = 4
MIB = 1024 * 1024


@pytest.fixture(autouse=True)
def _closed_afterwards():
    yield
    session.act_as(None)
    close_database()


@pytest.fixture
def ctx():
    return multiprocessing.get_context("spawn")


def crm(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the command line in this process, with the database closed after."""
    code = cli.main(list(argv))
    close_database()
    out, err = capsys.readouterr()
    return code, out, err


def crm_process(*argv: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the command line as its own process, as a person or cron would."""
    return subprocess.run(
        [sys.executable, "-m", "crm_tui", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def new_database(capsys, path: Path, *account_names: str, filler_mib: int = 0) -> None:
    """A database made by `init` (this OS login its admin) with some accounts,
    and `filler_mib` MiB of extra pages so a copy spans many pages."""
    code, _, err = crm(capsys, "init", str(path))
    assert code == 0, err
    open_for_user(path)
    for name in account_names:
        accounts.create({"name": name})
    if filler_mib:
        database.execute_sql("CREATE TABLE test_filler (b BLOB)")
        for _ in range(filler_mib):
            database.execute_sql("INSERT INTO test_filler VALUES (randomblob(?))", (MIB,))
    session.act_as(None)
    close_database()


def account_names(path: Path) -> list[str]:
    conn = apsw.Connection(str(path), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        return [row[0] for row in conn.execute("SELECT name FROM account ORDER BY name")]
    finally:
        conn.close()


def one_line(err: str) -> bool:
    return err.startswith("crm-tui: ") and err.count("\n") == 1 and "Traceback" not in err


def partials(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".partial-" in p.name)


def other_group() -> int | None:
    """A group this process may give its files, other than its own."""
    mine = os.getegid()
    if is_root():
        return next((g.gr_gid for g in grp.getgrall() if g.gr_gid != mine), None)
    return next((g for g in os.getgroups() if g != mine), None)


# --- backup ---------------------------------------------------------------------------


def test_backup_finishes_while_other_processes_write(tmp_path, capsys, ctx):
    path, dest = tmp_path / "crm.db", tmp_path / "backups" / "crm-backup.db"
    # 24 MiB: many more pages than a copy slice, so a copy that started over
    # on every commit would never finish.
    new_database(capsys, path, "Shared Account", filler_mib=64)
    open_for_user(path)
    logins = [f"writer{i}" for i in range(WRITERS)]
    for login in logins:
        users.add(login, login, "agent")
    account_id = database.execute_sql("SELECT id FROM account").fetchone()[0]
    session.act_as(None)
    close_database()

    stop, counter, queue = ctx.Event(), ctx.Value("i", 0), ctx.Queue()
    procs = [
        ctx.Process(
            target=backup_workers.write_until,
            args=(str(path), login, account_id, stop, counter, queue),
        )
        for login in logins
    ]
    for p in procs:
        p.start()
    try:
        deadline = time.monotonic() + 120  # a guard against a hang, not a budget
        while counter.value < 20 * WRITERS and time.monotonic() < deadline:
            time.sleep(0.05)
        before = counter.value
        result = crm_process("--db", str(path), "backup", str(dest))
        after = counter.value
    finally:
        stop.set()
        reports = [queue.get(timeout=120) for _ in procs]
        for p in procs:
            p.join(30)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"backed up to {dest}\n"
    assert [r["errors"] for r in reports] == [[]] * WRITERS
    assert after > before, "the writers were not writing while the backup ran"

    # One self-contained file, nothing else left in the folder.
    assert sorted(p.name for p in dest.parent.iterdir()) == [dest.name]
    assert dest.read_bytes()[18:20] == b"\x01\x01"  # rollback journal, not WAL
    copy = apsw.Connection(str(dest), flags=apsw.SQLITE_OPEN_READONLY)
    assert copy.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    copied, last_id = copy.execute("SELECT count(*), max(id) FROM activity").fetchone()
    copied_audits = copy.execute(
        "SELECT count(*) FROM audit_entry WHERE record_type = 'activity'"
    ).fetchone()[0]
    copy.close()

    # A snapshot of the live database: every activity committed up to the
    # last one in the copy, each with its audit entry, and none after it.
    live = apsw.Connection(str(path))
    assert (
        live.execute("SELECT count(*) FROM activity WHERE id <= ?", (last_id,)).fetchone()[0]
        == copied
    )
    assert copied_audits == copied
    total = live.execute("SELECT count(*) FROM activity").fetchone()[0]
    live.close()
    assert before <= copied <= after
    assert total == sum(r["logged"] for r in reports)


@pytest.mark.parametrize(
    ("source_mode", "backup_mode"),
    [(0o660, 0o660), (0o644, 0o640), (0o600, 0o600), (0o775, 0o660), (0o640, 0o640)],
)
@pytest.mark.parametrize("umask", [0o077, 0o000])
def test_backup_has_the_sources_permissions_never_wider(
    tmp_path, capsys, source_mode, backup_mode, umask
):
    path, dest = tmp_path / "crm.db", tmp_path / "copy.db"
    new_database(capsys, path, "Contoso")
    os.chmod(path, source_mode)
    group = other_group()
    if group is not None:
        os.chown(path, -1, group)
    old = os.umask(umask)
    try:
        code, out, err = crm(capsys, "--db", str(path), "backup", str(dest))
    finally:
        os.umask(old)
    assert code == 0, err
    assert stat.S_IMODE(dest.stat().st_mode) == backup_mode
    assert dest.stat().st_gid == path.stat().st_gid
    assert account_names(dest) == ["Contoso"]


def test_backup_by_someone_who_cannot_give_the_group_has_no_group_access(tmp_path):
    """A backup whose file cannot get the source's group would open the group
    bits to another group: it keeps none instead."""
    if not is_root():
        pytest.skip("runs the backup as another user, which needs root")
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user 'nobody' here")
    shared = Path(os.environ.get("TMPDIR", "/tmp")) / f"crm-backup-test-{os.getpid()}"
    shared.mkdir(mode=0o777)
    try:
        os.chmod(shared, 0o777)
        source, dest = shared / "crm.db", shared / "copy.db"
        conn = apsw.Connection(str(source))
        conn.execute("CREATE TABLE t (x); INSERT INTO t VALUES (1)")
        conn.close()
        os.chmod(source, 0o664)
        os.chown(source, 0, 0)  # the root group, which 'nobody' is not in
        # Forked, not spawned: the child needs no Python executable of its own,
        # which 'nobody' may not be allowed to run.
        fork = multiprocessing.get_context("fork")
        queue = fork.Queue()
        child = fork.Process(
            target=backup_workers.backup_as,
            args=(nobody.pw_uid, nobody.pw_gid, str(source), str(dest), queue),
        )
        child.start()
        assert queue.get(timeout=120) == "ok"
        child.join(30)
        assert dest.stat().st_uid == nobody.pw_uid and dest.stat().st_gid != 0
        assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    finally:
        for item in shared.iterdir():
            item.unlink()
        shared.rmdir()


def test_backup_refuses_an_existing_file_and_leaves_it_alone(tmp_path, capsys):
    path, dest = tmp_path / "crm.db", tmp_path / "copy.db"
    new_database(capsys, path, "Contoso")
    dest.write_text("someone's file")
    code, _, err = crm(capsys, "--db", str(path), "backup", str(dest))
    assert code == 1 and one_line(err) and "exists" in err
    assert dest.read_text() == "someone's file"


def test_a_backup_onto_a_full_disk_leaves_nothing_behind(tmp_path, capsys):
    path = tmp_path / "crm.db"
    new_database(capsys, path, "Contoso", filler_mib=6)
    with small_file_system("4m") as folder:
        code, _, err = crm(capsys, "--db", str(path), "backup", str(folder / "copy.db"))
        assert code == 1 and one_line(err)
        assert "no backup was written" in err and "disk is full" in err
        assert sorted(p.name for p in folder.iterdir()) == []
        filler = fill(folder)
        code, _, err = crm(capsys, "--db", str(path), "backup", str(folder / "copy.db"))
        assert code == 1 and one_line(err) and "disk is full" in err
        assert sorted(p.name for p in folder.iterdir()) == [filler.name]


def test_a_backup_into_an_unwritable_folder_is_one_line(tmp_path, capsys):
    path, folder = tmp_path / "crm.db", tmp_path / "locked"
    new_database(capsys, path, "Contoso")
    folder.mkdir()
    with unwritable(folder):
        code, _, err = crm(capsys, "--db", str(path), "backup", str(folder / "copy.db"))
    assert code == 1 and one_line(err)
    assert f"no backup was written to {folder / 'copy.db'}" in err
    assert list(folder.iterdir()) == []


def test_a_backup_stopped_by_a_signal_leaves_no_partial_file(tmp_path, capsys):
    path, dest = tmp_path / "crm.db", tmp_path / "out" / "copy.db"
    new_database(capsys, path, "Contoso", filler_mib=48)
    dest.parent.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "crm_tui", "--db", str(path), "backup", str(dest)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not partials(dest.parent) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=120)
    # Whenever the signal came, no half-written file stays: either no backup
    # at all, or a complete one.
    assert partials(dest.parent) == []
    if dest.exists():
        assert account_names(dest) == ["Contoso"]
    else:
        assert process.returncode == 128 + signal.SIGTERM


def test_partial_files_of_killed_backups_are_removed(tmp_path, capsys, ctx):
    path, folder = tmp_path / "crm.db", tmp_path / "backups"
    new_database(capsys, path, "Contoso")
    folder.mkdir()
    gone = ctx.Process(target=time.sleep, args=(0,))
    gone.start()
    gone.join()
    dead = folder / f".old.db.partial-{gone.pid}-0a1b2c3d"
    dead.write_bytes(b"half a backup")
    Path(f"{dead}-journal").write_bytes(b"its journal")
    running = folder / f".other.db.partial-{os.getpid()}-0a1b2c3d"
    running.write_bytes(b"a backup in progress")
    code, _, err = crm(capsys, "--db", str(path), "backup", str(folder / "new.db"))
    assert code == 0, err
    assert sorted(p.name for p in folder.iterdir()) == sorted([running.name, "new.db"])


# --- the WAL stays bounded ------------------------------------------------------------


def test_every_connection_limits_the_wal_file(db_path, settings):
    open_database(db_path)
    assert database.execute_sql("PRAGMA journal_size_limit").fetchone()[0] == 64 * MIB


def test_the_wal_is_cut_back_once_a_long_reader_is_done(tmp_path, capsys, ctx, monkeypatch):
    """While a process reads one snapshot the WAL can only grow; once it is
    done, the next commits start the log over and cut the file back."""
    monkeypatch.setattr(wal, "FIRST_RETRY_SECONDS", 0.0)
    monkeypatch.setattr(wal, "LAST_RETRY_SECONDS", 0.0)
    monkeypatch.setattr(wal, "RESTART_WAIT_MS", 5)
    path = tmp_path / "crm.db"
    new_database(capsys, path)
    wal_file = Path(f"{path}-wal")
    ready, release = ctx.Event(), ctx.Event()
    reader = ctx.Process(target=backup_workers.keep_reading, args=(str(path), ready, release))
    reader.start()
    try:
        assert ready.wait(60)
        open_database(path)
        database.execute_sql("CREATE TABLE test_filler (b BLOB)")
        for _ in range(80):
            database.execute_sql("INSERT INTO test_filler VALUES (randomblob(?))", (MIB,))
        grown = wal_file.stat().st_size
    finally:
        release.set()
        reader.join(60)
    for _ in range(3):
        database.execute_sql("INSERT INTO test_filler VALUES (1)")
    assert grown > 64 * MIB
    assert wal_file.stat().st_size <= 64 * MIB


def test_the_wal_stays_small_while_several_processes_write_without_pause(tmp_path, ctx):
    """With writers always busy, SQLite's own checkpoints do not start the log
    over and the -wal file grows with every page written (well past 128 MiB
    here); crm-tui's checkpoints keep it within journal_size_limit."""
    path, rows, commits = tmp_path / "crm.db", 10_000, 1500
    open_database(path, migrate=False)
    database.execute_sql("CREATE TABLE test_filler (b BLOB)")
    database.execute_sql(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        "INSERT INTO test_filler SELECT randomblob(3000) FROM n",
        (rows,),
    )
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    barrier, queue = ctx.Barrier(WRITERS), ctx.Queue()
    procs = [
        ctx.Process(
            target=backup_workers.update_scattered,
            args=(str(path), rows, commits, barrier, queue),
        )
        for _ in range(WRITERS)
    ]
    for p in procs:
        p.start()
    reports, largest = [], 0
    deadline = time.monotonic() + 600  # a guard against a hang, not a budget
    while len(reports) < WRITERS and time.monotonic() < deadline:
        largest = max(largest, Path(f"{path}-wal").stat().st_size)
        with contextlib.suppress(queue_module.Empty):
            reports.append(queue.get(timeout=0.001))
    for p in procs:
        p.join(30)
    assert reports == ["ok"] * WRITERS
    assert 0 < largest <= 64 * MIB


# --- restore --------------------------------------------------------------------------


def test_restore_puts_the_backup_back_into_the_same_file(tmp_path, capsys, ctx):
    path, backup = tmp_path / "crm.db", tmp_path / "monday.db"
    new_database(capsys, path, "Before")
    assert crm(capsys, "--db", str(path), "backup", str(backup))[0] == 0
    open_for_user(path)
    accounts.create({"name": "After"})
    session.act_as(None)
    close_database()
    os.chmod(path, 0o660)
    group = other_group()
    if group is not None:
        os.chown(path, -1, group)
    before = path.stat()

    code, out, err = crm(capsys, "restore", str(backup), "--db", str(path))

    assert code == 0, err
    first, second = out.splitlines()
    assert first == f"restored {path} from {backup} (schema level {LATEST})"
    kept = Path(second.rsplit(" ", 1)[1])
    assert second.startswith("the database as it was is kept in ")
    assert kept.name.startswith("crm.db.before-restore-") and kept.parent == tmp_path
    assert account_names(path) == ["Before"]
    assert account_names(kept) == ["After", "Before"]
    after = path.stat()
    assert (after.st_ino, after.st_gid, stat.S_IMODE(after.st_mode)) == (
        before.st_ino,
        before.st_gid,
        0o660,
    )
    assert (stat.S_IMODE(kept.stat().st_mode), kept.stat().st_gid) == (0o660, before.st_gid)
    assert path.read_bytes()[18:20] == b"\x02\x02"  # still WAL
    # Colleagues open it again as usual and keep working.
    queue, stop, counter = ctx.Queue(), ctx.Event(), ctx.Value("i", 0)
    stop.set()  # one pass: open, and no writes needed beyond opening
    writer = ctx.Process(
        target=backup_workers.write_until,
        args=(str(path), pwd.getpwuid(os.getuid()).pw_name, 1, stop, counter, queue),
    )
    writer.start()
    assert queue.get(timeout=120)["errors"] == []
    writer.join(30)
    code, out, _ = crm(capsys, "--db", str(path), "doctor")
    assert code == 0 and "quick_check: ok" in out


def test_restore_refuses_while_another_process_has_the_database_open(tmp_path, capsys, ctx):
    path, backup = tmp_path / "crm.db", tmp_path / "monday.db"
    new_database(capsys, path, "Before")
    assert crm(capsys, "--db", str(path), "backup", str(backup))[0] == 0
    open_for_user(path)
    accounts.create({"name": "After"})
    session.act_as(None)
    close_database()
    ready, release = ctx.Event(), ctx.Event()
    login = pwd.getpwuid(os.getuid()).pw_name
    app = ctx.Process(target=backup_workers.keep_open, args=(str(path), login, ready, release))
    app.start()
    try:
        assert ready.wait(60)
        code, out, err = crm(capsys, "--db", str(path), "restore", str(backup))
    finally:
        release.set()
        app.join(60)
    assert code == 1 and out == "" and one_line(err)
    assert f"{path} is open in other processes: pid {app.pid} {login} (" in err
    assert "nobody has it open" in err
    assert account_names(path) == ["After", "Before"]
    assert not list(tmp_path.glob("crm.db.before-restore-*"))
    # Once it is closed, the restore goes through.
    code, _, err = crm(capsys, "--db", str(path), "restore", str(backup))
    assert code == 0, err
    assert account_names(path) == ["Before"]


def test_restore_says_how_to_look_when_the_process_cannot_be_seen(tmp_path):
    message = restore._in_use(tmp_path / "crm.db", [], False)
    assert "is open in another process" in message
    assert f"fuser -v {tmp_path / 'crm.db'}" in message and "lsof" in message


def _corrupt_a_table_page(path: Path) -> None:
    conn = apsw.Connection(str(path))
    root = conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'account'").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * size)
        handle.write(b"\xff" * size)


@pytest.mark.parametrize("damage", ["page", "garbage", "empty", "not-crm", "newer"])
def test_restore_refuses_a_bad_backup_and_changes_nothing(tmp_path, capsys, damage):
    path, backup = tmp_path / "crm.db", tmp_path / "bad.db"
    new_database(capsys, path, "Kept")
    if damage in ("page", "newer"):
        assert crm(capsys, "--db", str(path), "backup", str(backup))[0] == 0
        if damage == "page":
            _corrupt_a_table_page(backup)
        else:
            conn = apsw.Connection(str(backup))
            conn.execute(
                "INSERT INTO schema_migration (id, name, applied_at) VALUES (?, 'm_future', '')",
                (LATEST + 1,),
            )
            conn.close()
    elif damage == "garbage":
        backup.write_bytes(b"not a database at all " * 400)
    elif damage == "empty":
        backup.write_bytes(b"")
    else:
        conn = apsw.Connection(str(backup))
        conn.execute("CREATE TABLE other (x)")
        conn.close()
    code, _, err = crm(capsys, "--db", str(path), "restore", str(backup))
    assert code == 1 and one_line(err) and str(backup) in err
    expected = {
        "page": "damaged",
        "garbage": "not a usable backup",
        "empty": "empty file",
        "not-crm": "not a crm-tui database",
        "newer": f"schema level {LATEST + 1} but this crm-tui knows only {LATEST}",
    }[damage]
    assert expected in err
    assert account_names(path) == ["Kept"]
    assert not list(tmp_path.glob("crm.db.before-restore-*"))


def test_restore_creates_a_missing_database_with_the_backups_permissions(tmp_path, capsys):
    path, backup = tmp_path / "crm.db", tmp_path / "monday.db"
    new_database(capsys, path, "Contoso")
    os.chmod(path, 0o640)
    assert crm(capsys, "--db", str(path), "backup", str(backup))[0] == 0
    target = tmp_path / "elsewhere" / "crm.db"
    code, out, err = crm(capsys, "--db", str(target), "restore", str(backup))
    assert code == 0, err
    assert out == f"created {target} from {backup} (schema level {LATEST})\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.stat().st_gid == backup.stat().st_gid
    assert sorted(p.name for p in target.parent.iterdir()) == ["crm.db"]
    assert account_names(target) == ["Contoso"]
    code, out, _ = crm(capsys, "--db", str(target), "doctor")
    assert code == 0 and "journal mode wal" in out


def test_restore_fills_an_empty_file_that_open_refuses(tmp_path, capsys):
    path, backup = tmp_path / "crm.db", tmp_path / "monday.db"
    new_database(capsys, path, "Contoso")
    assert crm(capsys, "--db", str(path), "backup", str(backup))[0] == 0
    empty = tmp_path / "truncated.db"
    empty.write_bytes(b"")
    os.chmod(empty, 0o660)
    with pytest.raises(DatabaseRefused, match="restore a backup into it"):
        open_database(empty)
    code, out, err = crm(capsys, "restore", str(backup), "--db", str(empty))
    assert code == 0, err
    assert out.startswith(f"created {empty} from {backup}")
    assert stat.S_IMODE(empty.stat().st_mode) == 0o660
    assert account_names(empty) == ["Contoso"]
    assert not list(tmp_path.glob("truncated.db.before-restore-*"))


def test_restore_refuses_a_leftover_wal_of_a_deleted_database(tmp_path, capsys):
    path, backup = tmp_path / "crm.db", tmp_path / "monday.db"
    new_database(capsys, path, "Contoso")
    assert crm(capsys, "--db", str(path), "backup", str(backup))[0] == 0
    target = tmp_path / "gone.db"
    Path(f"{target}-wal").write_bytes(b"\x37\x7f\x06\x82" + b"\0" * 4000)
    code, _, err = crm(capsys, "--db", str(target), "restore", str(backup))
    assert code == 1 and one_line(err) and f"{target}-wal" in err
    assert not target.exists()


def test_restore_reads_an_older_wal_style_backup_without_writing_beside_it(tmp_path, capsys):
    """Backups made by earlier versions kept the WAL flag in their header."""
    path, backup = tmp_path / "crm.db", tmp_path / "old-style" / "monday.db"
    new_database(capsys, path, "Contoso")
    backup.parent.mkdir()
    source, copy = apsw.Connection(str(path)), apsw.Connection(str(backup))
    with copy.backup("main", source, "main") as job:
        job.step(-1)
    copy.close()
    source.close()
    assert backup.read_bytes()[18:20] == b"\x02\x02"
    os.chmod(backup.parent, 0o500)  # nothing may be created beside it
    try:
        code, _, err = crm(capsys, "--db", str(tmp_path / "new.db"), "restore", str(backup))
    finally:
        os.chmod(backup.parent, 0o700)
    assert code == 0, err
    assert sorted(p.name for p in backup.parent.iterdir()) == ["monday.db"]
    assert account_names(tmp_path / "new.db") == ["Contoso"]


def test_restore_names_the_database_once(tmp_path, capsys):
    code, _, err = crm(
        capsys, "--db", str(tmp_path / "a.db"), "restore", "b.db", "--db", str(tmp_path / "c.db")
    )
    assert code == 1 and one_line(err) and "name the database once" in err


def test_backup_and_restore_errors_are_one_line_from_the_entry_point(tmp_path):
    result = crm_process("--db", str(tmp_path / "crm.db"), "restore", str(tmp_path / "none.db"))
    assert result.returncode == 1 and one_line(result.stderr)
    assert result.stderr == f"crm-tui: no backup at {tmp_path / 'none.db'}\n"
