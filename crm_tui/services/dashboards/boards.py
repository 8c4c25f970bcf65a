"""Dashboards: tiles in an order. Each role has a built-in one (a sales
desk, a service desk, a manager's desk); people arrange their own and keep
them, personal or (managers) shared with their team or everyone, like
views; the one a person opens on is remembered as their choice.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from crm_tui import text
from crm_tui.db import dict_rows, write
from crm_tui.errors import ConflictError, NotFound, ValidationError
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import session, sharing, views
from crm_tui.services.dashboards import tiles

NAME_LIMIT = 60
MAX_TILES = 12
LIST = "dashboard"  # its view_default list: the dashboard a person opens on

# tile -> (label, what it shows, scopes it takes)
CATALOGUE = {
    "quarter_won": ("Won this quarter", "Won revenue against the quarter's target", True),
    "pipeline": ("Pipeline", "Open opportunities by stage: count, revenue, weighted", True),
    "activities": ("Open activities", "Overdue, due today, this week, later", True),
    "case_sla": ("Cases by SLA", "Active cases against their SLA, and the next breach", True),
    "queue_load": ("Queues", "Active, waiting and breached cases per queue", False),
    "recent": ("Recent records", "What you changed last", False),
    "report": ("A report", "Any built-in or saved report, as a chart", False),
}


@dataclass(frozen=True)
class Tile:
    tile: str
    scope: str = "me"
    report: str = ""  # a report tile's report key (builtin:pipeline, saved:12)


@dataclass(frozen=True)
class Dashboard:
    key: str  # "builtin:sales" or "saved:12"
    name: str
    tiles: tuple[Tile, ...]
    scope: str = "everyone"
    owner_id: int | None = None
    owner: str = "crm-tui"
    version: int = 1

    @property
    def id(self) -> int | None:
        return int(self.key[6:]) if self.key.startswith("saved:") else None


def _t(tile: str, scope: str = "me", report: str = "") -> Tile:
    return Tile(tile, scope, report)


BUILTIN = {
    "sales": Dashboard("builtin:sales", "Sales desk", (
        _t("quarter_won"), _t("pipeline"), _t("activities"), _t("recent"))),
    "service": Dashboard("builtin:service", "Service desk", (
        _t("case_sla"), _t("queue_load"), _t("activities"), _t("recent"))),
    "manager": Dashboard("builtin:manager", "Manager's desk", (
        _t("quarter_won", "team"), _t("pipeline", "team"), _t("case_sla", "team"),
        _t("queue_load"), _t("report", report="builtin:sales_by_month"),
        _t("activities", "team"))),
}  # fmt: skip
_FOR_ROLE = {"agent": "service", "sales": "sales", "manager": "manager", "admin": "manager"}


def load(tile: Tile) -> tiles.TileData:
    """The tile's figures now (errors as any service's: a report that is
    gone is NotFound, a query a field's removal broke a ValidationError)."""
    if tile.tile == "report":
        return tiles.report(tile.report, tile.scope)
    return getattr(tiles, tile.tile)(tile.scope)


def _parsed(stored: str) -> tuple[Tile, ...]:
    return tuple(Tile(**t) for t in json.loads(stored))


_COLUMNS = "v.id, v.name, v.tiles, v.scope, v.owner_id, u.full_name AS owner, v.version"


def _saved(where: str, params: list) -> list[Dashboard]:
    rows = dict_rows(
        f'SELECT {_COLUMNS} FROM dashboard v JOIN "user" u ON u.id = v.owner_id WHERE {where}',
        params,
    )
    return [
        Dashboard(
            f"saved:{r['id']}",
            r["name"],
            _parsed(r["tiles"]),
            r["scope"],
            r["owner_id"],
            r["owner"],
            r["version"],
        )  # fmt: skip
        for r in rows
    ]


def available() -> list[Dashboard]:
    """The dashboards the person may open: their role's first, the other
    built-in ones, then their own and those shared with them."""
    mine = _FOR_ROLE.get(session.current_user().role, "sales")
    builtin = [BUILTIN[mine], *(d for k, d in BUILTIN.items() if k != mine)]
    where, params = sharing.visible_where("v.owner_id", "u.team")
    me = session.current_user().id
    saved = sorted(_saved(where, params),
                   key=lambda d: (d.owner_id != me, text.sort_key(d.name)))  # fmt: skip
    return builtin + saved


def get(key: str) -> Dashboard:
    """A dashboard by key the person may open; NotFound otherwise."""
    for dashboard in BUILTIN.values():
        if dashboard.key == key:
            return dashboard
    if key.startswith("saved:") and key[6:].isdigit():
        where, params = sharing.visible_where("v.owner_id", "u.team", managing=True)
        found = _saved(f"v.id = ? AND {where}", [int(key[6:]), *params])
        if found:
            return found[0]
    raise NotFound(f"dashboard {key!r} does not exist, or is not shared with you")


