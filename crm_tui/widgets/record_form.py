"""RecordForm: labelled fields with their errors beside them.

Values go in and come out as a plain dict for a service; nothing here
validates or saves. Lookup fields resolve a typed name to a record id with
the services' full-text search.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Select, Static, TextArea

from crm_tui import keys
from crm_tui.text import clean, safe, safe_line


@dataclass(frozen=True)
class FieldSpec:
    name: str  # the key the service expects
    label: str
    kind: str = "text"  # text · multiline · select · lookup · date
    options: list[tuple[str, object]] = field(default_factory=list)
    # lookup(typed) -> rows with "id", "name" and optionally "extra"
    lookup: Callable[[str], list[dict]] | None = None
    placeholder: str = ""
    required: bool = False
    # a date field's reading of what is typed, shown under it as it is typed:
    # read(typed) -> (understood, "→ Fri 27 Nov" or why not)
    read: Callable[[str], tuple[bool, str]] | None = None


class LookupInput(Input):
    """Type a name; the best match is shown below and up/down choose another."""

    BINDINGS = keys.bindings("lookup_input")

    def __init__(self, spec: FieldSpec, **kwargs) -> None:
        super().__init__(placeholder=spec.placeholder or "type a name (empty for none)", **kwargs)
        self.spec = spec
        self.matches: list[dict] = []
        self.index = 0
        self.chosen_id: int | None = None
        self.chosen_name = ""

    def set_record(self, record_id: int | None, name: str) -> None:
        # stored text is shown without control characters
        self.chosen_id, self.chosen_name = record_id, clean(name)
        self.matches, self.index = [], 0
        with self.prevent(Input.Changed):
            self.value = self.chosen_name
        self._show()

    def search(self) -> None:
        typed = self.value.strip()
        if not typed:
            self.matches, self.chosen_id, self.chosen_name = [], None, ""
        elif typed != self.chosen_name:
            assert self.spec.lookup is not None
            self.matches = self.spec.lookup(typed)[:5]
            self.index = 0
            self._choose()
        self._show()

    def _choose(self) -> None:
        if self.matches:
            match = self.matches[self.index]
            self.chosen_id, self.chosen_name = match["id"], match["name"]
        else:
            self.chosen_id, self.chosen_name = None, ""

    def action_next_match(self) -> None:
        if self.matches:
            self.index = (self.index + 1) % len(self.matches)
            self._choose()
            self._show()

    def action_previous_match(self) -> None:
        if self.matches:
            self.index = (self.index - 1) % len(self.matches)
            self._choose()
            self._show()

    def _show(self) -> None:
        # The field's note line under it shows which record the text resolves to
        # (typing again replaces an error shown there).
        if not self.is_mounted:
            return
        hint = self.screen.query_one(f"#error-{self.spec.name}", Static)
        out = Text()
        hint.display = bool(self.value.strip())
        if not self.value.strip():
            pass
        elif self.chosen_id is None:
            out.append("no match — this field will be refused", style="bold red")
        else:
            out.append("→ ", style="dim")
            out.append_text(safe_line(self.chosen_name, "bold"))
            if self.matches and len(self.matches) > 1:
                out.append(
                    f"   ({self.index + 1} of {len(self.matches)}, ↑↓ for others)", style="dim"
                )
        hint.update(out)

    def refresh_hint(self) -> None:
        self._show()

    @property
    def unresolved(self) -> bool:
        return bool(self.value.strip()) and self.chosen_id is None


class RecordForm(VerticalScroll):
    """A column of labelled fields; `values()` returns what the person typed."""

    def __init__(self, specs: list[FieldSpec], **kwargs) -> None:
        super().__init__(**kwargs)
        self.specs = specs
        self._initial: dict = {}

    def compose(self) -> ComposeResult:
        for spec in self.specs:
            # Few widgets per field: a form opens noticeably faster.
            with Horizontal(classes="form-row", id=f"row-{spec.name}"):
                label = spec.label + (" *" if spec.required else "")
                # a custom field's label is an admin's words: never markup
                yield Label(Text(label), classes="form-label")
                yield self._widget(spec)
            # the error, or a lookup's resolved record
            yield Static(classes="form-note", id=f"error-{spec.name}")

    def _widget(self, spec: FieldSpec):
        widget_id = f"field-{spec.name}"
        if spec.kind == "multiline":
            return TextArea(
                id=widget_id,
                classes="form-multiline",
                soft_wrap=True,
                show_line_numbers=False,
                compact=True,
            )
        if spec.kind == "select":
            # A Select parses a str prompt as markup: option labels can be
            # user text (price list names, owners), so they go in as Text.
            return Select(
                [(safe_line(label), value) for label, value in spec.options],
                id=widget_id,
                allow_blank=False,
                compact=True,
            )
        if spec.kind == "lookup":
            return LookupInput(spec, id=widget_id, compact=True)
        return Input(placeholder=spec.placeholder, id=widget_id, compact=True)

    def on_input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, LookupInput):
            event.input.search()
            return
        spec = self._spec((event.input.id or "").removeprefix("field-"))
        if spec is not None and spec.kind == "date":
            self._read_date(spec)

    def _spec(self, name: str) -> FieldSpec | None:
        return next((spec for spec in self.specs if spec.name == name), None)

    def _read_date(self, spec: FieldSpec) -> None:
        """Under a date field, the day its text means (or why it means none)."""
        note = self.query_one(f"#error-{spec.name}", Static)
        typed = self.query_one(f"#field-{spec.name}", Input).value.strip()
        note.display = bool(typed) and spec.read is not None
        if note.display:
            understood, text = spec.read(typed)
            note.update(Text(text, style="green" if understood else "bold red"))

    # --- values ----------------------------------------------------------------

    def clear(self) -> None:
        """Empty every field (a select back on its first option)."""
        for spec in self.specs:
            widget = self.query_one(f"#field-{spec.name}")
            if spec.kind == "multiline":
                widget.load_text("")
            elif spec.kind == "select":
                if spec.options:
                    widget.value = spec.options[0][1]
            elif spec.kind == "lookup":
                widget.set_record(None, "")
            else:
                with widget.prevent(Input.Changed):
                    widget.value = ""

    def set_values(self, values: dict, labels: dict | None = None) -> None:
        """Fill the fields; `labels` gives lookup fields their display names."""
        labels = labels or {}
        for spec in self.specs:
            if spec.name not in values:
                continue
            value = values[spec.name]
            widget = self.query_one(f"#field-{spec.name}")
            # an Input or TextArea renders control characters as they are;
            # stored text may predate cleaning or come from another tool
            if spec.kind == "multiline":
                widget.text = clean(value, multiline=True)
            elif spec.kind == "select":
                widget.value = value
            elif spec.kind == "lookup":
                widget.set_record(value, labels.get(spec.name, ""))
            elif spec.kind == "date":
                # a stored day needs no reading under it until it is edited
                with widget.prevent(Input.Changed):
                    widget.value = clean(value)
            else:
                widget.value = clean(value)
        self._initial = self.values()

    def values(self) -> dict:
        out = {}
        for spec in self.specs:
            widget = self.query_one(f"#field-{spec.name}")
            if spec.kind == "multiline":
                out[spec.name] = widget.text
            elif spec.kind == "select":
                out[spec.name] = widget.value
            elif spec.kind == "lookup":
                out[spec.name] = widget.chosen_id
            else:
                out[spec.name] = widget.value
        return out

    def _edited(self, name: str) -> bool:
        return name not in self._initial or self._initial[name] != self.values()[name]

    def forget_initial(self) -> None:
        """Treat every field as changed (a form opened with preset values)."""
        self._initial = {}

    def changed_values(self) -> dict:
        """Only the fields the person changed since set_values()."""
        now = self.values()
        return {k: v for k, v in now.items() if self._initial.get(k) != v}

    @property
    def dirty(self) -> bool:
        return bool(self.changed_values())

    def label_of(self, name: str) -> str:
        for spec in self.specs:
            if spec.name == name:
                return spec.label
        return name.replace("_", " ")

    def display_value(self, name: str) -> str:
        """What the field shows now (a lookup's name rather than its id)."""
        widget = self.query_one(f"#field-{name}")
        if isinstance(widget, LookupInput):
            return widget.chosen_name or clean(widget.value)
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Select):
            spec = next(spec for spec in self.specs if spec.name == name)
            return next(
                (label for label, value in spec.options if value == widget.value), str(widget.value)
            )
        return widget.value

    def unresolved_lookups(self) -> dict[str, str]:
        errors = {}
        for spec in self.specs:
            if spec.kind == "lookup":
                widget = self.query_one(f"#field-{spec.name}", LookupInput)
                if widget.unresolved:
                    errors[spec.name] = f"no {spec.label.lower()} matches {widget.value.strip()!r}"
        return errors

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show each message beside its field; focus the first bad field."""
        first = None
        for spec in self.specs:
            message = errors.get(spec.name, "")
            box = self.query_one(f"#error-{spec.name}", Static)
            if not message and spec.kind == "lookup":
                # a lookup without an error keeps showing what it resolves to
                self.query_one(f"#field-{spec.name}", LookupInput).refresh_hint()
                continue
            if not message and spec.kind == "date" and self._edited(spec.name):
                # so does an edited date field, with the day it reads
                self._read_date(spec)
                continue
            box.update(safe(message, "bold red") if message else "")
            box.display = bool(message)
            if message and first is None:
                first = spec.name
        if first is not None:
            self.query_one(f"#field-{first}").focus()
