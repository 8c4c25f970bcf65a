"""Activities as an iCalendar file: appointments as events, due activities as
to-dos, times in UTC, text cleaned, only what the person may read, and the
command line that writes it."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from crm_tui import cli
from crm_tui.db import close_database
from crm_tui.errors import ValidationError
from crm_tui.models import Activity, User
from crm_tui.services import calendar_export, roles, session, users
from crm_tui.services.customers import accounts, activities

TEHRAN = ZoneInfo("Asia/Tehran")
UTC = dt.UTC
PERSIAN = "جلسه با مشتری"


def as_user(login: str) -> None:
    session.act_as(User.get(User.login == login))


def calendar_text(**options) -> tuple[int, str]:
    out = io.StringIO()
    count = calendar_export.write(out, **options)
    return count, out.getvalue()


def items(text: str) -> dict[str, object]:
    """The calendar's events and to-dos by UID."""
    calendar = Calendar.from_ical(text)
    return {str(item["uid"]): item for item in calendar.walk() if item.name in ("VEVENT", "VTODO")}


def uid(activity) -> str:
    return f"activity-{activity.id}@crm-tui"


@pytest.fixture
def logged(db):
    """An appointment in Tehran's time with a place, a task due, a canceled
    appointment, a completed task, and a call with no time of its own."""
    account = accounts.create({"name": "Contoso"})
    meeting = activities.log(
        "appointment",
        PERSIAN,
        regarding=("account", account.id),
        scheduled_start=dt.datetime(2030, 3, 2, 9, 0, tzinfo=TEHRAN),
        duration_minutes=45,
    )
    # as an older version or another program may have stored it
    Activity.update(
        subject=f"{PERSIAN}\x1b[31m",
        description="Agenda:\n1. renewal\x07",
        location="Valiasr St.\x1b]0;x\x07, Tehran",
    ).where(Activity.id == meeting.id).execute()
    task = activities.log(
        "task", "Send the proposal", due_at=dt.datetime(2030, 3, 5, 17, 0, tzinfo=UTC),
        priority="high",
    )  # fmt: skip
    dropped = activities.log(
        "appointment", "Site visit", scheduled_start=dt.datetime(2030, 3, 1, 14, 0, tzinfo=UTC)
    )
    dropped = activities.cancel(dropped.id, dropped.version)
    done = activities.log(
        "task", "Book the room", due_at=dt.datetime(2030, 2, 20, 12, 0, tzinfo=UTC)
    )
    done = activities.complete(done.id, done.version)
    call = activities.log("phone_call", "Quick call", regarding=("account", account.id))
    return {"meeting": meeting, "task": task, "dropped": dropped, "done": done, "call": call}


def test_appointments_are_events_in_utc_with_their_text_cleaned(logged):
    count, text = calendar_text()
    found = items(text)
    assert count == 4 and set(found) == {
        uid(logged[name]) for name in ("meeting", "task", "dropped", "done")
    }
    meeting = found[uid(logged["meeting"])]
    assert meeting.name == "VEVENT"
    # 09:00 in Tehran (+03:30) is 05:30 UTC, and leaves as UTC
    assert meeting.decoded("dtstart") == dt.datetime(2030, 3, 2, 5, 30, tzinfo=UTC)
    assert meeting.decoded("dtend") == dt.datetime(2030, 3, 2, 6, 15, tzinfo=UTC)
    assert "DTSTART:20300302T053000Z" in text
    assert str(meeting["summary"]) == PERSIAN
    assert str(meeting["location"]) == "Valiasr St., Tehran"
    assert str(meeting["description"]) == "Regarding: Contoso\n\nAgenda:\n1. renewal"
    assert (str(meeting["status"]), meeting.decoded("sequence")) == ("CONFIRMED", 0)
    assert meeting.decoded("dtstamp") == logged["meeting"].modified_at.replace(microsecond=0)
    assert "\x1b" not in text and "\x07" not in text


def test_a_canceled_appointment_is_cancelled_at_its_next_sequence(logged):
    dropped = items(calendar_text()[1])[uid(logged["dropped"])]
    assert dropped.name == "VEVENT"
    assert (str(dropped["status"]), dropped.decoded("sequence")) == ("CANCELLED", 1)
    assert dropped.decoded("dtstart") == dt.datetime(2030, 3, 1, 14, 0, tzinfo=UTC)
    # no end and no duration: half an hour
    assert dropped.decoded("dtend") == dt.datetime(2030, 3, 1, 14, 30, tzinfo=UTC)
    assert "location" not in dropped and "description" not in dropped


