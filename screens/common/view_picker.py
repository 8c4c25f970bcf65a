"""A list's views in one place: the built-in ones and those saved (own
first, then shared, with who shares them); enter opens one, and the
person's own can be renamed or deleted, any made the list's default."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from crm_tui import keys, styles
from crm_tui.screens.common import calls
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.prompt import PromptModal
from crm_tui.services import session, views
from crm_tui.services.views import SCOPES, SavedView
from crm_tui.text import clean, safe_line


class ViewPicker(ModalScreen[str | None]):
    """Dismisses with the key of the view to show, or None."""

    CSS_PATH = styles.path("modals.tcss")
    BINDINGS = keys.bindings("view_picker")

    def __init__(self, kind: str, built_in: dict[str, str], saved: list[SavedView],
                 current: str, default: str | None) -> None:  # fmt: skip
        super().__init__()
        self.kind, self.built_in, self.saved = kind, built_in, saved
        self.current, self.default = current, default

    def compose(self) -> ComposeResult:
        with Vertical(id="views-box", classes="modal-box"):
            yield Static(Text("Views of this list", style="bold"))
            yield OptionList(id="views")
            yield Static(id="views-note")
            yield Static(
                Text(keys.fill("enter opens · {views.default} default · {views.rename} rename"
                               " · {views.delete} delete · {views.close} close"),
                     style="dim"),
                classes="modal-keys",
            )  # fmt: skip

    def on_mount(self) -> None:
        self._fill()
        self.query_one(OptionList).focus()

    def _label(self, key: str, name: str, detail: str) -> Text:
        line = Text()
        line.append("● " if key == self.current else "  ")
        line.append_text(safe_line(name, "bold" if key == self.current else ""))
        if detail:
            line.append(f"  {detail}", style="dim")
        if key == self.default:
            line.append("  default", style="green")
        return line

    def _fill(self, keep: str | None = None) -> None:
        me = session.current_user().id
        options = [Option(self._label(k, n, "built-in"), id=k) for k, n in self.built_in.items()]
        for view in self.saved:
            whose = "mine" if view.owner_id == me else f"{clean(view.owner)}'s"
            detail = f"{whose} · {SCOPES[view.scope].lower()}"
            options.append(Option(self._label(view.key, view.name, detail), id=view.key))
        box = self.query_one(OptionList)
        box.clear_options()
        box.add_options(options)
        ids = [o.id for o in options]
        at = keep if keep in ids else self.current
        box.highlighted = ids.index(at) if at in ids else 0

    def _highlighted(self) -> str | None:
        box = self.query_one(OptionList)
        if box.highlighted is None:
            return None
        return box.get_option_at_index(box.highlighted).id

    def _saved_view(self) -> SavedView | None:
        key = self._highlighted()
        found = next((v for v in self.saved if v.key == key), None)
        if found is None:
            self.query_one("#views-note", Static).update(
                Text("A built-in view is the list's own: it cannot be changed.", style="yellow")
            )
        return found

    def _reload(self) -> None:
        keep = self._highlighted()
        self.saved = calls.loaded(self, lambda: views.visible(self.kind), default=self.saved)
        self.default = calls.loaded(self, lambda: views.default(self.kind))
        self._fill(keep)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_make_default(self) -> None:
        key = self._highlighted()
        if key is None:
            return
        chosen = None if key == next(iter(self.built_in)) else key
        calls.direct(self, lambda: views.set_default(self.kind, chosen),
                     "This list now opens on that view.", lambda _: self._reload())  # fmt: skip

    def action_rename(self) -> None:
        view = self._saved_view()
        if view is None:
            return

        def renamed(name: str | None) -> None:
            if name and name.strip() != view.name:
                calls.direct(self, lambda: views.update(view.id, view.version, name=name),
                             "Renamed.", lambda _: self._reload())  # fmt: skip

        self.app.push_screen(PromptModal("Rename the view", value=view.name), renamed)

    def action_delete(self) -> None:
        view = self._saved_view()
        if view is None:
            return
        question = Text.assemble("Delete the view ", safe_line(view.name, "bold"), "?")
        detail = "Everyone it is shared with loses it too." if view.scope != "personal" else ""
        self.app.push_screen(
            ConfirmModal(question, detail),
            lambda yes: calls.direct(self, lambda: views.delete(view.id), "View deleted.",
                                     lambda _: self._reload()) if yes else None,
        )  # fmt: skip

    def action_close(self) -> None:
        self.dismiss(None)
