"""The rows the read paths return hold exactly what their TypedDicts say:
every declared key (those marked NotRequired may be absent), no other, and
values of the declared types, on the demo data set."""

from __future__ import annotations

import datetime as dt
import types
import typing

import pytest

from crm_tui import config, demo
from crm_tui.db import close_database, dict_rows
from crm_tui.runtime import open_for_user
from crm_tui.services import session
from crm_tui.services.customers import accounts, activities, contacts, notes
from crm_tui.services.knowledge import kb, kb_search
from crm_tui.services.sales import (
    competitors,
    duplicates,
    invoices,
    leads,
    lines,
    opportunities,
    orders,
    pipeline,
    products,
    quotes,
)
from crm_tui.services.sales.opportunity_list import OpportunityRow
from crm_tui.services.support import cases, contracts, queues, scheduling


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("rows") / "demo.db"
    open_for_user(path, config.Settings(), login="tester")
    try:
        demo.seed("tester")
    finally:
        session.act_as(None)
        close_database()
    return path


@pytest.fixture
def seeded(demo_file, settings):
    open_for_user(demo_file, settings, login="tester")
    yield
    session.act_as(None)
    close_database()


def _one(sql: str) -> int:
    return next(iter(dict_rows(sql)[0].values()))


def _fits(value, hint) -> bool:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arm) for arm in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if typing.is_typeddict(hint):
        return isinstance(value, dict)
    if origin is not None:  # list[str], tuple[...], dict[...]
        return isinstance(value, origin)
    if hint is dt.date:
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if hint is float:
        return isinstance(value, (int, float))
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _check(rows, row_type) -> None:
    assert rows, row_type.__name__  # the demo data has some of each
    hints = typing.get_type_hints(row_type)
    optional = {
        name
        for name, hint in row_type.__annotations__.items()
        # NotRequired, read from the annotation's text: postponed annotations
        # hide it from __optional_keys__ before Python 3.12
        if getattr(hint, "__forward_arg__", str(hint)).startswith("NotRequired[")
    }
    for row in rows:
        assert set(hints) - optional <= set(row) <= set(hints), (row_type.__name__, sorted(row))
        for name, value in row.items():
            hint = hints[name]
            if typing.get_origin(hint) is typing.NotRequired:
                hint = typing.get_args(hint)[0]
            assert _fits(value, hint), (row_type.__name__, name, value, hint)


def test_customer_rows(seeded):
    account = _one(
        "SELECT a.id FROM account a WHERE EXISTS (SELECT 1 FROM contact c WHERE c.account_id = "
        "a.id) AND EXISTS (SELECT 1 FROM account ch WHERE ch.parent_id = a.id)"
    )
    _check(accounts.page(view="all").rows, accounts.AccountRow)
    _check(accounts.find_by_name("a"), accounts.AccountRow)
    _check(accounts.contacts_of(account), accounts.AccountContactRow)
    _check(accounts.children_of(account), accounts.ChildAccountRow)
    _check(contacts.page(view="all").rows, contacts.ContactRow)
    noted = dict_rows("SELECT regarding_type, regarding_id FROM note LIMIT 1")[0]
    _check(notes.list_for(tuple(noted.values())), notes.NoteRow)
    regarded = dict_rows(
        "SELECT regarding_type, regarding_id FROM activity WHERE regarding_type IS NOT NULL "
        "GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 20"
    )
    _check(
        [r for x in regarded for r in activities.open_items(tuple(x.values()))],
        activities.TimelineRow,
    )
    _check(
        [r for x in regarded for r in activities.history(tuple(x.values()))[0]],
        activities.HistoryRow,
    )
    with_parties = _one("SELECT activity_id FROM activity_party LIMIT 1")
    _check(activities.parties_of(with_parties), activities.PartyRow)