def current() -> Dashboard:
    """The dashboard the person opens on: their choice, else their role's."""
    chosen = views.default(LIST)
    if chosen:
        try:
            return get(chosen)
        except NotFound:
            pass  # deleted or no longer shared: the role's own
    return BUILTIN[_FOR_ROLE.get(session.current_user().role, "sales")]


def choose(key: str) -> Dashboard:
    """Open on `key` from now on."""
    dashboard = get(key)
    me = session.current_user().id
    with write():
        dict_rows("DELETE FROM view_default WHERE user_id = ? AND list = ?", [me, LIST])
        dict_rows("INSERT INTO view_default (user_id, list, view) VALUES (?, ?, ?)",
                  [me, LIST, key])  # fmt: skip
    return dashboard


def _checked(name: str, chosen: tuple[Tile, ...], scope: str, owner_id: int, except_id=None):
    errors = sharing.name_and_scope_errors(
        "dashboard", "dashboard", name, scope, owner_id, limit=NAME_LIMIT, except_id=except_id
    )
    if not chosen:
        errors["tiles"] = "choose at least one tile"
    elif len(chosen) > MAX_TILES:
        errors["tiles"] = f"at most {MAX_TILES} tiles"
    for tile in chosen:
        if tile.tile not in CATALOGUE:
            errors["tiles"] = f"there is no tile {tile.tile!r}"
        elif tile.scope not in tiles.SCOPES or (
            tile.scope == "team" and not CATALOGUE[tile.tile][2]
        ):
            errors["tiles"] = f"{CATALOGUE[tile.tile][0]} is not for {tile.scope!r}"
        elif tile.tile == "report":
            from crm_tui.services.reporting import saved

            try:
                saved.get(tile.report)
            except NotFound as exc:
                errors["tiles"] = str(exc)
    if errors:
        raise ValidationError(errors)


def _stored(chosen: tuple[Tile, ...]) -> str:
    return json.dumps([asdict(t) for t in chosen], ensure_ascii=False)


def save(name: str, chosen: tuple[Tile, ...], scope: str = "personal") -> Dashboard:
    """Keep tiles as a dashboard called `name`; ValidationError names each
    bad part, PermissionDenied when sharing is not the person's to do."""
    name = text.clean(name or "").strip()
    me = session.current_user()
    _checked(name, tuple(chosen), scope, me.id)
    sharing.may_share(scope, "dashboard")
    now = to_db_time(utcnow())
    with write():
        rows = dict_rows(
            "INSERT INTO dashboard (name, tiles, scope, owner_id, version, created_at, "
            "modified_at) VALUES (?, ?, ?, ?, 1, ?, ?) RETURNING id",
            [name, _stored(tuple(chosen)), scope, me.id, now, now],
        )
    return get(f"saved:{rows[0]['id']}")


def update(key: str, version: int, *, name=None, chosen=None, scope=None) -> Dashboard:
    """Change a saved dashboard's name, tiles or scope, if nobody saved it
    since `version` (ConflictError otherwise); its owner or an admin."""
    board = get(key)
    if board.id is None:
        raise ValidationError({"name": "a built-in dashboard is not changed: save a copy"})
    sharing.may_change(board.owner_id, board.owner, board.name, "dashboard")
    name = text.clean(board.name if name is None else name).strip()
    chosen = tuple(board.tiles if chosen is None else chosen)
    scope = scope or board.scope
    _checked(name, chosen, scope, board.owner_id, except_id=board.id)
    if scope != board.scope:
        sharing.may_share(scope, "dashboard")
    with write():
        changed = dict_rows(
            "UPDATE dashboard SET name = ?, tiles = ?, scope = ?, version = version + 1, "
            "modified_at = ? WHERE id = ? AND version = ? RETURNING id",
            [name, _stored(chosen), scope, to_db_time(utcnow()), board.id, version],
        )
    if not changed:
        current_board = get(key)
        raise ConflictError("dashboard", board.id, current_board.version, {"name": name})
    return get(key)


def delete(key: str) -> None:
    """Remove a saved dashboard (its owner or an admin); whoever opened on
    it opens on their role's again."""
    board = get(key)
    if board.id is None:
        raise ValidationError({"name": "a built-in dashboard cannot be deleted"})
    sharing.may_change(board.owner_id, board.owner, board.name, "dashboard")
    with write():
        dict_rows("DELETE FROM view_default WHERE list = ? AND view = ?", [LIST, key])
        dict_rows("DELETE FROM dashboard WHERE id = ?", [board.id])
