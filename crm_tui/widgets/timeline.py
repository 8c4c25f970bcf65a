"""Timeline: a record's activities and notes. Open items sit on top, soonest
due first; below them the history, newest first, paged in as you scroll.

The screen hands the widget two readers (open items; a page of history
after a key), so the widget shows rows and never queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rich.text import Text

from crm_tui import display, keys
from crm_tui.text import safe_line
from crm_tui.widgets.record_table import Column, FittedTable

PAGE = 50


class Timeline(FittedTable):
    BINDINGS = keys.bindings("timeline")

    def __init__(
        self,
        open_items: Callable[[], list[dict]],
        history: Callable[..., tuple[list[dict], bool]],
        **kwargs,
    ) -> None:
        """`open_items()` returns the open activities; `history(after=key,
        limit=n)` a page of the rest, newest first, and whether more follow."""
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._open_items = open_items
        self._history = history
        self.items: list[dict] = []
        self._more = False
        self._last_key: tuple | None = None

    COLUMNS = [
        Column("icon", "", 2, keep_width=True),
        Column("when", "When", 20, keep_width=True),
        Column("subject", "Subject", 42),
        # "out · 120 min" whole, or it reads as another duration; at 80
        # columns the subject gets the owner's room
        Column("status", "Status", 16, keep_width=True),
        Column("owner", "Owner", 16, min_table_width=100),
    ]

    def column_specs(self) -> list[Column]:
        return self.COLUMNS

    def redraw_rows(self) -> None:
        now = dt.datetime.now(dt.UTC)
        for row in self.items:
            self.add_row(*self._cells(row, now), key=f"{row['source']}{row['id']}")

    def reload(self) -> None:
        """Read the timeline again, keeping the cursor on the same item."""
        current = self.current
        keep = (current["source"], current["id"]) if current else None
        self.forget()
        opened = self._open_items()
        rows, self._more = self._history(limit=PAGE)
        self._add(opened, is_open=True)
        self._add(rows, is_open=False)
        self._last_key = rows[-1]["key"] if rows else None
        if keep:
            for index, item in enumerate(self.items):
                if (item["source"], item["id"]) == keep:
                    self.move_cursor(row=index, animate=False)
                    break

    def forget(self) -> None:
        """No rows, and no page to read after them (clearing moves the
        cursor, which would otherwise read the next page of what went)."""
        self._more = False
        self._last_key = None
        self.items = []
        self.clear()

    def _add(self, rows: list[dict], *, is_open: bool) -> None:
        now = dt.datetime.now(dt.UTC)
        for row in rows:
            row["is_open"] = is_open
            self.items.append(row)
            self.add_row(*self._cells(row, now), key=f"{row['source']}{row['id']}")

    def _cells(self, row: dict, now: dt.datetime) -> list[Text]:
        icon = Text(display.icon(row["kind"]))
        if row["is_open"]:
            due = row["due_at"]
            overdue = due is not None and display.local(due) < now
            when = Text(
                ("due " + display.time(due)) if due else "no due date",
                style="bold red" if overdue else "bold",
            )
            status = Text(
                "overdue" if overdue else row["state"], style="bold red" if overdue else "yellow"
            )
        else:
            when = Text(display.time(row["sort_at"]), style="dim")
            status = Text(self._status(row), style="dim" if row["state"] == "canceled" else "")
        subject = safe_line(
            row["subject"] or (row["body"] or "").split("\n")[0],
            "strike dim" if row["state"] == "canceled" else "",
        )
        if row.get("parties"):
            # who it was with, after what it was about: the subject leads
            subject.append("  ")
            subject.append_text(safe_line(row["parties"], "dim"))
        if row.get("attachment_name"):
            subject.append(" 📎", style="dim")
        cells = {
            "icon": icon,
            "when": when,
            "subject": subject,
            "status": status,
            "owner": safe_line(row["owner"], "dim"),
        }
        return [cells[column.key] for column in self.shown_columns]

    @staticmethod
    def _status(row: dict) -> str:
        if row["kind"] == "note":
            return "note"
        parts = []
        if row.get("direction"):
            parts.append("in" if row["direction"] == "incoming" else "out")
        if row.get("duration_minutes"):
            parts.append(f"{row['duration_minutes']} min")
        if row["state"] == "canceled":
            parts.append("canceled")
        return " · ".join(parts) or row["state"]

    @property
    def current(self) -> dict | None:
        if not self.items or not 0 <= self.cursor_row < len(self.items):
            return None
        return self.items[self.cursor_row]

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        # DataTable sets the cursor again, where it is, for each row added:
        # only a cursor that moved reads the next page
        if old != new and self._more and new.row >= len(self.items) - 5:
            self.call_later(self._load_more)

    def _load_more(self) -> None:
        if not self._more or self._last_key is None:
            return
        rows, self._more = self._history(after=self._last_key, limit=PAGE)
        self._add(rows, is_open=False)
        if rows:
            self._last_key = rows[-1]["key"]
