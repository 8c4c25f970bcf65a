"""The activity modal, the heart of the desk: one key picks the kind, the
call timer runs from the moment it opens, a typed follow-up day creates a
task, ctrl+s saves.

Logging a call: `a`, `c`, the words, ctrl+s (with a follow-up: tab, the
day) — never more than the words plus four keys.
"""

from __future__ import annotations

import datetime as dt
import math
import time

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from crm_tui import display, keys, styles
from crm_tui.errors import CrmError, ValidationError
from crm_tui.screens.common import calls
from crm_tui.screens.common.confirm import leave_unless_typed
from crm_tui.screens.common.kept import kept_screen
from crm_tui.services import dates, session
from crm_tui.services.customers import activities, activity_parties, notes, party_choices
from crm_tui.text import safe_line
from crm_tui.widgets.record_form import FieldSpec, LookupInput

# key -> (kind, label); "note" is a Note, not an activity.
KIND_KEYS = {
    "c": ("phone_call", "Call"),
    "e": ("email", "Email"),
    "m": ("appointment", "Meeting"),
    "t": ("task", "Task"),
    "l": ("letter", "Letter"),
    "n": ("note", "Note"),
}
# What the date field means for each kind.
DATE_LABEL = {
    "phone_call": "Follow-up",
    "email": "Follow-up",
    "letter": "Follow-up",
    "task": "Due",
    "appointment": "When",
    "note": "",
}
HAS_DIRECTION = {"phone_call", "email", "letter"}
# Who the activity is with (its party), by kind; the other kinds have none here.
PARTY_LABEL = {"phone_call": "With", "email": "To", "letter": "To", "appointment": "Attendee"}
PARTY_HINT = {
    "phone_call": "a name, or a phone number",
    "email": "a name, or an email address",
    "letter": "a name",
    "appointment": "a name, or an email address",
}


class KindBar(Static, can_focus=True):
    """Shows the kinds; their letter picks one and moves on to the subject."""

    BINDINGS = keys.bindings("kind_bar")

    def action_pick(self, key: str) -> None:
        self.screen.set_kind(KIND_KEYS[key][0])
        self.screen.action_focus_subject()


def activity_modal(
    app, regarding: tuple[str, int], regarding_name: str, kind: str = "phone_call"
) -> ActivityModal:
    """The activity modal for a record: the app's one, kept from the last
    activity logged while it is not open (kept.py), else a new one."""
    return kept_screen(
        app,
        "activity",
        lambda: ActivityModal(regarding, regarding_name, kind),
        lambda modal: modal.show_for(regarding, regarding_name, kind),
    )


