"""The dashboard (area 0, and where the app opens by default): the tiles
of the person's dashboard, all in the app's first frame and afterwards
read again a tile a frame, when anyone's change lands and every minute
(what is overdue moves with the clock). ← → (or tab) move between tiles, ↑ ↓
between a tile's numbers, enter opens the records behind one."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from crm_tui import db, keys, styles
from crm_tui.screens.common import calls, routes
from crm_tui.screens.reports import writing
from crm_tui.services import session
from crm_tui.services.dashboards import boards
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.tile import TileView

REFRESH_SECONDS = 60.0
WIDE = 100  # at least this many columns: tiles two abreast


class DashboardScreen(Screen):
    CSS_PATH = styles.path("reports.tcss")
    BINDINGS = keys.bindings("dashboard")

    def __init__(self) -> None:
        super().__init__()
        self.board: boards.Dashboard | None = None
        self._read_at: int | None = None
        self._loading = 0  # the next tile to read on this pass
        self._views: list[TileView] = []
        self._stale = False  # a minute passed while it was out of sight

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="dashboard-bar")
        with VerticalScroll(id="dashboard-scroll"):
            yield Grid(id="tiles")
        yield KeyFooter(("app.help",), ("dashboard.reports", "dashboard.tiles",
                                        "dashboard.pick", "tile.drill", "app.quit"))  # fmt: skip

    def on_mount(self) -> None:
        self.title = "Dashboard"
        self._fit_columns()
        self.show_board(calls.loaded(self, boards.current))
        self.set_interval(REFRESH_SECONDS, self._tick)

    def on_resize(self) -> None:
        self._fit_columns()

    def _tick(self) -> None:
        # what is overdue moves with the clock; a dashboard out of sight
        # reads nothing, and reads again when it is shown
        if self.is_current:
            self.refresh_data()
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale or self._read_at != db.generation():
            self._stale = False
            self.refresh_data()

    def _fit_columns(self) -> None:
        grid = self.query_one("#tiles", Grid)
        grid.styles.grid_size_columns = 2 if self.size.width >= WIDE else 1

    # --- tiles ------------------------------------------------------------

    def show_board(self, board: boards.Dashboard | None) -> None:
        """Lay out `board`'s tiles (empty at first) and read them one a frame."""
        if board is None:
            return
        self.board = board
        grid = self.query_one("#tiles", Grid)
        grid.remove_children()
        views = [TileView(i, writing.write, classes="tile") for i in range(len(board.tiles))]
        for view, tile in zip(views, board.tiles, strict=True):
            view.name_title(boards.CATALOGUE.get(tile.tile, ("…",))[0])
        self._views = views
        grid.mount_all(views)
        bar = Text(board.name, style="bold")
        bar.append(f"  ·  {session.current_user().full_name}", style="dim")
        self.query_one("#dashboard-bar", Static).update(bar)
        if views:
            self.call_after_refresh(views[0].focus)
        self.refresh_data()

    def first_frame_ready(self) -> bool:
        """Whether every tile has been read (the bench's first-frame probe
        stops at the frame drawn after that)."""
        return bool(self._views) and all(v.data or v.problem for v in self._views)

    @property
    def tiles(self) -> list[TileView]:
        return self._views

    def refresh_data(self) -> None:
        """Read every tile again. The app's first screen reads them all after
        its first layout, which Textual holds the first frame back for: the
        first frame a person sees has its figures. Later, one a frame, so a
        key pressed meanwhile is answered between two tiles."""
        if self.board is None:
            return
        self._read_at = db.generation()
        self._loading = 0
        if getattr(self.app, "laid_out", True):
            self.call_after_refresh(self._load_next)
        else:
            self.call_after_refresh(self._load_all)

    def _load_all(self) -> None:
        while self._load_one():
            pass

    def _load_next(self) -> None:
        if self._load_one():
            self.call_after_refresh(self._load_next)

    def _load_one(self) -> bool:
        """Read the next tile of this pass; False when none is left."""
        views = self.tiles
        if self.board is None or self._loading >= len(views):
            return False
        index = self._loading
        self._loading += 1
        view, tile = views[index], self.board.tiles[index]
        try:
            view.show(boards.load(tile))
        except Exception as exc:
            refusal = calls.as_refusal(exc)
            if refusal is None:
                raise
            view.show_problem(boards.CATALOGUE[tile.tile][0], str(refusal))
        return True

    def on_tile_view_drilled(self, event: TileView.Drilled) -> None:
        drill = event.drill
        if drill.record_id is not None:
            calls.loaded(self, lambda: routes.open_detail(self.app, drill.kind, drill.record_id))
            return
        from crm_tui.screens.reports.drill_list import DrillScreen

        self.app.push_screen(DrillScreen(drill.kind, drill.query, event.tile.heading))

    def action_next_tile(self) -> None:
        self.focus_next(TileView)

    def action_previous_tile(self) -> None:
        self.focus_previous(TileView)

    # --- choosing, keeping and sharing dashboards --------------------------

    def action_reports(self) -> None:
        from crm_tui.screens.reports.reports_list import ReportsScreen

        self.app.push_screen(ReportsScreen())

    def action_pick_dashboard(self) -> None:
        from crm_tui.screens.reports.dashboard_setup import DashboardPicker

        choices = calls.loaded(self, boards.available)
        if choices:
            self.app.push_screen(DashboardPicker(choices, self.board), self._picked)

    def _picked(self, key: str | None) -> None:
        if key:
            calls.direct(self, lambda: boards.choose(key), "", self.show_board)
            return
        # the one shown may have been deleted meanwhile: open on what is current
        now = calls.loaded(self, boards.current)
        if now is not None and self.board is not None and now.key != self.board.key:
            self.show_board(now)

    def action_choose_tiles(self) -> None:
        from crm_tui.screens.reports.dashboard_setup import TilesModal

        if self.board is not None:
            self.app.push_screen(TilesModal(self.board), self._arranged)

    def _arranged(self, board: boards.Dashboard | None) -> None:
        if board is not None:
            calls.direct(self, lambda: boards.choose(board.key), "", self.show_board)

    def action_save_dashboard(self) -> None:
        from crm_tui.screens.reports.dashboard_setup import save_dashboard

        if self.board is not None:
            save_dashboard(self, self.board.tiles, self._arranged)

    def action_set_target(self) -> None:
        from crm_tui.screens.reports.dashboard_setup import set_target

        set_target(self, self.refresh_data)
