"""`init --shared` as the README tells an admin to do it, with real OS users.

Root makes the folder and gives it to the group; the admin, a member who is
not root, creates the database there; another member then works in it.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from os_users import os_users_fixture  # noqa: F401 - registers `os_users`

from crm_tui import cli
from crm_tui.db import close_database
from crm_tui.services import session, users

# Run as a member: open the database, save an account the way the app does,
# and report the files while they are open (SQLite removes -wal/-shm on close).
WRITE_AS_MEMBER = """
import json, os, sys
from crm_tui.runtime import open_for_user
from crm_tui.services.customers import accounts
path = sys.argv[1]
open_for_user(path)
accounts.create({"name": "Written by a member", "annual_revenue": "12.50"})
files = {}
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(path + suffix):
        info = os.stat(path + suffix)
        files[suffix] = [info.st_gid, info.st_mode & 0o777]
print(json.dumps(files))
"""


def group_rw(path: Path, gid: int) -> bool:
    info = path.stat()
    return info.st_gid == gid and info.st_mode & 0o660 == 0o660


def test_the_readme_steps_work_for_an_admin_who_is_not_root(os_users):
    admin, member = os_users.a, os_users.b
    folder = os_users.shared_folder()  # as root, exactly as the README says
    db = folder / "crm.db"

    done = os_users.crm(admin, "init", "--shared", "--group", os_users.group, str(db))
    assert done.returncode == 0, done.stderr
    assert f"{admin.name} is its admin" in done.stdout
    # init left root's folder as it was
    info = folder.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (0, os_users.gid, 0o2770)
    assert db.stat().st_uid == admin.uid and stat.S_IMODE(db.stat().st_mode) == 0o660
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        assert not path.exists() or group_rw(path, os_users.gid), path

    added = os_users.crm(
        admin, "--db", str(db), "users", "add", member.name, "--name", "Maryam", "--role", "sales"
    )
    assert added.returncode == 0, added.stderr
    doctor = os_users.crm(admin, "--db", str(db), "doctor")
    assert doctor.returncode == 0 and "FAIL" not in doctor.stdout, doctor.stdout + doctor.stderr

    # The member writes (as the app does) and the files SQLite made for them keep the group.
    wrote = os_users.python(member, "-c", WRITE_AS_MEMBER, str(db))
    assert wrote.returncode == 0, wrote.stderr
    files = json.loads(wrote.stdout)
    assert set(files) == {"", "-wal", "-shm"}
    for suffix, (gid, mode) in files.items():
        assert gid == os_users.gid and mode & 0o660 == 0o660, (suffix, gid, oct(mode))

    exported = os_users.crm(member, "--db", str(db), "export", "accounts")
    assert exported.returncode == 0, exported.stderr
    assert "Written by a member" in exported.stdout and "12.50" in exported.stdout
    # ...and the admin reads and writes after the member did
    exported = os_users.crm(admin, "--db", str(db), "export", "accounts", "--format", "json")
    assert json.loads(exported.stdout)[0]["name"] == "Written by a member"
    promoted = os_users.crm(admin, "--db", str(db), "users", "set-role", member.name, "admin")
    assert promoted.returncode == 0, promoted.stderr

    # a write through a command, by the member
    added = os_users.crm(member, "--db", str(db), "users", "add", "carol", "--name", "Carol")
    assert added.returncode == 0, added.stderr
    listed = os_users.crm(admin, "--db", str(db), "users", "list")
    assert "carol" in listed.stdout
    doctor = os_users.crm(member, "--db", str(db), "doctor")
    assert doctor.returncode == 0 and "FAIL" not in doctor.stdout, doctor.stdout + doctor.stderr


def test_a_folder_that_is_not_set_up_is_refused_in_one_line(os_users):
    admin = os_users.a
    folder = os_users.root / "plain"
    folder.mkdir()
    folder.chmod(0o755)  # root's, as mkdir leaves it: nobody else may write
    db = folder / "crm.db"

    refused = os_users.crm(admin, "init", "--shared", "--group", os_users.group, str(db))
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith(f"crm-tui: {folder} is not set up for group")
    assert f"sudo chgrp {os_users.group} {folder} && sudo chmod 2770 {folder}" in refused.stderr
    assert "ask its owner (root)" in refused.stderr
    assert list(folder.iterdir()) == []  # nothing half made
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755 and folder.stat().st_gid == 0


def test_a_missing_folder_the_admin_cannot_make_is_refused_in_one_line(os_users):
    parent = os_users.root / "srv"
    parent.mkdir(mode=0o755)
    db = parent / "crm" / "crm.db"

    refused = os_users.crm(os_users.a, "init", "--shared", "--group", os_users.group, str(db))
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    assert f"cannot create {parent / 'crm'}" in refused.stderr
    assert f"sudo mkdir -p {parent / 'crm'} && sudo chgrp {os_users.group}" in refused.stderr
    assert list(parent.iterdir()) == []


def test_the_admins_own_folder_is_set_up_by_init(os_users):
    admin = os_users.a
    folder = admin.home / "crm"
    folder.mkdir(mode=0o755)
    os.chown(folder, admin.uid, admin.gid)
    db = folder / "crm.db"

    done = os_users.crm(admin, "init", "--shared", "--group", os_users.group, str(db))
    assert done.returncode == 0, done.stderr
    info = folder.stat()
    assert info.st_gid == os_users.gid and info.st_mode & 0o2070 == 0o2070
    assert group_rw(db, os_users.gid)
    doctor = os_users.crm(admin, "--db", str(db), "doctor")
    assert doctor.returncode == 0 and "FAIL" not in doctor.stdout, doctor.stdout


def test_a_failed_init_leaves_no_half_made_database(tmp_path, capsys, monkeypatch):
    def fail(shared: bool) -> None:
        raise OSError("disk full")

    real = users.mark_shared
    monkeypatch.setattr(users, "mark_shared", fail)
    monkeypatch.setattr(session, "os_login", lambda: "alice")
    folder = tmp_path / "crm"
    code = cli.main(["init", str(folder / "crm.db")])
    close_database()
    assert code == 1 and capsys.readouterr().err == "crm-tui: disk full\n"
    assert list(folder.iterdir()) == []
    monkeypatch.setattr(users, "mark_shared", real)
    assert cli.main(["init", str(folder / "crm.db")]) == 0  # and init can be run again
    close_database()
    session.act_as(None)
