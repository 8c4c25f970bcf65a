"""The pipeline board driven by the keyboard: a card through every stage
(gates asking for what they need), won and lost, filters and paging."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input
from ui_support import screen_text, wait_until

from crm_tui.app import CrmApp
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.sales.pipeline_board import PipelineScreen
from crm_tui.services import dates
from crm_tui.services.customers import accounts
from crm_tui.services.sales import lines, opportunities, products, quotes
from crm_tui.widgets.kanban import Kanban

SIZE = (120, 36)


async def _board(pilot) -> Kanban:
    await pilot.press("4")
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, PipelineScreen))
    await pilot.pause()
    return pilot.app.screen.query_one(Kanban)


def _notes(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def _card(board: Kanban) -> dict | None:
    return board.current_card


async def _type_into(pilot, field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#field-{field}", Input)
    widget.focus()
    await pilot.pause()
    widget.value = ""
    await pilot.press(*text)


async def test_a_card_crosses_every_stage_and_is_won(db):
    acme = accounts.create({"name": "Acme Tools"})
    deal = opportunities.create({"name": "Forty laptops"})
    widget = products.create({"product_number": "LAP-1", "name": "Laptop", "list_price": "1000.00"})
    products.activate(widget.id, widget.version)

    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        board = await _board(pilot)
        assert _card(board)["id"] == deal.id
        assert board.current_column == "qualify"

        # Develop needs a customer and a close date: the gate asks for them.
        await pilot.press("shift+right")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        assert "a customer" in screen_text(app) and "an estimated close date" in screen_text(app)
        await pilot.press(*"Acme")
        await _type_into(pilot, "estimated_close_date", "2026-12-15")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PipelineScreen))
        assert await wait_until(pilot, lambda: board.current_column == "develop")
        assert _card(board)["id"] == deal.id
        stored = opportunities.get(deal.id)
        assert stored.stage == "develop" and stored.account_id == acme.id

        # Propose needs revenue and a need; H/L work like shift+arrows.
        await pilot.press("L")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await _type_into(pilot, "estimated_revenue", "40000")
        app.screen.query_one("#field-description").text = "Replace the field team's laptops"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: board.current_column == "propose")
        assert opportunities.get(deal.id).stage == "propose"

        # Close needs an active quote: refused with the reason, nothing asked.
        await pilot.press("L")
        assert await wait_until(pilot, lambda: "an active quote" in _notes(app))
        assert isinstance(app.screen, PipelineScreen)
        assert opportunities.get(deal.id).stage == "propose"

        quote = quotes.create({"name": "Laptops", "opportunity_id": deal.id})
        quote = lines.add_line(
            "quote", quote.id, quote.version, {"product_id": widget.id, "quantity": "40"}
        )
        quotes.activate(quote.id, quote.version)
        app.screen.refresh_data()
        await pilot.press("L")
        assert await wait_until(pilot, lambda: board.current_column == "close")
        assert opportunities.get(deal.id).stage == "close"

        # w asks for the actual revenue (the estimate by default) and closes.
        await pilot.press("w")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        assert app.screen.query_one("#field-actual_revenue", Input).value == "40000.00"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PipelineScreen))
        won = opportunities.get(deal.id)
        assert won.state == "won" and won.actual_revenue == 4_000_000
        assert board.loaded_count("close") == 0


async def test_lose_a_card_to_a_competitor_and_move_back(db):
    from crm_tui.services.sales import competitors

    rival = competitors.create({"name": "Globex"})
    deal = opportunities.create({"name": "Server refresh", "estimated_revenue": "9000"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        board = await _board(pilot)
        await pilot.press("x")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await _type_into(pilot, "competitor_id", "Glob")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PipelineScreen))
        lost = opportunities.get(deal.id)
        assert lost.state == "lost" and lost.lost_to_id == rival.id
        assert board.loaded_count("qualify") == 0


async def test_columns_page_in_more_cards_as_the_selection_moves(db):
    day = dates.today() + dt.timedelta(days=30)
    for index in range(95):
        opportunities.create({"name": f"Deal {index:03d}", "estimated_close_date": day.isoformat()})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        board = await _board(pilot)
        first = board.loaded_count("qualify")
        assert first < 95
        for _ in range(first):
            await pilot.press("j")
        assert await wait_until(pilot, lambda: board.loaded_count("qualify") > first)
        await pilot.press("G")
        for _ in range(40):
            await pilot.press("j")
        await pilot.pause()
        assert "95" in screen_text(app)  # the head counts every card, loaded or not


async def test_scope_and_close_date_filters(db):
    from crm_tui.services import session, users

    colleague = users.add("colleague", "Cole League", "sales")
    opportunities.create({"name": "Mine overdue", "estimated_close_date": "2020-01-31"})
    opportunities.create({"name": "Theirs", "owner_id": colleague.id})
    assert session.current_user().login == "tester"
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await _board(pilot)
        text = screen_text(app)
        assert "Mine overdue" in text and "Theirs" not in text and "overdue" in text
        await pilot.press("m", "m")  # mine -> team -> all
        assert await wait_until(pilot, lambda: "Theirs" in screen_text(app))
        await pilot.press("d", "d", "d")  # any -> this month -> this quarter -> overdue
        assert await wait_until(pilot, lambda: "Theirs" not in screen_text(app))
        assert "Mine overdue" in screen_text(app)
