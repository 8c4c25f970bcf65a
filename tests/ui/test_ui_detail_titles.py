"""A record's title line holds at any width: a name too long for the
terminal is cut with an ellipsis, and what follows it (a case's status and
SLA clock, a contact's open activities) is always read whole, on the line."""

from __future__ import annotations

from ui_support import screen_lines, wait_until

from crm_tui.app import CrmApp
from crm_tui.screens.customers.contact_detail import ContactDetailScreen
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.services.customers import accounts, activities, contacts
from crm_tui.services.support import cases

LONG = "Exports to spreadsheets drop the accents from every customer name we have"


async def _title(pilot, kind: str, record_id: int, screen: type) -> str:
    await pilot.app.open_record(kind, record_id)
    assert await wait_until(
        pilot, lambda: isinstance(pilot.app.screen, screen) and pilot.app.screen.record is not None
    )
    await pilot.pause()
    lines = screen_lines(pilot.app)
    assert lines[3].strip().startswith(("Summary", "Timeline")), lines[:5]  # one line
    return lines[2]


async def test_a_long_case_title_gives_way_to_its_sla_clock(db):
    acme = accounts.create({"name": "Acme"})
    case = cases.create({"title": LONG, "account_id": acme.id})
    app = CrmApp()
    async with app.run_test(size=(80, 24)) as pilot:
        line = await _title(pilot, "case", case.id, CaseDetailScreen)
        assert "Exports to spreadsheets" in line and "…" in line
        assert "In progress" in line and "next SLA" in line
        await pilot.resize_terminal(130, 24)
        await pilot.pause()
        assert LONG in screen_lines(app)[2]


async def test_a_contacts_open_activities_stay_on_its_title_line(db):
    firm = accounts.create({"name": "Granite Harbor Credit Union of the Western Provinces"})
    person = contacts.create(
        {
            "first_name": "Zainab",
            "last_name": "Adebayo",
            "job_title": "Customer Service Lead",
            "account_id": firm.id,
        }
    )
    activities.log("task", "Schedule training", regarding=("contact", person.id))
    app = CrmApp()
    async with app.run_test(size=(80, 24)) as pilot:
        line = await _title(pilot, "contact", person.id, ContactDetailScreen)
        assert line.strip().startswith("Zainab Adebayo")
        assert line.rstrip().endswith("1 open activity") and "…" in line
