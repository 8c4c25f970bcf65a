"""Saved views (Dynamics' personal and shared views): a list's built-in view,
query and columns kept under a name, and each person's default view of a
list.

A view is its owner's alone (personal), their team's, or everyone's; only
managers and admins share one, and only its owner (or an admin) changes or
deletes it. A list is named by its record kind ("account", "case"). The
query is kept as typed and read again each time the view is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from crm_tui import meta, text
from crm_tui.db import dict_rows, write
from crm_tui.errors import ConflictError, NotFound, ValidationError
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import session, sharing
from crm_tui.services.sharing import SCOPES, SHARERS  # noqa: F401 - the views' face

NAME_LIMIT = 60
SAVED = "saved:"


@dataclass(frozen=True)
class SavedView:
    id: int
    list: str
    name: str
    base_view: str
    query: str
    columns: tuple[str, ...]
    scope: str
    owner_id: int
    owner: str
    version: int

    @property
    def key(self) -> str:
        """How a list and view_default name it among the built-in views."""
        return f"{SAVED}{self.id}"


_COLUMNS = (
    "v.id, v.list, v.name, v.base_view, v.query, v.columns, v.scope, v.owner_id, "
    "u.full_name AS owner, v.version"
)


def _view(row: dict) -> SavedView:
    columns = tuple(c for c in row["columns"].split(",") if c)
    return SavedView(**{**row, "columns": columns})


def _visible_where(*, managing: bool = False) -> tuple[str, list]:
    """Views the person uses: their own and those shared with them; an admin
    managing views (`managing`) reaches anyone's."""
    return sharing.visible_where("v.owner_id", "u.team", managing=managing)


def visible(list_name: str) -> list[SavedView]:
    """The views of a list the person uses: their own first, then those
    shared with them, each by name (an admin's too: others' personal views
    stay theirs)."""
    where, params = _visible_where()
    rows = dict_rows(
        f'SELECT {_COLUMNS} FROM saved_view v JOIN "user" u ON u.id = v.owner_id '
        f"WHERE v.list = ? AND {where}",
        [list_name, *params],
    )
    me = session.current_user().id
    views = [_view(r) for r in rows]
    return sorted(views, key=lambda v: (v.owner_id != me, text.sort_key(v.name), v.id))


def get(view_id: int) -> SavedView:
    """One view the person may use (an admin: any); NotFound otherwise."""
    where, params = _visible_where(managing=True)
    rows = dict_rows(
        f'SELECT {_COLUMNS} FROM saved_view v JOIN "user" u ON u.id = v.owner_id '
        f"WHERE v.id = ? AND {where}",
        [view_id, *params],
    )
    if not rows:
        raise NotFound(f"view #{view_id} does not exist, or is not shared with you")
    return _view(rows[0])


def by_name(list_name: str, name: str) -> SavedView:
    """The view of `list_name` called `name` (case aside): the person's own
    first, then one shared with them; NotFound naming those there are."""
    views = visible(list_name)
    for view in views:
        if view.name.casefold() == name.strip().casefold():
            return view
    names = ", ".join(v.name for v in views) or "none saved yet"
    raise NotFound(f"no view of {list_name} is called {name!r} (there are: {names})")


def _checked(list_name: str, name: str, typed: str, scope: str) -> dict[str, str]:
    errors = {}
    if list_name not in meta.names():
        errors["list"] = f"{list_name!r} is not a record kind"
    clean = text.clean(name or "").strip()
    if not clean:
        errors["name"] = "a view needs a name"
    elif len(clean) > NAME_LIMIT:
        errors["name"] = f"at most {NAME_LIMIT} characters"
    if scope not in SCOPES:
        errors["scope"] = f"{scope!r} is not one of: {', '.join(SCOPES)}"
    if "list" not in errors:
        from crm_tui.services import query

        problem = query.problem(list_name, typed)
        if problem:
            errors["query"] = problem
    return errors


def _may_share(scope: str) -> None:
    sharing.may_share(scope, "view")


def _taken(list_name: str, owner_id: int, name: str, except_id: int | None = None) -> bool:
    rows = dict_rows(
        "SELECT id, name FROM saved_view WHERE list = ? AND owner_id = ?", [list_name, owner_id]
    )
    return any(r["name"].casefold() == name.casefold() and r["id"] != except_id for r in rows)


