"""The demo data set: what it promises, and that it stays in its own file."""

from __future__ import annotations

import datetime as dt

import phonenumbers
import pytest

from crm_tui import config, demo
from crm_tui.db import close_database
from crm_tui.models import Account, Activity, Contact, User
from crm_tui.runtime import open_for_user
from crm_tui.services import accounts, contacts, session

PERSIAN_ONLY = set("پچژگکی")  # letters Persian writes and Arabic does not
ARABIC_ONLY = set("يكة")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """One seeded database for the read-only checks (seeding takes seconds)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    open_for_user(path, config.Settings(), login="tester")
    try:
        counts = demo.seed("tester")
        assert session.current_user().login == "tester"
    finally:
        session.act_as(None)
        close_database()
    return path, counts


@pytest.fixture
def seeded(demo_file, settings):
    path, counts = demo_file
    open_for_user(path, settings, login="tester")
    yield counts
    session.act_as(None)
    close_database()


def test_counts_are_as_promised(seeded):
    assert 35 <= seeded["accounts"] <= 45
    assert 140 <= seeded["contacts"] <= 160
    assert seeded["activities"] + seeded["notes"] >= 380
    assert seeded["users"] == 6  # the admin and five demo users
    standalone = Contact.select().where(Contact.account.is_null()).count()
    assert 5 <= standalone <= 20
    assert {u.role for u in User.select()} >= {"agent", "sales", "manager", "admin"}


def test_names_in_several_scripts(seeded):
    names = [name for (name,) in Contact.select(Contact.full_name).tuples()]
    assert "علی رضایی" in names and "مریم احمدی" in names
    assert sum(1 for n in names if set(n) & PERSIAN_ONLY) >= 15
    assert sum(1 for n in names if set(n) & ARABIC_ONLY) >= 3
    assert sum(1 for n in names if n.isascii()) >= 80
    assert sum(1 for n in names if set(n) & set("äöüéèíóáñãøçğşı")) >= 5  # Müller, Çelik
    company_names = [name for (name,) in Account.select(Account.name).tuples()]
    assert any("\u200c" in n for n in company_names), "ZWNJ is kept in Persian company names"


def test_persian_name_typed_with_arabic_letters_is_found(seeded):
    found = contacts.page(view="all", query="علي رضايي").rows  # Arabic yeh
    assert "علی رضایی" in {row["name"] for row in found}
    found = contacts.page(view="all", query="كاوه كريمي").rows  # Arabic kaf and yeh
    assert "کاوه کریمی" in {row["name"] for row in found}
    found = accounts.page(view="all", query="فنآوران").rows  # typed without the ZWNJ
    assert any(row["name"].startswith("فن\u200cآوران پارس") for row in found)


def test_owners_and_authors_vary(seeded):
    owners = {owner for (owner,) in Account.select(Account.owner).tuples()}
    assert len(owners) >= 4
    authors = {by for (by,) in Activity.select(Activity.created_by).tuples()}
    assert len(authors) >= 5


def test_history_spans_months_and_work_lies_ahead(seeded):
    now = dt.datetime.now(dt.UTC)
    created = [at for (at,) in Activity.select(Activity.created_at).tuples()]
    assert min(created) < now - dt.timedelta(days=120)
    assert max(created) <= now
    open_tasks = Activity.select().where((Activity.kind == "task") & (Activity.state == "open"))
    assert open_tasks.where(Activity.due_at > now).count() >= 15
    assert open_tasks.where(Activity.due_at < now).count() >= 5
    assert Activity.select().where(Activity.follow_up_of.is_null(False)).count() >= 5
    meetings = Activity.select().where(
        (Activity.kind == "appointment") & (Activity.state == "scheduled")
    )
    assert meetings.where(Activity.scheduled_start > now).count() >= 5


def test_account_structure(seeded):
    assert Account.select().where(Account.state == "inactive").count() >= 2
    assert Account.select().where(Account.parent.is_null(False)).count() >= 2
    without_primary = Account.select().where(Account.primary_contact.is_null()).count()
    assert without_primary == 0
    assert Contact.select().where(Contact.state == "inactive").count() >= 1


def test_phones_are_valid_e164(seeded):
    for phone, mobile in Contact.select(Contact.phone, Contact.mobile).tuples():
        for number in filter(None, (phone, mobile)):
            assert number.startswith("+"), number
            assert phonenumbers.is_valid_number(phonenumbers.parse(number)), number


def test_seeding_twice_adds_nothing(seeded):
    assert demo.seed("tester") == seeded
    assert demo.counts() == seeded


def test_a_database_with_accounts_is_left_alone(db):
    accounts.create({"name": "Real Customer Ltd"})
    counts = demo.seed(db.login)
    assert counts["accounts"] == 1
    assert counts["users"] == 1
    assert counts["contacts"] == 0


def test_open_demo_uses_its_own_file(settings, monkeypatch):
    monkeypatch.setattr(session, "os_login", lambda: "demo_user")
    try:
        user = demo.open_demo(settings)
        assert demo.demo_path() == config.data_dir() / "demo.db"
        assert demo.demo_path().exists()
        assert not settings.database_path().exists()
        assert user.login == "demo_user" and user.role == "admin"
        assert session.current_user().login == "demo_user"
        assert demo.counts()["accounts"] >= 35
    finally:
        session.act_as(None)
        close_database()
