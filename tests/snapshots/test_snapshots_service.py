"""SVG snapshots of a contract's lines and a resource's week agenda, on a
small fixed data set with the date frozen (Monday 7 June 2021, UTC).

Update with `pytest tests/snapshots/test_snapshots_service.py --snapshot-update` after
checking the differences in snapshot_report.html.
"""

from __future__ import annotations

import datetime as dt

import pytest
from ui_support import wait_until

from crm_tui.app import CrmApp
from crm_tui.config import Settings
from crm_tui.screens.support.contract_detail import ContractDetailScreen
from crm_tui.screens.support.contracts_list import ContractsScreen
from crm_tui.screens.support.schedule import ScheduleScreen
from crm_tui.services import dates, session
from crm_tui.services.customers import accounts
from crm_tui.services.support import cases, contracts, scheduling

BIG = (120, 36)
SMALL = (80, 24)
DAY = dt.date(2021, 6, 7)  # a Monday


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2021, 6, day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def service_desk(db, monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: DAY)
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    fabrikam = accounts.create({"name": "Fabrikam Inc"})
    deal = contracts.create({"name": "Premier support 2021", "account_id": fabrikam.id,
                             "starts_on": "2021-01-01", "ends_on": "2021-12-31",
                             "description": "Phone and on-site support"})  # fmt: skip
    for line in (
        {"title": "Support cases", "allotment_type": "cases", "total": 10},
        {"title": "Consulting time", "allotment_type": "minutes", "total": 600},
        {"title": "Hotline", "allotment_type": "coverage", "starts_on": "2021-03-01"},
    ):
        deal = contracts.add_line(deal.id, deal.version, line)
    deal = contracts.activate(deal.id, deal.version)
    lines = contracts.lines_of(deal.id)
    for n, (title, line, minutes) in enumerate(
        [("Cannot log in", 0, None), ("Data migration", 1, 240), ("Report totals", 0, None)]
    ):
        case = cases.create({"title": title, "account_id": fabrikam.id,
                             "contract_line_id": lines[line]["id"]})  # fmt: skip
        if n < 2:
            cases.resolve(case.id, case.version, resolution="Done", reason="problem_solved",
                          billable_minutes=minutes)  # fmt: skip

    ann = scheduling.create_resource({"name": "Ann Berg", "resource_type": "user",
                                      "group_name": "field"})  # fmt: skip
    van = scheduling.create_resource({"name": "Van 2", "resource_type": "equipment"})
    scheduling.create_resource({"name": "Training room", "resource_type": "facility"})
    visit = scheduling.create_service(
        {"name": "On-site visit", "duration_minutes": 120}, [(ann.id, None), (van.id, None)]
    )
    for day, hour, subject in ((7, 9, "Install router"), (7, 13, "Replace switch"),
                               (9, 10, "Survey the new floor"), (11, 14, "Training follow-up")):  # fmt: skip
        scheduling.book(subject=subject, start=at(day, hour), resource_ids=[ann.id, van.id],
                        service_id=visit.id, regarding=("account", fabrikam.id))  # fmt: skip
    return {"contract": deal.id}


def test_contract_lines(service_desk, snap_compare):
    async def open_contract(pilot):
        await pilot.pause()
        await pilot.app.open_record("contract", service_desk["contract"])
        assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, ContractDetailScreen))
        await pilot.pause()

    assert snap_compare(CrmApp(), run_before=open_contract, terminal_size=BIG)


async def _week(pilot) -> None:
    await pilot.pause()
    await pilot.app.push_screen(ScheduleScreen())
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, ScheduleScreen))
    await pilot.press("w")
    assert await wait_until(pilot, lambda: len(pilot.app.screen._entries) > 7)
    await pilot.pause()


def test_schedule_week(service_desk, snap_compare):
    assert snap_compare(CrmApp(), run_before=_week, terminal_size=BIG)


def test_schedule_week_small(service_desk, snap_compare):
    assert snap_compare(CrmApp(), run_before=_week, terminal_size=SMALL)


async def _contracts(pilot) -> None:
    # another year's contract beside this year's: days keep their year only then
    old = accounts.create({"name": "Litware Ltd"})
    contracts.create({"name": "Hotline 2020", "account_id": old.id,
                      "starts_on": "2020-01-01", "ends_on": "2020-12-31"})  # fmt: skip
    await pilot.pause()
    await pilot.app.push_screen(ContractsScreen())
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, ContractsScreen))
    await pilot.press("V")  # all contracts, the draft too
    await pilot.pause()


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["big", "small"])
def test_contracts_list(service_desk, snap_compare, size):
    assert snap_compare(CrmApp(), run_before=_contracts, terminal_size=size)
