"""Area 4: the pipeline as a board: a column per stage with its count,
total and weighted total; cards move between stages through their gates."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from crm_tui import display, keys, styles
from crm_tui.errors import CrmError
from crm_tui.screens.common.access_keys import AccessKeys, keyed
from crm_tui.screens.sales import opportunity_actions
from crm_tui.screens.sales.board_filter import board_filter, cycle, filter_label, set_board_filter
from crm_tui.services import dates, session
from crm_tui.services.sales import opportunities, pipeline
from crm_tui.services.sales.pipeline import BoardFilter
from crm_tui.text import safe_line
from crm_tui.widgets.kanban import CardPage, Kanban

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

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="board-filters")
        yield Kanban(
            [(stage, opportunities.STAGE_LABELS[stage]) for stage in opportunities.STAGES],
            self._fetch,
            self._render_card,
            self._render_head,
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

    def on_screen_resume(self) -> None:
        # Back from a card's detail, the list or another area.
        if self._resumed:
            self.refresh_data(select=self._select_after)
        self._resumed = True

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
        try:
            self._totals = pipeline.totals(self.filter)
            self.board.reload(select)
        except CrmError as exc:
            self.notify(Text(str(exc)), severity="error")
        self.query_one("#board-filters", Static).update(filter_label(self.filter))
        self._show_status()

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
            status.append(
                f" · ≈ {display.money(weighted, currency)} weighted by probability · ⚠ overdue",
                style="dim",
            )
        self.query_one("#board-status", Static).update(status)

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

    def _render_card(self, row: dict) -> Text:
        card = Text(no_wrap=True, overflow="ellipsis")
        card.append_text(safe_line(row["name"], "bold"))
        card.append("\n")
        card.append_text(safe_line(row.get("customer") or "no customer", "dim"))
        card.append("\n")
        if row.get("status_reason") == "on_hold":
            # first on the line: a narrow column cuts the end of it
            card.append("hold ", style="yellow")
        card.append(display.money(row.get("estimated_revenue")) or "—")
        close = row.get("estimated_close_date")
        if close:
            card.append(f" {_short_day(close)}", style="red" if row.get("overdue") else "")
        if row.get("overdue"):
            card.append(" ⚠", style="bold red")
        return card

    # --- keys ------------------------------------------------------------------------

    def _card(self) -> dict | None:
        card = self.board.current_card
        if card is None:
            self.notify("No opportunity selected.", severity="warning")
        return card

    def on_kanban_opened(self, event: Kanban.Opened) -> None:
        from crm_tui.screens.sales.opportunity_detail import OpportunityDetailScreen

        self.app.push_screen(OpportunityDetailScreen(event.card["id"]))

    def on_kanban_move_requested(self, event: Kanban.MoveRequested) -> None:
        card, target = event.card, event.target

        def done(moved) -> None:
            if moved:
                label = opportunities.STAGE_LABELS[target]
                self.notify(Text.assemble(safe_line(card["name"]), f" moved to {label}."))
                self.refresh_data(select=(target, card["id"]))

        opportunity_actions.move_stage(self, card, target, done)

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
        from crm_tui.screens.customers.activity_modal import ActivityModal

        if card := self._card():
            self.app.push_screen(
                ActivityModal(("opportunity", card["id"]), card["name"]),
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


def _short_day(value) -> str:
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if day.year == dates.today().year:
        return day.strftime("%d %b")
    return day.strftime("%d %b %Y")
