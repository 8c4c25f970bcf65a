"""The calendar: the signed-in person's appointments, bookings, tasks and calls
by day (the working day's half hours), week, or month (a grid of weeks over
the highlighted day's items). The keys are the service schedule's where they
mean the same; enter on free time makes an appointment there, as it books there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partialmethod

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from crm_tui import db, display, keys, styles, text
from crm_tui.errors import ValidationError
from crm_tui.screens.common import calls, routes
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.services import dates
from crm_tui.services.customers import activities, activity_list
from crm_tui.text import safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.record_form import FieldSpec
from crm_tui.widgets.record_table import Column

VIEWS = ("day", "week", "month")
SLOT = dt.timedelta(minutes=30)
# The day view's rows; an item outside them still shows, before or after them.
DAY_START, DAY_END = dt.time(8, 0), dt.time(19, 0)
NEW_AT = dt.time(9, 0)  # a new appointment on a day other than today
START_HINT = "fri 14:30 · +1d 9 · 2026-12-01 9:30"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_OPEN = ("open", "scheduled")
# a cursor target that matches no row: the view's own first choice
NOWHERE = ("none",)
# the schedule's agenda, with what an item regards and whether it is late or done
COLUMNS = [
    Column("day", "Day", display.DAY_WIDTH, keep_width=True),
    Column("time", "Time", 11, keep_width=True),
    Column("what", "What", 34),
    Column("regarding", "Regarding", 22, min_table_width=60),
    Column("state", "", 7, keep_width=True),
]


def _now() -> dt.datetime:
    return dates.as_local(dt.datetime.now(dt.UTC))


def _slot_of(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=moment.minute // 30 * 30, second=0, microsecond=0)


def _prepared(row: dict) -> dict:
    """A row of the service with where it stands in the user's zone (an
    appointment's start, a task's due time), its end and how it is shown."""
    item = dict(row)
    item["at"] = at = dates.as_local(row["scheduled_start"] or row["due_at"])
    minutes = row["duration_minutes"] if row["scheduled_start"] else None
    item["end"] = at + dt.timedelta(minutes=minutes) if minutes else None
    # only what is due by a time is late: an appointment just took place
    late = row["state"] in _OPEN and not row["scheduled_start"] and at < _now()
    done = row["state"] == "completed"
    item["style"] = style = "dim" if done else "bold red" if late else ""
    clock = f"{at:%H:%M}" + (f"–{item['end']:%H:%M}" if item["end"] else "")
    kind = row["regarding_type"]
    # a record the person may not read is named by its kind
    regarding = row["regarding"] or (f"a {display.kind_noun(kind)}" if kind else "")
    item["what"] = safe_line(f"{display.icon(row['kind'])} {text.clean(row['subject'])}", style)
    item["cells"] = {
        "time": Text(clock if row["scheduled_start"] else f"due {at:%H:%M}", style=style),
        "what": item["what"],
        "regarding": safe_line(regarding, "dim"),
        "state": Text("done" if done else "overdue" if late else "", style=style),
    }
    return item


def _row(day: dt.date, slot: dt.datetime | None, item: dict | None = None, **cells) -> dict:
    """A row of the agenda: its day, its slot (the day view's), its item, and
    what finds it again once drawn anew (`mark`)."""
    mark = ("item", item["id"]) if item else ("slot", slot.time()) if slot else ("day", day)
    return dict(on=day, slot=slot, item=item, mark=mark, **(item["cells"] if item else cells))


class DayAgenda(RowsTable):
    """The rows of a day, a week or the month's highlighted day; j/k as on a list.
    Only a week's rows name their day: a day's is in the title."""

    BINDINGS = keys.bindings("record_table")
    week = False

    def column_specs(self) -> list[Column]:
        return COLUMNS if self.week else COLUMNS[1:]

    def show_week(self, week: bool) -> None:
        if week != self.week:
            self.week = week
            self._fit_columns()

    def point_at(self, row: int) -> None:
        """Highlight `row` a third of the way down, what comes after it in view."""
        self.move_cursor(row=row, animate=False)
        top = max(0, row - self.size.height // 3)
        self.call_after_refresh(self.scroll_to, y=top, animate=False)

    def action_first(self) -> None:
        self.move_cursor(row=0, animate=False)

    def action_last(self) -> None:
        self.move_cursor(row=max(self.row_count - 1, 0), animate=False)


class MonthGrid(DataTable):
    """A month's weeks, a day a cell. A key that moves the highlight tells the
    screen the day it reaches (`moved`): it runs on into the month before or after."""

    BINDINGS = keys.bindings("record_table")

    def __init__(self, moved: Callable[[dt.date], None], **kwargs) -> None:
        super().__init__(cursor_type="cell", cell_padding=0, **kwargs)
        self.moved = moved
        self.first = self.day = dates.today()
        self.weeks, self._drawn_width = 0, 0
        self.by_day: dict[dt.date, list[dict]] = {}

    def day_at(self, row: int, column: int) -> dt.date:
        return self.first + dt.timedelta(days=row * 7 + column)

    def show(self, first: dt.date, weeks: int, day: dt.date, by_day: dict) -> None:
        self.first, self.weeks, self.day, self.by_day = first, weeks, day, by_day
        self._draw()

    def _draw(self) -> None:
        # before its first layout the grid spans the terminal
        self._drawn_width = width = self.size.width or self.app.size.width
        column = max(6, width // 7)
        lines = 3 if self.app.size.height >= 32 else 2
        self.clear(columns=True)
        for name in WEEKDAYS:
            self.add_column(f" {name}", width=column)
        for week in range(self.weeks):
            cells = [self._cell(self.day_at(week, d), column, lines) for d in range(7)]
            self.add_row(*cells, height=lines)
        offset = (self.day - self.first).days
        self.move_cursor(row=offset // 7, column=offset % 7, animate=False)

    def _cell(self, day: dt.date, width: int, lines: int) -> Text:
        items = self.by_day.get(day, [])
        shown = items[: lines - 1]
        head = Text(f" {day.day:>2}", style="bold" if day.month == self.day.month else "dim")
        if day == dates.today():
            head.stylize("reverse")
            head.append(" today" if width >= 14 else "", style="bold")
        if len(items) > len(shown):
            head.append(f" +{len(items) - len(shown)}", style="dim")
        rows = [head]
        for item in shown:
            # a narrow cell keeps the subject rather than the type's symbol
            what = item["what"] if width >= 14 else safe_line(item["subject"], item["style"])
            rows.append(Text.assemble(Text(f" {item['at']:%H:%M} ", item["style"]), what))
        for row in rows:
            row.truncate(width, overflow="ellipsis")
        return Text("\n").join(rows)

    def on_resize(self) -> None:
        if self.weeks and self.size.width != self._drawn_width:
            self._draw()

    def _step(self, days: int) -> None:
        self.moved(self.day + dt.timedelta(days=days))

    action_cursor_up = partialmethod(_step, -7)
    action_cursor_down = partialmethod(_step, 7)
    action_cursor_left = partialmethod(_step, -1)
    action_cursor_right = partialmethod(_step, 1)

    def action_first(self) -> None:
        self.moved(self.day.replace(day=1))

    def action_last(self) -> None:
        self.moved(dates.add_months(self.day.replace(day=1), 1) - dt.timedelta(days=1))


class CalendarScreen(Screen):
    CSS_PATH = styles.path("calendar.tcss")
    BINDINGS = keys.bindings("calendar")

    def __init__(self, day: dt.date | None = None) -> None:
        super().__init__()
        self.day = day or dates.today()
        self.view = "day"
        self._items: list[dict] = []  # the span's, as read
        self._entries: list[dict] = []  # the agenda's rows
        # the row to highlight when next drawn: ("item", id), ("slot", time) or
        # ("day", day); None keeps the one highlighted
        self._target: tuple | None = None
        # db.generation(), the day and the span of the last read (None: not read)
        self._read_at, self._read_on, self._read_span = None, None, None
        self.grid = MonthGrid(self._go, id="month")
        self.agenda = DayAgenda(COLUMNS[1:], id="agenda")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="calendar-title", classes="pane-title")
        yield self.grid
        yield Static(id="day-title", classes="pane-title")
        yield self.agenda
        yield Static(id="calendar-status")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Calendar"
        self.refresh_data()
        self.agenda.focus()

    def on_screen_resume(self) -> None:
        # back from a record or a modal: read again only if something was written
        read = (self._read_at, self._read_on)
        if self._read_span is not None and read != (db.generation(), dates.today()):
            self.refresh_data()

    def _span(self) -> tuple[dt.date, int]:
        if self.view == "week":
            return self.day - dt.timedelta(days=self.day.weekday()), 7
        if self.view == "month":
            first = self.day.replace(day=1)
            start = first - dt.timedelta(days=first.weekday())
            last = dates.add_months(first, 1) - dt.timedelta(days=1)
            return start, ((last - start).days // 7 + 1) * 7
        return self.day, 1

    def refresh_data(self) -> None:
        """Read the span again (something was written, here or elsewhere)."""
        if not self.agenda.is_attached:
            return  # on_mount reads
        if self._target is None:
            self._target = (self._entry(focused=False) or {}).get("mark")
        first, days = self._span()
        zone = dates.configured_zone()
        start = dt.datetime.combine(first, dt.time(0), tzinfo=zone)
        end = dt.datetime.combine(first + dt.timedelta(days=days), dt.time(0), tzinfo=zone)
        # taken before the read: a commit during it moves the generation on
        generation, self._read_on = db.generation(), dates.today()
        rows = calls.loaded(self, lambda: activity_list.between(start, end))
        self._read_at = None if rows is None else generation
        self._read_span = (first, days)
        self._items = [_prepared(row) for row in rows or []]
        self._draw()

    def _go(self, day: dt.date, target: tuple = NOWHERE) -> None:
        """Show `day` in the view's span, reading only if the span moved."""
        self.day, self._target = day, target
        if self._span() != self._read_span:
            self.refresh_data()
        else:
            self._draw()

    def _draw(self) -> None:
        by_day: dict[dt.date, list[dict]] = {}
        for item in self._items:
            by_day.setdefault(item["at"].date(), []).append(item)
        first, days = self._span()
        month = self.view == "month"
        self.grid.display = self.query_one("#day-title", Static).display = month
        # the days the agenda lists: the month's highlighted one, or the span's
        listed = [self.day] if month else [first + dt.timedelta(days=n) for n in range(days)]
        entries = []
        for day in listed:
            found = by_day.get(day, [])
            rows = (
                self._day_entries(day, found) if days == 1 else [_row(day, None, i) for i in found]
            )
            rows = rows or [_row(day, None, what=Text("nothing planned", style="dim"))]
            style = "bold reverse" if day == dates.today() else "bold"
            rows[0]["day"] = Text(display.day(day), style=style)
            entries += rows
        if month:
            self.grid.show(first, days // 7, self.day, by_day)
            count = len(by_day.get(self.day, []))
            heading = Text(display.day(self.day), style="bold")
            heading.append(f"  {count or 'nothing'} planned", style="dim")
            self.query_one("#day-title", Static).update(heading)
            span = self.day.strftime("%B %Y")
        else:
            last = first + dt.timedelta(days=days - 1)
            span = display.day(first) + ("" if days == 1 else f" – {display.day(last)}")
        self._entries = entries
        self.agenda.show_week(self.view == "week")
        self.agenda.show(entries)
        self.agenda.point_at(self._cursor(entries))
        self._target = None
        title = Text(f"{self.view.capitalize()}: {span}", style="bold")
        self.query_one("#calendar-title", Static).update(title)
        shown = len(self._items)
        status = Text(f"{shown} item{'s' if shown != 1 else ''}", style="bold")
        # the footer names n, w, < and >
        hints = "{timeline.complete} complete · {timeline.cancel} cancel · {schedule.today} today"
        status.append(keys.fill(f"   {hints} · enter opens what it regards"), style="dim")
        self.query_one("#calendar-status", Static).update(status)

    def _day_entries(self, day: dt.date, items: list[dict]) -> list[dict]:
        zone, now = dates.configured_zone(), _now()
        opens = dt.datetime.combine(day, DAY_START, tzinfo=zone)
        closes = dt.datetime.combine(day, DAY_END, tzinfo=zone)
        entries = [_row(day, _slot_of(i["at"]), i) for i in items if i["at"] < opens]
        slot = opens
        while slot < closes:
            here = [i for i in items if slot <= i["at"] < slot + SLOT]
            entries += [_row(day, slot, i) for i in here]
            if not here:
                current = slot <= now < slot + SLOT
                style = "bold" if current else "dim" if slot < now else ""
                # an earlier item still going on: its line runs down through the slot
                going_on = any(i["at"] < slot < (i["end"] or slot) for i in items)
                entries.append(
                    _row(day, slot, time=Text(f"{slot:%H:%M}", style=style),
                         what=Text("│" if going_on else "", style="dim"),
                         state=Text("◂ now" if current else "", style="bold"))
                )  # fmt: skip
            slot += SLOT
        return entries + [_row(day, _slot_of(i["at"]), i) for i in items if i["at"] >= closes]

    def _cursor(self, entries: list[dict]) -> int:
        target, now, day_view = self._target or NOWHERE, _now(), self.view == "day"
        slot = target[1] if target[0] == "slot" else None
        wanted = [
            lambda e: e["mark"] == target or (slot and e["slot"] and e["slot"].time() == slot),
            lambda e: self.view == "week" and e["on"] == self.day,
            lambda e: day_view and self.day == now.date() and e["slot"] + SLOT > now,
            lambda e: day_view and e["item"] is not None,
            lambda e: day_view and e["slot"].time() == NEW_AT,
        ]
        for test in wanted:
            for index, entry in enumerate(entries):
                if test(entry):
                    return index
        return 0

    def _entry(self, focused: bool = True) -> dict | None:
        table = self.agenda
        if not self._entries or (focused and not table.has_focus):
            return None
        return self._entries[min(max(table.cursor_row, 0), len(self._entries) - 1)]

    def _highlighted_day(self) -> dt.date:
        entry = self._entry(focused=False)
        return entry["on"] if entry else self.day

    def action_back(self) -> None:
        self.dismiss()  # the opener's callback runs, as after a modal

    def action_toggle_week(self) -> None:
        day = self._highlighted_day()
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        self._go(day)
        (self.grid if self.view == "month" else self.agenda).focus()

    def action_shift(self, direction: int) -> None:
        day, entry = self._highlighted_day(), self._entry(focused=False)
        if self.view == "month":
            self._go(dates.add_months(day, direction))
        elif self.view == "week":
            self._go(day + dt.timedelta(days=7 * direction))
        else:  # at the same time of day
            slot = ("slot", entry["slot"].time()) if entry else NOWHERE
            self._go(day + dt.timedelta(days=direction), slot)

    def action_today(self) -> None:
        self._go(dates.today())

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        # a click or a page key (an arrow's move comes through `moved`); not a stale one
        day = self.grid.day_at(*event.coordinate)
        if event.coordinate == self.grid.cursor_coordinate and day != self.day:
            self._go(day)

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        # as on the schedule's resources: enter goes on to the items
        if self._entries[0]["item"] is not None:
            self.agenda.focus()
        else:
            self.action_new_appointment()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        entry = self._entry()
        if entry is None:
            return
        item = entry["item"]
        if item is None:
            self.action_new_appointment()
        elif item["regarding_type"] is None:
            self.notify("It regards no record.", severity="warning")
        elif item["regarding"] is None or not routes.opens(item["regarding_type"]):
            kind = display.kind_noun(item["regarding_type"])
            self.notify(f"It regards a {kind} you cannot open.", severity="warning")
        else:
            routes.open_detail(self.app, item["regarding_type"], item["regarding_id"])

    def _new_start(self) -> dt.datetime:
        """The highlighted time: the day view's slot; another view's day at
        the next half hour (today) or at 09:00."""
        entry = self._entry(focused=False)
        if self.view == "day" and entry is not None:
            return entry["slot"]
        day, now = self._highlighted_day(), _now()
        soon = _slot_of(now) + SLOT
        if day == now.date() and soon.date() == day:
            return soon
        return dt.datetime.combine(day, NEW_AT, tzinfo=dates.configured_zone())

    def action_new_appointment(self) -> None:
        start = self._new_start()

        def submit(values: dict):
            # regarding no record: one made from a record (its `a`) regards that
            return activities.log(
                "appointment",
                values["subject"],
                scheduled_start=_read_start(values["start"]),
                duration_minutes=values["duration_minutes"],
                location=values["location"],
            )

        specs = [
            FieldSpec("subject", "Subject", required=True),
            FieldSpec(
                "start", "Start", "date", placeholder=START_HINT, required=True, read=_reading
            ),
            FieldSpec("duration_minutes", "Duration minutes", placeholder="30"),
            FieldSpec("location", "Location"),
        ]
        values = {"start": f"{display.day(start)} {start:%H:%M}", "duration_minutes": "30"}
        modal = form_modal(self.app, "New appointment", specs, submit, values=values)
        self.app.push_screen(modal, self._made)

    def _made(self, made) -> None:
        if made is None:
            return
        self.notify(Text.assemble("Appointment made: ", safe_line(made.subject)))
        self._read_span = None  # read even when it is in the span shown
        self._go(dates.as_local(made.scheduled_start).date(), ("item", made.id))

    def _open_item(self) -> dict | None:
        entry = self._entry()
        if entry is None or entry["item"] is None:
            then = "enter on the day, then " if self.view == "month" else ""
            self.notify(f"Highlight an appointment or task first ({then}↑↓).", severity="warning")
            return None
        item = entry["item"]
        if item["state"] not in _OPEN:
            state = display.state("activity", item["state"]).lower()
            self.notify(f"This one is {state} already.", severity="warning")
            return None
        return item

    def action_complete_activity(self) -> None:
        item = self._open_item()
        if item is not None:
            calls.direct(
                self,
                lambda: activities.complete(item["id"], item["version"]),
                Text.assemble("Completed: ", safe_line(item["subject"])),
                lambda _: self.refresh_data(),
            )

    def action_cancel_activity(self) -> None:
        item = self._open_item()
        if item is not None:
            calls.confirm_then(
                self,
                Text.assemble("Cancel ", safe_line(item["subject"], "bold"), "?"),
                lambda: activities.cancel(item["id"], item["version"]),
                detail="It leaves the calendar and stays in the history of what it regards.",
                done_text=Text.assemble("Canceled: ", safe_line(item["subject"])),
            )


def _read_start(typed: str) -> dt.datetime:
    if not (typed or "").strip():
        raise ValidationError({"start": f"a day and a time are required, e.g. {START_HINT}"})
    return dates.parse_when(
        typed, dates.today(), dates.configured_zone(), default_time=NEW_AT, field="start"
    )


def _reading(typed: str) -> tuple[bool, str]:
    """Under the start field, the day and time the text means."""
    try:
        when = dates.as_local(_read_start(typed))
    except ValidationError as exc:
        return False, exc.errors["start"]
    return True, f"→ {display.day(when)} {when:%H:%M}"