def test_sales_rows(seeded):
    _check(leads.page(view="all").rows, leads.LeadRow)
    _check(opportunities.page(scope="all", state="all").rows, OpportunityRow)
    _check(competitors.page(view="all").rows, competitors.CompetitorRow)
    linked = dict_rows("SELECT opportunity_id, competitor_id FROM opportunity_competitor")[0]
    _check(competitors.of_opportunity(linked["opportunity_id"]), competitors.LinkedCompetitorRow)
    _check([competitors.record(linked["competitor_id"])], competitors.CompetitorRecord)
    _check(
        competitors.opportunities_of(linked["competitor_id"]),
        competitors.CompetitorOpportunityRow,
    )
    _check(products.page(view="all").rows, products.ProductRow)
    _check(products.sellable("a"), products.ProductRow)
    _check(products.price_lists(), products.PriceListRow)
    _check(products.items_of(_one("SELECT id FROM price_list")), products.PriceListItemRow)
    _check(quotes.page(view="all").rows, quotes.QuoteRow)
    _check(orders.page(view="all").rows, orders.OrderRow)
    _check(invoices.page(view="all").rows, invoices.InvoiceRow)
    account = _one("SELECT account_id FROM quote GROUP BY 1 ORDER BY count(*) DESC")
    _check(quotes.quotes_of("account", account), quotes.DocumentOfRow)
    quote = _one("SELECT quote_id FROM quote_line")
    _check(lines.lines_of("quote", quote), lines.LineRow)
    board = pipeline.BoardFilter(scope="all")
    _check(
        [r for stage in opportunities.STAGES for r in pipeline.cards(stage, board).rows],
        pipeline.CardRow,
    )
    contact = dict_rows("SELECT email, phone FROM contact WHERE email != '' LIMIT 1")[0]
    account = dict_rows("SELECT name, email FROM account WHERE email != '' LIMIT 1")[0]
    found = duplicates.find(email=contact["email"], phone=contact["phone"])
    _check(found.contacts, duplicates.ContactMatch)
    found = duplicates.find(email=account["email"], company=account["name"])
    _check(found.accounts, duplicates.AccountMatch)


def test_support_rows(seeded):
    _check(cases.page(view="all").rows, cases.CaseRow)
    _check(cases.find_by_name("a"), cases.CaseMatch)
    busiest = _one(
        "SELECT max(id) FROM \"case\" WHERE state = 'active' GROUP BY account_id "
        "ORDER BY count(*) DESC"
    )
    related = cases.related(busiest)
    _check([related], cases.RelatedCases)
    _check(related["same_customer"], cases.RelatedCaseRow)
    activities.log("task", "Call them back", regarding=("case", busiest))
    _check(cases.open_activities(busiest), cases.OpenActivityRow)
    _check(queues.queues(), queues.QueueRow)
    queue = _one("SELECT queue_id FROM queue_member")
    _check(queues.members(queue), queues.MemberRow)
    _check(contracts.page(view="all").rows, contracts.ContractRow)
    contract = _one("SELECT contract_id FROM contract_line")
    _check(contracts.lines_of(contract), contracts.ContractLineRow)
    _check(contracts.audit_trail(contract), contracts.AuditRow)
    row = contracts.get(contract)
    _check(contracts.contracts_of("account", row.account_id), contracts.ContractRow)
    on = contracts.lines_of(contract)[0]["starts_on"]
    _check(contracts.usable_lines(row.account_id, row.contact_id, on), contracts.UsableLineRow)
    attached = _one('SELECT l.contract_id FROM "case" k JOIN contract_line l '
                    "ON l.id = k.contract_line_id")  # fmt: skip
    _check(contracts.cases_of(attached), contracts.ContractCaseRow)
    _check(scheduling.resources(), scheduling.ResourceRow)
    _check(scheduling.services(), scheduling.ServiceRow)
    booked = dict_rows("SELECT resource_id, starts_at FROM booking LIMIT 1")[0]
    start = dt.datetime.fromisoformat(booked["starts_at"]).replace(tzinfo=dt.UTC)
    day = start.date()
    _check(
        scheduling.busy([booked["resource_id"]], start, start + dt.timedelta(hours=1)),
        scheduling.BusyRow,
    )
    _check(scheduling.agenda(booked["resource_id"], day, 7), scheduling.AgendaRow)
    plan = scheduling.plan(booked["resource_id"], day, 7)
    _check([e for e in plan if e["kind"] == "booking"], scheduling.PlanBooking)
    _check([e for e in plan if e["kind"] != "booking"], scheduling.PlanGap)


def test_knowledge_rows(seeded):
    _check(kb.subjects(), kb.SubjectRow)
    _check(kb.versions(dict_rows("SELECT number FROM kb_article")[0]["number"]), kb.VersionRow)
    case = _one("SELECT case_id FROM kb_article_case")
    _check(kb.linked_articles(case), kb.LinkedArticleRow)
    _check(kb.linked_cases(_one("SELECT article_id FROM kb_article_case")), kb.LinkedCaseRow)
    _check(kb_search.search("password"), kb_search.ArticleHit)
    _check(kb_search.search(None, snippets=1), kb_search.ArticleHit)
    _check(kb_search.suggest("Cannot sign in after the update"), kb_search.ArticleHit)
    _check(kb_search.find_by_name("re"), kb_search.ArticleMatch)
