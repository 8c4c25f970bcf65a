"""A small form in a modal: a few fields an action needs (a stage gate's
missing fields, a won deal's revenue). ctrl+s submits through a service
call; a refusal stays on screen beside the fields, with what was typed, and
escape asks before it drops anything typed."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from crm_tui import keys, styles
from crm_tui.errors import CrmError, ValidationError
from crm_tui.screens.common import calls
from crm_tui.screens.common.confirm import leave_unless_typed
from crm_tui.screens.common.kept import kept_screen
from crm_tui.text import safe
from crm_tui.widgets.record_form import FieldSpec, RecordForm


def form_modal(
    app, title: Text | str, specs: list[FieldSpec], submit: Callable[[dict], object], **options
) -> FormModal:
    """A FormModal (same arguments): the one kept from an earlier form with
    the same fields while it is not open (kept.py), filled anew; else a new
    one. A form with a lookup field is always new (its matches are read by
    the field it was built with)."""
    if any(spec.lookup is not None for spec in specs):
        return FormModal(title, specs, submit, **options)
    shape = "|".join(spec.name for spec in specs) + ("+intro" if options.get("intro") else "")
    return kept_screen(
        app,
        f"form:{shape}",
        lambda: FormModal(title, specs, submit, **options),
        lambda modal: modal.show_again(title, specs, submit, **options),
        fits=lambda modal: _fields(modal.specs) == _fields(specs),
    )


def _fields(specs: list[FieldSpec]) -> list[tuple]:
    return [(s.name, s.label, s.kind, s.options, s.placeholder, s.required) for s in specs]


class FormModal(ModalScreen[object | None]):
    """Dismisses with what `submit(values)` returned, or None on escape."""

    CSS_PATH = [styles.path("modals.tcss"), styles.path("forms.tcss")]
    BINDINGS = keys.bindings("form")

    def __init__(self, *args, **options) -> None:
        super().__init__()
        self._take(*args, **options)

    def _take(
        self,
        title: Text | str,
        specs: list[FieldSpec],
        submit: Callable[[dict], object],
        *,
        intro: Text | str = "",
        values: dict | None = None,
        labels: dict | None = None,
        save_label: str = "save",
    ) -> None:
        """What the form shows: its title, an intro under it, its fields
        filled with `values` (lookups named by `labels`), and what ctrl+s
        does: `submit(values)` (its result is the modal's), called "save"
        or `save_label` in its keys line."""
        self.heading = title if isinstance(title, Text) else Text(title, style="bold")
        self.specs = specs
        self.submit = submit
        self.intro = intro if isinstance(intro, Text) else Text(intro)
        self.initial = values or {}
        self.labels = labels or {}
        self.save_label = save_label

    def show_again(self, *args, **options) -> None:
        """Make this modal, kept from an earlier form of the same fields
        (form_modal()), a new one (the arguments of `_take`): nothing typed
        or refused before stays."""
        self._take(*args, **options)
        self.query_one("#form-modal-title", Static).update(self.heading)
        if self.intro.plain:
            self.query_one("#form-modal-intro", Static).update(self.intro)
        self.query_one("#form-modal-keys", Static).update(self._keys())
        self.query_one("#form-modal-message", Static).update("")
        self.form.specs = self.specs  # their date readings are the new ones'
        self.form.clear()
        self._fill()

    def compose(self) -> ComposeResult:
        with Vertical(id="form-modal-box", classes="modal-box"):
            yield Static(self.heading, id="form-modal-title")
            if self.intro.plain:
                yield Static(self.intro, id="form-modal-intro")
            yield RecordForm(self.specs, id="form-modal-form")
            yield Static(id="form-modal-message")
            yield Static(self._keys(), id="form-modal-keys", classes="modal-keys")

    def _keys(self) -> Text:
        return Text(
            keys.fill(f"{{form.save}} {self.save_label} · {{form.cancel}} cancel"), style="dim"
        )

    @property
    def form(self) -> RecordForm:
        return self.query_one(RecordForm)

    def on_mount(self) -> None:
        self._fill()

    def _fill(self) -> None:
        self.form.set_values(self.initial, self.labels)
        self.form.query(".form-note").set(display=False)
        if self.specs:
            self.form.query_one(f"#field-{self.specs[0].name}").focus()

    def _message(self, text: str) -> None:
        self.query_one("#form-modal-message", Static).update(safe(text, "bold red"))

    def action_save(self) -> None:
        unresolved = self.form.unresolved_lookups()
        if unresolved:
            self.form.show_errors(unresolved)
            self._message("Fix the fields marked in red.")
            return
        try:
            result = self.submit(self.form.values())
        except ValidationError as exc:
            known = {spec.name for spec in self.specs}
            self.form.show_errors({k: v for k, v in exc.errors.items() if k in known})
            others = [
                f"{k.replace('_', ' ')}: {v}" for k, v in exc.errors.items() if k not in known
            ]
            self._message("; ".join(others) or "Fix the fields marked in red.")
            return
        except CrmError as exc:
            self._message(str(exc))
            calls.offer_retry(self, exc, self.action_save)
            return
        self.dismiss(True if result is None else result)

    def action_cancel(self) -> None:
        leave_unless_typed(self, self.form.dirty, lambda: self.dismiss(None))
