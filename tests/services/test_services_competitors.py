"""Competitors service: records, states, links to opportunities and the
record against them (counted in SQL)."""

from __future__ import annotations

import pytest

from crm_tui.db import connection, database
from crm_tui.errors import ConflictError, DomainError, NotFound, ValidationError
from crm_tui.services import audit, users
from crm_tui.services.customers import accounts
from crm_tui.services.sales import competitors, opportunities


def deal(name: str, **data):
    acme = accounts.create({"name": f"{name} customer"})
    return opportunities.create({"name": name, "account_id": acme.id, **data})


def won(opp):
    return opportunities.close_won(opp.id, opp.version, actual_revenue="100.00")


def lost(opp, competitor=None, reason="out_sold"):
    return opportunities.close_lost(
        opp.id, opp.version, reason=reason, competitor_id=competitor.id if competitor else None
    )


# --- records ------------------------------------------------------------------------


def test_create_get_update(db):
    rival = competitors.create(
        {
            "name": "  Fabrikam\tInc ",
            "website": "fabrikam.example",
            "strengths": "Price\nReach",
            "weaknesses": "Support",
        }
    )
    assert (rival.name, rival.name_sort, rival.state, rival.version) == (
        "Fabrikam Inc",
        "fabrikam inc",
        "active",
        1,
    )
    assert rival.strengths == "Price\nReach" and rival.owner.id == db.id
    assert competitors.get(rival.id).website == "fabrikam.example"
    rival = competitors.update(rival.id, 1, {"name": "Fabrikam", "description": "Big"})
    assert (rival.name, rival.name_sort, rival.version) == ("Fabrikam", "fabrikam", 2)
    assert competitors.update(rival.id, 2, {"description": "Big"}).version == 2
    assert all(hasattr(rival, f) for f in competitors.FIELDS)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "required"),
        ({"name": "n" * 161}, "name", "limit is 160"),
        ({"name": "A", "website": "no site"}, "website", "not a web address"),
        ({"name": "A", "strengths": "s" * 4001}, "strengths", "limit is 4000"),
        ({"name": "A", "owner_id": 999}, "owner_id", "active user"),
    ],
)
def test_validation_errors(db, data, field, message):
    with pytest.raises(ValidationError) as excinfo:
        competitors.create(data)
    assert message in excinfo.value.errors[field]


def test_missing_and_stale(db):
    with pytest.raises(NotFound, match="#77"):
        competitors.get(77)
    rival = competitors.create({"name": "Rival"})
    competitors.update(rival.id, 1, {"website": "rival.example"})
    with pytest.raises(ConflictError) as excinfo:
        competitors.update(rival.id, 1, {"website": "other.example"})
    assert excinfo.value.current == {"website": "rival.example"}


def test_deactivate_reactivate(db):
    rival = competitors.create({"name": "Rival"})
    off = competitors.deactivate(rival.id, 1)
    assert off.state == "inactive"
    with pytest.raises(DomainError, match="already inactive"):
        competitors.deactivate(rival.id, off.version)
    with pytest.raises(ConflictError):
        competitors.reactivate(rival.id, 1)
    assert competitors.reactivate(rival.id, off.version).state == "active"
    trail = audit.history("competitor", rival.id)
    assert [r["action"] for r in trail] == ["state", "state", "create"]


def test_views_search_and_pickers(db):
    sam = users.add("sam", "Sam Seller", "sales")
    a = competitors.create({"name": "Contoso Rival", "website": "rival.example"})
    b = competitors.create({"name": "Contoso Other", "owner_id": sam.id})
    competitors.deactivate(b.id, 1)

    def ids(**options):
        return [r["id"] for r in competitors.page(**options).rows]

    assert ids() == [a.id]  # active by default
    assert ids(view="inactive") == [b.id]
    assert ids(view="all") == [b.id, a.id]  # by name
    assert set(ids(view="all", query="contoso")) == {a.id, b.id}
    assert ids(view="all", query="rival.example") == [a.id]
    # the palette finds every competitor; a linking picker only linkable ones
    assert {r["id"] for r in competitors.find_by_name("contoso")} == {a.id, b.id}
    assert [r["id"] for r in competitors.find_by_name("contoso", view="active")] == [a.id]
    row = competitors.page(view="all", sort="modified").rows[0]
    assert {"id", "name", "website", "strengths", "owner", "state", "version"} <= set(row)
    assert set(competitors.VIEWS) == set(competitors.LIST.views)
    # renames are indexed
    competitors.update(a.id, 1, {"name": "Northwind"})
    assert ids(view="all", query="northwind") == [a.id]


