"""A record's detail offers only the keys its state allows (the footer, and
the keys that run), follows a change of state at once, and a key pressed
while its record's state refuses it says why in one line."""

from __future__ import annotations

from textual.widgets import TabbedContent
from textual.widgets._footer import FooterKey
from ui_support import notes_text, screen_lines, wait_until

from crm_tui.app import CrmApp
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.customers.account_detail import AccountDetailScreen
from crm_tui.screens.sales.document_detail import DocumentDetailScreen
from crm_tui.screens.sales.line_modal import LineModal
from crm_tui.screens.sales.opportunity_detail import OpportunityDetailScreen
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.services import session, users
from crm_tui.services.customers import accounts, notes
from crm_tui.services.sales import invoices, lines, opportunities
from crm_tui.services.support import cases, queues
from crm_tui.widgets.key_footer import KeyFooter

BIG = (120, 36)
SMALL = (80, 24)


def footer(app) -> str:
    return screen_lines(app)[-1]


def footer_keys(app) -> list[str]:
    """The keys in the footer, as "key description"."""
    keys = app.screen.query_one(KeyFooter).query(FooterKey)
    return [f"{k.key_display} {k.description}" for k in keys if "-command-palette" not in k.classes]


async def opened(pilot, kind: str, record_id: int, screen: type):
    await pilot.app.open_record(kind, record_id)
    assert await wait_until(
        pilot, lambda: isinstance(pilot.app.screen, screen) and pilot.app.screen.record is not None
    )
    await pilot.pause()
    return pilot.app.screen


def _invoice(customer: int):
    invoice = invoices.create({"name": "Support hours", "account_id": customer})
    return lines.add_line(
        "invoice", invoice.id, invoice.version, {"description": "Hours", "unit_price": "100"}
    )


async def test_a_paid_invoice_offers_no_line_or_edit_keys_and_says_why(db):
    acme = accounts.create({"name": "Acme"})
    invoice = _invoice(acme.id)
    app = CrmApp()
    async with app.run_test(size=BIG) as pilot:
        detail = await opened(pilot, "invoice", invoice.id, DocumentDetailScreen)
        assert "+ Add line" in footer(app) and "e Edit" in footer(app)

        # recording the payment makes it read-only: the footer follows at once
        await pilot.press("p")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press("ctrl+s")
        assert await wait_until(
            pilot, lambda: app.screen is detail and detail.record.state == "paid"
        )
        await pilot.pause()
        assert "Add line" not in footer(app)
        assert "Edit" not in footer(app)
        assert "a Activity" in footer(app)

        await pilot.press("plus")
        await pilot.pause()
        assert not isinstance(app.screen, LineModal)
        assert (
            "Add line: only while this invoice is active; it is paid. Its state is final."
            in notes_text(app)
        )
        await pilot.press("e")
        await pilot.pause()
        assert app.screen is detail
        assert "Edit: only while this invoice is active; it is paid." in notes_text(app)


async def test_a_step_of_another_kind_or_state_names_the_steps_possible_now(db):
    acme = accounts.create({"name": "Acme"})
    invoice = _invoice(acme.id)
    app = CrmApp()
    async with app.run_test(size=BIG) as pilot:
        detail = await opened(pilot, "invoice", invoice.id, DocumentDetailScreen)
        await pilot.press("A")  # a quote's activate
        await pilot.pause()
        assert app.screen is detail
        assert "Activate (quote): not a step of an invoice." in notes_text(app)
        await pilot.press("D")  # which keys change it now
        await pilot.pause()
        assert "State changes here: B mark billed, p record payment, X cancel." in notes_text(app)


async def test_a_resolved_case_offers_reactivate_not_take_or_resolve(db):
    acme = accounts.create({"name": "Acme"})
    case = cases.create({"title": "Printer jams", "account_id": acme.id})
    case = cases.resolve(case.id, case.version, resolution="Cleaned the rollers")
    app = CrmApp()
    async with app.run_test(size=BIG) as pilot:
        detail = await opened(pilot, "case", case.id, CaseDetailScreen)
        shown = footer_keys(app)
        assert "O Reactivate" in shown
        for gone in ("t Take", "R Resolve", "e Edit"):
            assert gone not in shown, gone

        await pilot.press("R")
        await pilot.pause()
        assert app.screen is detail
        assert (
            "Resolve: only while this case is active; it is resolved. Possible now: O reactivate."
            in notes_text(app)
        )
        await pilot.press("t")
        await pilot.pause()
        assert "Take: only while this case is active; it is resolved." in notes_text(app)
        assert cases.get(case.id).state == "resolved"

        # reactivated, it offers them again (and no longer O); Take not, for
        # it is mine (test_a_case_offers_take_while_it_waits_and_release_once_taken)
        await pilot.press("O")
        assert await wait_until(pilot, lambda: detail.record.state == "active")
        await pilot.pause()
        shown = footer_keys(app)
        assert "R Resolve" in shown and "e Edit" in shown
        assert "O Reactivate" not in shown and "t Take" not in shown


