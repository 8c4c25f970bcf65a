"""What a person shares: saved views, reports and dashboards are their
owner's alone (personal), their team's, or everyone's. Only managers and
admins share; only the owner (or an admin) changes or deletes one; an
admin managing them reaches anyone's."""

from __future__ import annotations

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
