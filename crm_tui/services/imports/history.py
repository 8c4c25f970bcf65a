"""Imports done, and undoing one: the records an import created are removed
and the fields it updated are put back as they were, unless the record was
changed since (or, for a record it created, something now refers to it):
those are kept and listed, never overwritten. Every removal and restore is
audited like any other change."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from peewee import IntegrityError

from crm_tui import meta
from crm_tui.db import database, dict_rows, write
from crm_tui.errors import CrmError, NotFound, PermissionDenied
from crm_tui.models.base import from_db_time, to_db_time, utcnow
from crm_tui.services import records, search, session

BATCH = 250


@dataclass(frozen=True)
class ImportRun:
    """One import as recorded."""

    id: int
    kind: str
    file_name: str
    map_name: str
    mode: str
    match_key: str
    user: str
    state: str
    counts: dict
    started_at: str
    finished_at: str | None
    reverted_at: str | None


@dataclass
class Reverted:
    """What undoing an import did: records removed, records put back, and
    the records kept with why."""

    removed: int = 0
    restored: int = 0
    kept: list[tuple[str, int, str, str]] = field(default_factory=list)  # kind, id, title, why


_COLUMNS = (
    "r.id, r.kind, r.file_name, r.map_name, r.mode, r.match_key, u.full_name AS user, r.state, "
    "r.counts, r.started_at, r.finished_at, r.reverted_at"
)


def _run(row: dict) -> ImportRun:
    return ImportRun(**{**row, "counts": json.loads(row["counts"] or "{}")})


def recent(limit: int = 50) -> list[ImportRun]:
    """The latest imports: the person's own; an admin sees everyone's."""
    me = session.current_user()
    mine = "" if me.role == "admin" else f" WHERE r.user_id = {int(me.id)}"
    rows = dict_rows(
        f'SELECT {_COLUMNS} FROM import_run r JOIN "user" u ON u.id = r.user_id{mine} '
        "ORDER BY r.id DESC LIMIT ?",
        (limit,),
    )
    return [_run(r) for r in rows]


def get(import_id: int) -> ImportRun:
    """One import; NotFound when there is none the person may see."""
    rows = dict_rows(
        f'SELECT {_COLUMNS}, r.user_id FROM import_run r JOIN "user" u ON u.id = r.user_id '
        "WHERE r.id = ?",
        (import_id,),
    )
    me = session.current_user()
    if not rows or (rows[0]["user_id"] != me.id and me.role != "admin"):
        raise NotFound(f"there is no import #{import_id} of yours")
    rows[0].pop("user_id")
    return _run(rows[0])


# A run still "running" that wrote nothing for this long was cut short (its
# process was killed, the machine stopped): what it wrote can be reverted.
ABANDONED_AFTER = dt.timedelta(minutes=2)


def _abandoned(run: ImportRun) -> bool:
    last = run.finished_at or run.started_at  # a running import's last batch
    return utcnow() - from_db_time(last) > ABANDONED_AFTER


def _referrers(kind: str) -> list[tuple[str, str, str]]:
    """(table, column, extra condition) of what may point at a `kind` record."""
    out = []
    for other in meta.kinds():
        table = other.model._meta.table_name
        for attribute in other.attributes:
            if attribute.type is meta.AttributeType.LOOKUP and attribute.target == kind:
                out.append((table, attribute.key, ""))
    if meta.kind(kind).regardable:
        out.append(("activity", "regarding_id", f"regarding_type = '{kind}'"))
        out.append(("note", "regarding_id", f"regarding_type = '{kind}'"))
    return out


def _referred(kind: str, record_id: int) -> str:
    """What refers to the record, in words ("" for nothing)."""
    for table, column, extra in _referrers(kind):
        condition = f" AND {extra}" if extra else ""
        found = database.execute_sql(
            f'SELECT 1 FROM "{table}" WHERE "{column}" = ?{condition} LIMIT 1', (record_id,)
        ).fetchone()
        if found:
            return f"other records refer to it ({table.replace('_', ' ')})"
    return ""


def _maybe_referred(kind: str, ids: list[int]) -> set[int]:
    """Of `ids`, those something may refer to: one statement per referring
    column for the whole batch (some columns have no index, and a table read
    per record would take hours on a large database). Each is looked at
    again, alone, when its turn comes: the batch's own removals may free it."""
    if not ids:
        return set()
    marks = ", ".join("?" * len(ids))
    out: set[int] = set()
    for table, column, extra in _referrers(kind):
        condition = f" AND {extra}" if extra else ""
        rows = database.execute_sql(
            f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IN ({marks}){condition}',
            ids,
        ).fetchall()
        out.update(r[0] for r in rows)
    return out


