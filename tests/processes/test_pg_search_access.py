"""Searching under the server's access rules: a filter, ranked or newest
first (too many matches to rank), and the palette's lookups show a person
the records they may read, and all of those."""

from __future__ import annotations

import secrets

import pytest

from crm_tui import text
from crm_tui.db import close_database, database
from crm_tui.runtime import open_for_user
from crm_tui.services import listing, roles, search, server_access, session, users
from crm_tui.services.customers import accounts
from crm_tui.services.support import cases


@pytest.fixture
def shop(pg_server, pg_migrated_database):
    """Access installed; agents ann and cid, each owning three accounts and
    a case named Mango."""
    suffix = secrets.token_hex(3)
    names = {who: f"{who}_{suffix}" for who in ("boss", "ann", "cid")}
    url = pg_migrated_database
    open_for_user(url, login=names["boss"])
    with database.atomic():
        server_access.install()
    owned: dict[str, list[int]] = {}
    for who in ("ann", "cid"):
        user = users.add(names[who], who.title(), "agent")
        server_access.add_login(names[who])
        owned[who] = [accounts.create({"name": f"Mango {who} {i}"}).id for i in range(3)]
        case = cases.create({"title": "Mango crate", "account_id": owned[who][0]})
        owned[who + " case"] = [case.id]
        for table, ids in (("account", owned[who]), ('"case"', [case.id])):
            database.execute_sql(
                f"UPDATE {table} SET owner_id = ? WHERE id = ANY(?)", (user.id, ids)
            )
    database.execute_sql('UPDATE "case" SET assigned = 1')
    session.act_as(None)
    close_database()
    dbname = url.split("/")[3].split("?")[0]
    yield {
        "url": url,
        "boss": names["boss"],
        "owned": owned,
        "as": lambda who: pg_server.url(dbname, names[who]),
    }
    session.act_as(None)
    close_database()


def _found(query: str) -> dict[str, list[int]]:
    return {
        "counted": search.count_matches("account", text.fts_prefix_query(query), 100),
        "ranked": sorted(r["id"] for r in accounts.page(view="all", query=query).rows),
        "palette": sorted(r["id"] for r in accounts.find_by_name(query, limit=10)),
        "cases": sorted(r["id"] for r in cases.find_by_name(query, limit=10)),
    }


@pytest.mark.parametrize("rank_limit", [5000, 1], ids=["ranked", "newest first"])
def test_a_search_shows_what_the_person_may_read(shop, monkeypatch, rank_limit):
    monkeypatch.setattr(listing, "RANK_LIMIT", rank_limit)
    owned = shop["owned"]
    open_for_user(shop["as"]("ann"))
    assert _found("mango") == {
        "counted": 6,
        "ranked": sorted(owned["ann"] + owned["cid"]),
        "palette": sorted(owned["ann"] + owned["cid"]),
        "cases": sorted(owned["ann case"] + owned["cid case"]),
    }
    close_database()

    open_for_user(shop["url"], login=shop["boss"])
    roles.set_depth("agent", "account", "read", "own")
    roles.set_depth("agent", "case", "read", "own")
    close_database()
    open_for_user(shop["as"]("ann"))
    assert _found("mango") == {
        "counted": 3,
        "ranked": owned["ann"],
        "palette": owned["ann"],
        "cases": owned["ann case"],
    }
