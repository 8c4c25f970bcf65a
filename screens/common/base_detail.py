"""What every record's detail screen shares: a summary, the timeline, notes,
the audit history, and the keys to act on the record and its activities."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent

from crm_tui import db, display, keys, styles
from crm_tui.errors import CrmError
from crm_tui.screens.common import activity_steps, calls, custom_fields_shown
from crm_tui.screens.common.access_keys import AccessKeys
from crm_tui.screens.common.detail_tabs import DetailTabs
from crm_tui.screens.common.prompt import PromptModal
from crm_tui.screens.common.state_keys import StateKeys, bindings_of
from crm_tui.services.customers import activities, notes
from crm_tui.text import safe_line
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.palette import record_actions
from crm_tui.widgets.timeline import Timeline

# In the footer the keys that act on the record come before the ones every
# screen has; what does not fit is left out whole (`?` lists every key).
FOOTER_FIRST = ("detail.edit", "detail.activity")
FOOTER_LAST = ("screen.back", "detail.next_tab", "app.quit")


class RecordDetailScreen(DetailTabs, StateKeys, AccessKeys, Screen):
    """Subclasses set KIND and provide load_record, summary_rows, title_text;
    their own tabs (EXTRA_TABS) come from compose_extra and refresh_extra
    (detail_tabs.py: each tab is built and filled when first shown)."""

    CSS_PATH = styles.path("detail.tcss")

    KIND = ""

    # Textual calls the on_mount of every class in the MRO: a subclass that
    # has one must not call super().on_mount() (that would read the record
    # twice and focus the first tab again).

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
            # the timeline's rows as last read: a tab not shown yet has none
            timeline = self.built_timeline()
            item = timeline.current if timeline else None
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
        # db.generation() when the record was last read
        self._read_at: int | None = None

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
        """The title followed by the inactive badge and the open-activity count."""
        tail = Text()
        if self.record.state != "active":
            tail.append("  inactive", style="bold red")
        count = activities.open_count((self.KIND, self.record_id))
        tail.append(f"   {count} open activit{'y' if count == 1 else 'ies'}", style="dim")
        return self.fit_title(title, tail)

    def fit_title(self, head: Text, tail: Text) -> Text:
        """`head` (the record's names) then `tail` (its state, a count, a
        clock) on the title's one line: a head too long for the terminal is
        cut with an ellipsis, so that the tail is always read whole."""
        # the title's padding is two cells each side (detail.tcss)
        width = (self.size.width or self.app.size.width) - 4
        room = max(width - tail.cell_len, 12)
        if head.cell_len > room:
            head = head.copy()
            head.truncate(room, overflow="ellipsis")
        return Text.assemble(head, tail)

    def on_resize(self) -> None:
        # the title is fitted to the width
        if self.record is not None:
            self.query_one("#detail-title", Static).update(self.title_text())

    def refresh_side(self) -> None:
        """Fill what compose_side put beside the tabs (on screen whatever the tab)."""

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
                yield from self.compose_tabs()
                yield from side
        else:
            yield from self.compose_tabs()
        yield self.footer()

    def footer(self) -> Footer:
        shown = [b.id for b in bindings_of(type(self)) if b.show]
        own = [i for i in shown if i not in FOOTER_FIRST + FOOTER_LAST]
        return KeyFooter(("app.help",), (*FOOTER_FIRST, *own, *FOOTER_LAST))

    def on_mount(self) -> None:
        self.refresh_data()
        self._focus_first_tab()

    def _focus_first_tab(self) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        focusable = tabs.get_pane(f"tab-{self.FIRST_TAB}").query("DataTable, Timeline")
        if focusable:
            focusable.first().focus()

    def show_record(self, record_id: int) -> None:
        """Point this screen, kept from an earlier record (routes.detail_screen),
        at another one before it is pushed again: nothing of the last record
        stays (its rows, its tab, its cursor), and the record is read as the
        screen resumes, before its first frame."""
        self.record_id = record_id
        self.record = None
        self._read_at = None
        self._access_owners = {}
        self.forget_tabs()
        self._refocus = True

    def on_screen_resume(self) -> None:
        # Back from a form, a modal or another record. The first resume
        # follows on_mount's read, and a return with nothing written
        # meanwhile has nothing new to show: refresh_data reads only if
        # something was.
        self.refresh_data()
        if self.__dict__.pop("_refocus", False):
            self._focus_first_tab()

    def refresh_data(self) -> None:
        """Read the record again and fill the tab on screen (the others when
        next shown), if anything was written since the last read: by this
        process (db.write) or by another one (the app's change watcher)."""
        generation = db.generation()
        if self.record is not None and generation == self._read_at:
            return
        try:
            custom_fields_shown.attributes(self.KIND)  # fields another process added
            self.record = self.load_record()
        except CrmError as exc:
            self.notify(Text(str(exc)), severity="error")
            self.app.pop_screen()
            return
        self._read_at = generation
        self.access_changed()
        self.state_keys_changed()
        self.title = display.kind_label(self.KIND)
        self.query_one("#detail-title", Static).update(self.title_text())
        self.refresh_side()
        self.fill_tabs()

    # --- keys -----------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_edit(self) -> None:
        self.app.push_screen(self.edit_screen(), lambda saved: self.refresh_data())

    def action_log_activity(self, kind: str = "phone_call") -> None:
        from crm_tui.screens.customers.activity_modal import activity_modal

        def saved(done: bool) -> None:
            if done:
                self.refresh_data()
                self.switch_tab("timeline")

        self.app.push_screen(
            activity_modal(self.app, (self.KIND, self.record_id), self.display_name, kind), saved
        )

    def action_follow(self) -> None:
        """Follow the record (be told when a colleague changes it), or stop."""
        from crm_tui.services import notifications

        def switch():
            return notifications.follow(
                self.KIND, self.record_id, not notifications.following(self.KIND, self.record_id)
            )

        def said(on: bool) -> None:
            name = safe_line(self.display_name)
            self.notify(Text.assemble("Following " if on else "No longer following ", name))

        calls.direct(self, switch, "", said)

    def action_toggle_active(self) -> None:
        if self.record is not None:
            self.set_active(self.record.state != "active")

    async def _open_activity(self) -> dict | None:
        # a key on the timeline's row works from another tab too, as it did
        # when every tab was built with the screen
        await self.build_tab("timeline")
        item = self.highlighted_activity()
        if item is None or item["source"] != "a" or not item.get("is_open"):
            self.notify("Highlight an open activity in the timeline first.", severity="warning")
            return None
        return item

    async def _activity_step(self, action: Callable, *args, done: str) -> None:
        item = await self._open_activity()
        if item is None:
            return
        calls.direct(
            self,
            lambda: action(item["id"], item["version"], *args),
            done,
            lambda _: self.refresh_data(),
        )

    async def action_complete_activity(self) -> None:
        await self._activity_step(activities.complete, done="Marked complete.")

    async def action_cancel_activity(self) -> None:
        await self._activity_step(activities.cancel, done="Activity canceled.")

    async def action_reschedule_activity(self) -> None:
        item = await self._open_activity()
        if item is not None:
            activity_steps.reschedule(self, item)

    def action_save_attachment(self) -> None:
        if self.shown_tab != "notes" or not self.tab_built("notes") or not self._notes:
            self.notify("Open the Notes tab and highlight a note with an attachment.")
            return
        note = self._notes[self.query_one("#notes", DataTable).cursor_row]
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
        item = self.highlighted_activity()
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
