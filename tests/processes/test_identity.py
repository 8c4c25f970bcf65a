"""Who is this: the real user id, whatever the environment says; logins are
OS login names as typed; people's names never reach a terminal raw."""

from __future__ import annotations

import re

import apsw
import pytest
from os_users import os_users_fixture  # noqa: F401 - registers `os_users`
from ui_support import iter_segments, screen_text

from crm_tui import cli
from crm_tui.db import close_database, database
from crm_tui.errors import ValidationError
from crm_tui.models import User
from crm_tui.services import session, users

# Nothing a terminal would act on: C0 (newline aside), DEL, C1, bidi controls.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
RAW_NAME = (
    "\x1b[31mMallory\x1b[0m \x1b]8;;https://evil.example\x07Evil\x1b]8;;\x07 "
    "\u202eCorp\u202c \x9b2JInc\x07"
)
SHOWN_NAME = "Mallory Evil Corp Inc"


# --- the real user id, with real OS users ---------------------------------

WHO_AM_I = "from crm_tui.services.session import os_login; print(os_login())"


def audit_of_users(db) -> list[tuple]:
    """(actor login, record login, action, changes) of every audit entry on a user."""
    conn = apsw.Connection(str(db), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        return conn.execute(
            "SELECT actor.login, target.login, a.action, a.changes FROM audit_entry a "
            "LEFT JOIN user actor ON actor.id = a.user_id "
            "JOIN user target ON target.id = a.record_id "
            "WHERE a.record_type = 'user' ORDER BY a.id"
        ).fetchall()
    finally:
        conn.close()


def role_of(db, login: str) -> str:
    conn = apsw.Connection(str(db), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        return conn.execute("SELECT role FROM user WHERE login = ?", (login,)).fetchone()[0]
    finally:
        conn.close()


def test_logname_and_user_do_not_make_an_agent_the_admin(os_users):
    admin, agent = os_users.a, os_users.b
    db = os_users.shared_folder() / "crm.db"
    done = os_users.crm(admin, "init", "--shared", "--group", os_users.group, str(db))
    assert done.returncode == 0, done.stderr
    added = os_users.crm(admin, "--db", str(db), "users", "add", agent.name, "--role", "agent")
    assert added.returncode == 0, added.stderr

    spoof = {"LOGNAME": admin.name, "USER": admin.name}
    who = os_users.python(agent, "-c", WHO_AM_I, env=spoof)
    assert who.stdout.strip() == agent.name, who.stderr

    refused = os_users.crm(
        agent, "--db", str(db), "users", "set-role", agent.name, "admin", **spoof
    )
    assert refused.returncode == 1 and "only an admin" in refused.stderr
    assert refused.stderr.count("\n") == 1
    refused = os_users.crm(agent, "--db", str(db), "users", "add", "zed", **spoof)
    assert refused.returncode == 1 and "only an admin" in refused.stderr
    assert role_of(db, agent.name) == "agent"
    # the only entry is the admin adding the agent; nothing names the admin for a role change
    ((actor, target, action, changes),) = audit_of_users(db)
    assert (actor, target, action) == (admin.name, agent.name, "create")
    assert '"agent"' in changes and '"admin"' not in changes

    listed = os_users.crm(agent, "--db", str(db), "users", "list", **spoof)
    assert listed.returncode == 0, listed.stderr
    assert {line.split()[0] for line in listed.stdout.splitlines()} == {admin.name, agent.name}

    # the same change made by the admin is audited under the admin's name
    changed = os_users.crm(admin, "--db", str(db), "users", "set-role", agent.name, "sales")
    assert changed.returncode == 0, changed.stderr
    assert audit_of_users(db)[-1][:3] == (admin.name, agent.name, "update")


# --- logins are OS login names, as typed -----------------------------------

BAD_LOGINS = ["bob\x1b[31m", "Bob Smith", "-rf", "", "a" * 40, "ali:ce", "bob\n", "../x"]


@pytest.mark.parametrize("login", BAD_LOGINS)
def test_users_add_refuses_what_is_not_an_os_login(db, login):
    before = users.count()
    with pytest.raises(ValidationError) as refused:
        users.add(login, "Someone")
    assert set(refused.value.errors) == {"login"}
    assert not CONTROL.search(str(refused.value))
    assert users.count() == before


def test_users_add_keeps_a_valid_login_exactly(db):
    for login in ("maryam", "m.ahmadi", "svc_crm-1", "Bob", "a" * 32):
        assert users.add(login).login == login


def test_cli_refuses_a_bad_login_in_one_clean_line(db_path, capsys, monkeypatch):
    monkeypatch.setattr(session, "os_login", lambda: "tester")
    assert cli.main(["init", str(db_path)]) == 0
    close_database()
    capsys.readouterr()
    code = cli.main(["--db", str(db_path), "users", "add", "bob\x1b[31m"])
    close_database()
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith("crm-tui: login:") and not CONTROL.search(err.rstrip("\n"))
    session.act_as(None)


# --- full names are stored and shown clean -----------------------------------


def test_a_full_name_is_stored_without_control_characters(db):
    user = users.add("mallory", RAW_NAME)
    assert user.full_name == SHOWN_NAME
    assert User.get(User.login == "mallory").full_name == SHOWN_NAME


def test_users_list_is_clean_even_for_a_raw_row(db, db_path, capsys, monkeypatch):
    # as an older version or another tool might have written it
    database.execute_sql(
        "INSERT INTO user (login, full_name, role, active, created_at, team) "
        "VALUES (?, ?, 'agent', 1, '2026-01-01T00:00:00Z', ?)",
        ("mallory", RAW_NAME, "\x1b[2J\x1b]0;owned\x07North"),
    )
    close_database()
    monkeypatch.setattr(session, "os_login", lambda: "tester")
    code = cli.main(["--db", str(db_path), "users", "list"])
    out, err = capsys.readouterr()
    assert code == 0, err
    line = next(line for line in out.splitlines() if line.startswith("mallory"))
    assert line.split()[:2] == ["mallory", "agent"]
    assert line.endswith(f"{SHOWN_NAME}  [North]")
    assert not CONTROL.search(out.replace("\n", ""))


async def test_the_header_shows_a_raw_full_name_without_control_characters(db):
    from crm_tui.app import CrmApp

    User.update(full_name=RAW_NAME).where(User.id == db.id).execute()
    session.sign_in("tester")
    app = CrmApp()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert f"{SHOWN_NAME} (admin)" in screen_text(app)
        for segment in iter_segments(app):
            assert not CONTROL.search(segment.text), repr(segment.text)
            assert segment.style is None or not segment.style.link, segment
