"""A filter matching more rows than can be ranked in a keystroke lists the
newest matches first, and every match stays reachable by paging."""

from __future__ import annotations

import pytest

from crm_tui.services import listing
from crm_tui.services.customers import accounts


@pytest.fixture
def many(db, monkeypatch):
    monkeypatch.setattr(listing, "RANK_LIMIT", 50)
    ids = [accounts.create({"name": f"Mango {i:03d}"}).id for i in range(130)]
    accounts.create({"name": "Papaya"})
    return ids


def test_over_the_limit_is_newest_first_and_says_so(many):
    page = accounts.page(query="man", limit=40)
    assert not page.ranked
    assert [r["id"] for r in page.rows] == sorted(many, reverse=True)[:40]


def test_paging_forward_and_back_reaches_every_match_once(many):
    page = accounts.page(query="man", limit=40)
    seen = [r["id"] for r in page.rows]
    while page.more_after:
        page = accounts.page(query="man", after=page.keys[-1], limit=40)
        seen += [r["id"] for r in page.rows]
    assert seen == sorted(many, reverse=True)

    last = accounts.page(query="man", last=True, limit=40)
    assert [r["id"] for r in last.rows] == sorted(many, reverse=True)[-40:]
    assert last.more_before and not last.more_after
    back = accounts.page(query="man", before=last.keys[0], limit=40)
    assert [r["id"] for r in back.rows] == sorted(many, reverse=True)[-80:-40]
    again = accounts.page(query="man", after=back.keys[3], inclusive=True, limit=2)
    assert [r["id"] for r in again.rows] == [r["id"] for r in back.rows[3:5]]


def test_views_still_filter_and_a_narrow_query_is_ranked(many):
    accounts.deactivate(many[0], 1)
    inactive = accounts.page(query="man", view="inactive")
    assert [r["id"] for r in inactive.rows] == [many[0]]
    narrow = accounts.page(query="mango 007")
    assert narrow.ranked and narrow.rows[0]["name"] == "Mango 007"


def test_a_cursor_keeps_its_order_when_the_count_crosses_the_limit(many, monkeypatch):
    page = accounts.page(query="man", limit=40)
    monkeypatch.setattr(listing, "RANK_LIMIT", 10_000)  # now few enough to rank
    following = accounts.page(query="man", after=page.keys[-1], limit=40)
    assert not following.ranked
    assert [r["id"] for r in following.rows] == sorted(many, reverse=True)[40:80]


def test_finding_cases_past_the_limit_gives_the_newest_first(db, monkeypatch):
    from crm_tui.services.support import cases

    monkeypatch.setattr(listing, "RANK_LIMIT", 5)
    acme = accounts.create({"name": "Acme"})
    made = [cases.create({"title": f"Printer {i}", "account_id": acme.id}).id for i in range(8)]
    cases.create({"title": "Scanner", "account_id": acme.id})
    assert [r["id"] for r in cases.find_by_name("print", limit=3)] == made[::-1][:3]
    monkeypatch.setattr(listing, "RANK_LIMIT", 50)
    assert [r["id"] for r in cases.find_by_name("printer 3", limit=3)] == [made[3]]
