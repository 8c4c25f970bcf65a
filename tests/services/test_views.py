"""Saved views: kept per list under a name, personal or shared by managers
and admins with their team or everyone, changed only by their owner (or an
admin) and only from the version they read, and a default per person."""

from __future__ import annotations

import pytest

from crm_tui.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from crm_tui.models import User
from crm_tui.services import session, users, views


def as_user(login: str) -> None:
    session.act_as(User.get(User.login == login))


@pytest.fixture
def team(db):
    """tester (admin); mona, a manager, and sam, in team Sales; lone, an
    agent with no team."""
    users.add("mona", "Mona Manager", "manager")
    users.add("sam", "Sam Sales", "sales")
    users.add("lone", "Lone Agent", "agent")
    users.set_team("mona", "Sales")
    users.set_team("sam", "Sales")
    yield
    as_user("tester")


def names(list_name: str) -> list[str]:
    return [v.name for v in views.visible(list_name)]


def test_a_personal_view_is_its_owners_alone(team):
    as_user("sam")
    mine = views.save("account", "Retail in Tehran", "industry:retail city:tehran",
                      base_view="active")  # fmt: skip
    assert (mine.name, mine.query, mine.scope, mine.base_view) == (
        "Retail in Tehran",
        "industry:retail city:tehran",
        "personal",
        "active",
    )
    assert names("account") == ["Retail in Tehran"] and names("contact") == []
    as_user("mona")
    assert names("account") == []
    with pytest.raises(NotFound):
        views.get(mine.id)
    as_user("tester")  # an admin reaches it to manage it, but does not list it
    assert names("account") == []
    assert views.get(mine.id).name == "Retail in Tehran"


def test_shared_views_reach_the_team_or_everyone(team):
    as_user("mona")
    views.save("opportunity", "Big deals", "revenue>50k", base_view="filtered", scope="team")
    views.save("opportunity", "This quarter", "close:this-quarter", base_view="filtered",
               scope="everyone")  # fmt: skip
    as_user("sam")
    views.save("opportunity", "Mine", "owner:me", base_view="filtered")
    assert names("opportunity") == ["Mine", "Big deals", "This quarter"]  # own first
    as_user("lone")
    assert names("opportunity") == ["This quarter"]


def test_only_managers_and_admins_share(team):
    as_user("sam")
    with pytest.raises(PermissionDenied, match="only managers and admins share views"):
        views.save("account", "Ours", "", base_view="active", scope="team")
    mine = views.save("account", "Ours", "", base_view="active")
    with pytest.raises(PermissionDenied):
        views.update(mine.id, mine.version, scope="everyone")
    assert views.get(mine.id).scope == "personal"


def test_what_cannot_be_saved_is_said_per_field(team):
    with pytest.raises(ValidationError) as refused:
        views.save("account", " ", "foo:bar", base_view="active", scope="nobody")
    assert refused.value.errors == {
        "name": "a view needs a name",
        "scope": "'nobody' is not one of: personal, team, everyone",
        "query": "accounts have no field 'foo'",
    }
    views.save("account", "Retail", "industry:retail", base_view="active")
    with pytest.raises(ValidationError, match="already have a view of this list called 'retail'"):
        views.save("account", "retail", "", base_view="active")
    views.save("contact", "Retail", "", base_view="active")  # another list: fine


def test_only_the_owner_or_an_admin_changes_a_view_and_from_its_version(team):
    as_user("mona")
    shared = views.save("account", "Banks", "industry:banking", base_view="active",
                        scope="everyone")  # fmt: skip
    as_user("sam")
    with pytest.raises(PermissionDenied, match="Mona Manager's view"):
        views.update(shared.id, shared.version, name="Mine now")
    with pytest.raises(PermissionDenied):
        views.delete(shared.id)
    as_user("mona")
    renamed = views.update(shared.id, shared.version, name="Banks and insurers",
                           query="industry:banking,insurance")  # fmt: skip
    assert (renamed.name, renamed.version) == ("Banks and insurers", shared.version + 1)
    with pytest.raises(ConflictError):
        views.update(shared.id, shared.version, name="Stale")
    as_user("tester")
    views.delete(shared.id)
    assert names("account") == []


def test_a_default_view_per_person_and_list(team):
    as_user("sam")
    assert views.default("account") is None
    mine = views.save("account", "Retail", "industry:retail", base_view="active")
    views.set_default("account", mine.key)
    views.set_default("contact", "inactive")
    assert (views.default("account"), views.default("contact")) == (mine.key, "inactive")
    as_user("mona")
    assert views.default("account") is None
    with pytest.raises(NotFound):  # not hers to open on
        views.set_default("account", mine.key)
    as_user("sam")
    views.delete(mine.id)
    assert views.default("account") is None
    views.set_default("contact", None)
    assert views.default("contact") is None


def test_by_name_finds_own_before_shared(team):
    as_user("mona")
    views.save("account", "Retail", "industry:retail", base_view="active", scope="everyone")
    as_user("sam")
    assert views.by_name("account", "retail").owner == "Mona Manager"
    views.save("account", "Retail", "industry:retail city:tehran", base_view="active")
    assert views.by_name("account", " RETAIL ").owner == "Sam Sales"
    with pytest.raises(NotFound, match="there are: Retail, Retail"):
        views.by_name("account", "nothing")


def test_an_export_of_a_view_is_what_the_view_shows_in_its_order(team):
    import csv
    import io

    from crm_tui.services import export
    from crm_tui.services.customers import accounts

    for name, industry in (("Acme", "Retail"), ("Beta", "Banking"), ("Cora", "Retail")):
        accounts.create({"name": name, "industry": industry})
    gone = accounts.create({"name": "Dora", "industry": "Retail"})
    accounts.deactivate(gone.id, gone.version)
    view = views.save("account", "Shops", "industry:retail sort:-name", base_view="active")
    out = io.StringIO()
    assert export.write("accounts", out, "csv", view=view) == 2
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["name"], r["industry"]) for r in table] == [("Cora", "Retail"), ("Acme", "Retail")]
    with pytest.raises(ValueError, match="is a view of account records, not of contacts"):
        export.write("contacts", io.StringIO(), "csv", view=view)
