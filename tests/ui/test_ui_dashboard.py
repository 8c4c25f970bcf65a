"""The dashboard and reports by keyboard: the app opens on the dashboard,
a number drills into exactly its records, a colleague's change shows in
the tiles, tiles are chosen and kept, a report is run, drilled, built,
saved and stopped, and a quote is printed from its page."""

from __future__ import annotations

import datetime as dt

from textual.widgets import OptionList
from ui_support import screen_text, shown_record, wait_until

from crm_tui.app import CrmApp
from crm_tui.db import database
from crm_tui.screens.reports.dashboard import DashboardScreen
from crm_tui.screens.reports.dashboard_setup import DashboardPicker, TilesModal
from crm_tui.screens.reports.drill_list import DrillScreen
from crm_tui.screens.reports.report_builder import KindPicker
from crm_tui.screens.reports.report_view import ReportScreen
from crm_tui.screens.reports.reports_list import ReportsScreen
from crm_tui.services import dates, session
from crm_tui.services.customers import accounts, activities
from crm_tui.services.dashboards import boards
from crm_tui.services.reporting import engine, saved
from crm_tui.services.sales import opportunities
from crm_tui.widgets.record_table import RecordTable
from crm_tui.widgets.tile import TileView

SIZE = (120, 36)


def _on_dashboard() -> None:
    session.settings().start_area = "dashboard"


def _due_today(subject: str):
    zone = dates.configured_zone()
    noon = dt.datetime.combine(dates.today(), dt.time(12), tzinfo=zone).astimezone(dt.UTC)
    return activities.log("task", subject, due_at=noon)


async def _form(pilot, **values) -> None:
    """Fill the form modal on screen (field -> value) and press ctrl+s."""
    from crm_tui.screens.common.form_modal import FormModal

    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, FormModal))
    for name, value in values.items():
        pilot.app.screen.form.query_one(f"#field-{name}").value = value
    await pilot.pause()
    await pilot.press("ctrl+s")


async def _loaded(pilot) -> DashboardScreen:
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen)
    assert await wait_until(pilot, lambda: all(v.data or v.problem for v in screen.tiles))
    return screen


async def test_the_app_opens_on_the_dashboard_and_a_number_drills_to_its_records(db):
    _on_dashboard()
    acme = accounts.create({"name": "Acme"})
    for name in ("Alpha", "Beta"):
        opportunities.create({"name": name, "account_id": acme.id, "estimated_revenue": "1000"})
    _due_today("Call Acme back")
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _loaded(pilot)
        assert [t.tile for t in screen.board.tiles][:2] == ["quarter_won", "pipeline"]
        assert "Qualify" in screen_text(app) and "Due today" in screen_text(app)
        await pilot.press("right")  # the pipeline
        assert app.focused is screen.tiles[1]
        figures = len([f for f in screen.tiles[1].data.figures if f.drill])
        await pilot.press(*["down"] * figures, "enter")  # past its headline: Qualify
        assert await wait_until(pilot, lambda: isinstance(app.screen, DrillScreen))
        drill = app.screen
        assert drill.query_text.endswith("stage:qualify")
        assert await wait_until(pilot, lambda: drill.query_one(RecordTable).row_count == 2)
        assert "2 opportunities" in screen_text(app)
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))


async def test_a_colleagues_change_shows_in_the_tiles(db):
    _on_dashboard()
    _due_today("First")
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _loaded(pilot)
        activities_tile = next(v for v in screen.tiles if v.data.name == "activities")

        def today() -> int:
            return next(r.values[0] for r in activities_tile.data.rows if r.label == "Due today")

        assert today() == 1
        _due_today("Second")  # as written by anyone: the data moved on
        app.refresh_visible()
        assert await wait_until(pilot, lambda: today() == 2)


async def test_tiles_are_chosen_arranged_and_kept_as_the_persons_own(db):
    _on_dashboard()
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _loaded(pilot)
        before = len(screen.board.tiles)
        await pilot.press("c")
        assert await wait_until(pilot, lambda: isinstance(app.screen, TilesModal))
        modal = app.screen
        await pilot.press("minus")  # the first tile off
        available = modal.query_one("#tiles-available", OptionList)
        available.focus()
        available.highlighted = [t.tile for t in modal.available].index("recent")
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        assert await wait_until(pilot, lambda: screen.board.name == "My dashboard")
        assert len(screen.board.tiles) == before
        assert screen.board.tiles[-1].tile == "recent"
        assert boards.current().key == screen.board.key  # opened on next time
        await pilot.press("D")
        assert await wait_until(pilot, lambda: isinstance(app.screen, DashboardPicker))
        picker = app.screen.query_one(OptionList)
        picker.highlighted = picker.option_count - 1  # the person's own come last
        await pilot.press("x", "y", "escape")
        assert await wait_until(pilot, lambda: screen.board.name == "Manager's desk")
        assert "My dashboard" not in [d.name for d in boards.available()]


