"""Files an email activity carries (a printed document as a PDF): added by
whoever may add to the activity, read by the mail sender when it sends the
email."""

from __future__ import annotations

from crm_tui.db import dict_rows, write
from crm_tui.errors import ValidationError
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import access, records
from crm_tui.text import clean

MAX_BYTES = 20 * 1024 * 1024


def add(activity_id: int, name: str, mime: str, content: bytes) -> int:
    """Attach a file to an activity; returns the file's id."""
    activity = records.require("activity", activity_id)
    access.require("append", "activity", activity.owner_id)
    name = clean(name).strip().replace("/", "-")
    if not name:
        raise ValidationError({"file": "a file needs a name"})
    if len(content) > MAX_BYTES:
        raise ValidationError({"file": f"{name} is over {MAX_BYTES // (1024 * 1024)} MB"})
    with write():
        rows = dict_rows(
            "INSERT INTO activity_file (activity_id, name, mime, size, content, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [activity_id, name, mime, len(content), content, to_db_time(utcnow())],
        )
        records.audit("activity", activity_id, "file attached", {"file": (None, name)})
    return int(rows[0]["id"])


def files_of(activity_id: int) -> list[dict]:
    """The activity's files (id, name, mime, size), in the order attached."""
    return dict_rows(
        "SELECT id, name, mime, size FROM activity_file WHERE activity_id = ? ORDER BY id",
        [activity_id],
    )


def contents(activity_id: int) -> list[tuple[str, str, bytes]]:
    """(name, mime type, bytes) of each of the activity's files."""
    rows = dict_rows(
        "SELECT name, mime, content FROM activity_file WHERE activity_id = ? ORDER BY id",
        [activity_id],
    )
    return [(r["name"], r["mime"], bytes(r["content"])) for r in rows]
