"""What every record's detail screen shares: a summary, the timeline, notes,
the audit history, and the keys to act on the record and its activities."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from crm_tui import styles
from crm_tui.errors import CrmError
from crm_tui.screens.common import calls
from crm_tui.screens.common.access_keys import AccessKeys
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.common.prompt import PromptModal
from crm_tui.services import audit, dates
from crm_tui.services.customers import activities, notes
from crm_tui.text import safe, safe_line
from crm_tui.widgets.palette import record_actions
from crm_tui.widgets.record_form import FieldSpec
from crm_tui.widgets.timeline import Timeline

EMPTY = {
    "timeline": Text(
        "Nothing logged yet: a logs a call, email, meeting, task, letter or note.", style="dim"
    ),
    "notes": Text("No notes yet: a then n writes one.", style="dim"),
}


class RecordDetailScreen(AccessKeys, Screen):
    """Subclasses set KIND and provide load_record, summary_rows, title_text."""

    CSS_PATH = styles.path("detail.tcss")

    KIND = ""
    EXTRA_TABS: list[tuple[str, str]] = []  # (id, label) between summary and timeline
    FIRST_TAB = "timeline"  # the tab the screen opens on

    # Textual calls the on_mount of every class in the MRO, the subclass's
    # first: a subclass sets up its extra tabs' tables in its own on_mount
    # and must not call super().on_mount() (that would run this one twice:
    # every column added twice, and the first tab chosen again).

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("e", "edit", "Edit"),
        Binding("a", "log_activity", "Activity"),
        Binding("c", "complete_activity", "Complete", show=False),
        Binding("x", "cancel_activity", "Cancel activity", show=False),
        Binding("R", "reschedule_activity", "Reschedule", show=False),
        Binding("D", "toggle_active", "Deactivate/reactivate", show=False),
        Binding("S", "save_attachment", "Save attachment", show=False),
        Binding("right_square_bracket", "next_tab", "Next tab"),
        Binding("left_square_bracket", "previous_tab", "Prev tab", show=False),
    ]

    ACCESS = {
        "edit": "write",
        "log_activity": "append",
        "toggle_active": "write",
        "complete_activity": "write",
        "cancel_activity": "write",
        "reschedule_activity": "write",
    }
    # Actions on the timeline's highlighted activity rather than on the record.
    TIMELINE_ACTIONS = frozenset({"complete_activity", "cancel_activity", "reschedule_activity"})

    def access_target(self, action: str) -> tuple[str, int] | None:
        if action in self.TIMELINE_ACTIONS:
            item = self.query_one(Timeline).current if self.is_mounted else None
            if item is None or item.get("source") != "a":
                return None
            return ("activity", item["id"])
        return (self.KIND, self.record_id)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if isinstance(event.data_table, Timeline):
            self.access_changed()

    def __init__(self, record_id: int) -> None:
        super().__init__()
        self.record_id = record_id
        self.record = None
        self._notes: list[dict] = []

    # --- subclass hooks -------------------------------------------------------------

    # The kind's service module: get(), deactivate(), reactivate().
    SERVICE = None

    def load_record(self):
        return self.SERVICE.get(self.record_id)

    def title_text(self) -> Text:
        raise NotImplementedError

    def summary_rows(self) -> list[tuple[str, Text | str]]:
        raise NotImplementedError

    def edit_screen(self) -> Screen:
        raise NotImplementedError

    def set_active(self, active: bool) -> None:
        change = self.SERVICE.reactivate if active else self.SERVICE.deactivate
        label = self.KIND.capitalize()
        calls.direct(
            self,
            lambda: change(self.record_id, self.record.version),
            f"{label} reactivated." if active else f"{label} deactivated.",
            lambda _: self.refresh_data(),
        )

    # --- pieces the subclasses' summaries share ------------------------------------

    def address(self) -> str:
        row = self.record
        parts = (row.street, row.city, row.state_province, row.postal_code, row.country)
        return ", ".join(p for p in parts if p)

    def stamp_rows(self) -> list[tuple[str, str]]:
        """Owner, created and modified lines."""
        row = self.record

        def by(user) -> str:
            return user.full_name if user else "?"

        return [
            ("Owner", row.owner.full_name),
            ("Created", f"{dates.display_time(row.created_at)} by {by(row.created_by)}"),
            (
                "Modified",
                f"{dates.display_time(row.modified_at)} by {by(row.modified_by)}"
                f" · version {row.version}",
            ),
        ]

    def title_suffix(self, title: Text) -> Text:
        """Append the inactive badge and the open-activity count to a title."""
        if self.record.state != "active":
            title.append("  inactive", style="bold red")
        count = activities.open_count((self.KIND, self.record_id))
        title.append(f"   {count} open activit{'y' if count == 1 else 'ies'}", style="dim")
        return title

    def compose_extra(self, tab_id: str) -> ComposeResult:
        yield from ()

    def refresh_extra(self) -> None:
        pass

    @property
    def display_name(self) -> str:
        raise NotImplementedError

    # --- layout -------------------------------------------------------------------------

    def compose_side(self) -> ComposeResult:
        """Widgets shown beside the tabs (a case's suggested articles)."""
        yield from ()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="detail-title")
        side = list(self.compose_side())
        if side:
            with Horizontal(id="detail-body"):
                yield from self._compose_tabs()
                yield from side
        else:
            yield from self._compose_tabs()
        yield Footer()

    def _compose_tabs(self) -> ComposeResult:
        with TabbedContent(id="tabs"):
            with TabPane("Summary", id="tab-summary"):
                yield Static(id="summary")
            for tab_id, label in self.EXTRA_TABS:
                with TabPane(label, id=f"tab-{tab_id}"):
                    yield from self.compose_extra(tab_id)
            with TabPane("Timeline", id="tab-timeline"):
                yield Static(EMPTY["timeline"], id="empty-timeline", classes="empty-hint")
                yield Timeline((self.KIND, self.record_id), id="timeline")
            with TabPane("Notes", id="tab-notes"):
                yield Static(EMPTY["notes"], id="empty-notes", classes="empty-hint")
                yield DataTable(id="notes", cursor_type="row", zebra_stripes=True)
            with TabPane("History", id="tab-history"):
                yield DataTable(id="history", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        notes_table = self.query_one("#notes", DataTable)
        for label, width in (
            ("When", 18),
            ("Subject", 30),
            ("Text", 40),
            ("Attachment", 20),
            ("By", 14),
        ):
            notes_table.add_column(label, width=width)
        history = self.query_one("#history", DataTable)
        for label, width in (
            ("When", 18),
            ("Who", 16),
            ("Action", 8),
            ("Field", 16),
            ("Old", 26),
            ("New", 26),
        ):
            history.add_column(label, width=width)
        self.refresh_data()
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.active = f"tab-{self.FIRST_TAB}"
        focusable = tabs.get_pane(tabs.active).query("DataTable, Timeline")
        if focusable:
            focusable.first().focus()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Read the record and its related lists again."""
        try:
            self.record = self.load_record()
        except CrmError as exc:
            self.notify(Text(str(exc)), severity="error")
            self.app.pop_screen()
            return
        self.access_changed()
        self.title = self.KIND.capitalize()
        self.query_one("#detail-title", Static).update(self.title_text())
        self.query_one("#summary", Static).update(self._summary())
        timeline = self.query_one(Timeline)
        timeline.reload()
        self.query_one("#empty-timeline").display = not timeline.items
        self._fill_notes()
        self._fill_history()
        self.refresh_extra()

    def _summary(self) -> Table:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        for label, value in self.summary_rows():
            if isinstance(value, Text):
                grid.add_row(label, value)
            else:
                grid.add_row(label, safe(value) if value else Text("—", style="dim"))
        return grid

    def _fill_notes(self) -> None:
        table = self.query_one("#notes", DataTable)
        table.clear()
        self._notes = notes.list_for((self.KIND, self.record_id))
        self.query_one("#empty-notes").display = not self._notes
        for row in self._notes:
            attachment = ""
            if row["attachment_name"]:
                attachment = f"{row['attachment_name']} ({row['attachment_size']:,} B)"
            table.add_row(
                Text(dates.display_time(row["created_at"]), style="dim"),
                safe_line(row["subject"]),
                safe_line((row["body"] or "").split("\n")[0]),
                safe_line(attachment),
                safe_line(row["owner_name"]),
                key=str(row["id"]),
            )

    def _fill_history(self) -> None:
        table = self.query_one("#history", DataTable)
        table.clear()
        for entry in audit.history(self.KIND, self.record_id):
            when = Text(dates.display_time(entry["at"]), style="dim")
            who = safe_line(entry["who"] or "?")
            changes = entry["changes"] or {"": [None, None]}
            for index, (name, (old, new)) in enumerate(sorted(changes.items())):
                table.add_row(
                    when if index == 0 else "",
                    who if index == 0 else "",
                    Text(entry["action"]) if index == 0 else "",
                    Text(name.replace("_", " ")),
                    safe_line("" if old is None else old, "red"),
                    safe_line("" if new is None else new, "green"),
                )

    # --- keys -----------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_edit(self) -> None:
        self.app.push_screen(self.edit_screen(), lambda saved: self.refresh_data())

    def action_log_activity(self, kind: str = "phone_call") -> None:
        from crm_tui.screens.customers.activity_modal import ActivityModal

        def saved(done: bool) -> None:
            if done:
                self.refresh_data()
                self.query_one("#tabs", TabbedContent).active = "tab-timeline"

        self.app.push_screen(
            ActivityModal((self.KIND, self.record_id), self.display_name, kind), saved
        )

    def action_toggle_active(self) -> None:
        if self.record is not None:
            self.set_active(self.record.state != "active")

    def action_next_tab(self, step: int = 1) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        panes = [pane.id for pane in tabs.query(TabPane)]
        tabs.active = panes[(panes.index(tabs.active) + step) % len(panes)]
        pane = tabs.get_pane(tabs.active)
        focusable = pane.query("DataTable, Timeline")
        if focusable:
            focusable.first().focus()

    def action_previous_tab(self) -> None:
        self.action_next_tab(-1)

    def _open_activity(self) -> dict | None:
        item = self.query_one(Timeline).current
        if item is None or item["source"] != "a" or not item.get("is_open"):
            self.notify("Highlight an open activity in the timeline first.", severity="warning")
            return None
        return item

    def _activity_step(self, action: Callable, *args, done: str) -> None:
        item = self._open_activity()
        if item is None:
            return
        calls.direct(
            self,
            lambda: action(item["id"], item["version"], *args),
            done,
            lambda _: self.refresh_data(),
        )

    def action_complete_activity(self) -> None:
        self._activity_step(activities.complete, done="Marked complete.")

    def action_cancel_activity(self) -> None:
        self._activity_step(activities.cancel, done="Activity canceled.")

    def action_reschedule_activity(self) -> None:
        item = self._open_activity()
        if item is None:
            return

        def done(result) -> None:
            if result:
                self.notify("Rescheduled.")
                self.refresh_data()

        # A modal form, not a prompt: a refused day (or a busy database) stays
        # beside the field with what was typed.
        self.app.push_screen(
            FormModal(
                "Reschedule to which day?",
                [FieldSpec("due_at", "Day", placeholder="fri · tomorrow · +3d · 2026-12-01")],
                lambda v: activities.reschedule(item["id"], item["version"], v["due_at"]),
                save_label="reschedule",
            ),
            done,
        )

    def action_save_attachment(self) -> None:
        table = self.query_one("#notes", DataTable)
        tabs = self.query_one("#tabs", TabbedContent)
        if tabs.active != "tab-notes" or not self._notes:
            self.notify("Open the Notes tab and highlight a note with an attachment.")
            return
        note = self._notes[table.cursor_row]
        if not note["attachment_name"]:
            self.notify("This note has no attachment.", severity="warning")
            return

        def answer(typed: str | None) -> None:
            if not typed:
                return
            calls.direct(
                self,
                lambda: notes.save_attachment(note["id"], Path(typed).expanduser()),
                "",
                lambda dest: self.notify(Text(f"Saved to {dest}")),
            )

        self.app.push_screen(
            PromptModal("Save the attachment to which folder or file?", value=str(Path.home())),
            answer,
        )

    def record_actions(self) -> list[tuple[str, str, Callable]]:
        actions = record_actions(
            self.KIND,
            self.record.state if self.record is not None else None,
            self.action_edit,
            self.action_log_activity,
            self.action_toggle_active,
        )
        item = self.query_one(Timeline).current
        if item and item["source"] == "a" and item.get("is_open"):
            actions += [
                (
                    "Complete the highlighted activity",
                    "Mark it done now",
                    self.action_complete_activity,
                ),
                (
                    "Cancel the highlighted activity",
                    "It stays in the history",
                    self.action_cancel_activity,
                ),
                (
                    "Reschedule the highlighted activity",
                    "Give it a new due day",
                    self.action_reschedule_activity,
                ),
            ]
        return actions
