"""What a person shares: saved views, reports and dashboards are their
owner's alone (personal), their team's, or everyone's. Only managers and
admins share; only the owner (or an admin) changes or deletes one; an
admin managing them reaches anyone's."""

from __future__ import annotations

from crm_tui.db import dict_rows
from crm_tui.errors import PermissionDenied
from crm_tui.services import session

SCOPES = {"personal": "Only me", "team": "My team", "everyone": "Everyone"}
SHARERS = ("manager", "admin")


def visible_where(owner: str, team: str, *, managing: bool = False) -> tuple[str, list]:
    """SQL keeping the rows the person uses (`owner`: the owner id's column,
    `team`: the owner's team's, its alias must also name `scope`): their
    own and those shared with them; an admin `managing` reaches anyone's."""
    me = session.current_user()
    if managing and me.role == "admin":
        return "TRUE", []
    scope = owner.rsplit(".", 1)[0] + ".scope" if "." in owner else "scope"
    mine = me.team or ""
    return (
        f"({owner} = ? OR {scope} = 'everyone' OR ({scope} = 'team' AND ? <> '' AND {team} = ?))",
        [me.id, mine, mine],
    )


def may_share(scope: str, noun: str) -> None:
    """PermissionDenied unless the person may give `scope` to a `noun`."""
    if scope != "personal" and session.current_user().role not in SHARERS:
        raise PermissionDenied(
            f"only managers and admins share {noun}s; save it for yourself (Only me)"
        )


def may_change(owner_id: int, owner: str, name: str, noun: str) -> None:
    """PermissionDenied unless the person owns it or is an admin."""
    me = session.current_user()
    if owner_id != me.id and me.role != "admin":
        raise PermissionDenied(f"{name!r} is {owner}'s {noun}: only they change it")


def name_and_scope_errors(
    table: str, noun: str, name: str, scope: str, owner_id: int, *, limit: int, except_id=None
) -> dict[str, str]:
    """What is wrong with a shared thing's name (none, too long, the owner's
    other one of `table` already has it) and scope, by field."""
    errors = {}
    if not name:
        errors["name"] = f"a {noun} needs a name"
    elif len(name) > limit:
        errors["name"] = f"at most {limit} characters"
    else:
        taken = dict_rows(f"SELECT id, name FROM {table} WHERE owner_id = ?", [owner_id])
        if any(r["name"].casefold() == name.casefold() and r["id"] != except_id for r in taken):
            errors["name"] = f"there is already a {noun} called {name!r}"
    if scope not in SCOPES:
        errors["scope"] = f"{scope!r} is not one of: {', '.join(SCOPES)}"
    return errors
