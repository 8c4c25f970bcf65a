"""Book a service: choose the service and the customer, say from when, and
pick one of the next free slots (every required resource working and free).
A slot someone else took meanwhile is refused with their booking named, and
the slots are searched again; what was typed stays."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from crm_tui import display, keys, styles
from crm_tui.errors import CrmError, ValidationError
from crm_tui.screens.common import calls
from crm_tui.screens.common.confirm import leave_unless_typed
from crm_tui.screens.customers.account_form import _account_matches
from crm_tui.services import dates
from crm_tui.services.support import scheduling
from crm_tui.text import safe, safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.record_form import FieldSpec, RecordForm
from crm_tui.widgets.record_table import Column

SLOTS_SHOWN = 8
SLOT_COLUMNS = [
    # "Mon 19 Oct 12:25"
    Column("when", "When", 16, keep_width=True),
    Column("until", "Until", 5, keep_width=True),
    Column("resources", "Resources", 40),
]


class BookingModal(ModalScreen[int | None]):
    """Dismisses with the booked activity's id, or None on escape."""

    CSS_PATH = [styles.path("modals.tcss"), styles.path("forms.tcss"), styles.path("schedule.tcss")]
    BINDINGS = keys.bindings("booking")

    def __init__(
        self,
        *,
        after: dt.datetime | None = None,
        resource_id: int | None = None,
        regarding: tuple[str, int] | None = None,
        regarding_label: str = "",
    ) -> None:
        super().__init__()
        self.after = after
        # from a free gap in one resource's agenda: prefer slots using it
        self.resource_id = resource_id
        self.regarding = regarding
        self.regarding_label = regarding_label
        self.services = scheduling.services()
        self.slots: list[scheduling.Slot] = []
        self._names = {r["id"]: r["name"] for r in scheduling.resources()}

    def specs(self) -> list[FieldSpec]:
        options = [
            (f"{s['name']} · {s['duration_minutes']} min · {s['requires']}", s["id"])
            for s in self.services
        ]
        specs = [FieldSpec("service_id", "Service", "select", options)]
        if self.regarding is None:
            specs.append(FieldSpec("account_id", "Customer", "lookup", lookup=_account_matches))
        return [
            *specs,
            FieldSpec("subject", "Subject", placeholder="empty: the service's name"),
            FieldSpec("after", "From", placeholder="e.g. today, mon 9:00, +2d, 2026-12-01 13:00"),
        ]

    def compose(self) -> ComposeResult:
        with Vertical(id="booking-box", classes="modal-box"):
            title = Text("Book a service", style="bold")
            if self.regarding_label:
                title.append(" for ")
                title.append_text(safe_line(self.regarding_label, "bold"))
            yield Static(title, id="booking-title")
            yield RecordForm(self.specs(), id="booking-form")
            yield Static(id="booking-message")
            yield RowsTable(SLOT_COLUMNS, id="slots")
            yield Static(
                Text(keys.fill("{booking.find} find slots · enter or {booking.book} book the "
                               "highlighted slot · {form.cancel} cancel"), style="dim"),
                classes="modal-keys",
            )  # fmt: skip

    @property
    def form(self) -> RecordForm:
        return self.query_one(RecordForm)

    def on_mount(self) -> None:
        start = self.after or dt.datetime.now(dt.UTC)
        local = dates.as_local(start)
        self.form.set_values(
            {
                "service_id": self.services[0]["id"],
                "after": f"{display.day(local)} {local:%H:%M}",
            }
        )
        self.form.query(".form-note").set(display=False)
        self.action_find()
        self.form.query_one("#field-service_id").focus()

    def _message(self, text: str | Text, style: str = "bold red") -> None:
        message = text if isinstance(text, Text) else safe(text, style)
        self.query_one("#booking-message", Static).update(message)

    def _refused(self, exc: CrmError) -> None:
        """A refusal beside the fields it names (what was typed stays)."""
        if isinstance(exc, ValidationError):
            self.form.show_errors(exc.errors)
            self._message("; ".join(exc.errors.values()))
        else:
            self._message(str(exc))

    def _after(self, values: dict) -> dt.datetime:
        return dates.parse_when(
            values["after"] or "today",
            dates.today(),
            dates.configured_zone(),
            default_time=dt.time(0),
            field="after",
        )

    def action_find(self) -> None:
        """Search the next free slots for the service from the typed time."""
        values = self.form.values()
        table = self.query_one("#slots", RowsTable)
        self.slots = []
        try:
            after = max(self._after(values), dt.datetime.now(dt.UTC))
            slots = scheduling.find_slots(values["service_id"], after=after, count=SLOTS_SHOWN * 3)
        except CrmError as exc:
            table.show([])
            self._refused(exc)
            return
        if self.resource_id is not None:
            # free time picked in one resource's agenda: its slots first
            slots.sort(key=lambda s: (self.resource_id not in s.resource_ids, s.start))
        self.slots = slots[:SLOTS_SHOWN]
        shown = []
        for index, slot in enumerate(self.slots):
            names = ", ".join(self._names.get(r, f"#{r}") for r in slot.resource_ids)
            shown.append(
                {
                    "key": str(index),
                    "when": Text(display.time(slot.start)),
                    "until": Text(dates.as_local(slot.end).strftime("%H:%M")),
                    "resources": safe_line(names),
                }
            )
        # a new search starts at its first slot
        table.move_cursor(row=0, animate=False)
        table.show(shown)
        if self.slots:
            self._message(
                Text(f"{len(self.slots)} free slots from {display.time(after)}.", style="green")
            )
        else:
            self._message("No free slot in the next 14 days: try another service or a later time.")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_book()

    def action_book(self) -> None:
        if not self.slots:
            self.action_find()
            return
        unresolved = self.form.unresolved_lookups()
        if unresolved:
            self.form.show_errors(unresolved)
            self._message("Pick the customer from the matches, or empty the field.")
            return
        values = self.form.values()
        table = self.query_one("#slots", DataTable)
        slot = self.slots[min(table.cursor_row, len(self.slots) - 1)]
        service = next(s for s in self.services if s["id"] == values["service_id"])
        regarding = self.regarding
        if regarding is None and values.get("account_id"):
            regarding = ("account", values["account_id"])
        try:
            activity_id = scheduling.book(
                subject=(values["subject"] or "").strip() or service["name"],
                start=slot.start,
                end=slot.end,
                resource_ids=list(slot.resource_ids),
                service_id=service["id"],
                regarding=regarding,
            )
        except scheduling.BookingClash as clash:
            self.action_find()
            self._message(f"{clash} The free slots are shown again.")
            return
        except CrmError as exc:
            self._refused(exc)
            calls.offer_retry(self, exc, self.action_book)
            return
        self.app.notify(Text(f"Booked {display.time(slot.start)}: {service['name']}."))
        self.dismiss(activity_id)

    def action_cancel(self) -> None:
        leave_unless_typed(self, self.form.dirty, lambda: self.dismiss(None))