# --- links ----------------------------------------------------------------------------


def test_link_unlink_and_audit(db):
    opp = deal("Chairs")
    zeta = competitors.create({"name": "Zeta", "website": "zeta.example"})
    alpha = competitors.create({"name": "Alpha"})
    row = competitors.link(opp.id, zeta.id)
    assert (row["id"], row["name"], row["website"]) == (zeta.id, "Zeta", "zeta.example")
    competitors.link(opp.id, alpha.id)
    assert [r["name"] for r in competitors.of_opportunity(opp.id)] == ["Alpha", "Zeta"]
    # linking is not an edit of the opportunity: open forms do not conflict
    assert opportunities.get(opp.id).version == opp.version

    competitors.unlink(opp.id, zeta.id)
    assert [r["name"] for r in competitors.of_opportunity(opp.id)] == ["Alpha"]
    trail = [r for r in audit.history("opportunity", opp.id) if "competitor" in r["action"]]
    assert [(r["action"], r["changes"]) for r in trail] == [
        ("competitor unlinked", {"competitor": ["Zeta", None]}),
        ("competitor linked", {"competitor": [None, "Alpha"]}),
        ("competitor linked", {"competitor": [None, "Zeta"]}),
    ]


def test_link_refusals(db):
    opp = deal("Chairs")
    rival = competitors.create({"name": "Rival"})
    competitors.link(opp.id, rival.id)
    with pytest.raises(DomainError, match="Rival is already linked"):
        competitors.link(opp.id, rival.id)
    assert len(competitors.of_opportunity(opp.id)) == 1

    retired = competitors.create({"name": "Retired"})
    competitors.deactivate(retired.id, 1)
    with pytest.raises(DomainError, match="Retired is inactive; reactivate it"):
        competitors.link(opp.id, retired.id)

    with pytest.raises(NotFound, match="opportunity #999"):
        competitors.link(999, rival.id)
    with pytest.raises(NotFound, match="competitor #999"):
        competitors.link(opp.id, 999)

    other = competitors.create({"name": "Other"})
    with pytest.raises(DomainError, match="Other is not linked"):
        competitors.unlink(opp.id, other.id)


def test_closed_opportunity_competitors_are_read_only(db):
    opp = deal("Chairs")
    rival = competitors.create({"name": "Rival"})
    competitors.link(opp.id, rival.id)
    opp = won(opportunities.get(opp.id))
    other = competitors.create({"name": "Other"})
    with pytest.raises(DomainError, match="won; reopen it"):
        competitors.link(opp.id, other.id)
    with pytest.raises(DomainError, match="won; reopen it"):
        competitors.unlink(opp.id, rival.id)
    assert [r["id"] for r in competitors.of_opportunity(opp.id)] == [rival.id]


def test_deactivated_competitor_stays_linked(db):
    opp = deal("Chairs")
    rival = competitors.create({"name": "Rival"})
    competitors.link(opp.id, rival.id)
    competitors.deactivate(rival.id, 1)
    assert [(r["id"], r["state"]) for r in competitors.of_opportunity(opp.id)] == [
        (rival.id, "inactive")
    ]
    competitors.unlink(opp.id, rival.id)  # and can still be removed
    assert competitors.of_opportunity(opp.id) == []


# --- the record against them ------------------------------------------------------------


