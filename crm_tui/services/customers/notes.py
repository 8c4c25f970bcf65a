"""Notes regarding any record, with an optional attachment stored in the database."""

from __future__ import annotations

import datetime as dt
import mimetypes
from pathlib import Path
from typing import TypedDict

from crm_tui.db import write
from crm_tui.errors import NotFound, ValidationError
from crm_tui.models import Note, User
from crm_tui.services import records, session
from crm_tui.services.validate import Checker

# Columns shown in lists: never the blob.
_LIST_FIELDS = (
    Note.id,
    Note.version,
    Note.subject,
    Note.body,
    Note.created_at,
    Note.owner,
    Note.attachment_name,
    Note.attachment_size,
    Note.attachment_mime,
)


class NoteRow(TypedDict):
    """A note as a record's notes list it (without the attachment's bytes)."""

    id: int
    version: int
    subject: str
    body: str
    created_at: dt.datetime
    owner: int  # the owner's id
    attachment_name: str | None
    attachment_size: int | None
    attachment_mime: str | None
    owner_name: str


def _check(data: dict, *, creating: bool) -> dict:
    c = Checker(data)
    c.text("subject", max_len=200)
    c.text("body", max_len=100_000, multiline=True)
    values = c.done()
    if (
        creating
        and not values.get("subject")
        and not values.get("body")
        and not data.get("attachment")
    ):
        raise ValidationError({"body": "a note needs a subject, some text or an attachment"})
    return values


def _attachment(attachment: Path | str | tuple[str, bytes] | None) -> dict:
    if attachment is None:
        return {}
    if isinstance(attachment, tuple):
        name, payload = attachment
    else:
        path = Path(attachment).expanduser()
        if not path.is_file():
            raise ValidationError({"attachment": f"{path} is not a readable file"})
        limit = session.settings().attachment_max_bytes
        if path.stat().st_size > limit:
            raise ValidationError(
                {
                    "attachment": f"{path.name} is {path.stat().st_size:,} bytes; "
                    f"attachments are limited to {limit:,} bytes"
                }
            )
        name, payload = path.name, path.read_bytes()
    limit = session.settings().attachment_max_bytes
    if len(payload) > limit:
        raise ValidationError(
            {
                "attachment": f"{name} is {len(payload):,} bytes; "
                f"attachments are limited to {limit:,} bytes"
            }
        )
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return {
        "attachment_name": Path(name).name[:200],
        "attachment_mime": mime,
        "attachment_size": len(payload),
        "attachment": payload,
    }


def add(
    regarding: tuple[str, int],
    subject: str = "",
    body: str = "",
    attachment: Path | str | tuple[str, bytes] | None = None,
    at: dt.datetime | None = None,
) -> Note:
    """Add a note to a record; `attachment` is a file path or (name, bytes),
    refused above the configured size cap. `at` dates a note taken earlier."""
    values = _check({"subject": subject, "body": body, "attachment": attachment}, creating=True)
    values.update(_attachment(attachment))
    kind, record_id = regarding
    with write():
        records.require_regardable(kind, record_id)
        new_id = records.create(
            "note", {"regarding_type": kind, "regarding_id": int(record_id), **values}, at=at
        )
    return get(new_id)


def get(note_id: int) -> Note:
    row = (
        Note.select(*_LIST_FIELDS, Note.regarding_type, Note.regarding_id)
        .where(Note.id == note_id)
        .first()
    )
    if row is None:
        raise NotFound(f"note #{note_id} does not exist (it may have been deleted)")
    return records.readable("note", row)


def update(note_id: int, version: int, subject: str, body: str) -> Note:
    """Edit a note's text; ConflictError if someone saved it meanwhile."""
    values = _check({"subject": subject, "body": body}, creating=False)
    with write():
        records.update_versioned("note", note_id, version, values)
    return get(note_id)


def delete(note_id: int, version: int) -> None:
    """Delete a note (the audit trail keeps what it said)."""
    with write():
        row = Note.get_or_none(Note.id == note_id)
        if row is None:
            raise NotFound("this note no longer exists")
        if row.version != version:
            records.update_versioned("note", note_id, version, {})  # raises ConflictError
        records.audit(
            "note",
            note_id,
            "delete",
            {
                "subject": (row.subject, None),
                "body": (row.body, None),
                "regarding": (f"{row.regarding_type}#{row.regarding_id}", None),
            },
        )
        Note.delete().where(Note.id == note_id).execute()


def list_for(regarding: tuple[str, int], limit: int = 200) -> list[NoteRow]:
    """Notes on a record, newest first, with the owner's name as `owner_name`
    and without attachment contents."""
    q = (
        Note.select(*_LIST_FIELDS, User.full_name.alias("owner_name"))
        .join(User, on=(Note.owner == User.id))
        .where((Note.regarding_type == regarding[0]) & (Note.regarding_id == regarding[1]))
        .order_by(Note.created_at.desc(), Note.id.desc())
        .limit(limit)
    )
    return list(q.dicts())


def save_attachment(note_id: int, dest: Path | str) -> Path:
    """Write a note's attachment to `dest` (a folder or a file path)."""
    row = Note.select(Note.attachment_name, Note.attachment).where(Note.id == note_id).first()
    if row is None or row.attachment is None:
        raise NotFound("this note has no attachment")
    dest = Path(dest).expanduser()
    if dest.is_dir():
        dest = dest / row.attachment_name
    return write_new_file(dest, bytes(row.attachment))


def write_new_file(dest: Path, payload: bytes) -> Path:
    """Write `payload` to `dest`, which must not exist; a folder that is not
    there or may not be written is a ValidationError saying so."""
    if dest.exists():
        raise ValidationError({"dest": f"{dest} exists; choose another name"})
    try:
        with dest.open("xb") as out:
            out.write(payload)
    except OSError as exc:
        raise ValidationError({"dest": f"{dest} cannot be written: {exc.strerror}"}) from None
    return dest
