"""The related tables of a detail screen fit an 80x24 terminal: every column
is on screen, none scrolls sideways (a phone number off to the right is a
phone number nobody sees)."""

from __future__ import annotations

from textual.widgets import DataTable, TabbedContent
from ui_support import screen_text, wait_until

from crm_tui import display
from crm_tui.app import CrmApp
from crm_tui.config import Settings
from crm_tui.screens.customers.account_detail import AccountDetailScreen
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.screens.support.contract_detail import ContractDetailScreen
from crm_tui.services import dates, session
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.support import cases, contracts

SIZE = (80, 24)


def assert_fits(table: DataTable) -> None:
    widths = [column.get_render_width(table) for column in table.columns.values()]
    assert table.size.width > 0, "the table is not on screen"
    assert sum(widths) <= table.scrollable_content_region.width, widths
    assert table.max_scroll_x == 0


async def open_tab(pilot, tab: str) -> DataTable:
    """Step through the tabs with ] until `tab` shows; its table."""
    tabs = pilot.app.screen.query_one("#tabs", TabbedContent)
    for _ in range(len(tabs.query("TabPane"))):
        if tabs.active == tab:
            break
        await pilot.press("]")
        await pilot.pause()
    assert tabs.active == tab
    table = tabs.get_pane(tab).query_one(DataTable)
    assert await wait_until(pilot, lambda: table.size.width > 0)
    return table


async def test_account_contacts_fit_80_columns(db):
    account = accounts.create({"name": "Adebayo Agro Processing Ltd", "country": "Nigeria"})
    for first, last in (("Zainab", "Balogun"), ("Chiamaka", "Eze")):
        contacts.create(
            {
                "first_name": first,
                "last_name": last,
                "job_title": "Sales Operations Analyst",
                "email": f"{first.lower()}_{last.lower()}@adebayo-agro-processing.ng",
                "phone": "+234 202 045 3608",
                "account_id": account.id,
            }
        )
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.open_record("account", account.id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, AccountDetailScreen))
        table = await open_tab(pilot, "tab-contacts")
        assert table.row_count == 2
        assert_fits(table)
        text = screen_text(app)
        assert "Phone" in text
        # a phone number is useless cut: it keeps its width
        assert "+234 202 045 3608" in text


async def test_contract_and_case_tables_fit_80_columns(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    acme = accounts.create({"name": "Acme"})
    today = dates.today()
    contract = contracts.create(
        {
            "name": "Premium support",
            "account_id": acme.id,
            "starts_on": today.replace(day=1),
            "ends_on": today.replace(year=today.year + 1),
        }
    )
    for data in (
        {"allotment_type": "cases", "total": 12, "title": "Support cases"},
        {"allotment_type": "minutes", "total": 900, "title": "Consulting hours"},
        {"allotment_type": "coverage", "title": "Priority hotline"},
    ):
        contract = contracts.add_line(contract.id, contract.version, data)
    contracts.activate(contract.id, contracts.get(contract.id).version)
    line = contracts.lines_of(contract.id)[0]
    first = cases.create(
        {
            "title": "Purchase order number missing on the invoice",
            "account_id": acme.id,
            "contract_line_id": line["id"],
        }
    )
    cases.set_status(first.id, first.version, "waiting_for_details")
    second = cases.create(
        {"title": "Calendar sync creates duplicate events", "account_id": acme.id}
    )

    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.open_record("contract", contract.id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContractDetailScreen))
        lines = await open_tab(pilot, "tab-lines")
        assert lines.row_count == 3
        assert_fits(lines)
        # dates are useless cut: they keep their width
        assert display.day(line["ends_on"]) in screen_text(app)
        used = await open_tab(pilot, "tab-cases")
        assert used.row_count == 1
        assert_fits(used)
        assert "Waiting for details" in screen_text(app)

        await app.open_record("case", second.id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        related = await open_tab(pilot, "tab-related")
        assert related.row_count == 1
        assert_fits(related)
        assert "same customer" in screen_text(app)
        assert "Waiting for details" in screen_text(app)