def test_due_activities_are_to_dos(logged):
    found = items(calendar_text()[1])
    task, done = found[uid(logged["task"])], found[uid(logged["done"])]
    assert (task.name, done.name) == ("VTODO", "VTODO")
    assert task.decoded("due") == dt.datetime(2030, 3, 5, 17, 0, tzinfo=UTC)
    assert (str(task["status"]), task.decoded("priority")) == ("NEEDS-ACTION", 1)
    assert "completed" not in task
    assert str(done["status"]) == "COMPLETED"
    assert done.decoded("completed") == logged["done"].actual_end.replace(microsecond=0)
    assert done.decoded("sequence") == 1


def test_the_file_is_one_calendar_of_crlf_lines_read_a_page_at_a_time(logged):
    count, text = calendar_text()
    assert calendar_text(batch=1) == (count, text)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VCALENDAR") == 1
    assert all(line.endswith("\r") for line in text.split("\n")[:-1])
    assert "VERSION:2.0" in text and f"PRODID:{calendar_export.PRODID}" in text


def test_since_keeps_what_starts_or_is_due_from_that_day(logged):
    count, text = calendar_text(since=dt.date(2030, 3, 2))
    assert count == 2 and set(items(text)) == {uid(logged["meeting"]), uid(logged["task"])}
    assert calendar_text(since="2030-03-03")[0] == 1
    with pytest.raises(ValidationError, match="since"):
        calendar_text(since="someday")


def test_an_empty_calendar_is_still_a_calendar(db):
    count, text = calendar_text()
    assert count == 0 and items(text) == {}
    assert Calendar.from_ical(text).name == "VCALENDAR"


def test_a_colleagues_activity_the_person_may_not_read_stays_out(db):
    users.add("sam", "Sam Sales", "sales")
    users.add("lone", "Lone Agent", "agent")
    account = accounts.create({"name": "Tester's Secret Account"})
    as_user("sam")
    theirs = activities.log(
        "appointment", "Sam's meeting", scheduled_start=dt.datetime(2030, 1, 1, 9, tzinfo=UTC)
    )
    as_user("lone")
    mine = activities.log(
        "task",
        "Lone's task",
        regarding=("account", account.id),
        due_at=dt.datetime(2030, 1, 2, 9, tzinfo=UTC),
    )
    assert set(items(calendar_text()[1])) == {uid(mine)}  # the default: one's own
    assert set(items(calendar_text(everyone=True)[1])) == {uid(mine), uid(theirs)}
    as_user("tester")
    roles.set_depth("agent", "activity", "read", "own")
    roles.set_depth("agent", "account", "read", "own")
    as_user("lone")
    count, text = calendar_text(everyone=True)
    assert count == 1 and set(items(text)) == {uid(mine)}
    assert "Sam's meeting" not in text
    # the record it regards is the admin's: not named to someone who may no longer read it
    assert "Secret" not in text and "description" not in items(text)[uid(mine)]
    as_user("sam")  # a salesperson still reads every activity and account
    found = items(calendar_text(everyone=True)[1])
    assert set(found) == {uid(mine), uid(theirs)}
    assert str(found[uid(mine)]["description"]) == "Regarding: Tester's Secret Account"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    session.act_as(None)
    close_database()
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_prints_a_calendar_and_refuses_other_kinds(db, db_path, capsys, monkeypatch):
    call = activities.log("task", "Renew Contoso", due_at=dt.datetime(2030, 5, 1, 9, tzinfo=UTC))
    session.act_as(None)
    close_database()
    monkeypatch.setattr(session, "os_login", lambda: "tester")
    code, out, _ = run(capsys, "--db", str(db_path), "export", "activities", "--format", "ics")
    assert code == 0 and set(items(out)) == {uid(call)}
    code, out, _ = run(
        capsys,
        "--db",
        str(db_path),
        "export",
        "activities",
        "--format",
        "ics",
        "--since",
        "2030-06-01",
    )
    assert code == 0 and items(out) == {}

    for argv, message in (
        (("accounts", "--format", "ics"), "only activities export as iCalendar (ics)"),
        (("activities", "--format", "ics", "--view", "Mine"), "--view does not go with"),
        (("activities", "--since", "2030-06-01"), "--since and --everyone go with"),
        (("activities", "--format", "ics", "--since", "someday"), "'someday' is not a date"),
    ):
        code, out, err = run(capsys, "--db", str(db_path), "export", *argv)
        assert code == 1 and out == "" and err.startswith("crm-tui: ") and message in err
        assert err.count("\n") == 1


def test_the_calendar_library_is_loaded_by_the_calendar_alone():
    code = (
        "import sys\n"
        "from crm_tui import app, cli, cli_parser\n"
        "from crm_tui.services import export\n"
        "cli_parser.parser()\n"
        "print('icalendar' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
