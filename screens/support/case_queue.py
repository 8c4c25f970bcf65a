"""Area 6: the case queue. Active cases by SLA urgency, with a column that
counts down to the next breach; keys to take, release, move, assign and
resolve without leaving the list."""

from __future__ import annotations

from rich.text import Text

from crm_tui import keys
from crm_tui.screens.common import routes
from crm_tui.screens.common.base_list import RecordListScreen
from crm_tui.screens.support import case_actions
from crm_tui.screens.support.sla_clock import countdown
from crm_tui.services.listing import Page
from crm_tui.services.support import cases, queues
from crm_tui.text import clean, safe_line
from crm_tui.widgets.record_table import Column

# How often the countdown column is redrawn (no query: the rows are in memory).
COUNTDOWN_SECONDS = 5
PRIORITY_STYLE = {"high": "bold red", "normal": "", "low": "dim"}


def _title(row: dict) -> Text:
    # cut with an ellipsis like the plain columns (an assembled Text would just crop)
    return Text.assemble(
        safe_line(row["number"], "dim"),
        " ",
        safe_line(row["title"]),
        no_wrap=True,
        overflow="ellipsis",
    )


def _owner(row: dict) -> Text:
    if not row["assigned"]:
        return Text("unassigned", style="italic yellow", no_wrap=True, overflow="ellipsis")
    return safe_line(row["owner"])


class CaseQueueScreen(RecordListScreen):
    KIND = "case"
    AREA_TITLE = "Cases"
    SORTS = {"urgency": "SLA urgency"}
    FILTER_HINT = "{list.filter} type to filter by number, title, customer, subject…"
    COLUMNS = [
        # "resp −19h 30m": a late first response, cut short, would misstate the clock
        Column("sla", "Next SLA", 13, countdown, keep_width=True, right=True),
        Column("title", "Case", 40, _title),
        Column("customer", "Customer", 22),
        Column(
            "priority",
            "Priority",
            8,
            lambda r: Text(cases.PRIORITIES[r["priority"]], style=PRIORITY_STYLE[r["priority"]]),
            keep_width=True,
        ),
        Column(
            "status_reason",
            "Status",
            15,
            lambda r: Text(
                cases.STATUS_LABELS[r["status_reason"]], no_wrap=True, overflow="ellipsis"
            ),
        ),
        Column("owner", "Owner", 14, _owner, min_table_width=100),
        Column("queue", "Queue", 12, min_table_width=100),
    ]
    BINDINGS = keys.bindings("case_queue")
    SERVICE = cases
    ACCESS = {
        **RecordListScreen.ACCESS,
        "take": "assign",
        "release": "assign",
        "move": "assign",
        "assign": "assign",
        "resolve": "write",
    }

    def __init__(self) -> None:
        self.VIEWS = self._views()
        super().__init__()

    def _views(self) -> dict[str, str]:
        views = {"mine": cases.VIEWS["mine"], "unassigned": cases.VIEWS["unassigned"]}
        for queue in queues.my_queues() or queues.queues():
            # a view's label is shown as one line of plain text (no controls)
            views[f"queue:{queue['id']}"] = f"Queue: {clean(queue['name'])}"
        views["all"] = cases.VIEWS["all"]
        views["resolved"] = cases.VIEWS["resolved"]
        return views

    def on_mount(self) -> None:
        # (Textual runs RecordListScreen.on_mount too: handlers run per class.)
        self.set_interval(COUNTDOWN_SECONDS, self._tick)

    def _tick(self) -> None:
        if self.is_current:
            self.table.refresh_column("sla")

    def fetch_page(self, *, view: str, sort: str, **kwargs) -> Page:
        if view.startswith("queue:"):
            page = cases.page(view="queue", queue_id=int(view.split(":", 1)[1]), **kwargs)
        else:
            page = cases.page(view=view, **kwargs)
        for row in page.rows:
            # what the shared list keys (a, the activity modal's title) call it
            row["name"] = f"{row['number']} {row['title']}"
        return page

    def action_next_sort(self) -> None:
        self.notify("The queue is always ordered by SLA urgency: the next breach first.")

    def detail_screen(self, record_id: int):
        return routes.detail_screen("case", record_id)

    def form_screen(self, record_id: int | None):
        from crm_tui.screens.support.case_form import CaseFormScreen

        return CaseFormScreen(record_id)

    def _row(self) -> dict | None:
        row = self.table.current_row
        if row is None:
            self.notify("No case selected.", severity="warning")
        return row

    def _done(self, result) -> None:
        if result:
            self.refresh_data()

    def action_take(self) -> None:
        if (row := self._row()) is not None:
            case_actions.take(self, row, self._done)

    def action_release(self) -> None:
        if (row := self._row()) is not None:
            case_actions.release(self, row, self._done)

    def action_move(self) -> None:
        if (row := self._row()) is not None:
            case_actions.move(self, row, self._done)

    def action_assign(self) -> None:
        if (row := self._row()) is not None:
            case_actions.assign(self, row, self._done)

    def action_resolve(self) -> None:
        if (row := self._row()) is not None:
            case_actions.resolve(self, row, self._done)

    def action_contracts(self) -> None:
        self.app.open_catalogue("support.contracts_list", "ContractsScreen")

    def action_schedule(self) -> None:
        from crm_tui.screens.support.schedule import ScheduleScreen

        self.app.push_screen(ScheduleScreen())

    def action_toggle_active(self) -> None:
        self.notify(
            keys.fill(
                "Cases are resolved ({case.resolve}) or canceled from their detail, "
                "not deactivated."
            )
        )

    def record_actions(self):
        actions = [("New case", keys.fill("Log a case ({list.new})"), self.action_new)]
        row = self.table.current_row
        if row is not None and row["state"] == "active":
            actions += [
                ("Open this case", "Its details and timeline", lambda: self.open_record(row["id"])),
                *case_actions.palette_steps(self),
                (
                    "Log an activity",
                    keys.fill("Regarding this case ({list.activity})"),
                    self.action_log_activity,
                ),
            ]
        actions += [
            (
                "Contracts",
                keys.fill("Customers' entitlements ({queue.contracts})"),
                self.action_contracts,
            ),
            (
                "Service schedule",
                keys.fill("Resources' agendas; book a service ({queue.schedule})"),
                self.action_schedule,
            ),
        ]
        return actions
