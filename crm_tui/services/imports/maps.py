"""Column maps saved under a name (Dynamics' data maps): which column fills
which field, with the mode, key and answers that went with it, to import
the same kind of file again from the screen or with `--map NAME`. A map is
everyone's to use; its owner or an admin replaces it by saving under its name."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from crm_tui import meta, text
from crm_tui.db import database, dict_rows, write
from crm_tui.errors import NotFound, PermissionDenied, ValidationError
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import session
from crm_tui.services.imports import mapping
from crm_tui.services.imports.plan import Options

NAME_LIMIT = 60


@dataclass(frozen=True)
class SavedMap:
    """A saved map: header -> field (None: not imported), and its options."""

    id: int
    kind: str
    name: str
    columns: dict[str, str | None]
    options: Options
    owner: str


def _saved(row: dict) -> SavedMap:
    return SavedMap(
        row["id"], row["kind"], row["name"], json.loads(row["columns"]),
        Options(**json.loads(row["options"])), row["owner"],
    )  # fmt: skip


_SELECT = (
    "SELECT m.id, m.kind, m.name, m.columns, m.options, u.full_name AS owner, m.owner_id "
    'FROM import_map m JOIN "user" u ON u.id = m.owner_id'
)


def all_for(kind: str) -> list[SavedMap]:
    """The maps saved for importing `kind`, by name."""
    rows = dict_rows(f"{_SELECT} WHERE m.kind = ? ORDER BY m.name", (kind,))
    return [_saved(r) for r in rows]


def by_name(kind: str, name: str) -> SavedMap:
    """The map of `kind` called `name` (any case); NotFound names the maps there are."""
    for found in all_for(kind):
        if found.name.casefold() == name.strip().casefold():
            return found
    names = ", ".join(m.name for m in all_for(kind)) or "none yet"
    raise NotFound(f"no {kind} import map is called {name!r} (saved: {names})")


def save(kind: str, name: str, columns: dict[str, str | None], options: Options) -> SavedMap:
    """Save (or replace, when it is the person's own or they are an admin)
    the map `name` for `kind`; fields are checked against the metadata."""
    cleaned = text.clean(name).strip()
    if not cleaned:
        raise ValidationError({"name": "name the map"})
    if len(cleaned) > NAME_LIMIT or "[" in cleaned or "]" in cleaned:
        raise ValidationError({"name": f"a map's name is up to {NAME_LIMIT} characters, "
                               "without [ or ]"})  # fmt: skip
    known = {name for name, _ in mapping.choices(kind)}
    unknown = sorted({f for f in columns.values() if f and f not in known})
    if unknown:
        raise ValidationError({"columns": f"a {meta.kind(kind).label.lower()} has no field "
                               f"{', '.join(unknown)}"})  # fmt: skip
    me = session.current_user()
    now = to_db_time(utcnow())
    body = (json.dumps(columns, ensure_ascii=False), json.dumps(asdict(options)))
    with write():
        existing = dict_rows(
            "SELECT id, owner_id FROM import_map WHERE kind = ? AND name = ?", (kind, cleaned)
        )
        if existing:
            if existing[0]["owner_id"] != me.id and me.role != "admin":
                raise PermissionDenied(
                    f"the map {cleaned!r} is someone else's: choose another name"
                )
            database.execute_sql(
                "UPDATE import_map SET columns = ?, options = ?, modified_at = ? WHERE id = ?",
                (*body, now, existing[0]["id"]),
            )
        else:
            database.execute_sql(
                "INSERT INTO import_map (kind, name, columns, options, owner_id, modified_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (kind, cleaned, *body, me.id, now),
            )
    return by_name(kind, cleaned)


def applied(saved: SavedMap, headers: tuple[str, ...]) -> dict[str, str | None]:
    """The map for a file with `headers`: the saved columns it has; a
    column the map does not know is not imported."""
    return {h: saved.columns.get(h) for h in headers}
