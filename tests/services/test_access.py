"""Access follows roles and ownership: every write is checked where it is
audited, every read through the one filter; a refusal names the privilege
and changes nothing."""

from __future__ import annotations

import csv
import io

import pytest

from crm_tui.db import dict_rows
from crm_tui.errors import PermissionDenied, ValidationError
from crm_tui.models import Account, Note, User
from crm_tui.services import access, export, roles, session, users
from crm_tui.services.customers import accounts, activities, contacts, notes
from crm_tui.services.sales import opportunities, products
from crm_tui.services.support import cases, queues


def as_user(login: str) -> None:
    session.act_as(User.get(User.login == login))


@pytest.fixture
def people(db):
    """tester (admin), an agent and a second agent in team Support, a
    salesperson and a manager in team Sales, an agent with no team."""
    users.add("aria", "Aria Agent", "agent")
    users.add("amir", "Amir Agent", "agent")
    users.add("sam", "Sam Sales", "sales")
    users.add("mona", "Mona Manager", "manager")
    users.add("lone", "Lone Agent", "agent")
    for login, team in (
        ("aria", "Support"),
        ("amir", "Support"),
        ("sam", "Sales"),
        ("mona", "Sales"),
    ):
        users.set_team(login, team)
    return {u.login: u for u in users.all_users()}


def audit_count() -> int:
    return dict_rows("SELECT count(*) AS n FROM audit_entry")[0]["n"]


def test_an_agent_cannot_rename_reassign_or_deactivate_the_admins_account(people):
    account = accounts.create({"name": "Admin's Account"})
    before = audit_count()
    as_user("aria")
    with pytest.raises(PermissionDenied) as caught:
        accounts.update(account.id, account.version, {"name": "Mine now"})
    assert str(caught.value) == (
        "Not allowed: your role (agent) has no write privilege on accounts owned by tester "
        "(only on team Support's); an admin can change the role's privileges (crm-tui roles)."
    )
    with pytest.raises(PermissionDenied, match="no assign privilege on accounts"):
        accounts.update(account.id, account.version, {"owner_id": people["aria"].id})
    with pytest.raises(PermissionDenied, match="no write privilege on accounts"):
        accounts.deactivate(account.id, account.version)
    stored = Account.get_by_id(account.id)
    assert (stored.name, stored.owner_id, stored.state, stored.version) == (
        "Admin's Account",
        people["tester"].id,
        "active",
        1,
    )
    assert audit_count() == before


def test_an_agent_writes_their_own_and_their_teams_records(people):
    as_user("aria")
    mine = accounts.create({"name": "Aria's Customer"})
    accounts.update(mine.id, mine.version, {"city": "Tehran"})
    as_user("amir")  # same team
    changed = accounts.update(mine.id, mine.version + 1, {"city": "Shiraz"})
    assert changed.city == "Shiraz"
    as_user("lone")  # no team: own records only
    with pytest.raises(PermissionDenied, match="only on your own"):
        accounts.update(mine.id, changed.version, {"city": "Yazd"})


def test_anyone_may_log_an_activity_on_any_customer(people):
    account = accounts.create({"name": "Shared Customer"})
    as_user("lone")
    activity = activities.log(
        "phone_call", "Called about the renewal", regarding=("account", account.id)
    )
    assert activity.owner_id == people["lone"].id


def test_agents_cannot_delete_others_notes_but_may_delete_their_own(people):
    account = accounts.create({"name": "Noted"})
    admins = notes.add(("account", account.id), "Admin's note", "keep me")
    as_user("aria")
    own = notes.add(("account", account.id), "Aria's note", "mine")
    with pytest.raises(PermissionDenied, match="no delete privilege on notes owned by tester"):
        notes.delete(admins.id, admins.version)
    assert Note.get_or_none(Note.id == admins.id) is not None
    notes.delete(own.id, own.version)
    assert Note.get_or_none(Note.id == own.id) is None


def test_agents_cannot_change_products_or_prices(people):
    product = products.create({"name": "Widget", "product_number": "W-1", "unit": "each"})
    price_list = products.create_price_list({"name": "Retail"})
    as_user("aria")
    with pytest.raises(PermissionDenied, match="no write privilege on price lists"):
        products.set_item(price_list.id, product.id, "12.50")
    with pytest.raises(PermissionDenied, match="no write privilege on products"):
        products.update(product.id, product.version, {"name": "Gadget"})
    with pytest.raises(PermissionDenied, match="no create privilege on products"):
        products.create({"name": "Sprocket", "product_number": "S-1", "unit": "each"})
    as_user("mona")  # managers keep the catalogue
    products.set_item(price_list.id, product.id, "12.50")


def test_cases_agents_take_from_the_queue_and_work_their_teams(people):
    account = accounts.create({"name": "Caller"})
    queue = queues.create({"name": "Tier 1"})
    for login in ("aria", "amir", "lone"):
        queues.add_member(queue.id, people[login].id)
    waiting = cases.create(
        {"title": "Printer jams", "account_id": account.id, "queue_id": queue.id}
    )
    as_user("lone")  # a case waiting in a queue is nobody's yet: anyone may take it
    taken = cases.take(waiting.id)
    assert taken.owner_id == people["lone"].id
    as_user("aria")  # lone is in no team: aria cannot touch lone's case
    with pytest.raises(PermissionDenied, match="no write privilege on cases owned by Lone Agent"):
        cases.cancel(taken.id, taken.version)
    as_user("lone")
    other = cases.create({"title": "Scanner", "account_id": account.id})
    as_user("aria")
    with pytest.raises(PermissionDenied, match="no assign privilege on cases"):
        cases.assign(other.id, other.version, people["aria"].id)


