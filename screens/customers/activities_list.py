"""Area 8: activities across every record — my open ones by when they are
due (overdue first), everyone's open ones, the completed and canceled
ones — with the query language. c completes, x cancels, d reschedules the
highlighted one; enter opens the record it regards; a (or n) logs another
activity about that record; C shows the calendar."""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from crm_tui import display, keys
from crm_tui.screens.common import activity_steps, calls, routes
from crm_tui.screens.common.base_list import RecordListScreen
from crm_tui.services import dates
from crm_tui.services.customers import activities, activity_list
from crm_tui.services.listing import Page
from crm_tui.text import safe_line
from crm_tui.widgets.record_table import Column

_OPEN = ("open", "scheduled")
# Keys of the common list that mean nothing here: an activity is changed by
# its own keys, and has no form or active state of its own.
_NOT_HERE = {"edit", "toggle_active", "bulk", "mark", "mark_down", "mark_up", "mark_all"}


def _stored_time(value) -> dt.datetime | None:
    return display.local(value) if value else None


def _when(row: dict) -> Text:
    """When it is due (open) or was done; an overdue one in red."""
    if row["state"] in _OPEN:
        moment = _stored_time(row["due_at"] or row["scheduled_start"])
        if moment is None:
            return Text("no due date", style="dim")
        late = moment < dates.as_local(dt.datetime.now(dt.UTC))
        return Text(display.time(moment), style="bold red" if late else "")
    return Text(display.time(_stored_time(row["actual_end"] or row["sort_at"])), style="dim")


def _kind(row: dict) -> Text:
    label = activities.KINDS[row["kind"]].label if row["kind"] in activities.KINDS else row["kind"]
    return Text(f"{display.icon(row['kind'])} {label}")


def _regarding(row: dict) -> Text:
    if row["regarding_type"] is None:
        return Text("—", style="dim")
    if row["regarding"] is None:  # a record the person may not read
        return Text(f"a {display.kind_noun(row['regarding_type'])}", style="dim")
    return safe_line(row["regarding"])


def _priority(row: dict) -> Text:
    label = display.option("activity", "priority", row["priority"])
    return Text(label, style="bold" if row["priority"] == "high" else "dim")


class ActivitiesScreen(RecordListScreen):
    KIND = "activity"
    AREA_TITLE = "Activities"
    VIEWS = activity_list.VIEWS
    SORTS = {"due": "when due", "latest": "latest"}
    CUSTOM_COLUMNS = False
    FILTER_HINT = "{list.filter} words, or kind:task due<fri …"
    COLUMNS = [
        # "Tue 03 Nov 16:10", "yesterday 09:30": display.time's longest
        Column("when", "When", 17, _when, keep_width=True),
        Column("kind", "Type", 19, _kind, min_table_width=90),
        Column("subject", "Subject", 34, lambda r: safe_line(r["subject"])),
        Column("regarding", "Regarding", 24, _regarding),
        Column("priority", "Priority", 8, _priority, keep_width=True, min_table_width=110),
        Column("owner", "Owner", 15, min_table_width=100),
    ]
    BINDINGS = keys.bindings("activities_list")
    SERVICE = activity_list

    def __init__(self) -> None:
        super().__init__()
        self.sort = activity_list.SORT_OF_VIEW[self.view]

    def check_action(self, action: str, parameters) -> bool | None:
        if action in _NOT_HERE:
            return False
        return super().check_action(action, parameters)

    def query_problem(self, typed: str) -> str:
        if not typed:
            return ""
        from crm_tui.services import query

        return activity_list.words_refused(self.base_view(), typed) or query.problem(
            self.KIND, typed, activity_list.WORD_SQL
        )

    def fetch_page(self, *, view: str, sort: str, **kwargs) -> Page:
        return activity_list.page(view=view, sort=sort, **kwargs)

    def _show_view(self, key: str, **options) -> None:
        # each view reads in its own order: what is due next, or what was done last
        if key in activity_list.SORT_OF_VIEW:
            self.sort = activity_list.SORT_OF_VIEW[key]
        super()._show_view(key, **options)

    # --- the highlighted activity ------------------------------------------------

    def _row(self, open_only: bool = False) -> dict | None:
        row = self.table.current_row
        if row is None:
            self.notify("No activity selected.", severity="warning")
            return None
        if open_only and row["state"] not in _OPEN:
            self.notify("That activity is already done or canceled.", severity="warning")
            return None
        return row

    def open_record(self, record_id: int) -> None:
        row = self.table.current_row
        if row is None or row["id"] != record_id:
            return
        if row["regarding_type"] is None:
            self.notify("This activity regards no record.", severity="warning")
            return
        routes.open_detail(self.app, row["regarding_type"], row["regarding_id"],
                           lambda _: self.refresh_data())  # fmt: skip

    def action_new(self) -> None:
        self.action_log_activity()

    def action_log_activity(self) -> None:
        from crm_tui.screens.customers.activity_modal import activity_modal

        row = self._row()
        if row is None:
            return
        if row["regarding_type"] is None or row["regarding"] is None:
            self.notify("This activity regards no record you can open: log the next one "
                        "from a record.", severity="warning")  # fmt: skip
            return
        regarding = (row["regarding_type"], row["regarding_id"])
        self.app.push_screen(
            activity_modal(self.app, regarding, row["regarding"]),
            lambda saved: self.refresh_data() if saved else None,
        )

    def action_complete_activity(self) -> None:
        row = self._row(open_only=True)
        if row is not None:
            calls.direct(self, lambda: activities.complete(row["id"], row["version"]),
                         "Marked complete.", lambda _: self.refresh_data())  # fmt: skip

    def action_cancel_activity(self) -> None:
        row = self._row(open_only=True)
        if row is None:
            return
        calls.confirm_then(
            self,
            Text.assemble("Cancel ", safe_line(row["subject"], "bold"), "?"),
            lambda: activities.cancel(row["id"], row["version"]),
            detail="It stays on its record's timeline as canceled.",
            done_text="Activity canceled.",
        )

    def action_reschedule_activity(self) -> None:
        row = self._row(open_only=True)
        if row is not None:
            activity_steps.reschedule(self, row)

    def action_calendar(self) -> None:
        from crm_tui.screens.customers.calendar import CalendarScreen

        self.app.push_screen(CalendarScreen(), lambda _: self.refresh_data())

    def record_actions(self) -> list:
        row = self.table.current_row
        if row is None:
            return []
        actions = [
            ("Open the record it regards", "Its detail", lambda: self.open_record(row["id"]))
        ]
        if row["state"] in _OPEN:
            actions += [
                ("Complete", "Mark the activity done", self.action_complete_activity),
                ("Cancel activity", "It stays on the timeline", self.action_cancel_activity),
                ("Reschedule", "Move its due day", self.action_reschedule_activity),
            ]
        return actions
