"""A list's saved views: `v` and `V` step through the built-in views and then
the saved ones, ctrl+s keeps the view and filter on screen (a `sort:` in it
included) and the columns as a view
(shared with the team or everyone by managers and admins), `W` picks,
renames, deletes or makes a view the list's default. A list opens on its
default view.

Mixed into RecordListScreen ahead of Screen: `self.view` is a built-in
view's name or a saved view's key (saved:12); the rows are read for the
saved view's own built-in view, its query and the filter typed over it."""

from __future__ import annotations

from rich.text import Text

from crm_tui.errors import CrmError, DatabaseFault, NotFound, ValidationError
from crm_tui.screens.common import calls, custom_fields_shown
from crm_tui.services import session, views
from crm_tui.services.views import SAVED, SCOPES, SavedView
from crm_tui.text import safe_line


class SavedViews:
    """The list's saved-view keys and the view each key means."""

    saved_view: SavedView | None = None

    def open_default_view(self) -> None:
        """On mount, before the rows are read: the person's default view of
        this list, if they have one."""
        chosen = calls.loaded(self, lambda: views.default(self.KIND))
        if chosen and (chosen in self.VIEWS or chosen.startswith(SAVED)):
            self._show_view(chosen, quiet=True, load=False)

    def reread_view(self) -> None:
        """Before the rows are read again: the saved view as its owner keeps
        it now (a shared view changes for everyone showing it); a view gone
        or no longer shared gives way to the list's first view."""
        if self.saved_view is None:
            return
        try:
            self.saved_view = views.get(self.saved_view.id)
        except NotFound:
            gone = self.saved_view.name
            self.view, self.saved_view = next(iter(self.VIEWS)), None
            self.notify(Text.assemble("The view ", safe_line(gone, "bold"),
                                      " was deleted or is no longer shared with you."),
                        severity="warning")  # fmt: skip
        except DatabaseFault:
            return  # the rows' own read says what the database did
        self.table.set_columns(self._view_columns())

    def base_view(self) -> str:
        """The built-in view the rows are read for."""
        return self.saved_view.base_view if self.saved_view else self.view

    def view_query(self) -> str:
        """The saved view's query, read under the filter typed over it."""
        return self.saved_view.query if self.saved_view else ""

    def column_choices(self) -> list:
        """The columns a view may show: the list's own, then its kind's custom
        fields (on lists whose rows carry them)."""
        if not self.CUSTOM_COLUMNS:
            return list(self.COLUMNS)
        return [*self.COLUMNS, *custom_fields_shown.columns(self.KIND)]

    def _view_columns(self) -> list:
        """The saved view's columns in its order, or the list's own."""
        if self.saved_view is None or not self.saved_view.columns:
            return list(self.COLUMNS)
        by_key = {c.key: c for c in self.column_choices()}
        chosen = [by_key[k] for k in self.saved_view.columns if k in by_key]
        return chosen or list(self.COLUMNS)

    def _columns_typed(self, typed: str) -> tuple[str, ...]:
        """Column keys from labels (or keys) typed with commas, in order."""
        by_name = {}
        choices = self.column_choices()
        for column in choices:
            by_name[column.key.lower()] = column.key
            by_name[str(column.label).lower()] = column.key
        keys_, unknown = [], []
        for part in (p.strip() for p in (typed or "").split(",")):
            if not part:
                continue
            if part.lower() in by_name:
                keys_.append(by_name[part.lower()])
            else:
                unknown.append(part)
        if unknown:
            labels = ", ".join(str(c.label) for c in choices)
            raise ValidationError({"columns": f"no column {unknown[0]!r}: {labels}"})
        return tuple(dict.fromkeys(keys_))

    def view_name(self) -> str:
        if self.saved_view is not None:
            return self.saved_view.name
        return self.VIEWS.get(self.view, self.view)

    def _choices(self) -> list[str]:
        saved = calls.loaded(self, lambda: views.visible(self.KIND), default=[]) or []
        return [*self.VIEWS, *(v.key for v in saved)]

    def _step_view(self, step: int) -> None:
        choices = self._choices()
        at = choices.index(self.view) if self.view in choices else 0
        self._show_view(choices[(at + step) % len(choices)])

    def action_next_view(self) -> None:
        self._step_view(1)

    def action_previous_view(self) -> None:
        # a list with many views (the case queue's one per queue) must not
        # make a person go all the way round for the one just passed
        self._step_view(-1)

    def _show_view(self, key: str, *, quiet: bool = False, load: bool = True) -> None:
        saved = None
        if key.startswith(SAVED):
            saved = calls.loaded(self, lambda: views.get(int(key[len(SAVED) :])))
            if saved is None or saved.base_view not in self.VIEWS:
                if not quiet:
                    self.notify("That view is gone or no longer fits this list.",
                                severity="warning")  # fmt: skip
                key, saved = next(iter(self.VIEWS)), None
        self.view, self.saved_view = key, saved
        self.table.set_columns(self._view_columns())
        if load:
            self.reload()

    # --- saving ---------------------------------------------------------------

    def action_save_view(self) -> None:
        # imported when a view is saved: the first frame does without forms
        from crm_tui.screens.common.form_modal import form_modal
        from crm_tui.widgets.record_form import FieldSpec

        asked = " ".join(q for q in (self.view_query(), self.filter_text) if q)
        shares = session.current_user().role in views.SHARERS
        scopes = [(label, code) for code, label in SCOPES.items() if shares or code == "personal"]
        specs = [
            FieldSpec("name", "Name", required=True, placeholder="e.g. Retail in Tehran"),
            FieldSpec("columns", "Columns", placeholder="in order, with commas"),
            FieldSpec("scope", "Shared with", "select", scopes),
            FieldSpec("default", "Default view", "select", [("No", "no"), ("Yes", "yes")]),
        ]
        base = self.base_view()
        shown = ", ".join(str(c.label) for c in self._view_columns())

        def submit(values: dict) -> SavedView:
            columns = self._columns_typed(values.get("columns") or "")
            if [c.key for c in self.COLUMNS] == list(columns):
                columns = ()  # the list's own: it follows the list if that changes
            saved = views.save(self.KIND, values.get("name") or "", asked, base_view=base,
                               scope=values.get("scope") or "personal", columns=columns)  # fmt: skip
            if values.get("default") == "yes":
                views.set_default(self.KIND, saved.key)
            return saved

        intro = Text.assemble(
            "Keeps ", (self.VIEWS.get(base, base), "bold"),
            *((" with ", safe_line(asked, "bold")) if asked else ()),
            " as a view of this list.",
        )  # fmt: skip
        self.app.push_screen(
            form_modal(self.app, "Save view", specs, submit, intro=intro,
                       values={"scope": "personal", "default": "no", "columns": shown}),
            self._saved,
        )  # fmt: skip

    def _saved(self, saved: SavedView | None) -> None:
        if saved is None:
            return
        self.notify(Text.assemble("Saved view ", safe_line(saved.name, "bold"), "."))
        self._clear_filter_box()
        self._show_view(saved.key)
        self.table.focus()  # the filter it came from is in the view now

    # --- picking --------------------------------------------------------------

    def action_pick_view(self) -> None:
        from crm_tui.screens.common.view_picker import ViewPicker

        saved = calls.loaded(self, lambda: views.visible(self.KIND), default=None)
        if saved is None:
            return
        default = calls.loaded(self, lambda: views.default(self.KIND))
        self.app.push_screen(
            ViewPicker(self.KIND, dict(self.VIEWS), saved, self.view, default),
            self._picked,
        )

    def _picked(self, key: str | None) -> None:
        if key:
            self._show_view(key)
        elif self.saved_view is not None:
            # renamed or deleted in the picker: show what is left of it
            try:
                views.get(self.saved_view.id)
            except CrmError:
                self._show_view(next(iter(self.VIEWS)))
                return
            self._show_view(self.view)
