"""What every record list shares: filter-as-you-type, views, sort, paging,
and the keys of the key map."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Static

from crm_tui import db, display, keys, meta
from crm_tui.errors import QueryError
from crm_tui.meta.types import AttributeType
from crm_tui.screens.common import calls, routes
from crm_tui.screens.common.access_keys import AccessKeys
from crm_tui.screens.common.list_bulk import BulkMarks
from crm_tui.screens.common.list_find import AdvancedFind
from crm_tui.screens.common.list_views import SavedViews
from crm_tui.screens.common.query_hints import QuerySuggester
from crm_tui.screens.common.state_keys import bindings_of
from crm_tui.services import custom_defs, dates, session
from crm_tui.services.listing import RANK_LIMIT, Page
from crm_tui.text import safe_line
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.palette import record_actions
from crm_tui.widgets.record_table import Column, RecordTable

# A key typed after a pause is answered at once; keys following it within
# this long (a fast typist's burst) are held and answered together this long
# after the last of them, so a burst costs two queries, not one per key.
FILTER_DEBOUNCE = 0.06
# The filter box of an 80-column terminal shows this many characters.
FILTER_HINT_WIDTH = 42


def filter_hint(kind: str, width: int = FILTER_HINT_WIDTH) -> str:
    """What the filter of a list of `kind` searches, from the metadata's
    searchable attributes, as many as `width` holds: "/ filter by
    number, name, customer". The number and the name first, then who it is
    for, then how to reach them; an account and a contact are one
    "customer", the phones one "phone"."""
    found = meta.kind(kind)
    # an integer (a quote's revision) is found as part of the number
    attributes = [a for a in found.searchable if a.type is not AttributeType.INTEGER]
    first = (found.number, found.title)
    then = (AttributeType.LOOKUP, AttributeType.EMAIL, AttributeType.PHONE)

    def rank(attribute) -> int:
        if attribute.name in first:
            return first.index(attribute.name)
        return 2 + then.index(attribute.type) if attribute.type in then else 5

    attributes.sort(key=rank)
    customer = {"account", "contact"} <= {a.name for a in attributes}
    prefix = found.label.lower() + " "
    words: list[str] = []
    for attribute in attributes:
        word = attribute.label.lower().removeprefix(prefix)
        if customer and attribute.name in ("account", "contact"):
            word = "customer"
        elif attribute.type is AttributeType.PHONE:
            word = "phone"
        elif attribute.name == found.title and word.endswith("name"):
            word = "name"
        if word not in words:
            words.append(word)
    text = keys.fill("{list.filter} filter by ")
    for index, word in enumerate(words):
        more = index + 1 < len(words)
        if len(text) + len(word) + (2 if more else 0) > width:
            return text.rstrip(", ") + "…"
        text += word + (", " if more else "")
    return text


class RecordListScreen(SavedViews, BulkMarks, AdvancedFind, AccessKeys, Screen):
    """Subclasses set KIND, AREA_TITLE, VIEWS, SORTS, COLUMNS and `fetch_page`."""

    KIND = ""
    AREA_TITLE = ""
    VIEWS: dict[str, str] = {}
    SORTS: dict[str, str] = {"name": "name", "modified": "recently modified"}
    COLUMNS: list[Column] = []
    # Whether the list's rows carry its kind's custom fields (its service
    # pages through listing.fetch_page), so that a view may show them.
    CUSTOM_COLUMNS = True
    # {list.filter} is the key that focuses the filter, as the user has it;
    # None: what the kind's metadata says its search finds (filter_hint)
    FILTER_HINT: str | None = None

    BINDINGS = keys.bindings("list")

    def __init__(self) -> None:
        super().__init__()
        self.view = next(iter(self.VIEWS))
        self.sort = next(iter(self.SORTS))
        self.filter_text = ""
        self._debounce: Timer | None = None
        self._resumed = False
        # db.generation() when the rows were read (None: not read, or the read
        # failed), and the day (what is overdue, due today, moves with it)
        self._read_at: int | None = None
        self._read_on = dates.today()
        # the filter last asked for, and the last one the rows were read by
        # (they differ while the query asked for cannot be read: _query_problem)
        self._shown_filter = ""
        self._applied_filter = ""
        self._query_problem = ""

    # --- to be provided by subclasses --------------------------------------

    # The kind's service module: page(), deactivate(), reactivate().
    SERVICE = None

    def form_screen(self, record_id: int | None) -> Screen:
        raise NotImplementedError

    # --- record operations through the service -------------------------------

    def fetch_page(self, **kwargs) -> Page:
        return self.SERVICE.page(**kwargs)

    def open_record(self, record_id: int) -> None:
        routes.open_detail(self.app, self.KIND, record_id)

    def query_problem(self, typed: str) -> str:
        """Why the filter `typed` cannot be run on this list, in one line; ""."""
        if not typed:
            return ""
        from crm_tui.services import query

        return query.problem(self.KIND, typed)

    def new_record(self) -> None:
        self.app.push_screen(self.form_screen(None), self._after_form)

    def edit_record(self, record_id: int) -> None:
        self.app.push_screen(self.form_screen(record_id), self._after_form)

    def _after_form(self, saved_id: int | None) -> None:
        if saved_id is not None:
            self.refresh_data()

    def set_active(self, row: dict, active: bool) -> None:
        if active:
            calls.direct(
                self,
                lambda: self.SERVICE.reactivate(row["id"], row["version"]),
                Text.assemble(safe_line(row["name"]), " reactivated"),
                lambda _: self.refresh_data(),
            )
            return
        # as every key that takes a record out of use: ask first, naming it
        calls.confirm_then(
            self,
            Text.assemble("Deactivate ", safe_line(row["name"], "bold"), "?"),
            lambda: self.SERVICE.deactivate(row["id"], row["version"]),
            detail=keys.fill(
                "It leaves the active views and keeps its history; "
                "{list.toggle_active} reactivates it."
            ),
            done_text=Text.assemble(safe_line(row["name"]), " deactivated"),
        )

    # --- layout --------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="list-bar"):
            yield Input(
                placeholder=self.filter_placeholder(),
                id="filter",
                suggester=QuerySuggester(self.KIND),
            )
            yield Static(id="view-label")
        yield RecordTable(self.COLUMNS, id="records", page_size=session.settings().page_size)
        yield Static(id="list-status")
        yield self.footer()

    def filter_placeholder(self, width: int = FILTER_HINT_WIDTH) -> str:
        if self.FILTER_HINT:
            return keys.fill(self.FILTER_HINT)
        return filter_hint(self.KIND, width)

    def on_resize(self) -> None:
        # a wider filter box names more of what the search finds
        self.call_after_refresh(self._fit_filter_hint)

    def _fit_filter_hint(self) -> None:
        box = self.query_one("#filter", Input)
        if box.content_size.width > 1:
            # the cursor takes the last cell
            box.placeholder = self.filter_placeholder(box.content_size.width - 1)

    def footer(self) -> Footer:
        """The footer; a list with more keys than a row holds says which to keep.
        By default `?` stays, then the filter, new and the list's own keys (a
        lead's qualify), then the keys every list has; each is left out whole."""
        shown = [b.id for b in bindings_of(type(self)) if b.show]
        first = [i for i in ("list.filter", "list.new") if i in shown]
        own = [i for i in shown if i not in first and not i.startswith("list.")]
        rest = [i for i in shown if i not in first and i not in own]
        return KeyFooter(("app.help",), (*first, *own, *rest, "app.quit"))

    @property
    def table(self) -> RecordTable:
        return self.query_one("#records", RecordTable)

    ACCESS = {"new": "create", "edit": "write", "log_activity": "append", "toggle_active": "write"}

    def access_target(self, action: str) -> tuple[str, int] | None:
        row = self.table.current_row if self.is_mounted else None
        return None if row is None else (self.KIND, row["id"])

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.access_changed()

    def on_mount(self) -> None:
        self.title = self.AREA_TITLE
        self.open_default_view()
        if getattr(self.app, "laid_out", True):
            self.reload()
        else:
            # The app's first screen is laid out and drawn once while Textual
            # still holds the first frame back, then drawn again for it: rows
            # loaded after that first layout are drawn once (tens of
            # milliseconds sooner), still in the first frame.
            self.call_after_refresh(self.reload)
        self.table.focus()

    def on_screen_resume(self) -> None:
        # Back from a detail or another area: read again only if anything was
        # written meanwhile (by us, or by others as the change watcher saw);
        # a list left as it was is shown as it was, without a query or a redraw.
        # (The first resume follows on_mount's load: nothing to pick up yet.)
        if self._resumed and (self._read_at, self._read_on) != (db.generation(), dates.today()):
            self.refresh_data()
        self._resumed = True

    def _fetch(self, **kwargs) -> Page:
        return self.fetch_page(
            view=self.base_view(), sort=self.sort, query=self._asked(self._applied_filter), **kwargs
        )

    def _asked(self, typed: str) -> str | None:
        """The query the rows are read by: the saved view's, then what is typed."""
        return " ".join(q for q in (self.view_query(), typed) if q) or None

    def reload(self, keep_position: bool = False) -> None:
        # taken before the read: a commit during it moves the generation on
        generation, self._read_on = db.generation(), dates.today()
        self.reread_view()
        self._shown_filter = self.filter_text
        # a query that cannot be read leaves the rows of the last one that
        # could, and says why under them
        self._query_problem = self.query_problem(self._asked(self.filter_text) or "")
        if self._query_problem:
            self._show_status()
            return
        applied, self._applied_filter = self._applied_filter, self.filter_text

        def load() -> bool:
            try:
                self.table.load(self._fetch, keep_position=keep_position)
            except QueryError as exc:  # what only the list can tell (its sorts)
                self._applied_filter, self._query_problem = applied, str(exc)
            return True

        self._read_at = generation if calls.loaded(self, load, default=False) else None
        self._show_status()

    def refresh_data(self) -> None:
        """Re-read the rows in view, keeping the cursor on the same record
        (and the custom fields, if an admin changed them meanwhile)."""
        if self.is_mounted:
            calls.loaded(self, custom_defs.refresh)
            self.reload(keep_position=True)

    def action_refresh_data(self) -> None:
        self.refresh_data()

    def _order_label(self) -> Text:
        """How the rows are ordered: the query's sort, relevance to its
        words, or the list's sort."""
        typed = self._asked(self._applied_filter)
        if typed:
            from crm_tui.services import query

            asked = query.parse(typed)
        else:
            asked = None
        if asked is not None and asked.sort is not None:
            arrow = "↓" if asked.sort.descending else "↑"
            return Text(f"  ·  by {'.'.join(asked.sort.path)} {arrow}")
        if asked is None or not asked.words:
            return Text(f"  ·  by {self.SORTS[self.sort]}")
        if self.table.ranked:
            return Text("  ·  by relevance")
        return Text("  ·  many matches, newest first", style="yellow")

    def _show_status(self) -> None:
        table = self.table
        label = Text()
        label.append(self.view_name(), style="bold")
        label.append_text(self._order_label())
        self.query_one("#view-label", Static).update(label)
        status = Text()
        if self._query_problem:
            status.append("Filter not applied: ", style="bold yellow")
            status.append(safe_line(self._query_problem))
            self.query_one("#list-status", Static).update(status)
            return
        marks = self.bulk_status()
        if marks is not None:
            self.query_one("#list-status", Static).update(marks)
            return
        count = table.loaded_count
        if count == 0:
            status.append("Nothing matches." if self.filter_text else "No records in this view.")
            status.append(
                keys.fill("  {list.new} creates one.")
                if not self.filter_text
                else keys.fill("  {list.clear} clears the filter.")
            )
        else:
            status.append(
                f"{count} loaded" + (" · more below as you scroll" if table.has_more else "")
            )
            if self.filter_text and not table.ranked:
                status.append(
                    f" · over {RANK_LIMIT:,} matches: keep typing to rank them by relevance",
                    style="yellow",
                )
        self.query_one("#list-status", Static).update(status)

    # --- filter ----------------------------------------------------------------

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "filter":
            return
        self.filter_text = event.value
        if self._debounce is not None:
            # a key within a burst: held until the burst is over
            self._debounce.stop()
        elif self.filter_text != self._shown_filter:
            # the first key after a pause: its results at once (a query is a few ms)
            self.reload()
        self._debounce = self.set_timer(FILTER_DEBOUNCE, self._filter_settled)

    def _filter_settled(self) -> None:
        """The burst is over: show what its last key asks for. Every read is
        of the filter as typed by then, so no older result replaces a newer."""
        self._debounce = None
        if self.filter_text != self._shown_filter:
            self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "filter":
            return
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        if self.filter_text != self._shown_filter:
            # enter may beat the end of a burst: filter by everything typed first
            self.reload()
        self.table.focus()
        # "/ name enter" opens the best match, as enter does on the list
        if self.filter_text and not self._query_problem and self.table.current_id is not None:
            self.open_record(self.table.current_id)

    def on_key(self, event) -> None:
        filter_box = self.query_one("#filter", Input)
        if filter_box.has_focus and event.key in ("down", "escape"):
            self.table.focus()
            event.stop()

    def _clear_filter_box(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.filter_text = ""

    def action_clear_filter(self) -> None:
        filter_box = self.query_one("#filter", Input)
        if filter_box.value:
            filter_box.value = ""
            self.filter_text = ""
            self.reload()
        elif len(self.app.screen_stack) > 1:
            # a list pushed over an area (products, contracts): escape goes back
            self.app.pop_screen()

    # --- views and sort --------------------------------------------------------

    def _cycle(self, options: dict, current: str, step: int = 1) -> str:
        keys = list(options)
        return keys[(keys.index(current) + step) % len(keys)]

    def action_next_sort(self) -> None:
        if self.filter_text:
            self.notify(
                keys.fill(
                    "A filtered list is ordered by relevance; {list.clear} clears the filter."
                )
            )
            return
        self.sort = self._cycle(self.SORTS, self.sort)
        self.reload()

    # --- record keys -------------------------------------------------------------

    def _with_current(self, action: Callable[[int], None]) -> None:
        record_id = self.table.current_id
        if record_id is None:
            self.notify("No record selected.", severity="warning")
            return
        action(record_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_record(int(event.row_key.value))

    def action_new(self) -> None:
        self.new_record()

    def action_edit(self) -> None:
        self._with_current(self.edit_record)

    def action_log_activity(self) -> None:
        from crm_tui.screens.customers.activity_modal import activity_modal

        row = self.table.current_row
        if row is None:
            self.notify("No record selected.", severity="warning")
            return
        self.app.push_screen(
            activity_modal(self.app, (self.KIND, row["id"]), row["name"]),
            lambda saved: self.refresh_data() if saved else None,
        )

    def action_toggle_active(self) -> None:
        row = self.table.current_row
        if row is None:
            return
        self.set_active(row, row["state"] != "active")

    def record_actions(self) -> list[tuple[str, str, Callable]]:
        """Palette actions for the highlighted row."""
        row = self.table.current_row
        noun = display.kind_noun(self.KIND)
        actions = [(f"New {noun}", f"Create a new {noun}", self.action_new)]
        if row is not None:
            actions += [
                (f"Open this {noun}", "Show its details", lambda: self.open_record(row["id"])),
                *record_actions(
                    self.KIND,
                    row["state"],
                    self.action_edit,
                    self.action_log_activity,
                    self.action_toggle_active,
                ),
            ]
        return actions
