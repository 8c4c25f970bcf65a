"""The record metadata's editable states (which the detail screens offer
Edit in) are the states the services let a person edit a record in."""

from __future__ import annotations

import pytest

from crm_tui import meta
from crm_tui.errors import DomainError
from crm_tui.services.customers import accounts
from crm_tui.services.sales import leads, opportunities
from crm_tui.services.support import cases


def _editable(kind: str, row) -> bool:
    return meta.kind(kind).states.is_editable(row.state)


def test_a_closed_case_opportunity_or_lead_is_neither_editable_nor_edited(db):
    acme = accounts.create({"name": "Acme"})
    case = cases.create({"title": "Printer jams", "account_id": acme.id})
    deal = opportunities.create({"name": "Laptops"})
    lead = leads.create({"last_name": "Abbott", "topic": "Laptops"})
    assert _editable("case", case) and _editable("opportunity", deal) and _editable("lead", lead)

    case = cases.resolve(case.id, case.version, resolution="Fixed")
    deal = opportunities.close_won(deal.id, deal.version, actual_revenue="100")
    lead = leads.disqualify(lead.id, lead.version, "lost")
    for kind, row, update in (
        ("case", case, lambda: cases.update(case.id, case.version, {"title": "Jams"})),
        ("opportunity", deal, lambda: opportunities.update(deal.id, deal.version, {"name": "X"})),
        ("lead", lead, lambda: leads.update(lead.id, lead.version, {"topic": "X"})),
    ):
        assert not _editable(kind, row), kind
        with pytest.raises(DomainError):
            update()


def test_an_inactive_account_stays_editable(db):
    acme = accounts.create({"name": "Acme"})
    acme = accounts.deactivate(acme.id, acme.version)
    assert _editable("account", acme)
    assert accounts.update(acme.id, acme.version, {"city": "Leeds"}).city == "Leeds"
