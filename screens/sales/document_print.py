"""A quote, order or invoice printed from its page: P writes its PDF to a
new file, M emails it to the customer with the PDF attached (queued for
the sender like any email)."""

from __future__ import annotations

from rich.text import Text

from crm_tui import printing
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.services import numbers, records
from crm_tui.text import safe_line
from crm_tui.widgets.record_form import FieldSpec

TITLES = {"quote": "Quote", "order": "Order", "invoice": "Invoice"}


def _title(kind: str, record) -> str:
    return f"{TITLES[kind]} {numbers.display_number(record)}"


def print_document(screen, kind: str, record) -> None:
    """Ask where the PDF goes, write it, and say where it went."""
    title = _title(kind, record)
    spec = FieldSpec("file", "File", placeholder="~/ or ~/quotes/acme.pdf", required=True)

    def done(result) -> None:
        if result:
            path, said = result
            screen.notify(Text.assemble("Printed to ", safe_line(path)))
            for line in said:
                screen.notify(line, severity="warning", timeout=10)

    screen.app.push_screen(
        form_modal(screen.app, Text.assemble(("Print ", "bold"), (title, "bold")), [spec],
                   lambda typed: printing.to_file(kind, record.id, typed["file"] or ""),
                   values={"file": f"~/{printing.file_name(title)}"}, save_label="print"),
        done,
    )  # fmt: skip


def email_document(screen, kind: str, record) -> None:
    """Ask to whom (the document's contact, by default) and send the PDF."""
    title = _title(kind, record)
    address = ""
    if record.contact_id:
        contact = records.require("contact", record.contact_id)
        address = contact.email or ""
    specs = [
        FieldSpec("to", "To", placeholder="name@example.com", required=True),
        FieldSpec("subject", "Subject"),
        FieldSpec("body", "Message", "multiline"),
    ]
    values = {"to": address, "subject": title,
              "body": f"Please find attached {title}.\n"}  # fmt: skip
    screen.app.push_screen(
        form_modal(screen.app, Text.assemble(("Email ", "bold"), (title, "bold")), specs,
                   lambda typed: printing.email(kind, record.id, typed["to"] or "",
                                                typed["subject"] or "", typed["body"] or ""),
                   values=values, save_label="send",
                   intro="The PDF goes with it; the mail sender (crm-tui send) sends it."),
        lambda sent: sent and screen.notify(f"{title} is queued to be sent."),
    )  # fmt: skip
