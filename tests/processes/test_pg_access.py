"""Access enforced by PostgreSQL: an agent connected with a plain driver
connection (what psql does) cannot read or change what the app would refuse,
and the app itself keeps working as that agent under the same rules."""

from __future__ import annotations

import secrets

import psycopg
import pytest

from crm_tui.db import close_database, database
from crm_tui.errors import PermissionDenied
from crm_tui.runtime import open_for_user
from crm_tui.services import roles, server_access, session, users
from crm_tui.services.customers import accounts, activities
from crm_tui.services.knowledge import kb
from crm_tui.services.support import cases


@pytest.fixture
def team(pg_server, pg_migrated_database):
    """A database with access installed: an admin, two agents of team
    Support, one of team Field, and an account owned by each agent."""
    suffix = secrets.token_hex(3)
    names = {who: f"{who}_{suffix}" for who in ("boss", "ann", "ben", "cid")}
    url = pg_migrated_database
    open_for_user(url, login=names["boss"])
    with database.atomic():
        server_access.install()
    ids = {}
    for who, team_name in (("ann", "Support"), ("ben", "Support"), ("cid", "Field")):
        user = users.add(names[who], who.title(), "agent")
        users.set_team(names[who], team_name)
        server_access.add_login(names[who])
        ids[who] = user.id
    owned = {}
    for who in ("ann", "ben", "cid"):
        account = accounts.create({"name": f"{who.title()}'s customer"})
        database.execute_sql("UPDATE account SET owner_id = ? WHERE id = ?", (ids[who], account.id))
        owned[who] = account.id
    session.act_as(None)
    close_database()
    yield {
        "url": url,
        "names": names,
        "ids": ids,
        "owned": owned,
        "as": lambda who: pg_server.url(url.split("/")[3].split("?")[0], names[who]),
    }
    session.act_as(None)
    close_database()


def _psql(team, who):
    return psycopg.connect(team["as"](who), autocommit=True)


def test_an_agent_cannot_change_a_record_outside_their_team(team):
    with _psql(team, "ann") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "UPDATE account SET name = 'mine now' WHERE id = %s", (team["owned"]["cid"],)
            )
        # a teammate's record: agents write at team depth
        conn.execute(
            "UPDATE account SET name = 'Ben''s, edited' WHERE id = %s", (team["owned"]["ben"],)
        )
        assert conn.execute(
            "SELECT name FROM account WHERE id = %s", (team["owned"]["ben"],)
        ).fetchone() == ("Ben's, edited",)


def test_an_agent_cannot_reassign_a_teammates_record_or_delete_any(team):
    with _psql(team, "ann") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "UPDATE account SET owner_id = %s WHERE id = %s",
                (team["ids"]["ann"], team["owned"]["ben"]),
            )
        # their own record they may give away (assign at own depth)
        conn.execute(
            "UPDATE account SET owner_id = %s WHERE id = %s",
            (team["ids"]["ben"], team["owned"]["ann"]),
        )
        gone = conn.execute("DELETE FROM account WHERE id = %s", (team["owned"]["ann"],))
        assert gone.rowcount == 0
        assert conn.execute("SELECT count(*) FROM account").fetchone() == (3,)


def test_an_agent_cannot_raise_their_role_change_the_rules_or_forge_the_audit(team):
    with _psql(team, "ann") as conn:
        changed = conn.execute(
            "UPDATE \"user\" SET role = 'admin' WHERE login = %s", (team["names"]["ann"],)
        )
        assert changed.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO role_privilege (role, kind, privilege, depth) "
                "VALUES ('agent', 'account', 'delete', 'org')"
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO audit_entry (at, user_id, record_type, record_id, action) "
                "VALUES ('2026-01-01', %s, 'account', %s, 'update')",
                (team["ids"]["ben"], team["owned"]["ben"]),
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SET ROLE postgres")  # the server's superuser