def _as_left(kind: str, record_id: int, version: int, gone: str):
    """(the record, "") when it is as the import left it, else (None, why)."""
    row = records.by_id(meta.kind(kind).model, record_id)
    if row is None:
        return None, gone
    if row.version != version:
        return None, "changed since the import"
    return row, ""


def _remove(kind: str, record_id: int, version: int, maybe_referred: bool = True) -> str:
    """Delete a record the import created; "" when done, else why it is kept."""
    row, why = _as_left(kind, record_id, version, "already deleted")
    if not why and maybe_referred:
        why = _referred(kind, record_id)
    if why:
        return why
    model = row.__class__
    stored = records.stored_values(row, [n for n in model._meta.fields if n != "id"])
    records.audit(kind, record_id, "delete",
                  {k: (v, None) for k, v in stored.items() if v not in (None, "")})  # fmt: skip
    model.delete().where(model.id == record_id).execute()
    if kind in search.indexed_kinds():
        search.index(kind, record_id)  # the record is gone: its index entry goes
    return ""


def _restore(kind: str, record_id: int, version: int, before: dict) -> str:
    """Put back the fields an import updated; "" when done, else why kept."""
    _, why = _as_left(kind, record_id, version, "deleted since the import")
    if why:
        return why
    records.update_versioned(kind, record_id, version, before, action="revert")
    if kind in search.indexed_kinds():
        search.index(kind, record_id)
    return ""


def revert(import_id: int) -> Reverted:
    """Undo import `import_id` (the person's own; an admin's may be anyone's):
    its created records removed and its updates put back, newest first, in
    short transactions. Records changed since, or that others now refer to,
    are kept and listed in the result."""
    run = get(import_id)
    if run.state == "reverted":
        raise CrmError(f"import #{import_id} was already reverted")
    if run.state == "running" and not _abandoned(run):
        raise CrmError(f"import #{import_id} is still running")
    done = Reverted()
    after = None
    while True:
        where = "" if after is None else " AND seq < ?"
        batch = dict_rows(
            "SELECT seq, record_type, record_id, action, version, before FROM import_record "
            f"WHERE import_id = ?{where} ORDER BY seq DESC LIMIT ?",
            (import_id, *([] if after is None else [after]), BATCH),
        )
        if not batch:
            break
        created: dict[str, list[int]] = {}
        for entry in batch:
            if entry["action"] == "create":
                created.setdefault(entry["record_type"], []).append(entry["record_id"])
        referred = {kind: _maybe_referred(kind, ids) for kind, ids in created.items()}
        with write():
            for entry in batch:
                done_one = _undo(entry, done, entry["record_id"] in referred.get(
                    entry["record_type"], ()))  # fmt: skip
                if done_one:
                    database.execute_sql(
                        "DELETE FROM import_record WHERE import_id = ? AND seq = ?",
                        (import_id, entry["seq"]),
                    )
        after = batch[-1]["seq"]
    with write():
        database.execute_sql(
            "UPDATE import_run SET state = 'reverted', reverted_at = ? WHERE id = ?",
            (to_db_time(utcnow()), import_id),
        )
    return done


def _undo(entry: dict, done: Reverted, maybe_referred: bool) -> bool:
    kind, record_id = entry["record_type"], entry["record_id"]
    try:
        with write():
            if entry["action"] == "create":
                why = _remove(kind, record_id, entry["version"], maybe_referred)
            else:
                why = _restore(kind, record_id, entry["version"], json.loads(entry["before"]))
    except IntegrityError:  # a reference the metadata does not describe (a quote's line)
        why = "other records refer to it"
    except (PermissionDenied, CrmError) as exc:
        why = str(exc)
    if why:
        title = records.title_of(kind, record_id) if why != "already deleted" else ""
        done.kept.append((kind, record_id, title, why))
        return why == "already deleted"
    if entry["action"] == "create":
        done.removed += 1
    else:
        done.restored += 1
    return True
