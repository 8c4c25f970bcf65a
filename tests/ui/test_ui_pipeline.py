"""The pipeline board driven by the keyboard: a card through every stage
(gates asking for what they need), won and lost, filters and paging."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input
from ui_support import screen_lines, screen_text, wait_until

from crm_tui import display
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


# --- a move redraws its two columns only ---------------------------------------------


def _deals(per_stage: int, *, start: dt.date, account_id: int) -> dict[str, list[int]]:
    """`per_stage` dated cards for a customer in every stage, put straight
    there (the gates are not what these tests are about)."""
    from crm_tui.db import write
    from crm_tui.models import Opportunity

    made: dict[str, list[int]] = {}
    day = start
    for stage in opportunities.STAGES:
        for index in range(per_stage):
            day += dt.timedelta(days=1)
            deal = opportunities.create(
                {
                    "name": f"{stage.title()} deal {index}",
                    "account_id": account_id,
                    "estimated_close_date": day.isoformat(),
                    "estimated_revenue": "1000",
                }
            )
            made.setdefault(stage, []).append(deal.id)
    with write():
        for stage, ids in made.items():
            Opportunity.update(
                stage=stage, probability=opportunities.DEFAULT_PROBABILITY[stage]
            ).where(Opportunity.id.in_(ids)).execute()
    return made


class _Spy:
    """What the board reads and redraws: pages of cards read, the columns
    whose cards were all set again, and footer rebuilds."""

    def __init__(self, monkeypatch):
        from textual.widgets import Footer

        from crm_tui.services.sales import pipeline
        from crm_tui.widgets.kanban import CardList

        self.pages: list[str] = []
        self.columns: list[str] = []
        self.footers = 0
        cards, set_options, recompose = pipeline.cards, CardList.set_options, Footer.recompose

        def counted_cards(stage, *args, **kwargs):
            self.pages.append(stage)
            return cards(stage, *args, **kwargs)

        def counted_set_options(card_list, options):
            self.columns.append(card_list.column)
            return set_options(card_list, options)

        async def counted_recompose(footer):
            self.footers += 1
            return await recompose(footer)

        monkeypatch.setattr(pipeline, "cards", counted_cards)
        monkeypatch.setattr(CardList, "set_options", counted_set_options)
        monkeypatch.setattr(Footer, "recompose", counted_recompose)

    def clear(self) -> None:
        self.pages, self.columns, self.footers = [], [], 0


def _lines(app) -> list[str]:
    return screen_lines(app)


async def test_a_move_redraws_only_its_two_columns_and_not_the_footer(db, monkeypatch):
    acme = accounts.create({"name": "Acme Tools"})
    made = _deals(3, start=dates.today(), account_id=acme.id)
    spy = _Spy(monkeypatch)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        board = await _board(pilot)
        await pilot.press("l")  # Develop: its first card moves back without a gate
        await pilot.pause()
        moved = board.current_card["id"]
        assert moved == made["develop"][0]
        spy.clear()

        await pilot.press("shift+left")
        assert await wait_until(pilot, lambda: board.current_column == "qualify")
        await pilot.pause()
        assert board.current_card["id"] == moved
        assert opportunities.get(moved).stage == "qualify"
        # no column read again, the two others not redrawn, the footer kept
        assert spy.pages == []
        assert set(spy.columns) <= {"qualify", "develop"}
        assert spy.footers == 0
        text = screen_text(app)
        assert "Qualify  4" in text and "Develop  2" in text
        assert "4,000.00" in text and "2,000.00" in text

        # what is on screen is what a full reload draws
        after_move = _lines(app)
        app.screen.refresh_data()
        await pilot.pause()
        assert _lines(app) == after_move
        assert board.current_card["id"] == moved

        # and forward again, through Develop's gate (customer and date are there)
        spy.clear()
        await pilot.press("shift+right")
        assert await wait_until(pilot, lambda: board.current_column == "develop")
        await pilot.pause()
        assert board.current_card["id"] == moved
        assert spy.pages == [] and spy.footers == 0


async def test_moving_between_columns_keeps_the_footer(db, monkeypatch):
    acme = accounts.create({"name": "Acme Tools"})
    _deals(2, start=dates.today(), account_id=acme.id)
    spy = _Spy(monkeypatch)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await _board(pilot)
        footer = "\n".join(_lines(app)[-1:])
        spy.clear()
        await pilot.press("l", "l", "j", "h")
        await pilot.pause()
        assert spy.footers == 0
        assert "\n".join(_lines(app)[-1:]) == footer


async def test_a_card_moved_past_the_loaded_cards_is_paged_in_and_selected(db):
    acme = accounts.create({"name": "Acme Tools"})
    start = dates.today() + dt.timedelta(days=10)
    for index in range(50):
        deal = opportunities.create(
            {
                "name": f"Early {index:02d}",
                "account_id": acme.id,
                "estimated_close_date": (start + dt.timedelta(days=index % 5)).isoformat(),
            }
        )
        opportunities.move_stage(deal.id, deal.version, "develop")
    late = opportunities.create(
        {
            "name": "Late deal",
            "account_id": acme.id,
            "estimated_close_date": (start + dt.timedelta(days=300)).isoformat(),
        }
    )
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        board = await _board(pilot)
        assert board.current_card["id"] == late.id
        loaded = board.loaded_count("develop")
        assert loaded < 50
        await pilot.press("shift+right")
        assert await wait_until(pilot, lambda: board.current_column == "develop")
        assert board.current_card["id"] == late.id
        assert board.loaded_count("develop") == 51
        assert board.loaded_count("qualify") == 0


async def test_the_selection_follows_a_card_through_its_gate(db):
    accounts.create({"name": "Acme Tools"})
    first = opportunities.create({"name": "First deal", "estimated_close_date": "2030-01-01"})
    second = opportunities.create({"name": "Second deal", "estimated_close_date": "2030-02-01"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        board = await _board(pilot)
        assert board.current_card["id"] == first.id
        await pilot.press("shift+right")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press(*"Acme")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PipelineScreen))
        await pilot.pause()
        assert board.current_column == "develop"
        assert board.current_card["id"] == first.id
        # the next move is the same card's: Propose's gate names it
        await pilot.press("shift+right")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        assert "Move to Propose: First deal" in screen_text(app)
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PipelineScreen))
        assert board.current_card["id"] == first.id
        assert opportunities.get(second.id).stage == "qualify"


async def test_cards_at_80_columns_keep_the_close_date_and_the_overdue_mark(db):
    acme = accounts.create({"name": "Acme Tools"})
    due = dates.today() - dt.timedelta(days=3)
    opportunities.create(
        {
            "name": "Quarterly licence renewal for the whole northern region",
            "account_id": acme.id,
            "estimated_revenue": "1234567.89",
            "estimated_close_date": due.isoformat(),
        }
    )
    app = CrmApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await _board(pilot)
        line = next(line for line in _lines(app) if "Quarter" in line)
        card = line[: line.index("Develop") if "Develop" in line else 21]
        assert "…" in card  # the name is cut ...
        assert "⚠" in card and due.strftime("%b") in card  # ... not the date and mark
        assert "1,234,567.89" in screen_text(app)
        status = _lines(app)[-2]
        assert status.rstrip().endswith("⚠ overdue")


async def test_the_gate_reads_date_phrases_like_the_activity_modal(db):
    acme = accounts.create({"name": "Acme Tools"})
    deal = opportunities.create({"name": "Undated deal", "account_id": acme.id})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        board = await _board(pilot)
        await pilot.press("shift+right")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        field = app.screen.query_one("#field-estimated_close_date", Input)
        assert field.placeholder == dates.DAY_HINT

        await _type_into(pilot, "estimated_close_date", "someday")
        assert "'someday' is not a date" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        assert field.value == "someday"
        assert opportunities.get(deal.id).stage == "qualify"

        await _type_into(pilot, "estimated_close_date", "+3d")
        day = dates.today() + dt.timedelta(days=3)
        assert f"→ {display.day(day)}" in screen_text(app)
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PipelineScreen))
        stored = opportunities.get(deal.id)
        assert stored.stage == "develop"
        assert str(stored.estimated_close_date) == day.isoformat()
        assert board.current_card["id"] == deal.id


async def test_another_persons_move_shows_on_the_next_refresh(db, monkeypatch):
    from crm_tui.services import session, users

    acme = accounts.create({"name": "Acme Tools"})
    made = _deals(2, start=dates.today(), account_id=acme.id)
    me = session.current_user()
    boss = users.add("boss", "Big Boss", "admin")
    spy = _Spy(monkeypatch)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        board = await _board(pilot)
        spy.clear()
        # the change watcher's way in: refresh_visible after another's commit
        session.act_as(boss)
        moved = opportunities.get(made["develop"][1])
        opportunities.move_stage(moved.id, moved.version, "qualify")
        session.act_as(me)
        app.refresh_visible()
        await pilot.pause()
        ids = {c.key: [row["id"] for row in c.rows] for c in board.columns}
        assert moved.id in ids["qualify"] and moved.id not in ids["develop"]
        assert "Qualify  3" in screen_text(app) and "Develop  1" in screen_text(app)
        # every column read again; only the two that changed drawn again
        assert sorted(spy.pages) == sorted(opportunities.STAGES)
        assert sorted(spy.columns) == ["develop", "qualify"]
        assert spy.footers == 0