def test_a_narrowed_read_hides_records_their_index_rows_and_their_history(team):
    open_for_user(team["url"], login=team["names"]["boss"])
    roles.set_depth("agent", "account", "read", "own")
    close_database()
    with _psql(team, "ann") as conn:
        seen = [row[0] for row in conn.execute("SELECT id FROM account ORDER BY id")]
        assert seen == [team["owned"]["ann"]]
        indexed = [row[0] for row in conn.execute("SELECT rowid FROM account_fts")]
        assert indexed == [team["owned"]["ann"]]
        history = {
            row[0]
            for row in conn.execute(
                "SELECT record_id FROM audit_entry WHERE record_type = 'account'"
            )
        }
        assert history == {team["owned"]["ann"]}


def test_the_app_works_as_the_agent_and_the_server_backs_its_refusals(team):
    user = open_for_user(team["as"]("ann"))
    assert user.login == team["names"]["ann"]  # who the server says connected
    made = accounts.create({"name": "Made by Ann"})
    assert made.owner_id == team["ids"]["ann"]
    theirs = accounts.get(team["owned"]["cid"])
    with pytest.raises(PermissionDenied):
        accounts.update(theirs.id, theirs.version, {"name": "hijacked"})
    assert accounts.get(theirs.id).name == "Cid's customer"


def _case_of(team, who):
    open_for_user(team["url"], login=team["names"]["boss"])
    case = cases.create({"title": "Printer jams", "account_id": team["owned"][who]})
    database.execute_sql(
        'UPDATE "case" SET owner_id = ?, assigned = 1 WHERE id = ?', (team["ids"][who], case.id)
    )
    close_database()
    return case.id


def test_a_reply_on_another_teams_case_stamps_its_first_response_and_nothing_else(team):
    case_id = _case_of(team, "cid")
    with _psql(team, "ann") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "UPDATE \"case\" SET first_responded_at = '2026-12-05T10:00:00.000000' "
                "WHERE id = %s",
                (case_id,),
            )  # no reply of hers: not a consequence of anything
    open_for_user(team["as"]("ann"))
    activities.log(
        "phone_call",
        "Called back",
        regarding=("case", case_id),
        direction="outgoing",
        state="completed",
    )
    assert cases.get(case_id).first_responded_at is not None
    close_database()
    with _psql(team, "ann") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE \"case\" SET title = 'renamed' WHERE id = %s", (case_id,))


def test_search_finds_only_what_the_person_may_read(team):
    open_for_user(team["url"], login=team["names"]["boss"])
    roles.set_depth("agent", "account", "read", "own")
    assert len(accounts.page(view="all", query="customer").rows) == 3  # the owner sees all
    close_database()
    with _psql(team, "ann") as conn:
        found = conn.execute(
            "SELECT rowid FROM crm_match_account_fts(to_tsquery('simple', 'customer:*'), "
            "'{0, 0, 0.1, 1.0}')"
        ).fetchall()
        assert found == [(team["owned"]["ann"],)]
    open_for_user(team["as"]("ann"))
    names = [row["name"] for row in accounts.page(view="all", query="customer").rows]
    assert names == ["Ann's customer"]


def test_a_draft_article_is_seen_by_its_author_and_reviewers_only(team):
    open_for_user(team["as"]("ann"))
    draft = kb.create({"title": "Resetting the badge printer", "body": "Hold the button."})
    close_database()
    for who, sees in (("ann", 1), ("ben", 0)):
        with _psql(team, who) as conn:
            assert conn.execute(
                "SELECT count(*) FROM kb_article WHERE id = %s", (draft.id,)
            ).fetchone() == (sees,)
            assert conn.execute(
                "SELECT count(*) FROM kb_fts WHERE rowid = %s", (draft.id,)
            ).fetchone() == (sees,)
            found = conn.execute(
                "SELECT count(*) FROM crm_match_kb_fts(to_tsquery('simple', 'badg:*'), "
                "'{0.1, 0.3, 0.6, 1.0}')"
            ).fetchone()
            assert found == (sees,)
