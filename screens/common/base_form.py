"""A record's edit form as a screen: ctrl+s saves, escape asks before
discarding, errors stay beside their fields, a stale save shows the diff."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from crm_tui import display, keys, meta, styles
from crm_tui.errors import ConflictError, CrmError, ValidationError
from crm_tui.screens.common import calls, custom_fields_shown
from crm_tui.screens.common.confirm import leave_unless_typed
from crm_tui.screens.common.conflict import ConflictModal
from crm_tui.text import safe, safe_line
from crm_tui.widgets.record_form import FieldSpec, RecordForm


class RecordFormScreen(Screen[int | None]):
    """Dismisses with the saved record's id, or None when abandoned.

    Subclasses provide SPECS (or `specs()`), `load()` and `save()`.
    """

    CSS_PATH = styles.path("forms.tcss")

    KIND = ""
    BINDINGS = keys.bindings("form")

    def __init__(self, record_id: int | None, preset: dict | None = None) -> None:
        super().__init__()
        self.record_id = record_id
        self.version: int | None = None
        self.preset = preset or {}
        self.save_warnings: dict[str, str] = {}

    def specs(self) -> list[FieldSpec]:
        raise NotImplementedError

    def load(self) -> tuple[dict, dict, int | None, str]:
        """(values, lookup labels, version, title) for the form."""
        raise NotImplementedError

    def save(self, values: dict, version: int | None) -> int:
        """Create or update through the service; returns the id (`saved`
        of the returned record, to show its warnings)."""
        raise NotImplementedError

    def saved(self, record) -> int:
        """The id of a record the service saved; its `warnings` (field ->
        message: what it kept as typed) are shown once the save is done."""
        self.save_warnings = dict(getattr(record, "warnings", {}))
        return record.id

    def stored_display(self, error: ConflictError, name: str) -> str:
        """How a field's stored value reads, for the conflict diff."""
        if name.startswith(custom_fields_shown.PREFIX):
            attribute = meta.kind(self.KIND).attribute(name)
            return custom_fields_shown.shown(attribute, error.current.get(name))
        value = error.current.get(name.removesuffix("_id"), error.current.get(name))
        if name in ("phone", "mobile"):
            return display.phone(value)
        if isinstance(value, dt.datetime):
            return display.time(value)
        if isinstance(value, dt.date):
            # as the date field shows it, so an unchanged day is no difference
            return display.day(value)
        return "" if value is None else str(value)

    def compose_side(self) -> ComposeResult:
        """Widgets shown beside the form (a new case's suggested articles)."""
        yield from ()

    def all_specs(self) -> list[FieldSpec]:
        """The kind's own fields, then the custom fields an admin added."""
        return [*self.specs(), *custom_fields_shown.form_specs(self.KIND)]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="form-title")
        side = list(self.compose_side())
        if side:
            with Horizontal(id="form-body"):
                yield RecordForm(self.all_specs(), id="form")
                yield from side
        else:
            yield RecordForm(self.all_specs(), id="form")
        yield Static(id="form-message")
        yield Footer()

    @property
    def form(self) -> RecordForm:
        return self.query_one(RecordForm)

    def on_mount(self) -> None:
        try:
            values, labels, self.version, title = self.load()
            custom, custom_labels = custom_fields_shown.form_values(self.KIND, self.record_id)
        except CrmError as exc:
            self.notify(Text(str(exc)), severity="error")
            self.dismiss(None)
            return
        values, labels = {**values, **custom}, {**labels, **custom_labels}
        self.form.set_values(values, labels)
        self.title = title.split(" · ")[0]
        self.query_one("#form-title", Static).update(safe_line(title, "bold"))
        self.form.query(".form-note").set(display=False)
        if self.preset:
            # untouched, a new record's preset form has nothing to lose on
            # escape; an existing record's presets are changes still to save
            self.form.set_values({**values, **self.preset}, labels)
            if self.record_id is not None:
                self.form.forget_initial()
        first = self.form.specs[0].name
        self.form.query_one(f"#field-{first}").focus()

    def _message(self, text: str, style: str = "bold red") -> None:
        self.query_one("#form-message", Static).update(safe(text, style))

    def action_save(self, overwrite_version: int | None = None) -> None:
        unresolved = self.form.unresolved_lookups()
        if unresolved:
            self.form.show_errors(unresolved)
            self._message("Fix the fields marked in red; nothing was saved.")
            return
        values = self.form.values() if self.record_id is None else self.form.changed_values()
        if self.record_id is not None and not values:
            self.dismiss(self.record_id)
            return
        version = overwrite_version if overwrite_version is not None else self.version
        try:
            saved_id = self.save(values, version)
        except ValidationError as exc:
            self.form.show_errors(exc.errors)
            self._message("Fix the fields marked in red; nothing was saved.")
            return
        except ConflictError as exc:
            self._show_conflict(exc, values)
            return
        except CrmError as exc:
            self.form.show_errors({})
            self._message(str(exc))
            # trying again keeps the choice to overwrite a colleague's save
            calls.offer_retry(self, exc, lambda: self.action_save(overwrite_version))
            return
        self.notify(f"Saved {display.kind_noun(self.KIND)}.")
        # the record is saved; these say what it holds as typed, unread
        for warning in self.save_warnings.values():
            self.notify(Text(warning), severity="warning", timeout=10)
        self.dismiss(saved_id)

    def _show_conflict(self, error: ConflictError, mine: dict) -> None:
        rows = []
        for name in mine:
            theirs = self.stored_display(error, name)
            yours = self.form.display_value(name)
            if theirs != yours:
                rows.append((self.form.label_of(name), yours, theirs))

        def decide(choice: str | None) -> None:
            if choice == "overwrite":
                self.action_save(overwrite_version=error.version)
            elif choice == "reload":
                self.form.show_errors({})
                self.on_mount()
                self._message("Reloaded the saved version; your edits were dropped.", "yellow")
            else:
                self._message(
                    keys.fill(
                        "Not saved: someone else changed this record. {form.save} again "
                        "to see the differences."
                    ),
                    "yellow",
                )

        self.app.push_screen(ConflictModal(error, rows), decide)

    def action_cancel(self) -> None:
        leave_unless_typed(self, self.form.dirty, lambda: self.dismiss(None))
