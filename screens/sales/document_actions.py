"""The state changes of quotes, orders and invoices, as data: which key and
what it asks for. When a step is legal is the key's need (crm_tui/keys/needs.py:
a transition of the kind's state machine), so the footer, the palette, the
list and the detail agree on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.screen import Screen

from crm_tui import keys, meta
from crm_tui.screens.common.calls import Done, confirm_then, direct
from crm_tui.screens.common.date_field import date_spec, shown
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.services import dates, money
from crm_tui.services.sales import invoices, orders, quotes
from crm_tui.text import safe_line
from crm_tui.widgets.record_form import FieldSpec

SERVICES = {"quote": quotes, "order": orders, "invoice": invoices}


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    help: str
    run: Callable[[Screen, str, object, Done], None]


def _direct(call: Callable, done_text: str):
    """A step that needs no answers: call the service, report, refresh."""

    def run(screen: Screen, kind: str, row, done: Done) -> None:
        direct(screen, lambda: call(row.id, row.version), done_text, done)

    return run


def _confirmed(verb: str, call: Callable, done_text: str, detail: str):
    """A step that cannot be undone: ask first, naming the document."""

    def run(screen: Screen, kind: str, row, done: Done) -> None:
        number = SERVICES[kind].display_number(row)
        confirm_then(
            screen,
            Text.assemble(f"{verb} ", safe_line(number, "bold"), " ", safe_line(row.name), "?"),
            lambda: call(row.id, row.version),
            detail=detail,
            done_text=done_text,
            done=done,
        )

    return run


def _ask(title: str, specs: list[FieldSpec], values: dict, call: Callable, save: str, intro=""):
    """A step that asks for fields first (in a form modal)."""

    def run(screen: Screen, kind: str, row, done: Done) -> None:
        number = SERVICES[kind].display_number(row)
        heading = Text.assemble(
            (f"{title} ", "bold"), safe_line(number, "bold"), " ", safe_line(row.name)
        )
        screen.app.push_screen(
            form_modal(
                screen.app,
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
    return shown(dates.today())


QUOTE_CLOSE_REASONS = [("Lost", "lost"), ("Canceled", "canceled")]
PAYMENT_FIELDS = [
    FieldSpec("amount", "Amount paid", placeholder="empty: in full"),
    date_spec("paid_on", "Date paid", past=True, empty="today"),
    FieldSpec(
        "payment_method",
        "Method",
        "select",
        [(label, code) for code, label in invoices.PAYMENT_METHODS.items()],
    ),
    FieldSpec("payment_reference", "Reference", placeholder="cheque no., transfer reference"),
]

STEPS: dict[str, list[Step]] = {
    "quote": [
        Step("A", "Activate", "Lock the prices; ready to send",
             _direct(quotes.activate, "Quote activated: prices are locked.")),
        Step("V", "Revise", "A new draft, revision + 1; this one closes as revised",
             _direct(quotes.revise, "Revised: a new draft revision is open.")),
        Step("w", "Win", "Close as won and create the order",
             _ask("Win", [date_spec("close_date", "Close date", past=True, empty="today"),
                          FieldSpec("description", "Notes", "multiline")],
                  lambda row: {"close_date": _today(), "description": ""},
                  lambda row, v: quotes.win(row.id, row.version, close_date=v["close_date"] or None,
                                            description=v["description"]),
                  "win", "Writes a quote-close activity and creates the order.")),
        Step("X", "Close", "Close as lost or canceled",
             _ask("Close", [FieldSpec("reason", "Reason", "select", QUOTE_CLOSE_REASONS),
                            FieldSpec("description", "Notes", "multiline")],
                  {"reason": "lost", "description": ""},
                  lambda row, v: quotes.close(row.id, row.version, v["reason"],
                                              description=v["description"]),
                  "close")),
    ],
    "order": [
        Step("u", "Submit", "Send the order for fulfilment",
             _direct(orders.submit, "Order submitted.")),
        Step("f", "Fulfil", "Mark the order fulfilled (complete or partial)",
             _ask("Fulfil", [FieldSpec("partial", "Fulfilled", "select",
                                       [("Complete", False), ("Partial", True)]),
                             date_spec("on", "On", past=True, empty="today")],
                  lambda row: {"partial": False, "on": _today()},
                  lambda row, v: orders.fulfil(row.id, row.version, partial=v["partial"],
                                               on=v["on"] or None),
                  "fulfil")),
        Step("I", "Invoice", "Create the invoice from this fulfilled order",
             _direct(orders.create_invoice, "Invoice created.")),
        Step("X", "Cancel", "Cancel the order",
             _ask("Cancel", [FieldSpec("description", "Why", "multiline")], {"description": ""},
                  lambda row, v: orders.cancel(row.id, row.version, description=v["description"]),
                  "cancel order", "Writes an order-close activity.")),
    ],
    "invoice": [
        Step("B", "Mark billed", "The invoice has been sent",
             _direct(invoices.mark_billed, "Invoice marked billed.")),
        Step("p", "Record payment", "Paid in full, or a partial amount",
             _ask("Payment for", PAYMENT_FIELDS,
                  lambda row: {"amount": money.plain(row.total_amount), "paid_on": _today(),
                               "payment_method": "bank_transfer", "payment_reference": ""},
                  lambda row, v: invoices.pay(row.id, row.version, amount=v["amount"] or None,
                                              paid_on=v["paid_on"] or None,
                                              method=v["payment_method"],
                                              reference=v["payment_reference"]),
                  "record payment", "Paid invoices are read-only.")),
        Step("X", "Cancel", "Cancel the invoice (read-only after)",
             _confirmed("Cancel", invoices.cancel, "Invoice canceled.",
                        "A canceled invoice is read-only and cannot be reopened.")),
    ],
}  # fmt: skip


def _transitions(step_key: str) -> tuple[str, ...]:
    """The transitions the key of a step performs, by its need."""
    for binding in keys.SCOPES["document_detail"]:
        if binding.action == f"step('{step_key}')":
            need = keys.need(binding.id)
            return need if isinstance(need, tuple) else ()
    return ()


def legal_steps(kind: str, state: str) -> list[Step]:
    legal = {t.name for t in meta.kind(kind).states.transitions_from(state)}
    return [step for step in STEPS[kind] if legal & set(_transitions(step.key))]
