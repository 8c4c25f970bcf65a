"""What every record's detail screen shares: a summary, the timeline, notes,
the audit history, and the keys to act on the record and its activities."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from crm_tui import display, keys, styles
from crm_tui.errors import CrmError
from crm_tui.screens.common import calls
from crm_tui.screens.common.access_keys import AccessKeys
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.common.prompt import PromptModal
from crm_tui.screens.common.state_keys import StateKeys, bindings_of
from crm_tui.services import audit
from crm_tui.services.customers import activities, notes
from crm_tui.text import safe, safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.palette import record_actions
from crm_tui.widgets.record_form import FieldSpec
from crm_tui.widgets.record_table import Column
from crm_tui.widgets.timeline import Timeline

# Keys by id, filled in when shown: the user's keymap may have moved them.
EMPTY = {
    "timeline": "Nothing logged yet: {detail.activity} logs a call, email, meeting, task, "
    "letter or note.",
    "notes": "No notes yet: {detail.activity} then {activity.note} writes one.",
}


NOTE_COLUMNS = [
    Column("when", "When", 18, keep_width=True),
    Column("subject", "Subject", 30),
    Column("text", "Text", 40),
    Column("attachment", "Attachment", 20, min_table_width=110),
    # a person's name is read whole: the subject and text give way
    Column("by", "By", 14, keep_width=True),
]
# Wide enough for labels ("Number of employees") and actions ("Close as won");
# on a narrow terminal who made a change gives way to what changed.
HISTORY_COLUMNS = [
    Column("when", "When", 17, keep_width=True),
    Column("who", "Who", 14, min_table_width=100),
    Column("action", "Action", 14),
    Column("field", "Field", 19, keep_width=True),
    Column("old", "Old", 21),
    Column("new", "New", 22),
]


# In the footer the keys that act on the record come before the ones every
# screen has; what does not fit is left out whole (`?` lists every key).
FOOTER_FIRST = ("detail.edit", "detail.activity")
FOOTER_LAST = ("screen.back", "detail.next_tab", "app.quit")


class RecordDetailScreen(StateKeys, AccessKeys, Screen):
    """Subclasses set KIND and provide load_record, summary_rows, title_text."""

    CSS_PATH = styles.path("detail.tcss")

    KIND = ""
    EXTRA_TABS: list[tuple[str, str]] = []  # (id, label) between summary and timeline
    FIRST_TAB = "timeline"  # the tab the screen opens on

    # Textual calls the on_mount of every class in the MRO, the subclass's
    # first: a subclass sets up its extra tabs' tables in its own on_mount
    # and must not call super().on_mount() (that would run this one twice:
    # every column added twice, and the first tab chosen again).

    BINDINGS = keys.bindings("detail")

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
        label = display.kind_label(self.KIND)
        version = self.record.version
        if active:
            calls.direct(
                self,
                lambda: self.SERVICE.reactivate(self.record_id, version),
                f"{label} reactivated.",
                lambda _: self.refresh_data(),
            )
            return
        # as every key that takes a record out of use: ask first, naming it
        calls.confirm_then(
            self,
            Text.assemble("Deactivate ", safe_line(self.display_name, "bold"), "?"),
            lambda: self.SERVICE.deactivate(self.record_id, version),
            detail=keys.fill(
                "It leaves the active views and keeps its history; "
                "{detail.toggle_active} reactivates it."
            ),
            done_text=f"{label} deactivated.",
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
            ("Created", f"{display.time(row.created_at)} by {by(row.created_by)}"),
            (
                "Modified",
                f"{display.time(row.modified_at)} by {by(row.modified_by)} · version {row.version}",
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
        yield self.footer()

    def footer(self) -> Footer:
        shown = [b.id for b in bindings_of(type(self)) if b.show]
        own = [i for i in shown if i not in FOOTER_FIRST + FOOTER_LAST]
        return KeyFooter(("app.help",), (*FOOTER_FIRST, *own, *FOOTER_LAST))

    def _compose_tabs(self) -> ComposeResult:
        with TabbedContent(id="tabs"):
            with TabPane("Summary", id="tab-summary"):
                yield Static(id="summary")
            for tab_id, label in self.EXTRA_TABS:
                with TabPane(label, id=f"tab-{tab_id}"):
                    yield from self.compose_extra(tab_id)
            with TabPane("Timeline", id="tab-timeline"):
                yield Static(
                    Text(keys.fill(EMPTY["timeline"]), style="dim"),
                    id="empty-timeline",
                    classes="empty-hint",
                )
                regarding = (self.KIND, self.record_id)
                yield Timeline(
                    partial(activities.open_items, regarding),
                    partial(activities.history, regarding),
                    id="timeline",
                )
            with TabPane("Notes", id="tab-notes"):
                yield Static(
                    Text(keys.fill(EMPTY["notes"]), style="dim"),
                    id="empty-notes",
                    classes="empty-hint",
                )
                yield RowsTable(NOTE_COLUMNS, id="notes")
            with TabPane("History", id="tab-history"):
                yield RowsTable(HISTORY_COLUMNS, id="history")

    def on_mount(self) -> None:
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
        self.state_keys_changed()
        self.title = display.kind_label(self.KIND)
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
        self._notes = notes.list_for((self.KIND, self.record_id))
        self.query_one("#empty-notes").display = not self._notes
        shown = []
        for row in self._notes:
            attachment = ""
            if row["attachment_name"]:
                attachment = f"{row['attachment_name']} ({row['attachment_size']:,} B)"
            shown.append(
                {
                    "key": str(row["id"]),
                    "when": Text(display.time(row["created_at"]), style="dim"),
                    "subject": safe_line(row["subject"]),
                    "text": safe_line((row["body"] or "").split("\n")[0]),
                    "attachment": safe_line(attachment),
                    "by": safe_line(row["owner_name"]),
                }
            )
        self.query_one("#notes", RowsTable).show(shown)

    def _fill_history(self) -> None:
        shown = []
        for entry in audit.history_view(self.KIND, self.record_id):
            for index, change in enumerate(entry.changes or (audit.Change("", None, None),)):
                first = index == 0
                shown.append(
                    {
                        "when": Text(display.time(entry.at), style="dim") if first else None,
                        "who": safe_line(entry.who) if first else None,
                        "action": safe_line(entry.action) if first else None,
                        "field": safe_line(change.field),
                        "old": safe_line(
                            display.shown(change.old, change.currency, change.type), "red"
                        ),
                        "new": safe_line(
                            display.shown(change.new, change.currency, change.type), "green"
                        ),
                    }
                )
        self.query_one("#history", RowsTable).show(shown)

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