async def test_an_open_opportunity_offers_a_new_quote_a_won_one_reopen(db):
    deal = opportunities.create({"name": "Forty laptops", "estimated_revenue": "48000"})
    app = CrmApp()
    async with app.run_test(size=BIG) as pilot:
        detail = await opened(pilot, "opportunity", deal.id, OpportunityDetailScreen)
        shown = footer_keys(app)
        for key in ("Q New quote", "w Won", "X Lost", "> Stage ▶", "e Edit"):
            assert key in shown, key
        assert "O Reopen" not in shown

        deal = opportunities.get(deal.id)
        opportunities.close_won(deal.id, deal.version)
        detail.refresh_data()
        await pilot.pause()
        shown = footer_keys(app)
        assert "O Reopen" in shown
        for gone in ("Q New quote", "w Won", "X Lost", "> Stage ▶", "e Edit"):
            assert gone not in shown, gone
        await pilot.press("Q")
        await pilot.pause()
        assert app.screen is detail
        assert (
            "New quote: only while this opportunity is open; it is won. Possible now: O reopen."
            in notes_text(app)
        )


async def test_footers_at_80_columns_leave_keys_out_whole(db):
    deal = opportunities.create({"name": "Forty laptops"})
    acme = accounts.create({"name": "Acme"})
    case = cases.create({"title": "Printer jams", "account_id": acme.id})
    app = CrmApp()
    async with app.run_test(size=SMALL) as pilot:
        for kind, record_id, screen, wanted in (
            ("opportunity", deal.id, OpportunityDetailScreen, ["Q New quote", "w Won"]),
            ("case", case.id, CaseDetailScreen, ["R Resolve"]),
        ):
            await opened(pilot, kind, record_id, screen)
            line = footer(app)
            shown = footer_keys(app)
            for key in shown:
                assert key in line, (key, line)  # whole, never cut
            for key in [*wanted, "? Keys"]:
                assert key in shown, (key, line)


async def test_the_notes_tab_shows_who_wrote_a_note_whole(db):
    acme = accounts.create({"name": "Adebayo Agro Processing Ltd"})
    writer = users.add("adaeze", "Adaeze Okafor", "sales")
    session.act_as(writer)
    notes.add(("account", acme.id), "Payment terms", "Net 45 agreed for this year")
    session.act_as(db)
    app = CrmApp()
    async with app.run_test(size=SMALL) as pilot:
        detail = await opened(pilot, "account", acme.id, AccountDetailScreen)
        tabs = detail.query_one("#tabs", TabbedContent)
        for _ in range(6):
            if tabs.active == "tab-notes":
                break
            await pilot.press("]")
        assert tabs.active == "tab-notes"
        await pilot.pause()
        assert any("Adaeze Okafor" in line for line in screen_lines(app))


async def test_a_case_offers_take_while_it_waits_and_release_once_taken(db):
    queue = queues.create({"name": "Tier 1"})
    queues.add_member(queue.id, session.current_user().id)
    acme = accounts.create({"name": "Acme"})
    case = cases.create({"title": "Printer jams", "account_id": acme.id, "queue_id": queue.id})
    app = CrmApp()
    async with app.run_test(size=SMALL) as pilot:
        detail = await opened(pilot, "case", case.id, CaseDetailScreen)
        shown = footer_keys(app)
        assert "t Take" in shown and "u Release" not in shown
        await pilot.press("t")
        assert await wait_until(pilot, lambda: detail.record.assigned)
        await pilot.pause()
        shown = footer_keys(app)
        assert "u Release" in shown and "t Take" not in shown
        assert "u Release" in footer(app)  # whole at 80 columns
        await pilot.press("u")
        assert await wait_until(pilot, lambda: not detail.record.assigned)
        await pilot.pause()
        shown = footer_keys(app)
        assert "t Take" in shown and "u Release" not in shown