def save(
    list_name: str,
    name: str,
    typed_query: str,
    *,
    base_view: str,
    columns: tuple[str, ...] = (),
    scope: str = "personal",
) -> SavedView:
    """Keep a list's view, query and columns as a view called `name`;
    ValidationError names each bad field (a query that cannot be run, a
    name already used for this list), PermissionDenied when sharing is not
    the person's to do."""
    name = text.clean(name or "").strip()
    typed_query = text.clean(typed_query or "").strip()
    errors = _checked(list_name, name, typed_query, scope)
    me = session.current_user()
    if not errors and _taken(list_name, me.id, name):
        errors["name"] = f"you already have a view of this list called {name!r}"
    if errors:
        raise ValidationError(errors)
    _may_share(scope)
    now = to_db_time(utcnow())
    with write():
        rows = dict_rows(
            "INSERT INTO saved_view (list, name, base_view, query, columns, scope, owner_id, "
            "version, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
            [list_name, name, base_view, typed_query, ",".join(columns), scope, me.id, now, now],
        )
    return get(rows[0]["id"])


def _owned(view_id: int) -> SavedView:
    view = get(view_id)
    sharing.may_change(view.owner_id, view.owner, view.name, "view")
    return view


def update(view_id: int, version: int, **changes) -> SavedView:
    """Change a view's name, query, columns, base_view or scope, if nobody
    saved it since `version` (ConflictError otherwise); its owner or an admin."""
    view = _owned(view_id)
    unknown = set(changes) - {"name", "query", "columns", "base_view", "scope"}
    if unknown:
        raise ValidationError({k: "not a field of a view" for k in unknown})
    values = {
        "name": text.clean(changes.get("name", view.name) or "").strip(),
        "query": text.clean(changes.get("query", view.query) or "").strip(),
        "columns": ",".join(changes.get("columns", view.columns)),
        "base_view": changes.get("base_view", view.base_view),
        "scope": changes.get("scope", view.scope),
    }
    errors = _checked(view.list, values["name"], values["query"], values["scope"])
    if not errors and _taken(view.list, view.owner_id, values["name"], except_id=view.id):
        errors["name"] = f"there is already a view of this list called {values['name']!r}"
    if errors:
        raise ValidationError(errors)
    if values["scope"] != view.scope:
        _may_share(values["scope"])
    sets = ", ".join(f"{column} = ?" for column in values)
    with write():
        changed = dict_rows(
            f"UPDATE saved_view SET {sets}, version = version + 1, modified_at = ? "
            "WHERE id = ? AND version = ? RETURNING id",
            [*values.values(), to_db_time(utcnow()), view_id, version],
        )
    if not changed:
        current = get(view_id)
        raise ConflictError("view", view_id, current.version, current.__dict__)
    return get(view_id)


def delete(view_id: int) -> None:
    """Remove a view (its owner or an admin); lists showing it fall back to
    their first built-in view, and defaults naming it are dropped."""
    view = _owned(view_id)
    with write():
        dict_rows("DELETE FROM view_default WHERE view = ?", [view.key])
        dict_rows("DELETE FROM saved_view WHERE id = ?", [view_id])


def default(list_name: str) -> str | None:
    """The view the person opens `list_name` on: a built-in view's name or a
    saved view's key (saved:12); None for the list's own first."""
    rows = dict_rows(
        "SELECT view FROM view_default WHERE user_id = ? AND list = ?",
        [session.current_user().id, list_name],
    )
    return rows[0]["view"] if rows else None


def set_default(list_name: str, view: str | None) -> None:
    """Open `list_name` on `view` from now on (None: on its own first view)."""
    me = session.current_user().id
    with write():
        dict_rows("DELETE FROM view_default WHERE user_id = ? AND list = ?", [me, list_name])
        if view:
            if view.startswith(SAVED):
                get(int(view[len(SAVED) :]))  # one the person may use
            dict_rows(
                "INSERT INTO view_default (user_id, list, view) VALUES (?, ?, ?)",
                [me, list_name, view],
            )
