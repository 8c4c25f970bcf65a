"""Custom fields, as admins manage them (from the palette): every field of
every kind, removed ones dimmed. n adds one, e changes its label, options
and flags, x removes it (its values are kept) or restores it, P purges a
removed one after its name is typed. Others see the list and may not
change it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from crm_tui import display, keys, styles
from crm_tui.screens.common import calls
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.services import custom_fields
from crm_tui.services.custom_fields import CUSTOMISABLE, LOOKUP_TARGETS, TYPE_LABELS
from crm_tui.text import safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.record_form import FieldSpec
from crm_tui.widgets.record_table import Column

COLUMNS = [
    Column("kind", "Record", 12, keep_width=True),
    Column("label", "Label", 20),
    Column("name", "Name", 16, min_table_width=90),
    Column("type", "Type", 22),
    Column("flags", "", 22),
]
_YES_NO = [("No", "no"), ("Yes", "yes")]


def _kinds() -> list[tuple[str, str]]:
    return [(display.kind_label(k), k) for k in CUSTOMISABLE]


ADD_SPECS = [
    FieldSpec("kind", "Record kind", "select", _kinds()),
    FieldSpec("label", "Label", required=True, placeholder="as forms and lists show it"),
    FieldSpec("name", "Name", placeholder="empty: from the label (letters, digits, _)"),
    FieldSpec("type", "Type", "select", [(label, t) for t, label in TYPE_LABELS.items()]),
    FieldSpec("options", "Options", placeholder="an option set's labels, with commas"),
    FieldSpec("target", "Looks up", "select",
              [("(not a lookup)", ""), *((display.kind_label(k), k) for k in LOOKUP_TARGETS)]),
    FieldSpec("required", "Required", "select", _YES_NO),
    FieldSpec("searchable", "Searchable", "select", _YES_NO),
]  # fmt: skip


def _name_from(label: str) -> str:
    import re

    from crm_tui import text

    return re.sub(r"[^a-z0-9]+", "_", text.sort_key(label).lower()).strip("_")[:40]


class CustomFieldsScreen(Screen):
    CSS_PATH = styles.path("admin.tcss")
    BINDINGS = keys.bindings("custom_fields")

    def __init__(self) -> None:
        super().__init__()
        self._fields: list[custom_fields.CustomField] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="fields-hint")
        yield RowsTable(COLUMNS, id="fields")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Custom fields"
        self.refresh_data()
        self.query_one("#fields", RowsTable).focus()

    def refresh_data(self) -> None:
        loaded = calls.loaded(self, lambda: custom_fields.fields(removed=True), default=None)
        if loaded is None:
            return
        self._fields = loaded
        rows = []
        for field in self._fields:
            style = "dim" if field.removed else ""
            kind = TYPE_LABELS[field.type]
            if field.target:
                kind += f" of {display.kind_noun(field.target, plural=True)}"
            elif field.options:
                kind += f" ({len(field.options)})"
            flags = [f for f, on in (("required", field.required),
                                     ("searchable", field.searchable),
                                     ("removed", field.removed)) if on]  # fmt: skip
            rows.append(
                {
                    "key": str(field.id),
                    "kind": Text(display.kind_label(field.kind), style=style),
                    "label": safe_line(field.label, style or "bold"),
                    "name": safe_line(field.name, "dim"),
                    "type": Text(kind, style=style),
                    "flags": Text(" · ".join(flags), style="dim"),
                }
            )
        self.query_one("#fields", RowsTable).show(rows)
        hint = (
            "{fields.new} adds a field to accounts, contacts, leads, opportunities, cases, "
            "products or competitors."
            if not self._fields
            else "{fields.edit} changes · {fields.remove} removes or restores · "
            "{fields.purge} purges a removed one"
        )
        self.query_one("#fields-hint", Static).update(Text(keys.fill(hint), style="dim"))

    @property
    def current(self) -> custom_fields.CustomField | None:
        if not self._fields:
            return None
        row = self.query_one("#fields", DataTable).cursor_row
        return self._fields[min(row, len(self._fields) - 1)]

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_new_field(self) -> None:
        def submit(values: dict):
            return custom_fields.add(
                values["kind"],
                values.get("name") or _name_from(values.get("label") or ""),
                values["type"],
                label=values.get("label") or "",
                options=values.get("options") or (),
                target=values.get("target") or None,
                required=values.get("required") == "yes",
                searchable=values.get("searchable") == "yes",
            )

        self._form("New custom field", ADD_SPECS, submit,
                   {"kind": "account", "type": "text", "required": "no", "searchable": "no",
                    "target": ""}, "Added.")  # fmt: skip

    def action_edit_field(self) -> None:
        field = self.current
        if field is None:
            return
        specs = [FieldSpec("label", "Label", required=True)]
        if field.type == "option_set":
            specs.append(FieldSpec("options", "Options", placeholder="labels, with commas"))
        specs += [FieldSpec("required", "Required", "select", _YES_NO),
                  FieldSpec("searchable", "Searchable", "select", _YES_NO)]  # fmt: skip
        values = {
            "label": field.label,
            "options": ", ".join(o.label for o in field.options),
            "required": "yes" if field.required else "no",
            "searchable": "yes" if field.searchable else "no",
        }

        def submit(typed: dict):
            return custom_fields.update(
                field.id,
                field.version,
                label=typed.get("label", field.label),
                options=typed.get("options") if field.type == "option_set" else None,
                required=typed.get("required", values["required"]) == "yes",
                searchable=typed.get("searchable", values["searchable"]) == "yes",
            )

        title = Text.assemble("Change ", safe_line(field.label, "bold"))
        self._form(title, specs, submit, values, "Changed.")

    def _form(self, title, specs, submit, values: dict, done: str) -> None:
        def closed(result) -> None:
            if result is not None:
                self.notify(done)
                self.refresh_data()

        intro = Text(
            "Searchable: indexed at once (a while on a large table).",
            style="dim",
        )
        self.app.push_screen(
            form_modal(self.app, title, specs, submit, values=values, intro=intro), closed
        )

    def action_remove_field(self) -> None:
        field = self.current
        if field is None:
            return
        if field.removed:
            calls.direct(self, lambda: custom_fields.restore(field.id, field.version),
                         "Restored, with the values it kept.", lambda _: self.refresh_data())  # fmt: skip
            return
        question = Text.assemble("Remove ", safe_line(field.label, "bold"), "?")
        calls.confirm_then(
            self,
            question,
            lambda: custom_fields.remove(field.id, field.version),
            detail="Forms, lists and queries stop showing it; its values are kept until "
            "it is purged.",
            done_text="Removed.",
        )

    def action_purge_field(self) -> None:
        field = self.current
        if field is None:
            return
        if not field.removed:
            self.notify(keys.fill("Remove the field first ({fields.remove}); purging drops "
                                  "its values."), severity="warning")  # fmt: skip
            return
        specs = [FieldSpec("confirm", "Type its name", required=True, placeholder=field.name)]
        title = Text.assemble("Purge ", safe_line(field.label, "bold"), " and its values")

        def submit(typed: dict):
            custom_fields.purge(field.id, field.version, confirm=typed.get("confirm") or "")
            return True

        self._form(title, specs, submit, {}, "Purged: the field and its values are gone.")
