"""Knowledge articles: the review lifecycle and who may move it, versions,
scheduled publishing and expiry by date, views, ratings, linking to cases."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_tui import display
from crm_tui.db import dict_rows
from crm_tui.errors import ConflictError, DomainError, ValidationError
from crm_tui.services import dates, search, session, users
from crm_tui.services.customers import accounts, notes
from crm_tui.services.knowledge import kb
from crm_tui.services.support import cases

TODAY = dates.today()


@pytest.fixture
def people(db):
    admin = session.current_user()
    return {
        "admin": admin,
        "agent": users.add("ann", "Ann Agent", "agent"),
        "other": users.add("bob", "Bob Agent", "agent"),
        "manager": users.add("mia", "Mia Manager", "manager"),
    }


def as_(user):
    session.act_as(user)


def written(people, **data):
    as_(people["agent"])
    values = {"title": "Reset a forgotten password", "body": "## Steps\n1. Open the login page",
              "keywords": "password, login"}  # fmt: skip
    values.update(data)
    return kb.create(values)


def published(people, **data):
    row = written(people, **data)
    row = kb.submit(row.id, row.version)
    as_(people["manager"])
    row = kb.approve(row.id, row.version)
    row = kb.publish(row.id, row.version)
    as_(people["agent"])
    return row


def test_create_numbers_a_draft(people):
    first = written(people)
    second = written(people, title="Second")
    assert (first.number, second.number) == ("KA-00001", "KA-00002")
    assert (first.state, first.major, first.minor, first.language) == ("draft", 1, 0, "en")
    assert kb.display_number(first) == "KA-00001 v1.0"
    with pytest.raises(ValidationError) as caught:
        kb.create({"title": " ", "language": "xx", "expires_on": "soon"})
    assert set(caught.value.errors) == {"title", "language", "expires_on"}


def test_full_lifecycle_and_who_may_move_it(people):
    row = written(people)
    with pytest.raises(DomainError, match="is draft; it must be in review to be approved"):
        kb.approve(row.id, row.version)
    row = kb.submit(row.id, row.version)
    assert row.state == "in_review"
    # the author (an agent) can neither approve nor publish
    with pytest.raises(DomainError, match="only a reviewer can approve"):
        kb.approve(row.id, row.version)
    as_(people["manager"])
    row = kb.reject(row.id, row.version, "Add a screenshot of step 2")
    assert (row.state, row.review_comment) == ("draft", "Add a screenshot of step 2")
    with pytest.raises(ValidationError) as invalid:
        kb.reject(row.id, row.version, "  ")
    assert invalid.value.errors == {"comment": "say what the author should change"}
    as_(people["agent"])
    row = kb.update(row.id, row.version, {"body": "## Steps\n1. Open the login page\n2. …"})
    row = kb.submit(row.id, row.version)
    as_(people["manager"])
    row = kb.approve(row.id, row.version, "Good")
    as_(people["agent"])
    with pytest.raises(DomainError, match="only a reviewer can publish"):
        kb.publish(row.id, row.version)
    as_(people["manager"])
    row = kb.publish(row.id, row.version)
    assert row.state == "published" and row.published_at is not None
    with pytest.raises(DomainError, match="new version"):
        kb.update(row.id, row.version, {"title": "Changed"})
    row = kb.archive(row.id, row.version)
    assert row.state == "archived"
    actions = [r["action"] for r in dict_rows(
        "SELECT action FROM audit_entry WHERE record_type = 'article' ORDER BY id")]  # fmt: skip
    assert actions == ["create", "submitted", "rejected", "update", "submitted", "approved",
                       "published", "archived"]  # fmt: skip


def test_a_named_reviewer_may_review_that_article_only(people):
    row = written(people, reviewer_id=people["other"].id)
    other = written(people, title="Other")
    row = kb.submit(row.id, row.version)
    other = kb.submit(other.id, other.version)
    as_(people["other"])
    row = kb.approve(row.id, row.version)
    assert row.state == "approved"
    with pytest.raises(DomainError, match="only a reviewer"):
        kb.approve(other.id, other.version)


def test_only_the_author_or_a_reviewer_edits_a_draft(people):
    row = written(people)
    as_(people["other"])
    with pytest.raises(DomainError, match="Ann Agent's draft"):
        kb.update(row.id, row.version, {"title": "Mine now"})
    as_(people["manager"])
    assert kb.update(row.id, row.version, {"title": "Fixed"}).title == "Fixed"
    with pytest.raises(ConflictError):
        kb.update(row.id, row.version, {"title": "Stale"})


def test_new_version_keeps_the_published_one_until_it_is_published(people):
    first = published(people)
    draft = kb.new_version(first.id)
    assert (draft.number, draft.major, draft.minor, draft.state) == (first.number, 1, 1, "draft")
    assert kb.get(first.id).state == "published"
    assert kb.by_number(first.number).id == first.id  # readers still get 1.0
    with pytest.raises(DomainError, match="already the next version"):
        kb.new_version(first.id)
    draft = kb.update(draft.id, draft.version, {"title": "Reset a password (new portal)"})
    draft = kb.submit(draft.id, draft.version)
    as_(people["manager"])
    draft = kb.approve(draft.id, draft.version)
    draft = kb.publish(draft.id, draft.version)
    assert kb.get(first.id).state == "archived"
    assert kb.by_number(first.number).id == draft.id
    assert [(v["major"], v["minor"], v["state"]) for v in kb.versions(first.number)] == [
        (1, 1, "published"),
        (1, 0, "archived"),
    ]
    major = kb.new_version(draft.id, major=True)
    assert (major.major, major.minor) == (2, 0)
    # old versions stay readable
    assert kb.get(first.id).title == "Reset a forgotten password"


def test_scheduled_publishing_and_expiry_happen_by_date(people):
    row = written(people, expires_on=TODAY + dt.timedelta(days=30))
    row = kb.submit(row.id, row.version)
    as_(people["manager"])
    row = kb.approve(row.id, row.version)
    with pytest.raises(DomainError, match="expires on"):
        kb.publish(row.id, row.version, on=TODAY + dt.timedelta(days=40))
    row = kb.publish(row.id, row.version, on=TODAY + dt.timedelta(days=3))
    assert (row.state, row.publish_on) == ("approved", TODAY + dt.timedelta(days=3))
    assert kb.publish_due(TODAY + dt.timedelta(days=2)) == 0
    assert kb.publish_due(TODAY + dt.timedelta(days=3)) == 1
    row = kb.get(row.id)
    assert row.state == "published" and row.publish_on is None
    assert kb.expire_due(TODAY + dt.timedelta(days=29)) == 0
    assert kb.expire_due(TODAY + dt.timedelta(days=30)) == 1
    assert kb.get(row.id).state == "expired"
    audit = dict_rows(
        "SELECT action, user_id FROM audit_entry WHERE record_type = 'article' "
        "AND action IN ('published', 'expired') ORDER BY id"
    )
    assert audit == [{"action": "published", "user_id": None},
                     {"action": "expired", "user_id": None}]  # fmt: skip


def test_views_and_ratings(people):
    row = published(people)
    kb.record_view(row.id)
    kb.record_view(row.id)
    assert kb.get(row.id).view_count == 2
    assert kb.get(row.id).version == row.version  # a view is not an edit
    kb.rate(row.id, 4)
    as_(people["other"])
    kb.rate(row.id, 5)
    kb.rate(row.id, 3)  # again: replaces Bob's
    row = kb.get(row.id)
    assert (row.rating_total, row.rating_count) == (7, 2)
    assert display.rating(row) == "★ 3.5 (2)"
    assert kb.my_rating(row.id) == 3
    with pytest.raises(ValidationError) as invalid:
        kb.rate(row.id, 6)
    assert invalid.value.errors == {"stars": "a rating is 1 to 5 stars"}
    draft = written(people, title="Unpublished")
    with pytest.raises(DomainError, match="published"):
        kb.rate(draft.id, 5)


def test_linking_to_a_case_notes_it_counts_it_and_indexes_the_title(people):
    row = published(people)
    case = cases.create({"title": "Locked out after the holidays",
                         "account_id": accounts.create({"name": "Acme"}).id})  # fmt: skip
    kb.link_case(row.id, case.id)
    assert kb.get(row.id).helped_count == 1
    assert [a["id"] for a in kb.linked_articles(case.id)] == [row.id]
    assert [c["id"] for c in kb.linked_cases(row.id)] == [case.id]
    timeline = notes.list_for(("case", case.id))
    assert timeline[0]["subject"] == f"Knowledge article {row.number} linked"
    assert "Reset a forgotten password" in timeline[0]["body"]
    # the case's words now find the article
    found = dict_rows(search.matches_sql("kb"), [search.match_param("kb", "holidays")])
    assert found == [{"rowid": row.id}]
    with pytest.raises(DomainError, match="already linked"):
        kb.link_case(row.id, case.id)
    draft = written(people, title="Draft only")
    with pytest.raises(DomainError, match="not published"):
        kb.link_case(draft.id, case.id)


def test_subjects_tree(db):
    leaf = kb.ensure_subject("Login and access / Passwords")
    assert kb.ensure_subject("Login and access/Passwords") == leaf
    top = kb.ensure_subject("Login and access")
    other = kb.ensure_subject("Billing")
    assert sorted(kb.subject_ids_under(top)) == sorted([top, leaf])
    assert [(s["path"], s["depth"]) for s in kb.subjects()] == [
        ("Billing", 0),
        ("Login and access", 0),
        ("Login and access / Passwords", 1),
    ]
    assert other not in kb.subject_ids_under(top)


def test_upgrade_to_body_last_keeps_links_ratings_and_the_index(tmp_path):
    """m0008 rebuilds kb_article with the body last; nothing linked to it is lost."""
    from crm_tui.config import Settings
    from crm_tui.db import close_database, database, migrations, open_database
    from crm_tui.models import User
    from crm_tui.runtime import open_for_user

    path = tmp_path / "old.db"
    open_database(path, migrate=False)
    try:
        # a knowledge base written at schema level 7, before m0008 ...
        migrations.upgrade(database, target=7)
        session.configure(Settings())
        database.execute_sql(
            "INSERT INTO user (id, login, full_name, role, active, created_at)"
            " VALUES (1, 'tester', 'Tess Ter', 'admin', 1, '2026-01-01T00:00:00.000000')"
        )
        session.act_as(User.get_by_id(1))
        row = kb.create({"title": "Kept", "body": "A body long enough " * 200})
        row = kb.submit(row.id, row.version)
        row = kb.approve(row.id, row.version)
        row = kb.publish(row.id, row.version)
        # the account as level 7 held it (the model has columns added since)
        database.execute_sql(
            "INSERT INTO account (id, version, created_at, created_by_id, modified_at, "
            "modified_by_id, owner_id, name, name_sort) VALUES "
            "(1, 1, '2026-01-01T00:00:00.000000', 1, '2026-01-01T00:00:00.000000', 1, 1, 'A', 'a')"
        )
        case = cases.create({"title": "A case", "account_id": 1})
        kb.link_case(row.id, case.id)
        kb.rate(row.id, 4)
    finally:
        close_database()
    open_for_user(path, Settings(), login="tester")  # ... is upgraded on open
    try:
        assert migrations.applied_level(database) == migrations.LATEST
        columns = [r[1] for r in database.execute_sql("PRAGMA table_info(kb_article)")]
        assert columns[-1] == "body"
        assert dict_rows("PRAGMA foreign_key_check") == []
        assert kb.linked_articles(case.id)[0]["id"] == row.id
        kept = kb.get(row.id)
        assert (kept.rating_count, kept.helped_count, kept.body) == (1, 1, row.body)
        assert kb.my_rating(row.id) == 4
        found = dict_rows("SELECT rowid FROM kb_fts WHERE kb_fts MATCH 'kept' ORDER BY rank")
        assert found == [{"rowid": row.id}]
    finally:
        close_database()
