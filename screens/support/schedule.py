"""Service scheduling: the resources on the left, the highlighted one's day or
week agenda (bookings and free time) on the right. b books a service through
"find a slot"; enter on free time books from there; x cancels and R moves a
booking."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from crm_tui import display, keys, styles
from crm_tui.screens.common.access_keys import AccessKeys
from crm_tui.screens.common.calls import confirm_then
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.services import dates
from crm_tui.services.support import scheduling
from crm_tui.text import safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.record_form import FieldSpec
from crm_tui.widgets.record_table import Column, FittedTable

AGENDA_COLUMNS = [
    Column("day", "Day", 10, keep_width=True),
    Column("time", "Time", 11, keep_width=True),
    Column("what", "What", 30),
    Column("for", "For", 18, min_table_width=50),
    Column("with", "With", 14, min_table_width=70),
]
RESOURCE_COLUMNS = [Column("name", "Resource", 30)]


def _clock(value: dt.datetime) -> str:
    return dates.as_local(value).strftime("%H:%M")


class AgendaTable(FittedTable):
    """The agenda's rows, refitted to the pane's width."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", **kwargs)
        self.cells: list[dict] = []

    def column_specs(self) -> list[Column]:
        return AGENDA_COLUMNS

    def redraw_rows(self) -> None:
        for index, cells in enumerate(self.cells):
            self.add_row(*(cells[c.key] for c in self.shown_columns), key=str(index))

    def show(self, cells: list[dict]) -> None:
        cursor = self.cursor_row
        self.cells = cells
        self.clear()
        self.redraw_rows()
        if cells:
            self.move_cursor(row=min(cursor, len(cells) - 1))


