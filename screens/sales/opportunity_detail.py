"""An opportunity: its stage, numbers, products, quotes, competitors and
timeline; keys move it through the stages and close it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from crm_tui import display, keys
from crm_tui.errors import CrmError
from crm_tui.screens.common import routes
from crm_tui.screens.common.access_keys import keyed
from crm_tui.screens.common.base_detail import RecordDetailScreen
from crm_tui.screens.common.calls import confirm_then, direct
from crm_tui.screens.sales import opportunity_actions
from crm_tui.services import records, session
from crm_tui.services.sales import competitors, lines, opportunities, quotes
from crm_tui.text import safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.line_table import LineTable
from crm_tui.widgets.record_table import Column

STATE_STYLE = {"open": "bold green", "won": "bold cyan", "lost": "bold red"}
RELATED_COLUMNS = {
    "quotes": [
        # QUO-00001-R1
        Column("number", "Number", 12, keep_width=True),
        Column("name", "Name", 28),
        Column("state", "State", 8, keep_width=True),
        Column("total", "Total", 14, keep_width=True, right=True),
    ],
    "competitors": [Column("name", "Competitor", 28), Column("website", "Website", 28)],
}


class OpportunityDetailScreen(RecordDetailScreen):
    KIND = "opportunity"
    SERVICE = opportunities
    EXTRA_TABS = [("lines", "Products"), ("quotes", "Quotes"), ("competitors", "Competitors")]
    BINDINGS = keys.bindings("opportunity_detail")
    ACCESS = {
        **RecordDetailScreen.ACCESS,
        **dict.fromkeys(
            ("stage", "won", "lost", "reopen", "link_competitor", "add_line", "remove_line"),
            "write",
        ),
        "new_quote": "create",
    }

    def create_kind(self, action: str) -> str:
        return "quote" if action == "new_quote" else self.KIND

    @property
    def display_name(self) -> str:
        return self.record.name if self.record else ""

    @property
    def card(self) -> dict:
        row = self.record
        return {
            "id": row.id,
            "version": row.version,
            "name": row.name,
            "estimated_revenue": row.estimated_revenue,
        }

    def title_text(self) -> Text:
        row = self.record
        title = safe_line(row.name, "bold")
        title.append(f"  {row.state}", style=STATE_STYLE.get(row.state, "bold"))
        if row.state == "open":
            title.append(f"  {opportunities.STAGE_LABELS[row.stage]}", style="bold")
            if row.status_reason == "on_hold":
                title.append("  on hold", style="yellow")
        return title

    def summary_rows(self):
        row = self.record
        currency = session.settings().currency
        weighted = None
        if row.estimated_revenue is not None:
            weighted = row.estimated_revenue * row.probability // 100
        stages = " → ".join(
            f"[{opportunities.STAGE_LABELS[s]}]"
            if s == row.stage
            else opportunities.STAGE_LABELS[s]
            for s in opportunities.STAGES
        )
        out = [
            ("Stage", stages),
            ("Customer", opportunities.customer_name(row)),
            ("Est. revenue", display.money(row.estimated_revenue, currency)),
            ("Probability", f"{row.probability}%"),
            ("Weighted", display.money(weighted, currency)),
            ("Est. close", display.day(row.estimated_close_date)),
            ("Rating", opportunities.RATINGS.get(row.rating, row.rating)),
            (
                "Price list",
                records.title_of("price_list", row.price_list_id) if row.price_list_id else "",
            ),
            ("From lead", records.title_of("lead", row.lead_id) if row.lead_id else ""),
        ]
        if row.state != "open":
            out += [
                ("Actual revenue", display.money(row.actual_revenue, currency)),
                ("Closed on", display.day(row.actual_close_date)),
            ]
        if row.state == "lost":
            out += [
                ("Reason", opportunities.CLOSE_REASONS_LOST.get(row.status_reason, "")),
                (
                    "Lost to",
                    records.title_of("competitor", row.lost_to_id) if row.lost_to_id else "",
                ),
            ]
        if row.state != "open":
            # what was typed in the won/lost modal (also in its close activity)
            out.append(("Close notes", row.close_reason))
        return [*out, *self.stamp_rows(), ("Need", row.description)]

    # --- extra tabs ---------------------------------------------------------------

    def compose_extra(self, tab_id: str) -> ComposeResult:
        hints = {
            "lines": "No products yet: {lines.add} adds one (a quote made later copies them).",
            "quotes": "No quotes yet: {opportunity.new_quote} creates one from this opportunity.",
            "competitors": "No competitors named: {opportunity.competitor} links one.",
        }
        yield Static(
            Text(keys.fill(hints[tab_id]), style="dim"), id=f"empty-{tab_id}", classes="empty-hint"
        )
        if tab_id == "lines":
            yield LineTable(id="related-lines")
        else:
            yield RowsTable(RELATED_COLUMNS[tab_id], id=f"related-{tab_id}")

    def refresh_extra(self, tab_id: str) -> None:
        if tab_id == "lines":
            rows = self._lines()
            self.query_one("#related-lines", LineTable).set_lines(rows)
            self.query_one("#empty-lines").display = not rows
        elif tab_id == "quotes":
            self._fill(
                "quotes",
                quotes.quotes_of("opportunity", self.record_id),
                lambda r: {
                    "number": safe_line(r["display_number"]),
                    "name": safe_line(r["name"]),
                    "state": Text(display.state("quote", r["state"])),
                    "total": Text(display.money(r["total_amount"]), justify="right"),
                },
            )
        else:
            self._fill(
                "competitors",
                competitors.of_opportunity(self.record_id),
                lambda r: {
                    "name": safe_line(r["name"]),
                    "website": safe_line(r.get("website") or ""),
                },
            )

    def _fill(self, tab_id: str, rows: list[dict], cells) -> None:
        self.query_one(f"#empty-{tab_id}").display = not rows
        self.query_one(f"#related-{tab_id}", RowsTable).show(
            [{**cells(row), "key": str(row["id"])} for row in rows]
        )

    def _lines(self) -> list[dict]:
        return lines.lines_of("opportunity", self.record_id)

    def action_add_line(self) -> None:
        from crm_tui.screens.sales.line_modal import LineModal

        if self.record.state != "open":
            self.notify("Reopen the opportunity to change its products.", severity="warning")
            return
        self.app.push_screen(LineModal("opportunity", self.record), self._after_line)

    def _after_line(self, result) -> None:
        if result:
            self.refresh_data()
            self.switch_tab("lines")

    def action_remove_line(self) -> None:
        on_lines = self.shown_tab == "lines" and self.tab_built("lines")
        line = self.query_one("#related-lines", LineTable).current if on_lines else None
        if line is None:
            self.notify("Open the Products tab and highlight a line first.")
            return

        confirm_then(
            self,
            Text.assemble("Remove ", safe_line(line["label"], "bold"), "?"),
            lambda: lines.remove_line(
                "opportunity", self.record_id, self.record.version, line["id"]
            ),
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "related-lines":
            from crm_tui.screens.sales.line_modal import LineModal

            line = self.query_one("#related-lines", LineTable).current
            if line is not None and self.record.state == "open":
                self.app.push_screen(LineModal("opportunity", self.record, line), self._after_line)
        elif event.data_table.id == "related-quotes":
            routes.open_detail(self.app, "quote", int(event.row_key.value))
        elif event.data_table.id == "related-competitors":
            routes.open_detail(self.app, "competitor", int(event.row_key.value))

    # --- keys -------------------------------------------------------------------------

    def edit_screen(self):
        from crm_tui.screens.sales.opportunity_form import OpportunityFormScreen

        return OpportunityFormScreen(self.record_id)

    def _after(self, result) -> None:
        if result:
            self.refresh_data()

    def action_stage(self, step: int) -> None:
        index = opportunities.STAGES.index(self.record.stage) + step
        if not 0 <= index < len(opportunities.STAGES):
            self.notify("No stage further that way.", severity="warning")
            return
        opportunity_actions.move_stage(self, self.card, opportunities.STAGES[index], self._after)

    def action_won(self) -> None:
        opportunity_actions.close_won(self, self.card, self._after)

    def action_lost(self) -> None:
        opportunity_actions.close_lost(self, self.card, self._after)

    def action_reopen(self) -> None:
        version = self.record.version
        direct(
            self,
            lambda: opportunities.reopen(self.record_id, version),
            "Reopened.",
            lambda _: self.refresh_data(),
        )

    def action_toggle_active(self) -> None:
        # D puts an open opportunity on hold and back (it has no inactive state).
        change = (
            opportunities.resume if self.record.status_reason == "on_hold" else opportunities.hold
        )
        version = self.record.version
        direct(self, lambda: change(self.record_id, version), "", lambda _: self.refresh_data())

    def action_new_quote(self) -> None:

        data = {"name": self.record.name, "opportunity_id": self.record_id}
        direct(
            self,
            lambda: quotes.create(data),
            "",
            lambda quote: routes.open_detail(self.app, "quote", quote.id),
        )

    def action_link_competitor(self) -> None:
        from crm_tui.screens.common.form_modal import form_modal
        from crm_tui.widgets.record_form import FieldSpec

        spec = FieldSpec(
            "competitor_id",
            "Competitor",
            "lookup",
            lookup=lambda typed: competitors.find_by_name(typed, limit=5, view="active"),
        )

        def submit(values: dict) -> object:
            if values["competitor_id"] is None:
                raise CrmError("type a competitor's name")
            return competitors.link(self.record_id, values["competitor_id"])

        self.app.push_screen(
            form_modal(self.app, "Link a competitor", [spec], submit, save_label="link"),
            self._after,
        )

    def record_actions(self):
        row = self.record
        actions = [
            (
                "Edit this opportunity",
                keys.fill("Change its fields ({detail.edit})"),
                self.action_edit,
            ),
            (
                "Log an activity",
                keys.fill("Call, email, meeting, task, letter or note ({detail.activity})"),
                self.action_log_activity,
            ),
        ]
        if row is None:
            return actions
        if row.state == "open":
            index = opportunities.STAGES.index(row.stage)
            if index + 1 < len(opportunities.STAGES):
                label = opportunities.STAGE_LABELS[opportunities.STAGES[index + 1]]
                actions.append(
                    (
                        f"Move to {label}",
                        keys.fill("Next stage, through its gate ({opportunity.next_stage})"),
                        keyed("stage", lambda: self.action_stage(1)),
                    )
                )
            if index > 0:
                label = opportunities.STAGE_LABELS[opportunities.STAGES[index - 1]]
                actions.append(
                    (
                        f"Move back to {label}",
                        keys.fill("Previous stage ({opportunity.prev_stage})"),
                        keyed("stage", lambda: self.action_stage(-1)),
                    )
                )
            actions += [
                (
                    "Close as won",
                    keys.fill("Actual revenue and date ({opportunity.won})"),
                    self.action_won,
                ),
                (
                    "Close as lost",
                    keys.fill("Reason and competitor ({opportunity.lost})"),
                    self.action_lost,
                ),
                (
                    "New quote",
                    keys.fill("A draft quote for this opportunity ({opportunity.new_quote})"),
                    self.action_new_quote,
                ),
                (
                    "Add a product line",
                    keys.fill("Product or write-in ({lines.add})"),
                    self.action_add_line,
                ),
                (
                    "Link a competitor",
                    keys.fill("Who else is bidding ({opportunity.competitor})"),
                    self.action_link_competitor,
                ),
                (
                    "Resume" if row.status_reason == "on_hold" else "Put on hold",
                    keys.fill("Status on hold / in progress ({detail.toggle_active})"),
                    self.action_toggle_active,
                ),
            ]
        else:
            actions.append(
                (
                    "Reopen",
                    keys.fill("Back to open, in its stage ({opportunity.reopen})"),
                    self.action_reopen,
                )
            )
        return actions
