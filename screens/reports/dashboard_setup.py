"""Choosing a dashboard (D), arranging its tiles (c), keeping it under a
name (ctrl+s) and setting sales targets (T, managers)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from crm_tui import keys, styles
from crm_tui.screens.common import calls
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.screens.reports.picker import Picker
from crm_tui.services import dates, session, sharing, users
from crm_tui.services.dashboards import boards, targets, tiles
from crm_tui.services.dashboards.boards import Tile
from crm_tui.services.reporting import saved
from crm_tui.text import safe_line
from crm_tui.widgets.record_form import FieldSpec


class DashboardPicker(Picker):
    """Dismisses with the key of the dashboard to open, or None; x deletes
    one of the person's own (asking first)."""

    BINDINGS = keys.bindings("dashboard_picker")

    def __init__(self, choices: list[boards.Dashboard], current) -> None:
        options = []
        for board in choices:
            line = Text("● " if current and board.key == current.key else "  ")
            line.append_text(safe_line(board.name))
            whose = "built in" if board.id is None else (
                f"{board.owner} · {sharing.SCOPES[board.scope].lower()}")  # fmt: skip
            line.append(f"  {whose}", style="dim")
            options.append(Option(line, id=board.key))
        super().__init__("Dashboards", options,
                         "enter opens · {dashboards.delete} deletes yours · {form.cancel} close")  # fmt: skip
        self.choices = choices

    def action_delete(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        board = self.choices[options.highlighted]
        if board.id is None:
            self.notify("A built-in dashboard cannot be deleted.", severity="warning")
            return

        def gone(_) -> None:
            self.choices = [c for c in self.choices if c.key != board.key]
            options.remove_option(board.key)

        calls.confirm_then(
            self,
            Text.assemble("Delete the dashboard ", safe_line(board.name), "?"),
            lambda: boards.delete(board.key),
            done_text=Text.assemble("Deleted ", safe_line(board.name)),
            done=gone,
        )


def _tile_label(tile: Tile) -> Text:
    if tile.tile == "report":
        try:
            name = saved.get(tile.report).name
        except Exception:  # a report deleted since: still listed, to take off
            name = "(a report that is gone)"
        return Text.assemble("Report: ", safe_line(name))
    label, _, scoped = boards.CATALOGUE[tile.tile]
    return Text(f"{label} ({tiles.SCOPES[tile.scope].lower()})" if scoped else label)


def _catalogue() -> list[Tile]:
    out = []
    for name, (_, _, scoped) in boards.CATALOGUE.items():
        if name == "report":
            continue
        out += [Tile(name, scope) for scope in (tiles.SCOPES if scoped else ("me",))]
    out += [Tile("report", report=r.key) for r in saved.visible()]
    return out


class TilesModal(ModalScreen[boards.Dashboard | None]):
    """The dashboard's tiles in order beside every tile there is: enter adds
    one, − takes one off, shift+↑ ↓ move it; ctrl+s keeps the arrangement
    (a built-in dashboard becomes one of the person's own)."""

    CSS_PATH = [styles.path("modals.tcss"), styles.path("reports.tcss")]
    BINDINGS = keys.bindings("tiles_modal")

    def __init__(self, board: boards.Dashboard) -> None:
        super().__init__()
        self.board = board
        self.chosen = list(board.tiles)
        self.available = _catalogue()

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="tiles-box"):
            yield Static(Text.assemble(("Tiles of ", "bold"), safe_line(self.board.name, "bold")))
            with Horizontal(id="tiles-lists"):
                with Vertical():
                    yield Static(Text("On the dashboard", style="dim"))
                    yield OptionList(id="tiles-chosen")
                with Vertical():
                    yield Static(Text("Add a tile", style="dim"))
                    yield OptionList(*(Option(_tile_label(t)) for t in self.available),
                                     id="tiles-available")  # fmt: skip
            yield Static(id="tiles-note")
            yield Static(Text(keys.fill(
                "enter adds · {tiles.remove} off · {tiles.up} {tiles.down} move · "
                "{form.save} keep · {form.cancel} cancel · tab: the other list"), style="dim"),
                classes="modal-keys")  # fmt: skip

    def on_mount(self) -> None:
        self._fill()
        self.query_one("#tiles-chosen", OptionList).focus()

    def _fill(self, highlight: int | None = None) -> None:
        chosen = self.query_one("#tiles-chosen", OptionList)
        chosen.clear_options()
        chosen.add_options([Option(_tile_label(t)) for t in self.chosen])
        if self.chosen:
            chosen.highlighted = min(highlight or 0, len(self.chosen) - 1)
        note = f"{len(self.chosen)} of at most {boards.MAX_TILES} tiles"
        self.query_one("#tiles-note", Static).update(Text(note, style="dim"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "tiles-available" and len(self.chosen) < boards.MAX_TILES:
            self.chosen.append(self.available[event.option_index])
            self._fill(len(self.chosen) - 1)

    def _at(self) -> int | None:
        chosen = self.query_one("#tiles-chosen", OptionList)
        return chosen.highlighted if chosen.has_focus and self.chosen else None

    def action_remove(self) -> None:
        at = self._at()
        if at is not None:
            del self.chosen[at]
            self._fill(at)

    def action_move(self, step: int) -> None:
        at = self._at()
        if at is not None and 0 <= at + step < len(self.chosen):
            self.chosen[at], self.chosen[at + step] = self.chosen[at + step], self.chosen[at]
            self._fill(at + step)

    def action_save(self) -> None:
        chosen = tuple(self.chosen)
        board = self.board
        me = session.current_user()

        def keep() -> boards.Dashboard:
            if board.id is not None and (board.owner_id == me.id or me.role == "admin"):
                return boards.update(board.key, board.version, chosen=chosen)
            taken = {d.name.casefold() for d in boards.available()}
            name = next(n for n in (f"My dashboard{f' {i}' if i > 1 else ''}"
                                    for i in range(1, 100)) if n.casefold() not in taken)  # fmt: skip
            return boards.save(name, chosen)

        calls.direct(self, keep, "", self.dismiss)

    def action_cancel(self) -> None:
        self.dismiss(None)


def save_dashboard(screen, chosen: tuple[Tile, ...], done: Callable) -> None:
    """Ask a name (and, for managers, who sees it) and keep the tiles as a
    dashboard of the person's own."""
    specs = [FieldSpec("name", "Name", required=True)]
    if session.current_user().role in sharing.SHARERS:
        specs.append(FieldSpec("scope", "Shared with", "select",
                               [(label, key) for key, label in sharing.SCOPES.items()]))  # fmt: skip
    screen.app.push_screen(
        form_modal(screen.app, "Keep this dashboard", specs,
                   lambda typed: boards.save(typed["name"], chosen,
                                             typed.get("scope") or "personal")),
        done,
    )  # fmt: skip


def set_target(screen, done: Callable) -> None:
    """A manager's form: a person's won-revenue target for a quarter."""
    if session.current_user().role not in targets.SETTERS:
        screen.notify("Only managers and admins set sales targets.", severity="warning")
        return
    people = calls.loaded(screen, users.all_users) or []
    today = dates.today()
    specs = [
        FieldSpec("login", "Person", "select", [(u.full_name or u.login, u.login) for u in people]),
        FieldSpec("period", "Quarter", placeholder="2026-Q4", required=True),
        FieldSpec("amount", "Target", placeholder="250000 (empty clears it)"),
    ]

    def submit(typed: dict):
        return targets.set_target(typed["login"], typed["period"] or "", typed["amount"] or "")

    screen.app.push_screen(
        form_modal(screen.app, "Sales target", specs, submit, save_label="set",
                   values={"period": f"{today.year}-Q{(today.month + 2) // 3}",
                           "login": session.current_user().login}),
        lambda result: done(),
    )  # fmt: skip