class ScheduleScreen(AccessKeys, Screen):
    CSS_PATH = styles.path("schedule.tcss")
    BINDINGS = keys.bindings("schedule")
    # a booking is a service activity
    KIND = "activity"
    ACCESS = {"book": "create", "cancel_booking": "write", "reschedule": "write"}

    def access_target(self, action: str) -> tuple[str, int] | None:
        entry = self._entry() if self.is_mounted else None
        if entry is None or entry["kind"] != "booking":
            return None
        return ("activity", entry["activity_id"])

    def __init__(self, regarding: tuple[str, int] | None = None, label: str = "") -> None:
        super().__init__()
        # a booking made from here regards this record (a case, an account)
        self.regarding = regarding
        self.regarding_label = label
        self.day = dates.today()
        self.week = False
        self._resources: list[dict] = []
        self._entries: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="schedule-body"):
            with Vertical(id="resource-pane"):
                yield Static(Text("Resources", style="bold"), classes="pane-title")
                yield RowsTable(RESOURCE_COLUMNS, id="resources")
            with Vertical(id="agenda-pane"):
                yield Static(id="agenda-title", classes="pane-title")
                yield AgendaTable(id="agenda")
        yield Static(id="schedule-status")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Service schedule"
        if self.regarding_label:
            self.sub_title = f"booking for {self.regarding_label}"
        self.refresh_data()
        self.query_one("#resources", RowsTable).focus()

    # --- data ------------------------------------------------------------------------

    @property
    def resource(self) -> dict | None:
        if not self._resources:
            return None
        table = self.query_one("#resources", DataTable)
        return self._resources[min(table.cursor_row, len(self._resources) - 1)]

    def refresh_data(self) -> None:
        """Re-read the resources and the agenda (another process may have booked)."""
        self._resources = scheduling.resources()
        shown = []
        for row in self._resources:
            group = row["group_name"] or scheduling.RESOURCE_TYPES[row["resource_type"]].lower()
            name = Text.assemble(
                safe_line(row["name"]),
                "  ",
                safe_line(group, "dim"),
                no_wrap=True,
                overflow="ellipsis",
            )
            shown.append({"key": str(row["id"]), "name": name})
        self.query_one("#resources", RowsTable).show(shown)
        self._fill_agenda()

    def _span(self) -> tuple[dt.date, int]:
        if self.week:
            return self.day - dt.timedelta(days=self.day.weekday()), 7
        return self.day, 1

    def _fill_agenda(self) -> None:
        resource = self.resource
        first, days = self._span()
        last = first + dt.timedelta(days=days - 1)
        title = Text()
        if resource is None:
            title.append("No resources yet.", style="dim")
            self._entries = []
        else:
            title.append_text(safe_line(resource["name"], "bold"))
            title.append(f"  {scheduling.working_hours(resource)}", style="dim")
            self._entries = scheduling.plan(resource["id"], first, days)
        span = display.day(first) + ("" if days == 1 else f" – {display.day(last)}")
        title.append(f"\n{'Week' if self.week else 'Day'}: {span}", style="bold")
        self.query_one("#agenda-title", Static).update(title)
        cells, shown_day = [], None
        for entry in self._entries:
            day_cell = "" if entry["day"] == shown_day else entry["day"].strftime("%a %d %b")
            shown_day = entry["day"]
            row = (Text(day_cell, style="bold"), *self._cells(entry))
            cells.append({c.key: cell for c, cell in zip(AGENDA_COLUMNS, row, strict=True)})
        self.query_one("#agenda", AgendaTable).show(cells)
        self._status()

    def _cells(self, entry: dict) -> tuple:
        if entry["kind"] == "off":
            return Text(""), Text("not working", style="dim"), Text(""), Text("")
        time = Text(f"{_clock(entry['start'])}–{_clock(entry['end'])}")
        if entry["kind"] == "free":
            return time, Text("free", style="green"), Text(""), Text("")
        style = "dim strike" if entry["state"] == "canceled" else ""
        if entry["state"] == "completed":
            style = "dim"
        return (
            time,
            safe_line(entry["subject"], style),
            safe_line(entry["regarding"], "dim"),
            safe_line(", ".join(entry["other_resources"]), "dim"),
        )

    def _status(self) -> None:
        booked = sum(1 for e in self._entries if e["kind"] == "booking")
        status = Text(f"{booked} booking{'s' if booked != 1 else ''}", style="bold")
        status.append(
            keys.fill(
                "   {schedule.book} book · enter on free time books from there · "
                "{schedule.cancel} cancel · {schedule.move} move · {schedule.week} day/week · "
                "{schedule.earlier} {schedule.later} earlier/later · {schedule.today} today"
            ),
            style="dim",
        )
        self.query_one("#schedule-status", Static).update(status)

    # --- moving around -----------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "resources":
            self._fill_agenda()
        else:
            self.access_changed()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_toggle_week(self) -> None:
        self.week = not self.week
        self._fill_agenda()

    def action_shift(self, direction: int) -> None:
        self.day += dt.timedelta(days=direction * (7 if self.week else 1))
        self._fill_agenda()

    def action_today(self) -> None:
        self.day = dates.today()
        self._fill_agenda()

    def action_switch_side(self) -> None:
        resources = self.query_one("#resources", DataTable)
        agenda = self.query_one("#agenda", DataTable)
        (agenda if resources.has_focus else resources).focus()

    # --- booking -----------------------------------------------------------------------

    def _entry(self) -> dict | None:
        table = self.query_one("#agenda", DataTable)
        if not self._entries or not table.has_focus:
            return None
        return self._entries[min(table.cursor_row, len(self._entries) - 1)]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "resources":
            self.query_one("#agenda", DataTable).focus()
            return
        entry = self._entry()
        if entry is None:
            return
        if entry["kind"] == "free":
            self.action_book(entry["start"])
        elif entry["kind"] == "booking" and entry["regarding_type"]:
            self.app.run_worker(
                self.app.open_record(entry["regarding_type"], entry["regarding_id"])
            )

    def action_book(self, after: dt.datetime | None = None) -> None:
        from crm_tui.screens.support.booking_modal import BookingModal

        if not scheduling.services():
            self.notify("There are no active services to book yet.", severity="warning")
            return
        resource = self.resource
        self.app.push_screen(
            BookingModal(
                after=after,
                resource_id=resource["id"] if resource and after else None,
                regarding=self.regarding,
                regarding_label=self.regarding_label,
            ),
            self._booked,
        )

    def _booked(self, activity_id) -> None:
        if activity_id:
            self.refresh_data()

    def _booking(self) -> dict | None:
        entry = self._entry()
        if entry is None or entry["kind"] != "booking":
            self.notify(
                keys.fill("Highlight a booking in the agenda first ({schedule.switch})."),
                severity="warning",
            )
            return None
        if entry["state"] not in ("open", "scheduled"):
            self.notify(f"This booking is {entry['state']}.", severity="warning")
            return None
        return entry

    def action_cancel_booking(self) -> None:
        entry = self._booking()
        if entry is None:
            return

        confirm_then(
            self,
            Text.assemble("Cancel ", safe_line(entry["subject"], "bold"), "?"),
            lambda: scheduling.cancel_booking(entry["activity_id"]),
            detail="The activity stays in the history; every resource booked with it is freed.",
            done_text="Booking canceled: its resources are free again.",
        )

    def action_reschedule(self) -> None:
        entry = self._booking()
        if entry is None:
            return
        local = dates.as_local(entry["start"])

        def submit(values: dict):
            start = dates.parse_when(
                values["start"],
                dates.today(),
                dates.configured_zone(),
                default_time=local.time(),
                field="start",
            )
            return scheduling.reschedule_booking(entry["activity_id"], start)

        self.app.push_screen(
            form_modal(
                self.app,
                Text.assemble(("Move ", "bold"), safe_line(entry["subject"], "bold")),
                [
                    FieldSpec(
                        "start", "New start", placeholder="e.g. tue 10:00, +1d, 2026-12-01 9:30"
                    )
                ],
                submit,
                values={"start": f"{display.day(local)} {local:%H:%M}"},
                intro="Same length, same resources; refused if any of them is busy.",
                save_label="move",
            ),
            self._booked,
        )
