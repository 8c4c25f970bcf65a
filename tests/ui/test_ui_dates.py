"""One way to type a date and one way to read it: every date field takes the
phrases of the activity modal (fri, +3d, -3d, 27 Nov) and shows under it the
day they mean; a bad date stays typed with a one-line message; lists and
records show days in the user's date_format."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Static
from ui_support import fill, screen_text, wait_until

from crm_tui import display
from crm_tui.app import CrmApp
from crm_tui.config import Settings
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.sales.opportunities_list import OpportunitiesScreen
from crm_tui.screens.sales.pipeline_board import PipelineScreen
from crm_tui.screens.support.case_queue import CaseQueueScreen
from crm_tui.screens.support.contract_form import ContractFormScreen
from crm_tui.screens.support.contracts_list import ContractsScreen
from crm_tui.services import dates, session
from crm_tui.services.customers import accounts
from crm_tui.services.sales import opportunities
from crm_tui.services.support import contracts

SIZE = (120, 36)
# A Thursday: "fri" is the next day, and on a close date "mon" the Monday before.
THURSDAY = dt.date(2026, 11, 26)


def _freeze(monkeypatch, date_format: str = "short") -> None:
    session.configure(Settings(start_area="accounts", time_zone="UTC", date_format=date_format))
    monkeypatch.setattr(dates, "today", lambda: THURSDAY)


def _note(app, field: str) -> str:
    note = app.screen.query_one(f"#error-{field}", Static)
    return str(note.render()) if note.display else ""


async def _contracts(pilot) -> ContractsScreen:
    await pilot.press("6")
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, CaseQueueScreen))
    await pilot.press("K")
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, ContractsScreen))
    return pilot.app.screen


async def _opportunity_list(pilot) -> OpportunitiesScreen:
    await pilot.press("4")
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, PipelineScreen))
    await pilot.press("b")
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, OpportunitiesScreen))
    await pilot.pause()
    return pilot.app.screen


async def test_a_contract_date_takes_a_weekday_and_keeps_a_bad_date_typed(db, monkeypatch):
    _freeze(monkeypatch)
    accounts.create({"name": "Acme"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await _contracts(pilot)
        await pilot.press("n")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContractFormScreen))
        starts = app.screen.query_one("#field-starts_on", Input)
        # prefilled as the app shows days, which the field reads back
        assert starts.value == "Thu 26 Nov"
        assert app.screen.query_one("#field-ends_on", Input).value == "25 Nov 2027"
        await fill(pilot, "name", "Support 2027")
        await fill(pilot, "account_id", "Acme")
        await pilot.pause(0.2)

        # what a phrase means is shown under the field as it is typed
        await fill(pilot, "starts_on", "fri")
        assert await wait_until(pilot, lambda: _note(app, "starts_on") == "→ Fri 27 Nov")

        # a date it cannot read: one line under the field, nothing saved, text kept
        await fill(pilot, "ends_on", "end of next year")
        assert "'end of next year' is not a date" in _note(app, "ends_on")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ContractFormScreen)
        assert app.screen.query_one("#field-ends_on", Input).value == "end of next year"
        assert app.screen.query_one("#field-starts_on", Input).value == "fri"
        assert "'end of next year' is not a date; try today" in screen_text(app)
        assert "Fix the fields marked in red; nothing was saved." in screen_text(app)
        assert contracts.find_by_name("Support 2027") == []

        await fill(pilot, "ends_on", "+1m")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContractsScreen))
        row = contracts.get(contracts.find_by_name("Support 2027")[0]["id"])
        assert (row.starts_on, row.ends_on) == (dt.date(2026, 11, 27), dt.date(2026, 12, 26))


async def test_won_and_lost_close_dates_take_phrases(db, monkeypatch):
    _freeze(monkeypatch)
    acme = accounts.create({"name": "Acme"})
    won = opportunities.create({"name": "Won deal", "account_id": acme.id})
    lost = opportunities.create({"name": "Lost deal", "account_id": acme.id})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _opportunity_list(pilot)
        assert await wait_until(pilot, lambda: screen.table.current_id is not None)
        while screen.table.current_id != won.id:
            await pilot.press("down")

        await pilot.press("w")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        field = app.screen.query_one("#field-close_date", Input)
        assert (
            field.value == "Thu 26 Nov"
            and field.placeholder == "fri · +3d · 2026-12-01 · empty: today"
        )
        await fill(pilot, "actual_revenue", "500")

        # +3d is read as a day ... that a close date may not be: refused, kept
        await fill(pilot, "close_date", "+3d")
        assert _note(app, "close_date") == "→ Sun 29 Nov"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        assert field.value == "+3d"
        assert "the close date is in the future" in screen_text(app)

        await fill(pilot, "close_date", "-3d")
        assert _note(app, "close_date") == "→ Mon 23 Nov"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, OpportunitiesScreen))
        assert await wait_until(pilot, lambda: opportunities.get(won.id).state == "won")
        assert opportunities.get(won.id).actual_close_date == dt.date(2026, 11, 23)

        # on a close date a weekday is the last one: "mon" is this week's Monday
        assert await wait_until(pilot, lambda: screen.table.current_id == lost.id)
        await pilot.press("x")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await fill(pilot, "close_date", "mon")
        assert _note(app, "close_date") == "→ Mon 23 Nov"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: opportunities.get(lost.id).state == "lost")
        assert opportunities.get(lost.id).actual_close_date == dt.date(2026, 11, 23)


def _contract(account, name: str, starts: dt.date, ends: dt.date) -> None:
    contracts.create({"name": name, "account_id": account.id, "starts_on": starts, "ends_on": ends})


async def test_lists_show_days_in_the_configured_format(db, monkeypatch):
    _freeze(monkeypatch, "iso")
    acme = accounts.create({"name": "Acme"})
    _contract(acme, "Old terms", dt.date(2025, 1, 1), dt.date(2026, 12, 31))
    opportunities.create(
        {"name": "Dated deal", "account_id": acme.id, "estimated_close_date": "2026-12-18"}
    )
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await _contracts(pilot)
        await pilot.press("v")  # the drafts
        assert await wait_until(pilot, lambda: "Old terms" in screen_text(app))
        line = next(line for line in screen_text(app).splitlines() if "Old terms" in line)
        assert "2025-01-01" in line and "2026-12-31" in line
        await _opportunity_list(pilot)
        assert await wait_until(pilot, lambda: "Dated deal" in screen_text(app))
        line = next(line for line in screen_text(app).splitlines() if "Dated deal" in line)
        assert "2026-12-18" in line

    session.configure(Settings(start_area="accounts", time_zone="UTC", date_format="short"))
    app = CrmApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await _contracts(pilot)
        await pilot.press("v")
        assert await wait_until(pilot, lambda: "Old terms" in screen_text(app))
        line = next(line for line in screen_text(app).splitlines() if "Old terms" in line)
        # this year's day short, another year's with its year, neither cut at 80 columns
        assert "01 Jan 2025" in line and "Thu 31 Dec" in line
        assert display.day(dt.date(2026, 12, 31)) == "Thu 31 Dec"
        await _opportunity_list(pilot)
        assert await wait_until(pilot, lambda: "Dated deal" in screen_text(app))
        line = next(line for line in screen_text(app).splitlines() if "Dated deal" in line)
        assert "Fri 18 Dec" in line and "2026-12-18" not in line
