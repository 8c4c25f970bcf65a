"""The state changes of quotes, orders and invoices, as data: which key,
when it is legal, and what it asks for. The detail screen and the list use
the same table, so the palette only ever offers legal transitions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.screen import Screen

from crm_tui.screens.common.calls import Done, direct
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.services import dates, money
from crm_tui.services.sales import invoices, orders, quotes
from crm_tui.text import safe_line
from crm_tui.widgets.record_form import FieldSpec

SERVICES = {"quote": quotes, "order": orders, "invoice": invoices}
# Lines can change only in these states (the services refuse otherwise).
EDITABLE = {"quote": "draft", "order": "active", "invoice": "active"}


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    help: str
    states: tuple[str, ...]
    run: Callable[[Screen, str, object, Done], None]


def _direct(call: Callable, done_text: str):
    """A step that needs no answers: call the service, report, refresh."""

    def run(screen: Screen, kind: str, row, done: Done) -> None:
        direct(screen, lambda: call(row.id, row.version), done_text, done)

    return run


def _ask(title: str, specs: list[FieldSpec], values: dict, call: Callable, save: str, intro=""):
    """A step that asks for fields first (in a FormModal)."""

    def run(screen: Screen, kind: str, row, done: Done) -> None:
        number = SERVICES[kind].display_number(row)
        heading = Text.assemble(
            (f"{title} ", "bold"), safe_line(number, "bold"), " ", safe_line(row.name)
        )
        screen.app.push_screen(
            FormModal(
                heading,
                specs,
                lambda typed: call(row, typed),
                values=values if not callable(values) else values(row),
                intro=intro,
                save_label=save,
            ),
            done,
        )

    return run


def _today() -> str:
    return dates.today().isoformat()


QUOTE_CLOSE_REASONS = [("Lost", "lost"), ("Canceled", "canceled")]

STEPS: dict[str, list[Step]] = {
    "quote": [
        Step("A", "Activate", "Lock the prices; ready to send", ("draft",),
             _direct(quotes.activate, "Quote activated: prices are locked.")),
        Step("V", "Revise", "A new draft, revision + 1; this one closes as revised", ("active",),
             _direct(quotes.revise, "Revised: a new draft revision is open.")),
        Step("w", "Win", "Close as won and create the order", ("active",),
             _ask("Win", [FieldSpec("close_date", "Close date", placeholder="YYYY-MM-DD"),
                          FieldSpec("description", "Notes", "multiline")],
                  lambda row: {"close_date": _today(), "description": ""},
                  lambda row, v: quotes.win(row.id, row.version, close_date=v["close_date"] or None,
                                            description=v["description"]),
                  "win", "Writes a quote-close activity and creates the order.")),
        Step("X", "Close", "Close as lost or canceled", ("draft", "active"),
             _ask("Close", [FieldSpec("reason", "Reason", "select", QUOTE_CLOSE_REASONS),
                            FieldSpec("description", "Notes", "multiline")],
                  {"reason": "lost", "description": ""},
                  lambda row, v: quotes.close(row.id, row.version, v["reason"],
                                              description=v["description"]),
                  "close")),
    ],
    "order": [
        Step("u", "Submit", "Send the order for fulfilment", ("active",),
             _direct(orders.submit, "Order submitted.")),
        Step("f", "Fulfil", "Mark the order fulfilled (complete or partial)", ("submitted",),
             _ask("Fulfil", [FieldSpec("partial", "Fulfilled", "select",
                                       [("Complete", False), ("Partial", True)]),
                             FieldSpec("on", "On", placeholder="YYYY-MM-DD")],
                  lambda row: {"partial": False, "on": _today()},
                  lambda row, v: orders.fulfil(row.id, row.version, partial=v["partial"],
                                               on=v["on"] or None),
                  "fulfil")),
        Step("I", "Invoice", "Create the invoice from this fulfilled order", ("fulfilled",),
             _direct(orders.create_invoice, "Invoice created.")),
        Step("X", "Cancel", "Cancel the order", ("active", "submitted"),
             _ask("Cancel", [FieldSpec("description", "Why", "multiline")], {"description": ""},
                  lambda row, v: orders.cancel(row.id, row.version, description=v["description"]),
                  "cancel order", "Writes an order-close activity.")),
    ],
    "invoice": [
        Step("B", "Mark billed", "The invoice has been sent", ("active",),
             _direct(invoices.mark_billed, "Invoice marked billed.")),
        Step("p", "Record payment", "Paid in full, or a partial amount", ("active",),
             _ask("Payment for", [FieldSpec("amount", "Amount paid", placeholder="empty: in full")],
                  lambda row: {"amount": money.plain(row.total_amount)},
                  lambda row, v: invoices.pay(row.id, row.version, amount=v["amount"] or None),
                  "record payment", "Paid invoices are read-only.")),
        Step("X", "Cancel", "Cancel the invoice (read-only after)", ("active",),
             _direct(invoices.cancel, "Invoice canceled.")),
    ],
}  # fmt: skip


def legal_steps(kind: str, state: str) -> list[Step]:
    return [step for step in STEPS[kind] if state in step.states]
