"""Quotes, orders and invoices printed: what a document says (document.py)
laid out as a PDF (pdf.py), written to a new file or sent as an email's
attachment."""

from __future__ import annotations

from crm_tui.errors import ValidationError
from crm_tui.services import session


def pdf_of(kind: str, record_id: int) -> tuple[str, bytes, list[str]]:
    """(the document's title, its PDF, what could not be printed as asked)."""
    from crm_tui.printing import document, pdf

    printed = document.gather(kind, record_id)
    content, said = pdf.render(printed, session.settings().documents)
    return printed.title, content, said


def file_name(title: str) -> str:
    """A file name for the document's PDF: Quote-QUO-00001-R2.pdf."""
    return "-".join(title.split()) + ".pdf"


def to_file(kind: str, record_id: int, typed_path: str) -> tuple[str, list[str]]:
    """Write the document's PDF to a new file at `typed_path` (a folder: a
    file named for the document in it), readable by its owner alone; never
    over an existing file. Returns (the path, what could not be printed)."""
    from crm_tui.services import new_files

    path = new_files.path_of(typed_path)
    title, content, said = pdf_of(kind, record_id)
    if path.is_dir():
        path = path / file_name(title)
    with new_files.owner_only(path, binary=True) as out:
        out.write(content)
    return str(path), said


def email(kind: str, record_id: int, to: str, subject: str, body: str) -> int:
    """Log an email regarding the document to `to`, with its PDF attached,
    and queue it to be sent, in one transaction (nothing is kept when it
    cannot be queued). Returns the email activity's id."""
    from crm_tui.db import write
    from crm_tui.services.customers import activities, activity_files
    from crm_tui.services.marketing.mail import queue
    from crm_tui.services.sales import documents

    address = to.strip()
    if "@" not in address:
        raise ValidationError({"to": "an email address to send it to"})
    row = documents.get(kind, record_id)
    title, content, _ = pdf_of(kind, record_id)
    party = ("contact", row.contact_id) if row.contact_id else (None, None)
    with write():
        activity = activities.log(
            "email", subject.strip() or title, regarding=(kind, record_id), description=body,
            direction="outgoing", state="open",
            parties=[("to", party[0] or "", party[1], address)],
        )  # fmt: skip
        activity_files.add(activity.id, file_name(title), "application/pdf", content)
        queue.send_activity(activity.id)
    return activity.id
