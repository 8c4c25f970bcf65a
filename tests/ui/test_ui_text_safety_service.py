"""User text is data, never markup, on the contract and scheduling screens.

The hostile corpus of test_ui_text_safety fills what a person reads there:
contract names and numbers, customers, line titles and the cases on a
contract; resource and group names, service names, booking subjects, the
records they regard and the resources booked together. Records are made
through the services, then their text columns overwritten raw.
"""

from __future__ import annotations

import datetime as dt

import pytest
from test_ui_text_safety import RAW, SIZE, VISIBLE, check_screen
from textual.widgets import Select, TabbedContent
from ui_support import wait_until

from crm_tui.app import CrmApp
from crm_tui.config import Settings
from crm_tui.db import write
from crm_tui.models import Account, Activity, Case, Contract, ContractLine, Resource, Service
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.support.booking_modal import BookingModal
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.screens.support.contract_detail import ContractDetailScreen
from crm_tui.screens.support.contracts_list import ContractsScreen
from crm_tui.screens.support.schedule import ScheduleScreen
from crm_tui.services import dates, session
from crm_tui.services.customers import accounts
from crm_tui.services.support import cases, contracts, scheduling

ALWAYS = {"work_days": "1,2,3,4,5,6,7", "work_start": "00:00", "work_end": "23:59"}


def raw(model, record_id: int, **columns) -> None:
    model.update(**columns).where(model.id == record_id).execute()


@pytest.fixture
def desk(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    today = dates.today()
    customers = [accounts.create({"name": f"Acct {i}"}) for i in range(8)]
    made = []
    for i, customer in enumerate(customers):
        row = contracts.create({"name": f"Deal {i}", "account_id": customer.id,
                                "starts_on": today - dt.timedelta(days=10),
                                "ends_on": today + dt.timedelta(days=300)})  # fmt: skip
        row = contracts.add_line(row.id, row.version, {"allotment_type": "cases", "total": 5})
        made.append(contracts.activate(row.id, row.version))
    line = contracts.lines_of(made[0].id)[0]
    case_rows = [
        cases.create(
            {"title": f"Case {i}", "account_id": customers[0].id, "contract_line_id": line["id"]}
        )  # fmt: skip
        for i in range(8)
    ]
    people = [
        scheduling.create_resource(
            {"name": f"Res {i}", "resource_type": "user", "group_name": "crew", **ALWAYS}
        )  # fmt: skip
        for i in range(8)
    ]
    service = scheduling.create_service(
        {"name": "Visit", "duration_minutes": 60}, [(people[0].id, None), (people[1].id, None)]
    )
    start = dt.datetime.combine(today, dt.time(8), tzinfo=dt.UTC)
    booked = [
        scheduling.book(
            subject=f"Job {i}",
            start=start + dt.timedelta(hours=i),
            end=start + dt.timedelta(hours=i, minutes=50),
            resource_ids=[people[0].id, people[1 + i % 7].id],
            regarding=("case", case_rows[i].id),
        )  # fmt: skip
        for i in range(8)
    ]
    with write():
        for i, customer in enumerate(customers):
            raw(Account, customer.id, name=RAW[i])
        for i, row in enumerate(made):
            raw(Contract, row.id, name=RAW[i])
        raw(ContractLine, line["id"], title=RAW[5])
        for i, row in enumerate(case_rows):
            raw(Case, row.id, title=RAW[i])
        for i, row in enumerate(people):
            raw(Resource, row.id, name=RAW[i], group_name=RAW[(i + 3) % 8])
        raw(Service, service.id, name=RAW[2])
        for i, activity_id in enumerate(booked):
            raw(Activity, activity_id, subject=RAW[i])
    return {"contracts": made, "cases": case_rows, "line": line, "busy": people[0].id}


async def test_contracts_list_detail_and_the_line_picker(desk):
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(ContractsScreen())
        assert await wait_until(pilot, lambda: len(app.screen.table._rows) == 8)
        await pilot.pause()
        check_screen(app, ContractsScreen, VISIBLE)

        await app.open_record("contract", desk["contracts"][0].id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContractDetailScreen))
        await pilot.pause()
        check_screen(app, ContractDetailScreen, [VISIBLE[0], VISIBLE[5]])
        app.screen.query_one("#tabs", TabbedContent).active = "tab-cases"
        await pilot.pause()
        await pilot.pause()
        check_screen(app, ContractDetailScreen, VISIBLE)

        # a case's contract line: its label in the picker, opened
        await app.open_record("case", desk["cases"][0].id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        await pilot.press("L")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        select = app.screen.query_one("#field-contract_line_id", Select)
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        check_screen(app, FormModal, [])


async def test_schedule_and_booking_modal(desk):
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(ScheduleScreen())
        assert await wait_until(pilot, lambda: isinstance(app.screen, ScheduleScreen))
        screen = app.screen
        table = screen.query_one("#resources")
        table.move_cursor(row=[r["id"] for r in screen._resources].index(desk["busy"]))
        assert await wait_until(pilot, lambda: len(screen._entries) >= 8)
        await pilot.pause()
        # resources and groups; the first resource's bookings: subjects, the
        # cases they regard, the resources booked with them
        check_screen(app, ScheduleScreen, VISIBLE)
        await pilot.press("w")
        await pilot.pause()
        check_screen(app, ScheduleScreen, VISIBLE)

        await pilot.press("b")
        assert await wait_until(pilot, lambda: isinstance(app.screen, BookingModal))
        assert await wait_until(pilot, lambda: len(app.screen.slots) > 0)
        await pilot.pause()
        # the service's name in the select and the resources of the slots
        check_screen(app, BookingModal, [VISIBLE[0]])
        select = app.screen.query_one("#field-service_id", Select)
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        check_screen(app, BookingModal, [])
