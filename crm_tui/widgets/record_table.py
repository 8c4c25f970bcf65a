"""RecordTable: a DataTable over a keyset-paged source.

It holds a window of a few pages: moving near the bottom appends the next
page, near the top brings back the previous one, and `G` jumps to the last
page, so a million rows scroll without ever being loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from rich.measure import Measurement
from rich.text import Text
from textual.widgets import DataTable

from crm_tui import display, keys
from crm_tui.text import safe_line


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int | None = None
    render: Callable[[dict], Text] | None = None
    # Keep the preferred width when space is short (it is useless cut).
    keep_width: bool = False
    # Amounts and counts: the header lines up with the right-aligned values.
    right: bool = False
    # Shown only when the table is at least this wide: on an 80-column
    # terminal the columns that matter get the room instead.
    min_table_width: int = 0

    def cell(self, row: dict) -> Text:
        if self.render is not None:
            return self.render(row)
        return safe_line(row.get(self.key) or "")


def name_cell(row: dict) -> Text:
    """A row's name, struck through when the record is inactive."""
    return safe_line(row["name"], "" if row.get("state") == "active" else "dim strike")


class _LazyPhone:
    """A phone cell grouped only when it is drawn: grouping a number loads its
    country's metadata, and a page has far more rows than a screen shows.
    (No __rich__: DataTable measures every cell it is given, and measuring
    would format it.)"""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __rich_measure__(self, console, options) -> Measurement:
        # grouping adds at most a few spaces
        return Measurement(1, len(self.value) + 4)

    def __rich_console__(self, console, options):
        yield safe_line(display.phone(self.value))


def phone_cell(row: dict) -> _LazyPhone:
    """A row's phone, grouped for reading."""
    return _LazyPhone(row.get("phone") or "")


