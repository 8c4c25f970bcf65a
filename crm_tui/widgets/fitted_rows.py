"""A table of rows handed over whole (a record's notes, its history), its
columns fitted to the width like the lists', so an 80-column terminal shows
every column instead of scrolling sideways."""

from __future__ import annotations

from rich.text import Text

from crm_tui.widgets.record_table import Column, FittedTable


class RowsTable(FittedTable):
    """Rows are dicts of cells keyed by column key (already Text); `show`
    replaces them. A row's "key" entry, if any, is its DataTable row key."""

    def __init__(self, columns: list[Column], **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._columns = columns
        self.rows_shown: list[dict] = []

    def column_specs(self) -> list[Column]:
        return self._columns

    def show(self, rows: list[dict]) -> None:
        """Show these rows, keeping the cursor's place where it still exists."""
        cursor = self.cursor_row
        self.rows_shown = rows
        self.clear()
        self.redraw_rows()
        if rows:
            self.move_cursor(row=min(cursor, len(rows) - 1), animate=False)

    def redraw_rows(self) -> None:
        for row in self.rows_shown:
            cells = [row.get(column.key) or Text("") for column in self.shown_columns]
            self.add_row(*cells, key=row.get("key"))
