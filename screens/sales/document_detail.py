"""A quote, order or invoice: its lines in a table with the totals under it,
keys to add, edit and remove lines, and its legal state changes."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from crm_tui import display, keys, meta
from crm_tui.models import Invoice, Quote, SalesOrder
from crm_tui.screens.common import routes
from crm_tui.screens.common.access_keys import keyed
from crm_tui.screens.common.base_detail import RecordDetailScreen
from crm_tui.screens.common.calls import confirm_then, direct
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.sales.document_actions import SERVICES, legal_steps
from crm_tui.services import money, records
from crm_tui.services.sales import lines, opportunities
from crm_tui.text import safe_line
from crm_tui.widgets.line_table import LineTable

STATE_STYLE = {
    "draft": "bold yellow",
    "active": "bold green",
    "won": "bold cyan",
    "closed": "bold red",
    "submitted": "bold cyan",
    "fulfilled": "bold cyan",
    "invoiced": "bold blue",
    "paid": "bold blue",
    "canceled": "bold red",
}
KIND_OF = {Quote: "quote", SalesOrder: "order", Invoice: "invoice"}


class DocumentDetailScreen(RecordDetailScreen):
    EXTRA_TABS = [("lines", "Lines")]
    FIRST_TAB = "lines"
    # the key scope whose keys run the steps
    SCOPE = "document_detail"
    BINDINGS = keys.bindings(SCOPE)
    ACCESS = {
        **RecordDetailScreen.ACCESS,
        **dict.fromkeys(("add_line", "remove_line", "step"), "write"),
    }

    def __init__(self, kind: str, record_id: int) -> None:
        self.KIND = kind
        self.SERVICE = SERVICES[kind]
        super().__init__(record_id)
        self._lines: list[dict] = []

    @property
    def display_name(self) -> str:
        if self.record is None:
            return ""
        return f"{self.SERVICE.display_number(self.record)} {self.record.name}"

    @property
    def editable(self) -> bool:
        return self.record is not None and meta.kind(self.KIND).states.is_editable(
            self.record.state
        )

    def title_text(self) -> Text:
        row = self.record
        title = safe_line(self.SERVICE.display_number(row), "bold")
        title.append("  ")
        title.append_text(safe_line(row.name, "bold"))
        reason = row.status_reason.replace("_", " ")
        title.append(f"  {row.state}", style=STATE_STYLE.get(row.state, "bold"))
        if reason and reason != row.state:
            title.append(f" · {reason}", style="dim")
        return title

    def summary_rows(self):
        row = self.record
        customer = []
        if row.account_id:
            customer.append(records.title_of("account", row.account_id))
        if row.contact_id:
            customer.append(records.title_of("contact", row.contact_id))
        out = [
            ("Customer", " · ".join(customer)),
            (
                "Opportunity",
                records.title_of("opportunity", row.opportunity_id) if row.opportunity_id else "",
            ),
            (
                "Price list",
                records.title_of("price_list", row.price_list_id) if row.price_list_id else "",
            ),
            ("Total", display.money(row.total_amount, row.currency)),
        ]
        if self.KIND == "quote":
            valid = " → ".join(display.day(d) for d in (row.effective_from, row.effective_to) if d)
            out.append(("Valid", valid))
        if self.KIND == "order":
            out += [
                ("From quote", records.title_of("quote", row.quote_id) if row.quote_id else ""),
                ("Fulfilled on", display.day(row.fulfilled_on)),
            ]
        if self.KIND == "invoice":
            out += [
                ("From order", records.title_of("order", row.order_id) if row.order_id else ""),
                ("Due", display.day(row.due_date)),
                ("Paid", display.money(row.paid_amount, row.currency) if row.paid_amount else ""),
                *self._payment_rows(row),
            ]
        return [*out, *self.stamp_rows(), ("Description", row.description)]

    @staticmethod
    def _payment_rows(row) -> list[tuple[str, str]]:
        """How and when a paid invoice was paid (an unpaid one has no rows)."""
        if row.state != "paid":
            return []
        method = display.option("invoice", "payment_method", row.payment_method)
        return [
            ("Paid on", display.day(row.paid_on)),
            ("Method", method),
            ("Reference", row.payment_reference),
        ]

    # --- the lines tab -------------------------------------------------------------

    def compose_extra(self, tab_id: str) -> ComposeResult:
        yield Static(id="lines-hint", classes="empty-hint")
        yield LineTable(id="doc-lines")
        yield Static(id="doc-totals")

    def refresh_extra(self, tab_id: str) -> None:
        self._lines = lines.lines_of(self.KIND, self.record_id)
        self.query_one("#doc-lines", LineTable).set_lines(self._lines)
        hint = self.query_one("#lines-hint", Static)
        steps = legal_steps(self.KIND, self.record.state)
        moves = " · ".join(f"{keys.step(self.SCOPE, s.key)} {s.title.lower()}" for s in steps)
        if self.editable:
            text = keys.fill("{lines.add} add · enter edit · {lines.remove} remove · * price typed")
        else:
            text = f"{self.record.state}: lines locked"
        hint.update(Text(text + (f"   {moves}" if moves else ""), style="dim"))
        self.query_one("#doc-totals", Static).update(self._totals())

    def _totals(self) -> Table:
        row = self.record
        grid = Table.grid(padding=(0, 2))
        grid.add_column(justify="right", style="dim")
        grid.add_column(justify="right")
        grid.add_row("Subtotal", display.money(row.subtotal))
        if row.discount_total:
            label = display.discount(row.discount_amount, row.discount_percent)
            grid.add_row(f"Discount {label}", "−" + display.money(row.discount_total))
        grid.add_row("Tax", display.money(row.tax_total))
        grid.add_row(
            Text("Total", style="bold"),
            Text(display.money(row.total_amount, row.currency), style="bold"),
        )
        return grid

    def _current_line(self) -> dict | None:
        self.ready_tab("lines")
        return self.query_one("#doc-lines", LineTable).current

    def _locked(self) -> bool:
        if self.editable:
            return False
        self.notify(
            f"This {self.KIND} is {self.record.state}: its lines cannot change.", severity="warning"
        )
        return True

    def action_add_line(self) -> None:
        from crm_tui.screens.sales.line_modal import LineModal

        if not self._locked():
            self.app.push_screen(LineModal(self.KIND, self.record), self._after_line)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id != "doc-lines":
            return
        from crm_tui.screens.sales.line_modal import LineModal

        line = self._current_line()
        if line is not None and not self._locked():
            self.app.push_screen(LineModal(self.KIND, self.record, line), self._after_line)

    def _after_line(self, result) -> None:
        if result:
            self.refresh_data()
            self.switch_tab("lines")

    def action_remove_line(self) -> None:
        line = self._current_line()
        if line is None or self._locked():
            return

        confirm_then(
            self,
            Text.assemble(
                "Remove line ",
                (str(line["line_number"]), "bold"),
                ": ",
                safe_line(line["label"]),
                "?",
            ),  # fmt: skip
            lambda: lines.remove_line(self.KIND, self.record_id, self.record.version, line["id"]),
        )

    # --- state changes ------------------------------------------------------------------

    def action_step(self, key: str) -> None:
        steps = [s for s in legal_steps(self.KIND, self.record.state) if s.key == key]
        if not steps:
            self.explain("step", (key,))
            return
        steps[0].run(self, self.KIND, self.record, self._after_step)

    def _after_step(self, result) -> None:
        if not result:
            return
        other = KIND_OF.get(type(result))
        if other is not None and (other != self.KIND or result.id != self.record_id):
            # a win made an order, an order made an invoice, a revise made a draft
            offer = None
            if self.KIND == "quote" and isinstance(result, SalesOrder):
                offer = self._close_offer(result)
            self.app.switch_screen(routes.detail_screen(self.app, other, result.id))
            if offer is not None:
                self.app.call_after_refresh(offer)
            return
        self.refresh_data()

    def _close_offer(self, order):
        """A won quote usually wins its deal: a step that offers to close the
        opportunity as won with the order's total (as Dynamics asks), or None."""
        opportunity_id = self.record.opportunity_id
        if not opportunity_id:
            return None
        deal = opportunities.get(opportunity_id)
        if deal.state != "open":
            return None
        app = self.app
        number = self.SERVICE.display_number(self.record)

        def close() -> None:
            current = opportunities.get(opportunity_id)
            opportunities.close_won(
                opportunity_id,
                current.version,
                actual_revenue=money.plain(order.total_amount),
                description=f"Won with {number}",
            )

        def answer(yes: bool) -> None:
            # the order's screen has replaced this one: the app's screen reports
            if yes:
                direct(
                    app.screen,
                    close,
                    Text.assemble(safe_line(deal.name), " closed as won."),
                    lambda _: None,
                )

        def offer() -> None:
            app.push_screen(
                ConfirmModal(
                    Text.assemble("Close ", safe_line(deal.name, "bold"), " as won too?"),
                    f"Actual revenue {display.money(order.total_amount, order.currency)}, today.",
                ),
                answer,
            )

        return offer

    def action_print_document(self) -> None:
        from crm_tui.screens.sales.document_print import print_document

        print_document(self, self.KIND, self.record)

    def action_email_document(self) -> None:
        from crm_tui.screens.sales.document_print import email_document

        email_document(self, self.KIND, self.record)

    def action_toggle_active(self) -> None:
        self.notify(f"State changes here: {self.state_steps() or 'none, it is final'}.")

    def edit_screen(self):
        from crm_tui.screens.sales.document_form import DocumentFormScreen

        return DocumentFormScreen(self.KIND, self.record_id)

    def action_edit(self) -> None:
        if not self.editable:
            self.explain("edit")
            return
        super().action_edit()

    def record_actions(self):
        actions = []
        if self.editable:
            actions += [
                (
                    f"Edit this {self.KIND}",
                    keys.fill("Customer, price list, discount ({detail.edit})"),
                    self.action_edit,
                ),
                (
                    "Add a line",
                    keys.fill("Product or write-in ({lines.add})"),
                    self.action_add_line,
                ),
            ]
            if self._lines:
                actions.append(
                    (
                        "Remove the highlighted line",
                        keys.fill("({lines.remove})"),
                        self.action_remove_line,
                    )
                )
        actions.append(
            (
                "Log an activity",
                keys.fill("Regarding this document ({detail.activity})"),
                self.action_log_activity,
            )
        )
        if self.record is not None:
            for step in legal_steps(self.KIND, self.record.state):
                actions.append(
                    (
                        f"{step.title} this {self.KIND}",
                        f"{step.help} ({keys.step(self.SCOPE, step.key)})",
                        keyed("step", lambda s=step: self.action_step(s.key)),
                    )
                )
        return actions