def test_record_counts(db):
    rival = competitors.create({"name": "Rival"})
    other = competitors.create({"name": "Other"})

    open_a = deal("Open A")
    open_b = deal("Open B")
    won_a = deal("Won A")
    lost_linked = deal("Lost linked")
    lost_unlinked = deal("Lost unlinked")
    lost_to_other = deal("Lost to other")
    canceled = deal("Canceled")
    elsewhere = deal("Not theirs")
    for opp in (open_a, open_b, won_a, lost_linked, lost_to_other, canceled):
        competitors.link(opp.id, rival.id)
    competitors.link(elsewhere.id, other.id)

    won(opportunities.get(won_a.id))
    lost(opportunities.get(lost_linked.id), rival)
    lost(opportunities.get(lost_unlinked.id), rival)  # named the winner without a link
    lost(opportunities.get(lost_to_other.id), other)
    lost(opportunities.get(canceled.id), reason="canceled")
    won(opportunities.get(elsewhere.id))

    assert competitors.record(rival.id) == {"open": 2, "won_against": 1, "lost_to": 2}
    assert competitors.record(other.id) == {"open": 0, "won_against": 1, "lost_to": 1}
    fresh = competitors.create({"name": "Fresh"})
    assert competitors.record(fresh.id) == {"open": 0, "won_against": 0, "lost_to": 0}

    # reopening a deal takes it off the record again
    reopened = opportunities.reopen(lost_linked.id, opportunities.get(lost_linked.id).version)
    assert reopened.state == "open"
    assert competitors.record(rival.id) == {"open": 3, "won_against": 1, "lost_to": 1}


def test_opportunities_of(db):
    rival = competitors.create({"name": "Rival"})
    open_deal = deal("Open deal", estimated_revenue="500.00", estimated_close_date="2030-01-31")
    competitors.link(open_deal.id, rival.id)
    won_deal = deal("Won deal", estimated_revenue="250.00")
    competitors.link(won_deal.id, rival.id)
    won_deal = won(opportunities.get(won_deal.id))
    taken = lost(deal("Taken"), rival)  # lost to them, never linked
    deal("Unrelated")

    rows = competitors.opportunities_of(rival.id)
    assert [r["name"] for r in rows][0] == "Open deal"  # open ones first
    by_name = {r["name"]: r for r in rows}
    assert set(by_name) == {"Open deal", "Won deal", "Taken"}
    assert by_name["Open deal"]["customer"] == "Open deal customer"
    assert by_name["Open deal"]["estimated_revenue"] == 50_000
    assert by_name["Open deal"]["close_date"] == "2030-01-31"
    assert by_name["Won deal"]["actual_revenue"] == 10_000
    assert by_name["Won deal"]["close_date"] == won_deal.actual_close_date.isoformat()
    assert (by_name["Taken"]["state"], by_name["Taken"]["lost_to_them"]) == ("lost", 1)
    assert by_name["Won deal"]["lost_to_them"] == 0
    assert by_name["Taken"]["id"] == taken.id
    assert len(competitors.opportunities_of(rival.id, limit=1)) == 1


@pytest.mark.sqlite_only  # reads SQLite's query plans
def test_record_and_opportunities_of_read_by_index(db):
    """The counts and the list read the link table by competitor and
    opportunities by id or lost_to_id, never a scan of every opportunity."""
    rival = competitors.create({"name": "Rival"})
    competitors.link(deal("Chairs").id, rival.id)
    seen: list[tuple[str, object]] = []
    conn = connection()

    def tracer(cursor, sql, bindings):
        seen.append((sql, bindings))
        return True

    conn.exec_trace = tracer
    try:
        competitors.record(rival.id)
        competitors.opportunities_of(rival.id)
    finally:
        conn.exec_trace = None
    plans = [
        row[3]
        for sql, bindings in seen
        for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, bindings)
    ]
    scans = [p for p in plans if p.startswith("SCAN") and "CONSTANT ROW" not in p]
    assert plans and scans == [], plans
