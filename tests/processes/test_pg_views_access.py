"""Saved views under the server's access rules: with a plain driver
connection (what psql does) a person reads only their own views and those
shared with their team or everyone, shares nothing unless a manager or an
admin, and changes only their own."""

from __future__ import annotations

import secrets

import psycopg
import pytest

from crm_tui.db import close_database, database
from crm_tui.errors import PermissionDenied
from crm_tui.runtime import open_for_user
from crm_tui.services import server_access, session, users, views


@pytest.fixture
def office(pg_server, pg_migrated_database):
    """Access installed; meg (manager) and ann (agent) in team Support, cid
    (agent) in team Field. Meg keeps a personal view, one for her team and
    one for everyone."""
    suffix = secrets.token_hex(3)
    names = {who: f"{who}_{suffix}" for who in ("boss", "meg", "ann", "cid")}
    url = pg_migrated_database
    open_for_user(url, login=names["boss"])
    with database.atomic():
        server_access.install()
    for who, role, team in (("meg", "manager", "Support"), ("ann", "agent", "Support"),
                            ("cid", "agent", "Field")):  # fmt: skip
        users.add(names[who], who.title(), role)
        users.set_team(names[who], team)
        server_access.add_login(names[who])
    session.act_as(None)
    close_database()
    open_for_user(url, login=names["meg"])
    for name, scope in (("Meg only", "personal"), ("Support", "team"), ("All", "everyone")):
        views.save("account", name, "industry:retail", base_view="active", scope=scope)
    session.act_as(None)
    close_database()
    yield {"url": url, "names": names, "as": lambda who: pg_server.url(url.split("/")[3].split("?")[0], names[who])}  # fmt: skip
    session.act_as(None)
    close_database()


def _psql(office, who):
    return psycopg.connect(office["as"](who), autocommit=True)


def _names(conn) -> list[str]:
    return sorted(r[0] for r in conn.execute("SELECT name FROM saved_view").fetchall())


def test_each_person_reads_their_own_and_what_is_shared_with_them(office):
    with _psql(office, "meg") as conn:
        assert _names(conn) == ["All", "Meg only", "Support"]
    with _psql(office, "ann") as conn:
        assert _names(conn) == ["All", "Support"]
    with _psql(office, "cid") as conn:
        assert _names(conn) == ["All"]


def test_an_agent_shares_nothing_and_changes_only_their_own(office):
    with _psql(office, "ann") as conn:
        ann = conn.execute("SELECT id FROM \"user\" WHERE login = %s",
                           (office["names"]["ann"],)).fetchone()[0]  # fmt: skip
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO saved_view (list, name, base_view, scope, owner_id, created_at, "
                "modified_at) VALUES ('account', 'Ours', 'active', 'team', %s, 'x', 'x')",
                (ann,),
            )
        assert conn.execute("UPDATE saved_view SET name = 'Taken'").rowcount == 0
        assert conn.execute("DELETE FROM saved_view").rowcount == 0
        conn.execute(
            "INSERT INTO saved_view (list, name, base_view, scope, owner_id, created_at, "
            "modified_at) VALUES ('account', 'Mine', 'active', 'personal', %s, 'x', 'x')",
            (ann,),
        )
        assert _names(conn) == ["All", "Mine", "Support"]
    with _psql(office, "meg") as conn:
        assert "Mine" not in _names(conn)


def test_the_app_works_as_the_agent_under_the_same_rules(office):
    open_for_user(office["url"], login=office["names"]["ann"])
    assert [v.name for v in views.visible("account")] == ["All", "Support"]
    mine = views.save("account", "Mine", "city:tehran", base_view="active")
    views.set_default("account", mine.key)
    assert views.default("account") == mine.key
    with pytest.raises(PermissionDenied):  # the app refuses before the server has to
        views.save("account", "Ours", "", base_view="active", scope="everyone")