async def test_a_report_run_drilled_built_and_saved(db):
    _on_dashboard()
    acme = accounts.create({"name": "Acme"})
    for name in ("Alpha", "Beta", "Gamma"):
        opportunities.create({"name": name, "account_id": acme.id, "estimated_revenue": "500"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        await pilot.press("r")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        await pilot.press("enter")  # the first: the pipeline by stage and owner
        assert await wait_until(pilot, lambda: isinstance(app.screen, ReportScreen))
        report = app.screen
        assert await wait_until(pilot, lambda: report.result is not None)
        text = screen_text(app)
        assert "Qualify total" in text and "1,500.00" in text and "3 opportunities" in text
        await pilot.press("c")
        assert report.chart == "line"
        await pilot.press("enter")  # the first group's records
        assert await wait_until(pilot, lambda: isinstance(app.screen, DrillScreen))
        assert await wait_until(pilot, lambda: app.screen.query_one(RecordTable).row_count == 3)
        await pilot.press("escape", "escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        await pilot.press("n")
        assert await wait_until(pilot, lambda: isinstance(app.screen, KindPicker))
        kinds = app.screen.query_one(OptionList)
        kinds.highlighted = next(i for i in range(kinds.option_count)
                                 if kinds.get_option_at_index(i).id == "opportunity")  # fmt: skip
        await pilot.press("enter")
        await _form(pilot, group1="rating", measure1="sum", field1="estimated_revenue")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ReportScreen))
        built = app.screen
        assert await wait_until(pilot, lambda: built.result is not None)
        assert [r.labels for r in built.result.rows] == [("Warm",)]
        await pilot.press("ctrl+s")
        await _form(pilot, name="Deals by rating")
        assert await wait_until(pilot, lambda: built.report.name == "Deals by rating")
        assert saved.by_name("Deals by rating").spec.groups[0].attribute == "rating"


async def test_a_long_report_shows_its_time_and_escape_stops_it(db, monkeypatch):
    def endless(spec, **_):
        # a statement that runs until it is interrupted, on the worker's connection
        database.execute_sql(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
        ).fetchall()

    monkeypatch.setattr(engine, "run", endless)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ReportScreen(saved.by_name("pipeline")))
        assert await wait_until(pilot, lambda: "Counting" in screen_text(app), timeout=3)
        await pilot.pause(0.3)
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: "Stopped" in screen_text(app), timeout=5)
        assert isinstance(app.screen, ReportScreen)  # still there to run again
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, ReportScreen))


async def test_a_dashboard_tile_that_cannot_be_read_says_why(db):
    _on_dashboard()
    report = saved.save("Mine", saved.by_name("pipeline").spec)
    boards.choose(boards.save("Board", (boards.Tile("report", report=report.key),)).key)
    saved.delete(report.id)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _loaded(pilot)
        (tile,) = screen.tiles
        assert isinstance(tile, TileView) and "does not exist" in tile.problem
        assert "does not exist" in screen_text(app)


async def test_a_quote_printed_from_its_page(db, tmp_path):
    from pypdf import PdfReader

    from crm_tui.services.sales import quotes

    acme = accounts.create({"name": "Acme"})
    quote = quotes.create({"name": "Fit-out", "account_id": acme.id})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await shown_record(pilot, "quote", quote.id)
        await pilot.press("P")
        target = tmp_path / "q.pdf"
        await _form(pilot, file=str(target))
        assert await wait_until(pilot, target.exists)
        assert "Quote QUO-00001-R1" in PdfReader(target).pages[0].extract_text()
        await pilot.press("P")
        await _form(pilot, file=str(target))  # never over a file: said in the form
        assert await wait_until(pilot, lambda: "exists" in screen_text(app))


async def test_names_people_typed_are_shown_as_written_never_as_markup(db):
    _on_dashboard()
    hostile = "[@click=app.quit]Pipeline[/] [b]x"
    report = saved.save(hostile, saved.by_name("pipeline").spec)
    acme = accounts.create({"name": "[red]Acme[/]"})
    opportunities.create({"name": "Deal", "account_id": acme.id, "estimated_revenue": "10"})
    boards.choose(boards.save("[/]Board", (boards.Tile("report", report=report.key),)).key)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await _loaded(pilot)
        assert hostile in screen_text(app) and "[/]Board" in screen_text(app)
        await pilot.press("enter")  # the report's total: its records
        assert await wait_until(pilot, lambda: isinstance(app.screen, DrillScreen))
        assert app.screen.title == hostile and app.is_running
        await pilot.press("escape", "r")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        assert hostile in screen_text(app)
