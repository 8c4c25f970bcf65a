"""The tabs of a record's detail screen: the summary, the kind's own tabs,
the timeline, notes and history.

Only the tab on screen is built and filled when the detail opens; every
other tab gets its widgets and reads its rows the first time it is shown
(TabbedContent.TabActivated), so opening an account with a thousand
activities builds and reads one tab, not five. A built tab stays built.
When the record is read again the tab on screen is filled again and the
other built tabs are marked stale: each is filled again when next shown, or
when a key is about to act on its rows (`ready_tab`)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widget import AwaitMount
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from crm_tui import display, keys
from crm_tui.screens.common import custom_fields_shown
from crm_tui.services import audit
from crm_tui.services.customers import activities, notes
from crm_tui.text import safe, safe_line
from crm_tui.widgets.fitted_rows import RowsTable
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
LABELS = {"summary": "Summary", "timeline": "Timeline", "notes": "Notes", "history": "History"}


class DetailTabs:
    """Mixin for RecordDetailScreen, before Screen in the bases. The screen
    provides KIND, record_id, record (None until read), summary_rows(), and
    for its EXTRA_TABS compose_extra(tab_id) and refresh_extra(tab_id)."""

    EXTRA_TABS: list[tuple[str, str]] = []  # (id, label) between summary and timeline
    FIRST_TAB = "timeline"  # the tab the screen opens on

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # tabs whose widgets are mounted (the first one is composed with the
        # screen), the mounts under way, and the tabs whose rows match the
        # record as last read
        self._built: set[str] = {self.FIRST_TAB}
        self._mounting: dict[str, AwaitMount] = {}
        self._fresh: set[str] = set()
        self._notes: list[dict] = []
        self._timeline: Timeline | None = None

    def compose_extra(self, tab_id: str) -> ComposeResult:
        yield from ()

    def refresh_extra(self, tab_id: str) -> None:
        """Fill the kind's own tab `tab_id` from the database."""

    # --- building ------------------------------------------------------------------

    def tab_ids(self) -> list[str]:
        extra = [tab_id for tab_id, _ in self.EXTRA_TABS]
        return ["summary", *extra, "timeline", "notes", "history"]

    def compose_tabs(self) -> ComposeResult:
        # `unfilled` keeps a tab's "nothing here yet" hint hidden until its
        # rows were read.
        labels = {**LABELS, **dict(self.EXTRA_TABS)}
        with TabbedContent(id="tabs", initial=f"tab-{self.FIRST_TAB}"):
            for tab_id in self.tab_ids():
                with TabPane(labels[tab_id], id=f"tab-{tab_id}", classes="unfilled"):
                    if tab_id == self.FIRST_TAB:
                        yield from self._compose_tab(tab_id)

    def tab_built(self, tab_id: str) -> bool:
        return tab_id in self._built

    async def build_tab(self, tab_id: str) -> None:
        """Mount `tab_id`'s widgets unless it has them: when first shown."""
        if tab_id in self._built:
            return
        if tab_id not in self._mounting:
            pane = self.query_one(f"#tab-{tab_id}", TabPane)
            self._mounting[tab_id] = pane.mount_all(list(self._compose_tab(tab_id)))
        await self._mounting[tab_id]
        self._built.add(tab_id)

    def _compose_tab(self, tab_id: str) -> ComposeResult:
        if tab_id == "summary":
            yield Static(id="summary")
        elif tab_id == "timeline":
            yield Static(
                Text(keys.fill(EMPTY["timeline"]), style="dim"),
                id="empty-timeline",
                classes="empty-hint",
            )
            # read at each call: a kept screen shows another record later
            yield Timeline(
                lambda: activities.open_items((self.KIND, self.record_id)),
                lambda **page: activities.history((self.KIND, self.record_id), **page),
                id="timeline",
            )
        elif tab_id == "notes":
            yield Static(
                Text(keys.fill(EMPTY["notes"]), style="dim"), id="empty-notes", classes="empty-hint"
            )
            yield RowsTable(NOTE_COLUMNS, id="notes")
        elif tab_id == "history":
            yield RowsTable(HISTORY_COLUMNS, id="history")
        else:
            yield from self.compose_extra(tab_id)

    # --- filling -------------------------------------------------------------------

    @property
    def shown_tab(self) -> str:
        """The tab on screen (the first one until the tabs have settled)."""
        active = self.query_one("#tabs", TabbedContent).active
        return active.removeprefix("tab-") if active else self.FIRST_TAB

    def forget_tabs(self) -> None:
        """Before the screen shows another record: every built tab's rows
        go (each is filled again when shown, its cursor at the top) and the
        first tab comes back on screen."""
        self._fresh.clear()
        self._notes = []
        # a tab is filled before it shows: its hint follows its new rows
        for tab_id in self._built:
            pane = self.query_one(f"#tab-{tab_id}", TabPane)
            pane.scroll_home(animate=False, immediate=True)
            for table in pane.query(DataTable):
                table.forget() if isinstance(table, Timeline) else table.clear()
                table.scroll_home(animate=False, immediate=True)
        self.query_one("#tabs", TabbedContent).active = f"tab-{self.FIRST_TAB}"

    def fill_tabs(self) -> None:
        """After the record was read: the tab on screen now, the rest when shown."""
        self._fresh.clear()
        self.ready_tab(self.shown_tab)

    def ready_tab(self, tab_id: str) -> None:
        """Fill `tab_id` if it is built and its rows are not up to date:
        before it is shown, or before a key acts on its rows."""
        if self.record is not None and tab_id in self._built and tab_id not in self._fresh:
            self.fill_tab(tab_id)

    def fill_tab(self, tab_id: str) -> None:
        if tab_id == "summary":
            self.query_one("#summary", Static).update(self._summary())
        elif tab_id == "timeline":
            timeline = self.query_one(Timeline)
            timeline.reload()
            self.query_one("#empty-timeline").display = not timeline.items
        elif tab_id == "notes":
            self._fill_notes()
        elif tab_id == "history":
            self._fill_history()
        else:
            self.refresh_extra(tab_id)
        self._fresh.add(tab_id)
        self.query_one(f"#tab-{tab_id}", TabPane).remove_class("unfilled")

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.tabbed_content.id == "tabs" and event.pane.id:
            tab_id = event.pane.id.removeprefix("tab-")
            await self.build_tab(tab_id)
            self.ready_tab(tab_id)

    def switch_tab(self, tab_id: str) -> None:
        """Bring `tab_id` on screen (from a callback: built and filled as it shows)."""
        self.ready_tab(tab_id)
        self.query_one("#tabs", TabbedContent).active = f"tab-{tab_id}"

    async def show_tab(self, tab_id: str) -> None:
        """Bring `tab_id` on screen built and filled (not a frame of it empty
        first), its table focused."""
        await self.build_tab(tab_id)
        self.ready_tab(tab_id)
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.active = f"tab-{tab_id}"
        focusable = tabs.get_pane(tabs.active).query("DataTable, Timeline")
        if focusable:
            focusable.first().focus()

    async def action_next_tab(self, step: int = 1) -> None:
        ids = self.tab_ids()
        await self.show_tab(ids[(ids.index(self.shown_tab) + step) % len(ids)])

    async def action_previous_tab(self) -> None:
        await self.action_next_tab(-1)

    def _summary(self) -> Table:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        custom = custom_fields_shown.summary_rows(self.KIND, self.record)
        for label, value in [*self.summary_rows(), *custom]:
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

    def built_timeline(self) -> Timeline | None:
        """The timeline's widget; None until its tab is built. Kept: the
        keys ask for it on every footer update."""
        if self._timeline is None and "timeline" in self._built and self.is_mounted:
            self._timeline = self.query_one(Timeline)
        return self._timeline

    def highlighted_activity(self) -> dict | None:
        """The timeline's highlighted item, its rows read first if stale;
        None while the timeline is not built."""
        self.ready_tab("timeline")
        timeline = self.built_timeline()
        return timeline.current if timeline else None
