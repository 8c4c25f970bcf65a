"""Area 4: the pipeline as a board: a column per stage with its count,
total and weighted total; cards move between stages through their gates.

A move redraws the card's two columns and their heads only; a change by
another process (the app's change watcher calls refresh_data) reads every
column again and redraws those that changed."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Static

from crm_tui import db, display, keys, styles
from crm_tui.errors import CrmError
from crm_tui.screens.common import routes
from crm_tui.screens.common.access_keys import AccessKeys, keyed
from crm_tui.screens.sales import opportunity_actions
from crm_tui.screens.sales.board_filter import board_filter, cycle, filter_label, set_board_filter
from crm_tui.services import dates, session
from crm_tui.services.sales import opportunities, pipeline
from crm_tui.services.sales.pipeline import BoardFilter
from crm_tui.text import safe_line
from crm_tui.widgets.kanban import Card, CardPage, Kanban

PAGE = 40


class PipelineScreen(AccessKeys, Screen):
    CSS_PATH = styles.path("pipeline.tcss")
    BINDINGS = keys.bindings("pipeline")
    KIND = "opportunity"
    # "move" is the board's own key (shift+← →), asked through check_action
    ACCESS = {
        "new": "create",
        "edit": "write",
        "log_activity": "append",
        "won": "write",
        "lost": "write",
        "move": "write",
    }

    def access_target(self, action: str) -> tuple[str, int] | None:
        card = self.board.current_card if self.is_mounted else None
        return None if card is None else ("opportunity", card["id"])

    def on_option_list_option_highlighted(self, event) -> None:
        self.access_changed()

    def on_descendant_focus(self, event) -> None:
        self.access_changed()

    def __init__(self) -> None:
        super().__init__()
        self._totals: dict = {}
        self._resumed = False
        # A card to select once this screen is back on top (after a form or
        # modal closes, whichever comes first: its callback or the resume).
        self._select_after: tuple[str, int] | None = None
        # Whether a modal covers the board: its own callback updates the board.
        self._under_modal = False
        # What the footer shows, to rebuild it only when that changes.
        self._footer_keys: tuple | None = None
        self._shown: dict[str, Text | str] = {}
        # db.generation() and the filter the board was read at (None: not read)
        self._read_at: int | None = None
        self._read_filter: BoardFilter | None = None
        self._read_on = dates.today()  # the day: which cards are overdue

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="board-filters")
        yield Kanban(
            [(stage, opportunities.STAGE_LABELS[stage]) for stage in opportunities.STAGES],
            self._fetch,
            self._render_card,
            self._render_head,
            order=pipeline.key_order,
            id="board",
        )
        yield Static(id="board-status")
        yield Footer()

    @property
    def board(self) -> Kanban:
        return self.query_one(Kanban)

    @property
    def filter(self) -> BoardFilter:
        return board_filter(self.app)

    def on_mount(self) -> None:
        self.title = "Pipeline"
        self.refresh_data()
        self.board.focus_first()

    def on_screen_suspend(self) -> None:
        self._under_modal = isinstance(self.app.screen, ModalScreen)

    def on_screen_resume(self) -> None:
        # Back from a card's detail, the list or another area. A modal (a
        # gate, won/lost, an activity) hands its result to a callback that
        # updates the board; others' changes meanwhile came through the watcher.
        # A board whose data and filter are as it read them is shown as it was.
        stale = (
            self._select_after is not None
            or self._read_at != db.generation()
            or self._read_filter != self.filter
            or self._read_on != dates.today()
        )
        if self._resumed and not self._under_modal and stale:
            self.refresh_data(select=self._select_after)
        self._resumed = True
        self._under_modal = False

    def refresh_bindings(self) -> None:
        # Focus moving from column to column, or a card to the next, asks the
        # footer to rebuild every key although the keys on offer are the same.
        shown = self._shown_keys() if self.app.app_focus else None
        footers = self.query(Footer)
        if shown is not None and shown == self._footer_keys and footers and footers[0].children:
            return
        self._footer_keys = shown
        super().refresh_bindings()

    def _shown_keys(self) -> tuple:
        return tuple(
            (key, active.binding.action, active.binding.description, active.enabled)
            for key, active in self.active_bindings.items()
            if active.binding.show
        )

    # --- data ------------------------------------------------------------------

    def _fetch(self, stage: str, after: tuple | None) -> CardPage:
        page = pipeline.cards(stage, self.filter, after=after, limit=PAGE)
        return CardPage(page.rows, page.keys, page.more)

    def refresh_data(self, select: tuple[str, int] | None = None) -> None:
        """Totals and every column again, keeping the selection (or moving
        it to `select` = (stage, card id))."""
        if not self.is_mounted:
            return
        if select is not None:
            self._select_after = select if not self.is_current else None
        generation, self._read_on = db.generation(), dates.today()
        try:
            self._totals = pipeline.totals(self.filter)
            self.board.reload(select)
        except CrmError as exc:
            self.notify(Text(str(exc)), severity="error")
            self._read_at = None
        else:
            self._read_at, self._read_filter = generation, self.filter
        self._update("#board-filters", filter_label(self.filter))
        self._show_status()

    def _update(self, selector: str, text: Text | str) -> None:
        # Redraw only what changed: the watcher calls refresh_data for any
        # commit by anyone, most of which leave the board as it was.
        if text != self._shown.get(selector):
            self._shown[selector] = text
            # one line whatever it says (pipeline.tcss): no layout needed
            self.query_one(selector, Static).update(text, layout=False)

    def action_refresh_data(self) -> None:
        self.refresh_data()

    def _show_status(self) -> None:
        currency = session.settings().currency
        count = sum(t.count for t in self._totals.values())
        total = sum(t.total for t in self._totals.values())
        weighted = sum(t.weighted for t in self._totals.values())
        status = Text()
        if count == 0:
            status.append(
                keys.fill(
                    "No open opportunities in this view.  {list.new} creates one · "
                    "{pipeline.scope} widens the view."
                )
            )
        else:
            status.append(f"{count:,} open · {display.money(total, currency)}")
            weighted_text = f"≈ {display.money(weighted, currency)} weighted"
            long = f" · {weighted_text} by probability · ⚠ overdue"
            fits = status.cell_len + len(long) <= self.size.width - 2  # the padding
            status.append(long if fits else f" · {weighted_text} · ⚠ overdue", style="dim")
        self._update("#board-status", status)

    def on_resize(self) -> None:
        self._show_status()

    # --- rendering -----------------------------------------------------------------

    def _render_head(self, stage: str, label: str) -> Text:
        totals = self._totals.get(stage)
        head = Text()
        head.append(label, style="bold")
        if totals is None:
            return head
        head.append(f"  {totals.count:,}\n", style="bold")
        head.append(display.money(totals.total))
        head.append(f"\n≈ {display.money(totals.weighted)}", style="dim")
        return head

    def _render_card(self, row: dict) -> Card:
        # The close date and the overdue mark sit beside the name, which is
        # cut first: an 80-column board keeps them.
        overdue = row.get("overdue")
        close = row.get("estimated_close_date")
        forms = [Text()]
        if close:
            forms = [Text(day, style="red" if overdue else "dim") for day in _short_days(close)]
        if overdue:
            for form in forms:
                form.append(" ⚠", style="bold red")
        amount = Text()
        if row.get("status_reason") == "on_hold":
            # first on the line: a narrow column cuts the end of it
            amount.append("hold ", style="yellow")
        amount.append(display.money(row.get("estimated_revenue")) or "—")
        return Card(
            [
                (safe_line(row["name"], "bold"), tuple(forms)),
                (safe_line(row.get("customer") or "no customer", "dim"), Text()),
                (amount, Text()),
            ]
        )

    # --- keys ------------------------------------------------------------------------

    def _card(self) -> dict | None:
        card = self.board.current_card
        if card is None:
            self.notify("No opportunity selected.", severity="warning")
        return card

    def on_kanban_opened(self, event: Kanban.Opened) -> None:
        routes.open_detail(self.app, "opportunity", event.card["id"])

    def on_kanban_move_requested(self, event: Kanban.MoveRequested) -> None:
        card, source, target = event.card, event.source, event.target

        def done(moved) -> None:
            if moved:
                label = opportunities.STAGE_LABELS[target]
                self.notify(Text.assemble(safe_line(card["name"]), f" moved to {label}."))
                self._show_move(card["id"], source, target)

        opportunity_actions.move_stage(self, card, target, done)

    def _show_move(self, card_id: int, source: str, target: str) -> None:
        """The card out of `source` and into its stage as it is now (a gate
        may have changed its date or revenue), selected; the two heads and
        the status line again. Nothing else is drawn again."""
        try:
            self._totals = pipeline.totals(self.filter)
            placed = pipeline.card(card_id, self.filter)
        except CrmError as exc:
            self.notify(Text(str(exc)), severity="error")
            return
        if placed is None:
            self.board.move_card(card_id, source, target)
        else:
            stage, row = placed
            self.board.move_card(card_id, source, stage, row, pipeline.card_key(row))
            target = stage
        self.board.refresh_heads((source, target))
        self._show_status()

    def _after_close(self, card: dict, outcome: str):
        def done(result) -> None:
            if result:
                self.notify(Text.assemble(safe_line(card["name"]), f" closed as {outcome}."))
                self.refresh_data()

        return done

    def action_won(self) -> None:
        if card := self._card():
            opportunity_actions.close_won(self, card, self._after_close(card, "won"))

    def action_lost(self) -> None:
        if card := self._card():
            opportunity_actions.close_lost(self, card, self._after_close(card, "lost"))

    def action_new(self) -> None:
        from crm_tui.screens.sales.opportunity_form import OpportunityFormScreen

        def saved(new_id: int | None) -> None:
            if new_id is not None:
                self.refresh_data(select=("qualify", new_id))

        self.app.push_screen(OpportunityFormScreen(None), saved)

    def action_edit(self) -> None:
        from crm_tui.screens.sales.opportunity_form import OpportunityFormScreen

        if card := self._card():
            self.app.push_screen(
                OpportunityFormScreen(card["id"]), lambda saved: self.refresh_data()
            )

    def action_log_activity(self) -> None:
        from crm_tui.screens.customers.activity_modal import activity_modal

        if card := self._card():
            self.app.push_screen(
                activity_modal(self.app, ("opportunity", card["id"]), card["name"]),
                lambda saved: self.refresh_data() if saved else None,
            )

    def action_next_scope(self) -> None:
        set_board_filter(self.app, scope=cycle(opportunities.SCOPES, self.filter.scope))
        self.refresh_data()

    def action_next_close(self) -> None:
        set_board_filter(self.app, close=cycle(opportunities.CLOSE_FILTERS, self.filter.close))
        self.refresh_data()

    def action_list_view(self) -> None:
        self.app.open_catalogue("sales.opportunities_list", "OpportunitiesScreen")

    def action_competitors(self) -> None:
        self.app.open_catalogue("sales.competitors_list", "CompetitorsScreen")

    def record_actions(self) -> list:
        """Palette actions for the selected card."""
        actions = [("New opportunity", "Create one in Qualify", self.action_new)]
        card = self.board.current_card
        if card is not None:
            stage = self.board.current_column
            index = opportunities.STAGES.index(stage)
            for step, word in ((1, "forward"), (-1, "back")):
                if 0 <= index + step < len(opportunities.STAGES):
                    target = opportunities.STAGES[index + step]
                    label = opportunities.STAGE_LABELS[target]
                    actions.append(
                        (
                            f"Move to {label}",
                            f"Move the card {word} "
                            f"({keys.key('board.move_right' if step > 0 else 'board.move_left')})",
                            keyed(
                                "move",
                                lambda t=target: self.board.post_message(
                                    Kanban.MoveRequested(card, stage, t)
                                ),
                            ),
                        )
                    )
            actions += [
                (
                    "Close as won",
                    keys.fill("Ask for the actual revenue ({opportunity.won})"),
                    self.action_won,
                ),
                (
                    "Close as lost",
                    keys.fill("Ask for the reason and competitor ({pipeline.lost})"),
                    self.action_lost,
                ),
                (
                    "Edit opportunity",
                    keys.fill("Change its fields ({list.edit})"),
                    self.action_edit,
                ),
                (
                    "Log an activity",
                    keys.fill("Regarding this opportunity ({list.activity})"),
                    self.action_log_activity,
                ),
            ]
        return actions


def _short_days(value) -> list[str]:
    """A close date as a card shows it, longest form first."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if day.year == dates.today().year:
        return [day.strftime("%d %b")]
    return [day.strftime("%d %b %Y"), day.strftime("%b %Y")]
