"""Area 6: the case queue. Active cases by SLA urgency, with a column that
counts down to the next breach; keys to take, release, move, assign and
resolve without leaving the list, and one that takes the most urgent waiting
case and opens it."""

from __future__ import annotations

from time import monotonic

from rich.text import Text
from textual.widgets.data_table import RowDoesNotExist

from crm_tui import keys
from crm_tui.screens.common import routes
from crm_tui.screens.common.base_list import RecordListScreen
from crm_tui.screens.common.calls import direct
from crm_tui.screens.support import case_actions
from crm_tui.screens.support.sla_clock import countdown
from crm_tui.services import access, query
from crm_tui.services.listing import Page
from crm_tui.services.support import cases, queues
from crm_tui.text import clean, safe_line
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_table import Column

# How often the countdown column is redrawn (no query: the rows are in memory).
COUNTDOWN_SECONDS = 5
PRIORITY_STYLE = {"high": "bold red", "normal": "", "low": "dim"}
# The footer keeps these at any width: the keys of working the queue, ? for
# every other key and q; then these while there is room. Sort stays in ?: the
# queue has one order.
FOOTER_FIRST = (
    "case.next",
    "case.take",
    "case.resolve",
    "list.activity",
    "list.view",
    "app.help",
    "app.quit",
)
FOOTER_THEN = ("list.filter", "case.release", "case.assign", "case.move", "list.new", "list.edit")


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
    CUSTOM_COLUMNS = False  # the queue pages through cases.page, not the common lists
    KIND = "case"
    AREA_TITLE = "Cases"
    SORTS = {"urgency": "SLA urgency"}
    # short enough for the filter box of an 80-column terminal
    FILTER_HINT = "{list.filter} filter by number, title, customer…"
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
        "next_case": "assign",
    }

    def __init__(self) -> None:
        self.VIEWS = self._views()
        super().__init__()
        # when the countdown column was last drawn
        self._ticked = monotonic()

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

    def on_screen_resume(self) -> None:
        # A queue shown again keeps its rows when nothing was written
        # meanwhile, but its clocks have moved on while it was hidden.
        if monotonic() - self._ticked >= COUNTDOWN_SECONDS:
            self._tick()

    def _tick(self) -> None:
        if self.is_current:
            self._ticked = monotonic()
            self.table.refresh_column("sla")

    def footer(self) -> KeyFooter:
        return KeyFooter(FOOTER_FIRST, FOOTER_THEN)

    def access_allows(self, action: str) -> bool:
        if action == "next_case":
            # it takes a waiting case, which is nobody's, not the highlighted one
            return access.allowed("assign", "case")
        return super().access_allows(action)

    def fetch_page(self, *, view: str, sort: str, **kwargs) -> Page:
        if view.startswith("queue:"):
            page = cases.page(view="queue", queue_id=int(view.split(":", 1)[1]), **kwargs)
        else:
            page = cases.page(view=view, **kwargs)
        for row in page.rows:
            # what the shared list keys (a, the activity modal's title) call it
            row["name"] = f"{row['number']} {row['title']}"
        return page

    def query_problem(self, typed: str) -> str:
        problem = super().query_problem(typed)
        if not problem and typed and query.parse(typed).sort is not None:
            return "a queue is always in order of urgency: leave sort: out"
        return problem

    def action_next_sort(self) -> None:
        self.notify("The queue is always ordered by SLA urgency: the next breach first.")

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
            direct(self, lambda: cases.take(row["id"]), "", self._taken)

    def _taken(self, case) -> None:
        """Keep the cursor on the case just taken, so that the next key (a, R,
        enter) acts on it. Taken from the unassigned view it leaves that view:
        the list shows my cases instead, where it is, one v away from the
        unassigned again (opening it is T's job; t also serves taking a few
        in a row)."""
        moved = self.base_view() == "unassigned"
        if moved:
            self.view, self.saved_view = "mine", None
            self.reload()
        else:
            self.refresh_data()
        self.show_case(case.id)
        said = Text.assemble("Taken: ", safe_line(case.number, "bold"), " is yours.")
        if moved:
            said.append(keys.fill(" Now in your cases; {list.view} shows the unassigned again."))
        self.notify(said)

    def show_case(self, case_id: int) -> None:
        """Put the cursor on the case; past the rows loaded, load the rows
        around it instead (the list loads more either way as the cursor goes)."""
        if not self._move_to(case_id):
            key = cases.urgency_key(case_id)
            if key is not None:
                self.table.load(self._around(key))
                self._move_to(case_id)
                self._show_status()

    def _move_to(self, case_id: int) -> bool:
        try:
            self.table.move_cursor(row=self.table.get_row_index(str(case_id)))
        except RowDoesNotExist:
            return False
        return True

    def _around(self, key: tuple):
        """The view's fetch, whose first page is half before the case `key`
        names, half from it on."""
        first = [True]

        def fetch(**kwargs) -> Page:
            if not first:
                return self._fetch(**kwargs)
            first.clear()
            limit = kwargs["limit"]
            above = self._fetch(before=key, limit=limit // 2)
            below = self._fetch(after=key, inclusive=True, limit=limit - len(above.rows))
            return Page(
                above.rows + below.rows,
                below.more_after,
                above.more_before,
                above.keys + below.keys,
                below.ranked,
            )

        return fetch

    def action_next_case(self) -> None:
        direct(self, cases.take_next, "", self._work_on)

    def _work_on(self, case) -> None:
        if case is None:
            self.notify("No case waits unassigned in your queues.")
            self.refresh_data()
            return
        self.notify(Text.assemble("Taken: ", safe_line(case.number, "bold"), " is yours."))
        detail = routes.detail_screen(self.app, "case", case.id)
        detail.back_when_resolved = True
        self.app.push_screen(detail, self._worked)

    def _worked(self, resolved) -> None:
        """Back from a case taken with T and resolved: the cursor is on the
        case T would take next, the top of the unassigned view."""
        if resolved is None:
            return
        self.view, self.saved_view = "unassigned", None
        self.reload()
        row = self.table.current_row
        said = Text.assemble(safe_line(resolved.number, "bold"), " resolved. ")
        if row is None:
            said.append(
                "No other case matches the filter."
                if self.filter_text
                else "No other case waits in your queues."
            )
        else:
            said.append_text(Text.assemble("Next: ", safe_line(row["name"], "bold")))
            # a filtered view's first case need not be the one T takes
            said.append("." if self.filter_text else keys.fill(" ({case.next} takes it)."))
        self.notify(said)

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
        actions = [
            (
                "Take the next case",
                keys.fill("The most urgent waiting in your queues, opened ({case.next})"),
                self.action_next_case,
            ),
            ("New case", keys.fill("Log a case ({list.new})"), self.action_new),
        ]
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