def fit_widths(wanted: list[int], total: int, keep: frozenset[int] = frozenset()) -> list[int]:
    """Scale preferred column widths to the space there is: an 80-column
    terminal shows every column instead of scrolling sideways, and a wide one
    gives the spare room to the columns in proportion. Columns whose index is
    in `keep` (a phone number cut short is useless) keep their width while
    the others have room for at least a few characters."""
    # one cell of padding each side of a column, and the scrollbar
    room = total - 2 * len(wanted) - 2 - sum(wanted[i] for i in keep)
    flexible = sum(w for i, w in enumerate(wanted) if i not in keep)
    if room <= 4 * (len(wanted) - len(keep)):
        return [max(4, w * (total - 2 * len(wanted) - 2) // sum(wanted)) for w in wanted]
    return [w if i in keep else max(4, w * room // flexible) for i, w in enumerate(wanted)]


class RowPage(Protocol):
    """A page of rows as the screen's reader returns it (the listing
    service's Page has this shape): the widget shows it and asks for the
    next one, never querying itself."""

    rows: list[dict]
    more_after: bool
    more_before: bool
    keys: list[tuple]
    ranked: bool


# fetch(after=..., before=..., last=...) -> RowPage
Fetch = Callable[..., RowPage]

WINDOW_PAGES = 3
PREFETCH_ROWS = 10


class FittedTable(DataTable):
    """A DataTable whose columns (`column_specs()`) are refitted to its width,
    redrawing its rows (`redraw_rows()`) when the width changes. The columns
    shown at this width are `shown_columns`."""

    shown_columns: list[Column] = []

    def column_specs(self) -> list[Column]:
        raise NotImplementedError

    def redraw_rows(self) -> None:
        raise NotImplementedError

    # The styles the rows in DataTable's caches were rendered with, for each
    # state (focus, hover) they were rendered in: its caches key by that state.
    _styled_as: dict | None = None
    _restyled = False

    def on_mount(self) -> None:
        self._fitted_width = 0
        self._fit_columns()

    def notify_style_update(self) -> None:
        # A screen shown again (an area key, back from a detail) has its
        # widgets' styles applied anew, the focus leaving and coming back,
        # and DataTable then drops every row it has rendered: a screenful of
        # cells rendered again for styles that came out as before. They are
        # kept unless the styles of a state changed (a theme, a stylesheet
        # loaded meanwhile), which is known once every style is applied: when
        # next drawn. What styles a cell is always worked out again.
        super(DataTable, self).notify_style_update()
        self._styles_cache.clear()
        self._get_styles_to_render_cell.cache_clear()
        self._restyled = True
        self.refresh()

    def render_lines(self, crop):
        if self._restyled:
            self._restyled = False
            state, styled_as = self.get_pseudo_class_state(), self._style_key()
            seen = self._styled_as if self._styled_as is not None else {}
            if seen.get(state, styled_as) == styled_as:
                seen[state] = styled_as
                self._styled_as = seen
            else:
                self._styled_as = {state: styled_as}
                self._clear_caches()
        return super().render_lines(crop)

    def _style_key(self) -> tuple:
        components = sorted(self._component_styles)
        return (
            self.styles.get_render_rules(),
            self.rich_style,
            self.background_colors,
            [self.get_component_rich_style(name, partial=True) for name in components],
            [self.get_component_rich_style(name) for name in components],
        )

    def on_resize(self) -> None:
        if self.size.width != self._fitted_width:
            cursor = self.cursor_row
            self._fit_columns()
            self.redraw_rows()
            self.move_cursor(row=cursor, animate=False)

    def _fit_columns(self) -> None:
        # Before its first layout the table has no size yet: fit to the
        # terminal (tables here span it), so the first resize has nothing to redo.
        width = self.size.width or self.app.size.width
        self._fitted_width = width
        specs = [c for c in self.column_specs() if width >= c.min_table_width]
        self.shown_columns = specs
        keep = frozenset(i for i, c in enumerate(specs) if c.keep_width)
        widths = fit_widths([c.width or 12 for c in specs], width, keep)
        self.clear(columns=True)
        for column, fitted in zip(specs, widths, strict=True):
            label = Text(str(column.label), justify="right") if column.right else column.label
            self.add_column(label, key=column.key, width=fitted)


class RecordTable(FittedTable):
    """Rows come from `fetch`; `row_id` of the highlighted row is the record id."""

    BINDINGS = keys.bindings("record_table")

    def __init__(self, columns: list[Column], *, page_size: int = 100, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.columns_spec = columns
        self.page_size = page_size
        self._fetch: Fetch | None = None
        self._rows: list[dict] = []
        self._keys: list[tuple] = []
        self._more_after = False
        self._more_before = False
        self._loading = False
        # Rows marked for a bulk action: id -> the version seen when marked.
        # Marks outlive reloads and filters: a row scrolled or filtered away
        # stays marked.
        self.marked: dict[int, int] = {}
        # Whether the filtered rows are in relevance order (see listing.RANK_LIMIT).
        self.ranked = True

    def column_specs(self) -> list[Column]:
        return self.columns_spec

    def set_columns(self, columns: list[Column]) -> None:
        """Show these columns, in this order (a saved view's choice)."""
        if [c.key for c in columns] == [c.key for c in self.columns_spec]:
            return
        self.columns_spec = columns
        cursor = self.cursor_row
        self._fit_columns()
        self.redraw_rows()
        self.move_cursor(row=cursor, animate=False)

    def redraw_rows(self) -> None:
        self.add_rows_from(self._rows)

    # --- loading -----------------------------------------------------------

    def load(self, fetch: Fetch, *, keep_position: bool = False) -> None:
        """Show the first page of `fetch` (or, with keep_position, reload
        the current window around the same record)."""
        current = self.current_id if keep_position else None
        self._fetch = fetch
        if keep_position and self._keys and self._more_before:
            # Same window, from its first row on; rows edited meanwhile may
            # have moved in or out of it.
            page = fetch(
                after=self._keys[0], inclusive=True, limit=max(len(self._rows), self.page_size)
            )
        elif keep_position:
            page = fetch(limit=max(len(self._rows), self.page_size))
        else:
            page = fetch(limit=self.page_size)
        self.ranked = page.ranked
        self._set(page.rows, page.keys, page.more_before, page.more_after)
        self._restore(current)

    def _restore(self, record_id: int | None) -> None:
        if record_id is None:
            self.move_cursor(row=0)
            return
        for index, row in enumerate(self._rows):
            if row["id"] == record_id:
                self.move_cursor(row=index)
                return
        self.move_cursor(row=min(self.cursor_row, max(len(self._rows) - 1, 0)))

    def _set(
        self, rows: list[dict], keys: list[tuple], more_before: bool, more_after: bool
    ) -> None:
        before = self._rows
        self._rows, self._keys = rows, keys
        self._more_before, self._more_after = more_before, more_after
        if self.row_count == len(before) and [r["id"] for r in rows] == [r["id"] for r in before]:
            # The same records in the same order (a refresh after a commit
            # elsewhere): only the cells that changed are drawn again.
            for old, new in zip(before, rows, strict=True):
                if old != new:
                    self._update_row(new)
            return
        self.clear()
        self.add_rows_from(rows)

    def _cells(self, row: dict) -> list:
        cells = [c.cell(row) for c in self.shown_columns]
        if cells and row["id"] in self.marked:
            cells[0] = Text.assemble(("● ", "bold"), cells[0])
        return cells

    def _update_row(self, row: dict) -> None:
        key = str(row["id"])
        for column, cell in zip(self.shown_columns, self._cells(row), strict=True):
            self.update_cell(key, column.key, cell)

    # --- marks ---------------------------------------------------------------

    def set_mark(self, row: dict, marked: bool) -> None:
        """Mark or unmark a loaded row (marked with the version it shows)."""
        if marked:
            self.marked[row["id"]] = row.get("version", 0)
        else:
            self.marked.pop(row["id"], None)
        if self.shown_columns:
            first = self.shown_columns[0]
            self.update_cell(str(row["id"]), first.key, self._cells(row)[0])

    def mark_all(self, found: dict[int, int]) -> None:
        """Mark these records (id -> version), loaded or not."""
        self.marked.update(found)
        self.redraw_marks()

    def clear_marks(self) -> None:
        self.marked = {}
        self.redraw_marks()

    def redraw_marks(self) -> None:
        """Draw the loaded rows' marks again (the first cell only)."""
        if not self.shown_columns:
            return
        first = self.shown_columns[0]
        for row in self._rows:
            self.update_cell(str(row["id"]), first.key, self._cells(row)[0])

    def refresh_column(self, key: str) -> None:
        """Draw one column's cells again from the rows in memory (a clock
        that moves on while the data stays the same)."""
        column = next((c for c in self.shown_columns if c.key == key), None)
        if column is None:
            return
        # the rows on screen and a screenful either side: up to 300 rows are
        # loaded, and the ones far off are redrawn when the next tick finds them
        top = int(self.scroll_offset.y)
        height = max(self.size.height, 1)
        for row in self._rows[max(0, top - height) : top + 2 * height]:
            self.update_cell(str(row["id"]), key, column.cell(row))

    def add_rows_from(self, rows: list[dict]) -> None:
        for row in rows:
            self.add_row(*self._cells(row), key=str(row["id"]))

    def _append_next(self) -> None:
        if not self._more_after or self._fetch is None or self._loading:
            return
        # Queued by the cursor watcher; the rows may have been replaced since
        # (clear() fires it at row 0), so only load if still near the bottom.
        if self.cursor_row < len(self._rows) - PREFETCH_ROWS:
            return
        self._loading = True
        try:
            page = self._fetch(after=self._keys[-1], limit=self.page_size)
            self._rows += page.rows
            self._keys += page.keys
            self._more_after = page.more_after
            self.add_rows_from(page.rows)
            overflow = len(self._rows) - WINDOW_PAGES * self.page_size
            if overflow > 0:
                cursor = self.cursor_row - overflow
                self._set(self._rows[overflow:], self._keys[overflow:], True, self._more_after)
                self.move_cursor(row=cursor, animate=False)
        finally:
            self._loading = False

    def _prepend_previous(self) -> None:
        if not self._more_before or self._fetch is None or self._loading or not self._keys:
            return
        if self.cursor_row >= PREFETCH_ROWS:  # moved away since it was queued (G, reload)
            return
        self._loading = True
        try:
            page = self._fetch(before=self._keys[0], limit=self.page_size)
            cursor = self.cursor_row + len(page.rows)
            rows, keys = page.rows + self._rows, page.keys + self._keys
            keep = WINDOW_PAGES * self.page_size
            more_after = self._more_after or len(rows) > keep
            self._set(rows[:keep], keys[:keep], page.more_before, more_after)
            self.move_cursor(row=cursor, animate=False)
        finally:
            self._loading = False

    # --- navigation ----------------------------------------------------------

    @property
    def current_id(self) -> int | None:
        if not self._rows or self.cursor_row < 0 or self.cursor_row >= len(self._rows):
            return None
        return self._rows[self.cursor_row]["id"]

    @property
    def current_row(self) -> dict | None:
        if self.current_id is None:
            return None
        return self._rows[self.cursor_row]

    @property
    def loaded_count(self) -> int:
        return len(self._rows)

    @property
    def loaded_rows(self) -> list[dict]:
        """The rows read so far, in the list's order."""
        return list(self._rows)

    @property
    def has_more(self) -> bool:
        return self._more_after

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        if self._loading:
            return
        if new.row >= len(self._rows) - PREFETCH_ROWS:
            self.call_later(self._append_next)
        elif new.row < PREFETCH_ROWS and self._more_before:
            self.call_later(self._prepend_previous)

    def action_first(self) -> None:
        if self._more_before and self._fetch is not None:
            page = self._fetch(limit=self.page_size)
            self._set(page.rows, page.keys, False, page.more_after)
        self.move_cursor(row=0, animate=False)

    def action_last(self) -> None:
        if self._more_after and self._fetch is not None:
            page = self._fetch(last=True, limit=self.page_size)
            self._set(page.rows, page.keys, page.more_before, False)
        self.move_cursor(row=max(len(self._rows) - 1, 0), animate=False)
