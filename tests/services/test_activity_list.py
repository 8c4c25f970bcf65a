"""The activities area's lists: my open activities by when they are due
(overdue first), everyone's open ones, completed and canceled ones latest
first, the query language and words in the subject, access rules, and the
calendar's span of days."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_tui.errors import QueryError
from crm_tui.models import User
from crm_tui.services import roles, session, users
from crm_tui.services.customers import accounts, activities, activity_list

UTC = dt.UTC
NOW = dt.datetime.now(UTC).replace(microsecond=0)


def as_user(login: str) -> None:
    session.act_as(User.get(User.login == login))


def subjects(**options) -> list[str]:
    return [r["subject"] for r in activity_list.page(**options).rows]


def test_my_open_activities_come_overdue_first_then_by_due(db):
    acme = accounts.create({"name": "Acme"})
    activities.log("task", "Later", regarding=("account", acme.id),
                   due_at=NOW + dt.timedelta(days=3))  # fmt: skip
    activities.log("task", "Overdue", regarding=("account", acme.id),
                   due_at=NOW - dt.timedelta(days=2))  # fmt: skip
    activities.log("appointment", "Meeting", regarding=("account", acme.id),
                   scheduled_start=NOW + dt.timedelta(days=1))  # fmt: skip
    activities.log("phone_call", "A call", regarding=("account", acme.id))  # done at once
    assert subjects() == ["Overdue", "Meeting", "Later"]
    row = activity_list.page().rows[0]
    assert (row["regarding"], row["regarding_type"], row["kind"]) == ("Acme", "account", "task")
    assert subjects(view="completed") == ["A call"]


def test_a_follow_up_task_is_in_my_open_list_the_moment_it_is_saved(db):
    acme = accounts.create({"name": "Acme"})
    activities.log("phone_call", "Talked prices", regarding=("account", acme.id),
                   follow_up="+3d")  # fmt: skip
    [row] = activity_list.page().rows
    assert row["kind"] == "task" and row["regarding"] == "Acme"


def test_views_complete_cancel_and_the_query_language(db):
    users.add("sam", "Sam Sales", "sales")
    first = activities.log("task", "Send proposal", due_at=NOW + dt.timedelta(days=1),
                           priority="high")  # fmt: skip
    second = activities.log("task", "Book the room", due_at=NOW + dt.timedelta(days=2))
    as_user("sam")
    activities.log("task", "Sam's own", due_at=NOW + dt.timedelta(days=1))
    as_user("tester")
    assert subjects() == ["Send proposal", "Book the room"]
    assert set(subjects(view="open")) == {"Send proposal", "Book the room", "Sam's own"}
    assert subjects(query="priority:high") == ["Send proposal"]
    assert subjects(query="propos") == ["Send proposal"]  # a word inside the subject
    assert subjects(view="open", query="kind:task -priority:high") == [
        "Sam's own",  # due first
        "Book the room",
    ]  # fmt: skip
    activities.complete(first.id, first.version)
    activities.cancel(second.id, second.version)
    assert subjects() == []
    assert subjects(view="completed") == ["Send proposal"]
    assert subjects(view="canceled") == ["Book the room"]
    # the done views hold nearly every activity: words there are refused, conditions not
    with pytest.raises(QueryError, match="words look through open activities"):
        activity_list.page(view="completed", query="propos")
    assert subjects(view="completed", query="subject:send*") == ["Send proposal"]


def test_a_word_with_like_wildcards_is_taken_literally(db):
    activities.log("task", "Discount 50% agreed", due_at=NOW)
    activities.log("task", "Discount 500 agreed", due_at=NOW)
    assert subjects(query="50%") == ["Discount 50% agreed"]


def test_what_the_person_may_not_read_stays_out_and_is_not_named(db):
    users.add("lone", "Lone Agent", "agent")
    secret = accounts.create({"name": "Secret Account"})
    activities.log("task", "Tester's task", regarding=("account", secret.id), due_at=NOW)
    as_user("lone")
    mine = activities.log("task", "Lone's task", regarding=("account", secret.id), due_at=NOW)
    as_user("tester")
    roles.set_depth("agent", "activity", "read", "own")
    roles.set_depth("agent", "account", "read", "own")
    as_user("lone")
    rows = activity_list.page(view="open").rows
    assert [r["id"] for r in rows] == [mine.id]
    assert rows[0]["regarding"] is None  # the account is not theirs to read


def test_the_calendar_span_holds_my_appointments_and_tasks(db):
    users.add("sam", "Sam Sales", "sales")
    start = dt.datetime(2031, 5, 5, tzinfo=UTC)
    meeting = activities.log(
        "appointment", "Meeting", scheduled_start=start + dt.timedelta(hours=9)
    )
    task = activities.log("task", "Due task", due_at=start + dt.timedelta(days=2))
    dropped = activities.log(
        "appointment", "Dropped", scheduled_start=start + dt.timedelta(hours=3)
    )
    activities.cancel(dropped.id, dropped.version)
    activities.log("task", "Next week", due_at=start + dt.timedelta(days=8))
    as_user("sam")
    activities.log("appointment", "Sam's", scheduled_start=start + dt.timedelta(hours=10))
    as_user("tester")
    rows = activity_list.between(start, start + dt.timedelta(days=7))
    assert [r["id"] for r in rows] == [meeting.id, task.id]
