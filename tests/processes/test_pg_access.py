"""Access enforced by PostgreSQL: an agent connected with a plain driver
connection (what psql does) cannot read or change what the app would refuse,
and the app itself keeps working as that agent under the same rules."""

from __future__ import annotations

import datetime as dt
import secrets

import psycopg
import pytest

from crm_tui.db import close_database, database
from crm_tui.errors import PermissionDenied
from crm_tui.runtime import open_for_user
from crm_tui.services import dates, roles, server_access, session, users
from crm_tui.services.customers import accounts, activities
from crm_tui.services.knowledge import kb, kb_search
from crm_tui.services.sales import quotes
from crm_tui.services.support import cases


@pytest.fixture
def team(pg_server, pg_migrated_database):
    """A database with access installed: an admin, two agents of team
    Support, one of team Field, an account owned by each agent, and a
    manager of team Support."""
    suffix = secrets.token_hex(3)
    names = {who: f"{who}_{suffix}" for who in ("boss", "ann", "ben", "cid", "meg")}
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
    ids["meg"] = users.add(names["meg"], "Meg", "manager").id
    users.set_team(names["meg"], "Support")
    server_access.add_login(names["meg"])
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


def test_temporary_tables_cannot_stand_in_for_the_rules_tables(team):
    # a person's temporary tables come first in their search path; the
    # rules' functions must not find them instead of `user` or a record table
    open_for_user(team["url"], login=team["names"]["boss"])
    roles.set_depth("agent", "account", "read", "own")
    close_database()
    with _psql(team, "ann") as conn:
        conn.execute('CREATE TEMP TABLE "user" (id bigint, login text, active int, role text)')
        conn.execute(
            "INSERT INTO pg_temp.\"user\" VALUES (1, %s, 1, 'admin')", (team["names"]["ann"],)
        )
        assert conn.execute("SELECT crm_role(), crm_user_id()").fetchone() == (
            "agent",
            team["ids"]["ann"],
        )
        conn.execute("CREATE TEMP TABLE account (id bigint)")
        conn.execute("INSERT INTO pg_temp.account VALUES (%s)", (team["owned"]["cid"],))
        history = {
            row[0]
            for row in conn.execute(
                "SELECT record_id FROM audit_entry WHERE record_type = 'account'"
            )
        }
        assert history == {team["owned"]["ann"]}
        found = conn.execute(
            "SELECT count(*) FROM crm_match_account_fts(to_tsquery('simple', 'cid:*'), "
            "'{0, 0, 0.1, 1.0}')"
        ).fetchone()
        assert found == (0,)


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


def test_a_document_number_is_taken_only_by_moving_its_counter_on_by_one(team):
    open_for_user(team["url"], login=team["names"]["boss"])
    with database.atomic():
        server_access.install()  # an admin's `access` again: the same rules
    quotes.create({"name": "Printers", "account_id": team["owned"]["ann"]})
    close_database()
    open_for_user(team["as"]("ann"))
    first = cases.create({"title": "Jammed", "account_id": team["owned"]["ann"]})
    second = cases.create({"title": "Jammed again", "account_id": team["owned"]["ann"]})
    assert (first.number, second.number) == ("CAS-00001", "CAS-00002")
    close_database()
    refused = (
        "UPDATE sequence SET next = next + 2 WHERE name = 'case'",  # past a number
        "UPDATE sequence SET next = next - 1 WHERE name = 'case'",  # back to a used one
        "UPDATE sequence SET name = 'contract', next = next + 1 WHERE name = 'case'",
        "UPDATE sequence SET next = next + 1 WHERE name = 'quote'",  # agents make no quotes
        "INSERT INTO sequence (name, next) VALUES ('contract', 2)",
        "INSERT INTO sequence (name, next) VALUES ('lead', 2)",  # leads are not numbered
    )
    with _psql(team, "ann") as conn:
        for sql in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
        assert conn.execute("DELETE FROM sequence").rowcount == 0
        # what numbers.next_number does: taking CAS-00003
        taken = conn.execute(
            "INSERT INTO sequence (name, next) VALUES ('case', 2) ON CONFLICT (name) "
            "DO UPDATE SET next = sequence.next + 1 RETURNING next - 1"
        ).fetchone()
        assert taken == (3,)
        assert dict(conn.execute("SELECT name, next FROM sequence")) == {"case": 4, "quote": 2}