def test_sales_write_their_teams_opportunities_only(people):
    account = accounts.create({"name": "Prospect"})
    as_user("mona")
    deal = opportunities.create({"name": "Fit-out", "account_id": account.id})
    as_user("sam")  # same team as mona
    deal = opportunities.update(deal.id, deal.version, {"name": "Fit-out, phase 1"})
    as_user("aria")  # agents read the pipeline but do not write it
    with pytest.raises(PermissionDenied, match="no write privilege on opportunities"):
        opportunities.update(deal.id, deal.version, {"name": "Hijacked"})
    with pytest.raises(PermissionDenied, match="no create privilege on opportunities"):
        opportunities.create({"name": "Side deal", "account_id": account.id})


def test_a_changed_role_table_limits_reading_everywhere(people):
    theirs = accounts.create({"name": "Zenith Theirs"})
    as_user("aria")
    mine = accounts.create({"name": "Zenith Mine"})
    contacts.create({"first_name": "Zed", "last_name": "Mine", "account_id": mine.id})
    as_user("tester")
    roles.set_depth("agent", "account", "read", "own")
    as_user("lone")
    lone_own = accounts.create({"name": "Zenith Lone"})
    as_user("aria")
    names = [row["name"] for row in accounts.page(view="all").rows]
    assert "Zenith Mine" in names and "Zenith Theirs" not in names and "Zenith Lone" not in names
    assert [r["name"] for r in accounts.find_by_name("zenith")] == ["Zenith Mine"]
    with pytest.raises(PermissionDenied, match="no read privilege on accounts owned by tester"):
        accounts.get(theirs.id)
    out = io.StringIO()
    export.write("accounts", out)
    assert [row["name"] for row in csv.DictReader(io.StringIO(out.getvalue()))] == ["Zenith Mine"]
    as_user("tester")
    roles.set_depth("agent", "account", "read", "org")  # back to the default
    as_user("aria")
    assert len(accounts.find_by_name("zenith")) == 3
    assert lone_own.owner_id == people["lone"].id


def test_only_admins_change_the_role_table_and_each_change_is_audited(people):
    as_user("mona")
    with pytest.raises(PermissionDenied, match="only an admin"):
        roles.set_depth("agent", "account", "write", "org")
    as_user("tester")
    with pytest.raises(ValidationError) as invalid:
        roles.set_depth("agent", "account", "write", "everything")
    assert (
        set(invalid.value.errors) == {"depth"}
        and "'everything' is not one of" in invalid.value.errors["depth"]
    )
    roles.set_depth("agent", "account", "write", "org")
    assert access.depth("write", "account", "agent") == "org"
    entry = dict_rows(
        "SELECT changes FROM audit_entry WHERE record_type = 'role' ORDER BY id DESC LIMIT 1"
    )[0]
    assert '"agent write account": ["team", "org"]' in entry["changes"]
    changed = [row for row in roles.table_rows("agent") if row[4]]
    assert changed == [("agent", "account", "write", "org", True)]


def test_a_demoted_person_loses_the_privileges_within_a_second(people):
    as_user("mona")
    account = accounts.create({"name": "Team Account"})
    signed_in_sam = User.get(User.login == "sam")  # sales, team Sales, as sam signed in
    as_user("tester")
    users.set_role("sam", "agent")
    users.set_team("sam", "Elsewhere")
    session.act_as(signed_in_sam)  # sam's app still holds who sam was
    access.forget()  # what a second's wait does: the next check reads sam again
    with pytest.raises(PermissionDenied, match=r"your role \(agent\)"):
        accounts.update(account.id, account.version, {"city": "Tabriz"})


def test_an_agent_cannot_release_or_move_a_case_outside_their_team(people):
    account = accounts.create({"name": "Caller"})
    queue = queues.create({"name": "Tier 1"})
    other = queues.create({"name": "Tier 2"})
    as_user("lone")
    held = cases.create({"title": "Held by lone", "account_id": account.id, "queue_id": queue.id})
    held = cases.take(held.id)
    as_user("aria")
    with pytest.raises(PermissionDenied, match="no assign privilege on cases owned by Lone Agent"):
        cases.release(held.id, held.version)
    with pytest.raises(PermissionDenied, match="no assign privilege on cases owned by Lone Agent"):
        cases.move(held.id, held.version, other.id)
    assert cases.get(held.id).assigned


def test_an_admin_may_step_down_when_another_admin_remains(people):
    users.set_role("mona", "admin")
    users.set_role("tester", "agent")  # checked as the admin tester was when it began
    assert User.get(User.login == "tester").role == "agent"


def test_roles_from_the_command_line(people, db_path, monkeypatch, capsys):
    from crm_tui import cli
    from crm_tui.db import close_database

    close_database()
    monkeypatch.setattr(session, "os_login", lambda: "tester")
    assert cli.main(["--db", str(db_path), "roles", "set", "agent", "note", "delete", "team"]) == 0
    assert capsys.readouterr().out == "agent now has delete on note at depth team\n"
    assert cli.main(["--db", str(db_path), "roles", "list", "agent"]) == 0
    out = capsys.readouterr().out
    note = next(line for line in out.splitlines() if line.strip().startswith("note "))
    assert note.split() == ["note", "org", "org", "own", "team*", "none", "none"]
    assert "* changed from the default" in out
    monkeypatch.setattr(session, "os_login", lambda: "aria")
    assert cli.main(["--db", str(db_path), "roles", "set", "agent", "note", "delete", "org"]) == 1
    assert "only an admin can change what roles may do" in capsys.readouterr().err
    close_database()
