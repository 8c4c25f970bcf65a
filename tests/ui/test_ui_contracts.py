"""Contracts by keyboard: from the case queue (K) create a draft, add lines,
activate it, hold and resume it; attach a case to a line from the case
detail (L), warned first when the line is used up."""

from __future__ import annotations

from textual.widgets import Input, Select
from ui_support import fill, notes_text, screen_text, wait_until

from crm_tui.app import CrmApp
from crm_tui.config import Settings
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.screens.support.case_queue import CaseQueueScreen
from crm_tui.screens.support.contract_detail import ContractDetailScreen
from crm_tui.screens.support.contract_form import ContractFormScreen
from crm_tui.screens.support.contracts_list import ContractsScreen
from crm_tui.services import dates, session
from crm_tui.services.customers import accounts
from crm_tui.services.support import cases, contracts

SIZE = (120, 36)


async def test_create_a_contract_add_lines_activate_hold_resume(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    acme = accounts.create({"name": "Acme"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseQueueScreen))
        await pilot.press("K")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContractsScreen))
        assert "No records in this view" in screen_text(app)

        # n: a draft for Acme; a bad end date is refused beside the field, kept
        await pilot.press("n")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContractFormScreen))
        await fill(pilot, "name", "Support 2027")
        await fill(pilot, "account_id", "Acme")
        await pilot.pause(0.2)
        await fill(pilot, "ends_on", "2020-01-01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ContractFormScreen)
        assert "before the start date" in screen_text(app)
        assert app.screen.query_one("#field-name", Input).value == "Support 2027"
        await fill(
            pilot, "ends_on", (dates.today().replace(year=dates.today().year + 1)).isoformat()
        )
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContractsScreen))
        row = contracts.find_by_name("Support 2027")[0]
        assert row["state"] == "draft" and row["account_id"] == acme.id

        # draft view, enter: the detail opens on its (empty) lines
        await pilot.press("v")
        assert await wait_until(pilot, lambda: app.screen.table.current_id == row["id"])
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContractDetailScreen))
        detail = app.screen
        assert "No lines yet" in screen_text(app)

        # + adds a line of 2 cases; a line without a total is refused, kept
        await pilot.press("plus")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await fill(pilot, "title", "Phone support")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        assert "needs a total" in screen_text(app)
        await fill(pilot, "total", "2")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: app.screen is detail)
        assert await wait_until(pilot, lambda: len(contracts.lines_of(row["id"])) == 1)
        assert "Phone support" in screen_text(app)

        # A activates: lines lock; + then only explains
        await pilot.press("A")
        assert await wait_until(pilot, lambda: contracts.get(row["id"]).state == "active")
        assert await wait_until(pilot, lambda: "lines are locked" in screen_text(app))
        await pilot.press("plus")
        await pilot.pause()
        assert app.screen is detail
        assert "Add line: only while this contract is draft; it is active" in notes_text(app)

        # H holds, H resumes; X asks before it cancels, n keeps it
        await pilot.press("H")
        assert await wait_until(pilot, lambda: contracts.get(row["id"]).state == "on_hold")
        await pilot.press("H")
        assert await wait_until(pilot, lambda: contracts.get(row["id"]).state == "active")
        await pilot.press("X")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("n")
        await pilot.pause()
        assert contracts.get(row["id"]).state == "active"

        # escape twice: back to the list, then back to the queue
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContractsScreen))
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseQueueScreen))


async def test_attach_a_case_to_a_line_warns_when_used_up(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    acme = accounts.create({"name": "Acme"})
    today = dates.today()
    row = contracts.create({"name": "Gold", "account_id": acme.id,
                            "starts_on": today.replace(day=1), "ends_on": today.replace(
                                year=today.year + 1)})  # fmt: skip
    row = contracts.add_line(row.id, row.version, {"allotment_type": "cases", "total": 1,
                                                   "title": "One case"})  # fmt: skip
    contracts.activate(row.id, contracts.get(row.id).version)
    line = contracts.lines_of(row.id)[0]
    first = cases.create({"title": "First", "account_id": acme.id, "contract_line_id": line["id"]})
    cases.resolve(first.id, first.version, resolution="Done", reason="problem_solved")
    second = cases.create({"title": "Second", "account_id": acme.id})

    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.open_record("case", second.id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        await pilot.press("L")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        choice = app.screen.query_one("#field-contract_line_id", Select)
        assert any("0 of 1 cases left" in str(label) for label, _ in choice._options)
        choice.value = line["id"]
        await pilot.press("ctrl+s")
        # used up: asked first; n leaves the case as it was
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "used up" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert cases.get(second.id).contract_line_id is None
        # again, y attaches it anyway; the summary shows the line
        await pilot.press("L")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        app.screen.query_one("#field-contract_line_id", Select).value = line["id"]
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        assert await wait_until(pilot, lambda: cases.get(second.id).contract_line_id == line["id"])
        assert await wait_until(pilot, lambda: "line 1 · One case" in screen_text(app))


async def test_no_usable_contract_says_so(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    case = cases.create({"title": "Lonely", "account_id": accounts.create({"name": "Solo"}).id})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.open_record("case", case.id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, CaseDetailScreen)
        assert "No active contract of Solo covers today" in notes_text(app)
