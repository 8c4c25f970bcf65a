"""What a printed quote, order or invoice says: the company (config.toml's
[documents]), the customer and their address, the document's number,
dates and state, its lines and totals written exactly as its page in the
app writes them (the same display functions), its description and the
terms."""

from __future__ import annotations

from dataclasses import dataclass, field

from crm_tui import display
from crm_tui.errors import NotFound, ValidationError
from crm_tui.services import numbers, records, session
from crm_tui.services.sales import documents, lines

TITLES = {"quote": "Quote", "order": "Order", "invoice": "Invoice"}
_TABLES = {"quote": "quote", "order": "sales_order", "invoice": "invoice"}


@dataclass
class Printed:
    kind: str
    title: str  # "Quote QUO-00001-R2"
    name: str
    company: str
    company_lines: list[str]
    logo_text: str
    customer: list[str]  # the account, the contact, the address
    facts: list[tuple[str, str]]  # date, valid until, due, state, currency ...
    lines: list[tuple[str, ...]]  # #, product, qty, unit price, discount, tax, amount
    totals: list[tuple[str, str, bool]]  # label, amount, bold
    description: str = ""
    terms: str = ""
    notes: list[str] = field(default_factory=list)


def find(kind: str, typed: str) -> int:
    """The id of the document numbered `typed` (QUO-00001-R2, QUO-00001 for
    its latest revision, ORD-00001, INV-00001) or given as #id."""
    if kind not in TITLES:
        raise ValidationError({"kind": f"print a quote, an order or an invoice, not {kind!r}"})
    typed = typed.strip()
    if typed.startswith("#") and typed[1:].isdigit():
        return documents.get(kind, int(typed[1:])).id
    number, revision = typed.upper(), None
    if kind == "quote" and "-R" in number[4:]:
        number, _, tail = number.rpartition("-R")
        revision = int(tail) if tail.isdigit() else None
    from crm_tui.db import dict_rows

    where, params = "number = ?", [number]
    if revision is not None:
        where, params = where + " AND revision = ?", [number, revision]
    order = "revision DESC" if kind == "quote" else "id"
    rows = dict_rows(
        f'SELECT id FROM "{_TABLES[kind]}" WHERE {where} ORDER BY {order} LIMIT 1', params
    )
    if not rows:
        raise NotFound(f"there is no {kind} {typed!r}")
    return documents.get(kind, int(rows[0]["id"])).id  # the person may read it


def _address(account) -> list[str]:
    if account is None:
        return []
    city = " ".join(p for p in (account.postal_code, account.city) if p)
    return [p for p in (account.street, city, account.state_province, account.country) if p]


def gather(kind: str, record_id: int) -> Printed:
    """Everything the printed document says, as text."""
    row = documents.get(kind, record_id)
    settings = session.settings().documents
    account = records.require("account", row.account_id) if row.account_id else None
    customer = [account.name] if account else []
    if row.contact_id:
        customer.append(records.title_of("contact", row.contact_id))
    customer += _address(account)
    facts = [("Date", display.day(display.local(row.created_at).date()))]
    if kind == "quote":
        if row.effective_from:
            facts.append(("Valid from", display.day(row.effective_from)))
        if row.effective_to:
            facts.append(("Valid until", display.day(row.effective_to)))
    if kind == "order" and row.requested_by:
        facts.append(("Requested by", display.day(row.requested_by)))
    if kind == "invoice":
        if row.due_date:
            facts.append(("Due", display.day(row.due_date)))
        if row.paid_amount:
            facts.append(("Paid", display.money(row.paid_amount, row.currency)))
    facts += [("Status", documents.state_label(row)), ("Currency", row.currency)]
    printed_lines = []
    for line in lines.lines_of(kind, record_id):
        product = line["label"]
        if line.get("product_number"):
            product = f"{line['product_number']} {product}"
        printed_lines.append((
            str(line["line_number"]), product, str(line["quantity"]),
            display.money(line["unit_price"]),
            display.discount(line["discount_amount"], line["discount_percent"]),
            display.tax(line["tax_percent"]), display.money(line["extended_amount"]),
        ))  # fmt: skip
    totals = [("Subtotal", display.money(row.subtotal), False)]
    if row.discount_total:
        label = display.discount(row.discount_amount, row.discount_percent)
        totals.append((f"Discount {label}", "−" + display.money(row.discount_total), False))
    totals += [
        ("Tax", display.money(row.tax_total), False),
        ("Total", display.money(row.total_amount, row.currency), True),
    ]
    company_lines = [x for x in (settings.get("address") or "").splitlines() if x.strip()]
    return Printed(
        kind=kind,
        title=f"{TITLES[kind]} {numbers.display_number(row)}",
        name=row.name,
        company=settings.get("company", ""),
        company_lines=company_lines,
        logo_text=settings.get("logo_text", ""),
        customer=customer,
        facts=facts,
        lines=printed_lines,
        totals=totals,
        description=row.description or "",
        terms=settings.get("terms", ""),
    )