def _kb_as(team, who):
    """The app signed in as `who`, connected as their own role."""
    close_database()
    return open_for_user(team["as"](who))


def _published(team, author, reviewer, title):
    _kb_as(team, author)
    draft = kb.create({"title": title, "body": "Hold the button for five seconds."})
    draft = kb.submit(draft.id, draft.version)
    _kb_as(team, reviewer)
    approved = kb.approve(draft.id, draft.version)
    return kb.publish(approved.id, approved.version)


def test_a_draft_is_written_by_its_author_and_reviewed_only_by_its_reviewers(team):
    _kb_as(team, "ann")
    draft = kb.create({"title": "Resetting the badge printer", "body": "Hold the button."})
    close_database()
    with _psql(team, "ann") as conn:
        for forged in (
            "state = 'published', published_at = '2026-01-01T00:00:00.000000'",
            "state = 'approved'",
            "review_comment = 'Looks good'",
            "view_count = view_count - 1",
            "number = 'KA-09999'",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"UPDATE kb_article SET {forged} WHERE id = %s", (draft.id,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO kb_article (created_at, modified_at, owner_id, state, number, "
                "title, title_sort, published_at) VALUES ('2026-01-01', '2026-01-01', %s, "
                "'published', 'KA-09999', 'Unreviewed', 'unreviewed', '2026-01-01')",
                (team["ids"]["ann"],),
            )
        # the author's own: writing the draft and sending it for review
        conn.execute(
            "UPDATE kb_article SET title = 'Resetting a badge printer', reviewer_id = %s "
            "WHERE id = %s",
            (team["ids"]["ben"], draft.id),
        )
        conn.execute("UPDATE kb_article SET state = 'in_review' WHERE id = %s", (draft.id,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE kb_article SET title = 'Under review' WHERE id = %s", (draft.id,))
    with _psql(team, "cid") as conn:  # neither its author nor a reviewer: it is hidden
        hidden = conn.execute("UPDATE kb_article SET state = 'approved' WHERE id = %s", (draft.id,))
        assert hidden.rowcount == 0
    # the reviewer it names, an agent, reviews it in the app; a manager archives it
    _kb_as(team, "ben")
    row = kb.get(draft.id)
    row = kb.approve(row.id, row.version)
    row = kb.publish(row.id, row.version)
    assert row.state == "published"
    _kb_as(team, "meg")
    assert kb.archive(row.id, row.version).state == "archived"


def test_readers_move_an_articles_counts_only_as_reading_rating_and_linking_do(team):
    article = _published(team, "ann", "meg", "Clearing a paper jam")
    case_id, other_case = _case_of(team, "cid"), _case_of(team, "ann")
    _kb_as(team, "cid")  # neither its author nor a reviewer
    kb.record_view(article.id)
    kb.rate(article.id, 4)
    kb.rate(article.id, 5)  # again: replaces the first
    row = kb.link_case(article.id, case_id)
    assert (row.view_count, row.rating_total, row.rating_count, row.helped_count) == (1, 5, 1, 1)
    close_database()
    with _psql(team, "cid") as conn:
        for forged in (
            "view_count = view_count - 1",
            "rating_total = 25, rating_count = 5",
            "helped_count = helped_count + 1",  # no case linked with it
            "title = 'Paper jams, mine now'",
            "state = 'archived'",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"UPDATE kb_article SET {forged} WHERE id = %s", (article.id,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO kb_rating (article_id, user_id, stars, rated_at) "
                "VALUES (%s, %s, 5, '2026-01-01')",
                (article.id, team["ids"]["ben"]),
            )  # in someone else's name
        assert conn.execute("DELETE FROM kb_rating").rowcount == 0
        assert conn.execute("DELETE FROM kb_article_case").rowcount == 0
        conn.execute(
            "UPDATE kb_article SET view_count = view_count + 3 WHERE id = %s", (article.id,)
        )
        # linking another case counts one up, in the transaction of the link
        with conn.transaction():
            conn.execute(
                "INSERT INTO kb_article_case (article_id, case_id, linked_at, linked_by_id) "
                "VALUES (%s, %s, '2026-01-01', %s)",
                (article.id, other_case, team["ids"]["cid"]),
            )
            conn.execute(
                "UPDATE kb_article SET helped_count = helped_count + 1 WHERE id = %s",
                (article.id,),
            )
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(
                    "UPDATE kb_article SET helped_count = helped_count + 1 WHERE id = %s",
                    (article.id,),
                )  # one link counts once
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "UPDATE kb_article SET helped_count = helped_count + 1 WHERE id = %s",
                (article.id,),
            )  # that link was counted in its own transaction
        assert conn.execute(
            "SELECT view_count, rating_total, rating_count, helped_count FROM kb_article "
            "WHERE id = %s",
            (article.id,),
        ).fetchone() == (4, 5, 1, 2)
    with _psql(team, "meg") as conn:  # deleting it takes its ratings and links along
        assert conn.execute("DELETE FROM kb_article WHERE id = %s", (article.id,)).rowcount == 1
        assert conn.execute("SELECT count(*) FROM kb_rating").fetchone() == (0,)


def test_the_calendar_publishes_and_expires_versions_as_their_author_reads(team):
    first = _published(team, "ann", "meg", "Replacing the toner")
    _kb_as(team, "ann")
    draft = kb.new_version(first.id)
    draft = kb.submit(draft.id, draft.version)
    _kb_as(team, "meg")
    approved = kb.approve(draft.id, draft.version)
    kb.publish(approved.id, approved.version, on=dates.today() + dt.timedelta(days=3))
    close_database()
    with _psql(team, "ann") as conn:  # the author cannot publish it before its day
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "UPDATE kb_article SET state = 'published', publish_on = NULL, "
                "published_at = '2026-01-01T00:00:00.000000' WHERE id = %s",
                (draft.id,),
            )
        for early in ("state = 'expired'", "state = 'archived'"):  # 1.0 is not due for either
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"UPDATE kb_article SET {early} WHERE id = %s", (first.id,))
    open_for_user(team["url"], login=team["names"]["boss"])
    today = dates.today().isoformat()
    database.execute_sql("UPDATE kb_article SET publish_on = ? WHERE id = ?", (today, draft.id))
    # the day has come: the author's reading publishes it, archiving 1.0
    _kb_as(team, "ann")
    assert kb.get(draft.id).state == "published"
    assert kb.get(first.id).state == "archived"
    open_for_user(team["url"], login=team["names"]["boss"])
    database.execute_sql("UPDATE kb_article SET expires_on = ? WHERE id = ?", (today, draft.id))
    _kb_as(team, "ann")  # her reading expires it too: she is no reviewer
    assert kb.get(draft.id).state == "expired"


def test_any_reader_expires_a_version_whose_day_has_come(team):
    # ben neither wrote nor reviews it: the expired version stays readable to
    # him on the server (it was published), so his search can expire it
    first = _published(team, "ann", "meg", "Cleaning the fuser")
    open_for_user(team["url"], login=team["names"]["boss"])
    today = dates.today().isoformat()
    database.execute_sql("UPDATE kb_article SET expires_on = ? WHERE id = ?", (today, first.id))
    _kb_as(team, "ben")
    assert kb_search.search("fuser") == []
    assert kb.get(first.id).state == "expired"
    close_database()
    with _psql(team, "ben") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE kb_article SET state = 'published' WHERE id = %s", (first.id,))


def test_a_named_reviewer_publishing_a_new_version_archives_the_old_one(team):
    first = _published(team, "ben", "meg", "Calibrating the scanner")
    _kb_as(team, "ann")
    draft = kb.new_version(first.id)
    draft = kb.update(draft.id, draft.version, {"reviewer_id": team["ids"]["ben"]})
    draft = kb.submit(draft.id, draft.version)
    _kb_as(team, "ben")  # reviews 1.1, not 1.0 (which he wrote)
    approved = kb.approve(draft.id, draft.version)
    assert kb.publish(approved.id, approved.version).state == "published"
    assert kb.get(first.id).state == "archived"
