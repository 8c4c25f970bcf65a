"""The subject tree knowledge articles are filed under ("Billing / Invoices")."""

from __future__ import annotations

from typing import TypedDict

from crm_tui import text
from crm_tui.db import database, dict_rows, write
from crm_tui.errors import ValidationError
from crm_tui.models import Subject
from crm_tui.services import records


class SubjectRow(TypedDict):
    """A subject of the tree."""

    id: int
    parent_id: int | None
    name: str
    path: str  # "Billing / Invoices"
    depth: int  # 0 at the top


def subjects() -> list[SubjectRow]:
    """The subject tree in path order: id, parent_id, name, path, depth."""
    rows = dict_rows("SELECT id, parent_id, name, path FROM subject ORDER BY path COLLATE NOCASE")
    for row in rows:
        row["depth"] = row["path"].count(" / ")
    return rows


def ensure_subject(path: str) -> int:
    """The id of the subject at `path` ("Billing / Invoices"; "/" also
    separates), creating it and its parents as needed."""
    parts = [text.clean(p).strip() for p in path.replace(" / ", "/").split("/")]
    parts = [p for p in parts if p]
    if not parts:
        raise ValidationError({"subject": "a subject needs a name"})
    parent = None
    with write():
        for depth in range(len(parts)):
            full = " / ".join(parts[: depth + 1])
            row = Subject.get_or_none(Subject.path == full)
            if row is None:
                parent = records.insert_row(
                    Subject, {"parent": parent, "name": parts[depth], "path": full}
                )
            else:
                parent = row.id
    return parent


def subject_ids_under(subject_id: int) -> list[int]:
    """The subject and every subject below it."""
    rows = database.execute_sql(
        "WITH RECURSIVE down(id) AS (SELECT CAST(? AS BIGINT) UNION SELECT s.id FROM subject s "
        "JOIN down ON s.parent_id = down.id) SELECT id FROM down",
        (subject_id,),
    ).fetchall()
    return [r[0] for r in rows]
