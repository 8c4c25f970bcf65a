"""The query language run on real lists, on both engines: each condition
keeps the rows a plain Python filter keeps on the same small data, across
pages and sorts, and a record looked across to is still behind the access
rules."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_tui.models import User
from crm_tui.services import query, roles, session, users
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.query import QueryError
from crm_tui.services.sales import opportunities

INDUSTRIES = ["Retail", "Banking", "Energy", None]
CITIES = ["Tehran", "تهران", "London", None]
REVENUES = [None, 10_000, 50_000, 60_000]


@pytest.fixture
def book(db):
    """Sixteen accounts with every mix of industry, city and revenue, half
    owned by a second user, some with an email."""
    users.add("sara", "Sara Ahmadi", "manager")
    sara = User.get(User.login == "sara")
    rows = []
    for i, (industry, city, revenue) in enumerate(
        itertools.islice(itertools.product(INDUSTRIES, CITIES, REVENUES), 0, None, 4)
    ):
        data = {"name": f"Account {i:02d}", "city": city or "", "industry": industry or ""}
        if revenue is not None:
            data["annual_revenue"] = str(revenue)
        if i % 3 == 0:
            data["email"] = f"a{i}@example.com"
        if i % 2:
            data["owner_id"] = sara.id
        accounts.create(data)
        rows.append(
            {
                "name": data["name"],
                "industry": industry,
                "city": city,
                "revenue": revenue,
                "email": data.get("email"),
                "owner": "sara" if i % 2 else "tester",
            }
        )
    return rows


def shown(typed: str) -> list[str]:
    return [r["name"] for r in accounts.page(view="all", query=typed, limit=1000).rows]


# (typed, what a person means by it)
ATOMS = [
    ("industry:retail", lambda r: r["industry"] == "Retail"),
    ("industry:retail,banking", lambda r: r["industry"] in ("Retail", "Banking")),
    ("city:tehran", lambda r: r["city"] == "Tehran"),
    ("city:تهران", lambda r: r["city"] == "تهران"),
    ("city:lon*", lambda r: r["city"] == "London"),
    ("revenue>50k", lambda r: r["revenue"] is not None and r["revenue"] > 50_000),
    ("revenue>=50000", lambda r: r["revenue"] is not None and r["revenue"] >= 50_000),
    ("revenue<50,000", lambda r: r["revenue"] is not None and r["revenue"] < 50_000),
    ("revenue:10000,60000", lambda r: r["revenue"] in (10_000, 60_000)),
    ("has:email", lambda r: r["email"] is not None),
    ("has:city", lambda r: r["city"] is not None),
    ("owner:me", lambda r: r["owner"] == "tester"),
    ('owner:"sara ahmadi"', lambda r: r["owner"] == "sara"),
    ("owner:sara", lambda r: r["owner"] == "sara"),
    ("created:today", lambda r: True),
    ("created:last-7d", lambda r: True),
    ("created<today", lambda r: False),
    ("created>today", lambda r: False),
    ("state:active", lambda r: True),
    ("status:act", lambda r: True),  # the label, and the start of an option
    ("indus:retail", lambda r: r["industry"] == "Retail"),  # the start of a name
]


def test_each_condition_keeps_what_a_plain_filter_keeps(book):
    for typed, keep in ATOMS:
        expected = sorted(r["name"] for r in book if keep(r))
        assert sorted(shown(typed)) == expected, typed
        negated = sorted(r["name"] for r in book if not keep(r))
        assert sorted(shown("-" + typed)) == negated, "-" + typed


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.booleans(), st.sampled_from(ATOMS)), min_size=1, max_size=3))
def test_conditions_together_keep_what_every_one_keeps(book, terms):
    typed = " ".join(("-" if negated else "") + atom[0] for negated, atom in terms)
    expected = sorted(
        r["name"] for r in book if all(atom[1](r) != negated for negated, atom in terms)
    )
    assert sorted(shown(typed)) == expected, typed


def test_words_still_search_beside_conditions(book):
    assert shown("account 03 has:email") == ["Account 03"]
    assert shown("account 03 -has:email") == []
    assert sorted(shown("-03 industry:retail")) == sorted(
        r["name"] for r in book if r["industry"] == "Retail" and r["name"] != "Account 03"
    )


def test_a_sort_orders_every_page_and_each_row_comes_once(book):
    for typed, reverse in (("sort:-name", True), ("sort:name", False)):
        seen, after = [], None
        while True:
            page = accounts.page(view="all", query=typed, limit=3, after=after)
            seen += [r["name"] for r in page.rows]
            if not page.more_after:
                break
            after = page.keys[-1]
        assert seen == sorted((r["name"] for r in book), reverse=reverse), typed


def test_a_sort_is_one_the_list_keeps_in_order(book):
    with pytest.raises(QueryError) as refused:
        accounts.page(view="all", query="sort:city")
    assert str(refused.value) == ("accounts cannot be sorted by city here; by name, modified_at")


def test_a_sort_with_words_filters_by_them_in_the_order_asked(book):
    names = shown("account sort:-name")
    assert names == sorted((r["name"] for r in book), reverse=True)


def test_across_a_lookup_and_its_access_rules(book, db):
    retail = accounts.page(view="all", query="industry:retail sort:name", limit=50).rows
    for i, account in enumerate(retail):
        contacts.create({"first_name": "Ada", "last_name": f"R{i}", "account_id": account["id"]})
    other = accounts.page(view="all", query="industry:banking", limit=1).rows[0]
    contacts.create({"first_name": "Bob", "last_name": "Banker", "account_id": other["id"]})
    found = contacts.page(view="all", query="account.industry:retail", limit=100).rows
    assert sorted(r["name"] for r in found) == [f"Ada R{i}" for i in range(len(retail))]
    found = contacts.page(view="all", query="-account.industry:retail", limit=100).rows
    assert [r["name"] for r in found] == ["Bob Banker"]
    # sara may read only her own accounts: a contact is not found through
    # an account she cannot read, though she may read the contact itself
    roles.set_depth("manager", "account", "read", "own")
    session.act_as(User.get(User.login == "sara"))
    try:
        found = contacts.page(view="all", query="account.industry:retail", limit=100).rows
        mine = {a["id"] for a in retail if a["owner"] == "Sara Ahmadi"}
        assert len(found) == len(mine) < len(retail)
    finally:
        session.act_as(User.get(User.login == "tester"))


def test_dates_and_money_on_opportunities(db):
    today = dt.date.today()
    acme = accounts.create({"name": "Acme"})
    for name, revenue, close in (
        ("Big", "75000", today + dt.timedelta(days=20)),
        ("Small", "1000", today + dt.timedelta(days=2)),
        ("Late", "90000", today + dt.timedelta(days=400)),
    ):
        opportunities.create(
            {
                "name": name,
                "account_id": acme.id,
                "estimated_revenue": revenue,
                "estimated_close_date": close.isoformat(),
            }
        )

    def names(typed):
        return sorted(
            r["name"] for r in opportunities.page(scope="all", state="all", query=typed).rows
        )

    assert names("revenue>50k") == ["Big", "Late"]
    assert names(f"close<{(today + dt.timedelta(days=30)).isoformat()}") == ["Big", "Small"]
    assert names("close:next-30d") == ["Big", "Small"]
    after_next_year = dt.date(today.year + 2, 1, 1)
    late = today + dt.timedelta(days=400)
    assert names("close>next-year") == (["Late"] if late >= after_next_year else [])
    assert names("close>=next-year") == sorted(
        ["Late"]
        + [
            n
            for n, d in (("Big", 20), ("Small", 2))
            if today.year < (today + dt.timedelta(days=d)).year
        ]
    )
    assert names("revenue>50k close<+30d") == ["Big"]
    by_revenue = opportunities.page(scope="all", state="all", query="sort:-revenue").rows
    assert [r["name"] for r in by_revenue] == ["Late", "Big", "Small"]
    by_revenue = opportunities.page(scope="all", state="all", query="sort:revenue").rows
    assert [r["name"] for r in by_revenue] == ["Small", "Big", "Late"]


def test_calendar_periods_and_a_record_by_its_number(db):
    acme = accounts.create({"name": "Acme"})
    globex = accounts.create({"name": "Globex"})
    for name, account, close in (
        ("Dec 31", acme, "2026-12-31"),
        ("Jan 1", globex, "2027-01-01"),
        ("Week 53", acme, "2026-12-28"),  # 2026 has an ISO week 53: 28 Dec to 3 Jan
    ):
        opportunities.create(
            {"name": name, "account_id": account.id, "estimated_close_date": close}
        )

    def names(typed):
        return sorted(
            r["name"] for r in opportunities.page(scope="all", state="all", query=typed).rows
        )

    assert names("close:2026") == ["Dec 31", "Week 53"]
    assert names("close:2026-q4") == names("close:2026-12") == ["Dec 31", "Week 53"]
    assert names("close:2027-q1") == ["Jan 1"]
    assert names("close:2026-w53") == ["Dec 31", "Jan 1", "Week 53"]
    assert names(f"account:#{acme.id}") == ["Dec 31", "Week 53"]
    assert names(f"-account:#{acme.id},#{globex.id}") == []
    with pytest.raises(query.QueryError, match="not a day"):
        names("close:2026-13")


@pytest.mark.parametrize(
    "typed, reason",
    [
        ("foo:bar", "accounts have no field 'foo'"),
        ("industry:zzz", "Industry has no option 'zzz'"),
        ("industry>retail", "industry is a choice: use industry:value"),
        ("revenue>lots", "revenue: 'lots' is not a number"),
        ("created:someday", "created: 'someday' is not a day"),
        ("city.name:x", "city is not a lookup to one kind"),
        ("owner>x", "owner is a record: use owner:name"),
    ],
)
def test_what_cannot_be_run_is_said_in_one_line(db, typed, reason):
    assert query.problem("account", typed).startswith(reason)
    with pytest.raises(QueryError):
        accounts.page(query=typed)


def test_completion_offers_names_and_option_values(db):
    from crm_tui import meta

    account = meta.kind("account")
    assert "city:" in query.completions(account, "ci")
    assert query.completions(account, "industry:ret") == ["industry:retail"]
    assert query.completions(account, "x -industry:ba")[0] == "-industry:banking"
    assert "owner:me" in query.completions(account, "owner:m")
    assert query.completions(account, "sort:-ann") == ["sort:-annual_revenue"]
    assert query.completions(account, "nothing:") == []
