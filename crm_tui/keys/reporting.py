"""Keys of the dashboard (area 0) and of reports: tiles and their numbers,
the reports list, a report's table and chart, and the records behind a
number."""

from __future__ import annotations

from textual.binding import Binding

from crm_tui.keys.common import bind

SCOPES: dict[str, tuple[Binding, ...]] = {
    # DashboardScreen: tiles take focus in turn; ← → move between them
    "dashboard": (
        bind("dashboard.reports", "r", "reports", "Reports"),
        bind("dashboard.tiles", "c", "choose_tiles", "Tiles"),
        bind("dashboard.pick", "D", "pick_dashboard", "Dashboards"),
        bind("dashboard.save", "ctrl+s", "save_dashboard", "Save as", show=False),
        bind("dashboard.target", "T", "set_target", "Set target", show=False),
        bind("dashboard.next_tile", "right,l", "next_tile", "Next tile", show=False),
        bind("dashboard.previous_tile", "left,h", "previous_tile", "Previous tile", show=False),
    ),
    # TileView: its numbers and rows, one at a time
    "tile": (
        bind("tile.down", "down,j", "cursor_down", "Down", show=False),
        bind("tile.up", "up,k", "cursor_up", "Up", show=False),
        bind("tile.drill", "enter", "drill", "Open the records"),
    ),
    # ReportsScreen: the reports there are
    "reports_list": (
        bind("screen.back", "escape", "back", "Back"),
        bind("reports.new", "n", "new_report", "New report"),
        bind("reports.edit", "e", "edit_report", "Change"),
        bind("reports.delete", "x", "delete_report", "Delete", show=False),
    ),
    # ReportScreen: one report's table with totals, and its chart
    "report_view": (
        bind("screen.back", "escape", "back", "Back"),
        bind("reports.drill", "enter", "drill", "Open the records", show=False),
        bind("reports.chart", "c", "next_chart", "Chart"),
        bind("reports.change", "e", "edit_report", "Change"),
        bind("reports.save", "ctrl+s", "save_report", "Save as"),
        bind("reports.export", "x", "export", "Export"),
        bind("reports.refresh", "r", "rerun", "Run again", show=False),
    ),
    # DashboardPicker: the dashboards there are; enter opens one
    "dashboard_picker": (
        bind("form.cancel", "escape", "cancel", "Cancel"),
        bind("dashboards.delete", "x", "delete", "Delete yours"),
    ),
    # TilesModal: a dashboard's tiles beside every tile there is
    "tiles_modal": (
        bind("form.save", "ctrl+s", "save", "Keep", priority=True),
        bind("form.cancel", "escape", "cancel", "Cancel"),
        bind("tiles.remove", "minus,delete", "remove", "Take off"),
        bind("tiles.up", "shift+up", "move(-1)", "Move up"),
        bind("tiles.down", "shift+down", "move(1)", "Move down"),
    ),
    # DrillScreen: the records behind a number
    "drill_list": (bind("screen.back", "escape", "back", "Back"),),
}