class ActivityModal(ModalScreen[bool]):
    """Dismisses with True when something was saved."""

    CSS_PATH = styles.path("modals.tcss")

    BINDINGS = keys.bindings("activity")

    def __init__(
        self, regarding: tuple[str, int], regarding_name: str, kind: str = "phone_call"
    ) -> None:
        super().__init__()
        self._begin(regarding, regarding_name, kind)

    def _begin(self, regarding: tuple[str, int], regarding_name: str, kind: str) -> None:
        self.regarding = regarding
        self.regarding_name = regarding_name
        self.kind = kind
        self.direction = "outgoing"
        self.started = time.monotonic()
        # the party it starts with (the contact it regards), to tell a typed one apart
        self.default_party = party_choices.default_party(regarding)

    def _title(self) -> Text:
        title = Text("Log activity · regarding ", style="bold")
        title.append(display.kind_noun(self.regarding[0]) + " ", style="bold")
        title.append_text(safe_line(self.regarding_name, "bold cyan"))
        return title

    def compose(self) -> ComposeResult:
        with Vertical(id="activity-box", classes="modal-box"):
            yield Static(self._title(), id="activity-title")
            yield KindBar(id="kind-bar")
            yield Static(id="call-line")
            with Horizontal(classes="modal-row", id="subject-row"):
                yield Label("Subject", classes="modal-label")
                yield Input(placeholder="what was it about", id="subject", compact=True)
            with Horizontal(classes="modal-row", id="date-row"):
                yield Label("Follow-up", classes="modal-label", id="date-label")
                yield Input(placeholder=dates.DAY_HINT, id="date", compact=True)
            yield Static(id="date-preview")
            with Horizontal(classes="modal-row", id="party-row"):
                yield Label("With", classes="modal-label", id="party-label")
                yield LookupInput(
                    FieldSpec("party", "Party", "lookup", lookup=self._party_choices),
                    id="party",
                    compact=True,
                )
            # which record the typed party resolves to (LookupInput writes it)
            yield Static(id="error-party", classes="party-note")
            with Horizontal(classes="modal-row", id="duration-row"):
                yield Label("Minutes", classes="modal-label")
                yield Input(placeholder="empty: from the timer", id="duration", compact=True)
            with Horizontal(classes="modal-row", id="file-row"):
                yield Label("Attach", classes="modal-label")
                yield Input(
                    placeholder="optional: path of a file to attach", id="file", compact=True
                )
            yield TextArea(
                id="details",
                soft_wrap=True,
                show_line_numbers=False,
                compact=True,
                placeholder="details (optional)",
            )
            yield Static(id="activity-error")
            yield Static(
                Text(
                    " ".join(keys.key_for("kind_bar", f"pick('{key}')") for key in KIND_KEYS)
                    + keys.fill(
                        " kind · {activity.in_out} in/out · {form.save} save · "
                        "{activity.send} send · {form.cancel} cancel"
                    ),
                    style="dim",
                ),
                classes="modal-keys",
            )

    def on_mount(self) -> None:
        if self.default_party is not None:
            party = self.query_one("#party", LookupInput)
            party.set_record(self.default_party["id"], self.default_party["name"])
        self.set_kind(self.kind)
        self.query_one("#kind-bar").focus()
        self._ticker = self.set_interval(1.0, self._tick)

    def show_for(self, regarding: tuple[str, int], regarding_name: str, kind: str) -> None:
        """Make this modal, kept from an earlier activity (activity_modal()),
        a new one: nothing typed before stays, and the call timer starts now."""
        self._begin(regarding, regarding_name, kind)
        self.query_one("#activity-title", Static).update(self._title())
        for name in ("subject", "date", "duration", "file"):
            field = self.query_one(f"#{name}", Input)
            with field.prevent(Input.Changed):
                field.value = ""
        self.query_one("#details", TextArea).load_text("")
        self.query_one("#activity-error", Static).update("")
        party = self.query_one("#party", LookupInput)
        if self.default_party is None:
            party.set_record(None, "")
        else:
            party.set_record(self.default_party["id"], self.default_party["name"])
        self.set_kind(kind)
        self.set_focus(self.query_one("#kind-bar"))

    # Kept while closed: its clock stops meanwhile (the time of a call is read
    # from when it opened, not counted in ticks).
    def on_screen_suspend(self) -> None:
        if ticker := getattr(self, "_ticker", None):
            ticker.pause()

    def on_screen_resume(self) -> None:
        if ticker := getattr(self, "_ticker", None):
            self._tick()
            ticker.reset()  # its next tick a second from now, as when it was new
            ticker.resume()

    # --- kind, direction, timer ---------------------------------------------

    def set_kind(self, kind: str) -> None:
        self.kind = kind
        bar = Text()
        for key, (name, label) in KIND_KEYS.items():
            chosen = name == kind
            shown = keys.key_for("kind_bar", f"pick('{key}')")
            bar.append(f" {shown} ", style="bold reverse" if chosen else "bold")
            bar.append(f"{label}  ", style="bold" if chosen else "dim")
        self.query_one("#kind-bar", Static).update(bar)
        date_label = DATE_LABEL[kind]
        self.query_one("#date-row").display = bool(date_label)
        self.query_one("#date-preview").display = bool(date_label)
        self.query_one("#date-label", Label).update(date_label)
        self.query_one("#duration-row").display = kind == "phone_call"
        self.query_one("#file-row").display = kind == "note"
        party = self.query_one("#party", LookupInput)
        self.query_one("#party-row").display = kind in PARTY_LABEL
        self.query_one("#error-party").display = kind in PARTY_LABEL and bool(party.value.strip())
        self.query_one("#party-label", Label).update(PARTY_LABEL.get(kind, ""))
        party.placeholder = PARTY_HINT.get(kind, "")
        self._tick()
        self._preview_date()

    def action_toggle_direction(self) -> None:
        self.direction = "incoming" if self.direction == "outgoing" else "outgoing"
        self._tick()

    def action_focus_subject(self) -> None:
        # set_focus is immediate; widget.focus() is deferred, and a fast typist's
        # next key (tab, or the first letter) must already land in the subject.
        self.set_focus(self.query_one("#subject", Input))

    def elapsed_minutes(self) -> int:
        return max(1, math.ceil((time.monotonic() - self.started) / 60))

    def _tick(self) -> None:
        line = Text()
        if self.kind in HAS_DIRECTION:
            arrow = "← incoming" if self.direction == "incoming" else "→ outgoing"
            line.append(arrow, style="bold")
            line.append(f"  ({keys.key('activity.in_out')})", style="dim")
        if self.kind == "phone_call":
            seconds = int(time.monotonic() - self.started)
            line.append(f"    ● {seconds // 60:02d}:{seconds % 60:02d}", style="bold green")
        self.query_one("#call-line", Static).update(line)

    # --- the party -------------------------------------------------------------------

    def _party_choices(self, typed: str) -> list[dict]:
        return party_choices.party_choices(self.regarding, self.kind, typed)

    def _parties(self) -> list[tuple]:
        """The party picked, as activities.log takes it; refuses a typed one
        that resolves to nothing."""
        party = self.query_one("#party", LookupInput)
        if self.kind not in PARTY_LABEL or not party.value.strip():
            return []
        if party.unresolved:
            raise ValidationError(
                {"parties": f"no contact, account or lead matches {party.value.strip()!r}"}
            )
        party_type, party_id, address = party.chosen_id
        return [
            (
                activity_parties.participation(self.kind, self.direction),
                party_type,
                party_id,
                address,
            )
        ]

    @property
    def _party_typed(self) -> bool:
        value = self.query_one("#party", LookupInput).value.strip()
        default = self.default_party["name"] if self.default_party else ""
        return bool(value) and value != default

    # --- the date field --------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "date":
            self._preview_date()
        elif isinstance(event.input, LookupInput):
            event.input.search()

    def _parse_date(self) -> dt.datetime | None:
        typed = self.query_one("#date", Input).value.strip()
        if not typed or not DATE_LABEL[self.kind]:
            return None
        zone = dates.local_zone(session.settings().time_zone)
        today = dt.datetime.now(zone).date()
        default = dt.time(9, 0) if self.kind == "appointment" else dt.time(17, 0)
        return dates.parse_when(typed, today, zone, default_time=default, field="date")

    def _preview_date(self) -> None:
        preview = self.query_one("#date-preview", Static)
        try:
            when = self._parse_date()
        except ValidationError as exc:
            preview.update(Text(exc.errors["date"], style="red"))
            return
        if when is None:
            hint = {"Follow-up": "no follow-up task", "Due": "no due date", "When": "now"}.get(
                DATE_LABEL[self.kind], ""
            )
            preview.update(Text(hint, style="dim"))
            return
        local = dates.as_local(when, dates.local_zone(session.settings().time_zone))
        text = local.strftime("%a %d %b %Y %H:%M")
        if DATE_LABEL[self.kind] == "Follow-up":
            text = f"→ a follow-up task due {text}"
        preview.update(Text(text, style="green"))

    # --- save / cancel ---------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return (
            any(
                self.query_one(f"#{name}", Input).value.strip()
                for name in ("subject", "date", "duration", "file")
            )
            or self._party_typed
            or bool(self.query_one("#details", TextArea).text.strip())
        )

    def _error(self, message: str) -> None:
        self.query_one("#activity-error", Static).update(Text(message, style="bold red"))

    def action_send(self) -> None:
        """An email written here, logged and queued to its "to" parties in
        one step (sent by the next run of the sender)."""
        if self.kind != "email":
            email_key = keys.key_for("kind_bar", "pick('e')")
            self._error(f"Only an email is sent: {email_key} makes this one an email.")
            return
        self.action_save(send=True)

    def action_save(self, send: bool = False) -> None:
        subject = self.query_one("#subject", Input).value
        details = self.query_one("#details", TextArea).text
        try:
            when = self._parse_date()
            if self.kind == "note":
                path = self.query_one("#file", Input).value.strip()
                notes.add(self.regarding, subject, details, attachment=path or None)
            else:
                self._log(subject, details, when, send=send)
        except ValidationError as exc:
            self._error("; ".join(exc.errors.values()))
            if "subject" in exc.errors:
                self.action_focus_subject()
            elif "parties" in exc.errors:
                self.set_focus(self.query_one("#party", LookupInput))
            return
        except CrmError as exc:
            self._error(str(exc))
            calls.offer_retry(self, exc, self.action_save)
            return
        label = {v[0]: v[1] for v in KIND_KEYS.values()}[self.kind]
        if send:
            self.dismiss(True)
            from crm_tui.screens.marketing.mail_run import send_now

            send_now(self.app.screen, queued_text="Email queued")
            return
        self.app.notify(
            f"{label} logged"
            + (" with a follow-up task" if when and DATE_LABEL[self.kind] == "Follow-up" else "")
        )
        self.dismiss(True)

    def _log(
        self, subject: str, details: str, when: dt.datetime | None, send: bool = False
    ) -> None:
        kwargs: dict = {
            "regarding": self.regarding,
            "description": details,
            "parties": self._parties(),
        }
        if self.kind in HAS_DIRECTION:
            kwargs["direction"] = self.direction
        if self.kind == "phone_call":
            typed = self.query_one("#duration", Input).value.strip()
            kwargs["duration_minutes"] = typed if typed else self.elapsed_minutes()
            if typed and not typed.isdigit():
                raise ValidationError(
                    {"duration": f"minutes must be a whole number, not {typed!r}"}
                )
        label = DATE_LABEL[self.kind]
        if when is not None:
            if label == "Follow-up":
                kwargs["follow_up"] = dates.as_local(
                    when, dates.local_zone(session.settings().time_zone)
                ).date()
            elif label == "Due":
                kwargs["due_at"] = when
            elif label == "When":
                kwargs["scheduled_start"] = when
                kwargs["due_at"] = when
        if send:
            from crm_tui.services.marketing.mail import queue

            queue.log_and_send(subject, **kwargs)
            return
        activities.log(self.kind, subject, **kwargs)

    def action_cancel(self) -> None:
        leave_unless_typed(self, self.dirty, lambda: self.dismiss(False))
