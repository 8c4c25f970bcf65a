"""Who may do what: Dynamics' security model on one page.

A role grants each privilege (create, read, write, delete, assign, append) on
each record kind at a depth: none, own (records the person owns), team (also
records owned by people of the same team) or org (every record). The
built-in table below holds the defaults; an admin changes single cells with
`crm-tui roles set` (crm_tui/services/roles.py), stored in the database so
that everyone sharing it gets the same rules.

Every check goes through this module: writes are checked where every write
is audited (records.audit calls `check_change`), attaching a note or
activity where the regarded record is looked up, reads through `read_filter`
in the list, search and export queries and records.readable on the records a
screen opens. Screens ask `allowed` to offer only the keys that can succeed.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from crm_tui import meta
from crm_tui.db import database
from crm_tui.errors import PermissionDenied
from crm_tui.meta import organisation as meta_organisation
from crm_tui.services import session
from crm_tui.text import clean

PRIVILEGES = ("create", "read", "write", "delete", "assign", "append")
DEPTHS = ("none", "own", "team", "org")
# The security roles are the record metadata's (crm_tui.meta).
ROLES = tuple(meta_organisation.ROLES)

# Every kind the rules govern (a contract's lines go with their contract);
# the plural is what a refusal names.
KINDS: dict[str, str] = {
    kind.name: kind.plural.lower() for kind in meta.kinds() if kind.name != "contract_line"
}

CUSTOMERS = ("account", "contact")
SALES = ("lead", "opportunity", "quote", "order", "invoice")
CATALOGUE = ("product", "price_list", "competitor")
SERVICE_SETUP = ("contract", "queue", "service", "resource")
MARKETING = ("marketing_list", "campaign", "campaign_activity")


def _grant(table: dict, kinds, **depths: str) -> None:
    for kind in kinds:
        table.setdefault(kind, {}).update(depths)


@cache
def defaults() -> dict[str, dict[str, dict[str, str]]]:
    """The built-in role table: role -> kind -> privilege -> depth (built on
    first use: the app's first frame does not wait for it)."""
    everything = {p: "org" for p in PRIVILEGES}
    read_only = {"read": "org"}
    roles: dict[str, dict] = {role: {} for role in ROLES}

    agent = roles["agent"]
    _grant(agent, KINDS, **read_only)
    _grant(agent, CUSTOMERS, create="org", write="team", assign="own", append="org")
    _grant(agent, ("case",), create="org", write="team", assign="team", append="org")
    _grant(agent, SALES + ("contract",), append="org")
    # The knowledge service adds its own rule: only an article's author or
    # its reviewers (named, managers, admins) change it.
    _grant(agent, ("article",), create="own", write="org", append="org")
    _grant(agent, ("note",), create="org", write="own", delete="own")
    _grant(agent, ("activity",), create="org", write="team", delete="own", append="org")

    sales = roles["sales"]
    _grant(sales, KINDS, **read_only)
    _grant(sales, CUSTOMERS + SALES, create="org", write="team", assign="team", append="org")
    _grant(sales, ("competitor",), create="org", write="org", append="org")
    _grant(sales, ("case",), create="org", write="own", append="org")
    _grant(sales, ("contract",), append="org")
    _grant(sales, ("article",), create="own", write="org", append="org")
    _grant(sales, ("note",), create="org", write="own", delete="own")
    _grant(sales, ("activity",), create="org", write="team", delete="own", append="org")
    # marketers are sales people: they build lists and run campaigns, and
    # send the literature the catalogue's keepers write
    _grant(sales, MARKETING, create="org", write="team", delete="own", assign="team", append="org")
    _grant(sales, ("sales_literature",), append="org")

    manager = roles["manager"]
    _grant(manager, KINDS, **read_only)
    _grant(
        manager,
        CUSTOMERS + SALES + ("case", "note", "activity"),
        create="org",
        write="team",
        delete="team",
        assign="team",
        append="org",
    )
    _grant(
        manager,
        CATALOGUE + SERVICE_SETUP + MARKETING + ("subject", "sales_literature"),
        **everything,
    )
    _grant(
        manager, ("article",), create="org", write="org", delete="team", assign="org", append="org"
    )

    _grant(roles["admin"], KINDS, **everything)
    # Users are managed by admins alone (crm-tui users …).
    for role in ("agent", "sales", "manager"):
        roles[role]["user"] = {"read": "org"}
    return roles


# Changes made as the consequence of a change already checked: resolving a
# case uses its contract line's allotment, merging moves the merged case's
# notes, activities and child cases, completing a reply stamps the first
# response, sending an email completes its activity. The person was allowed
# the change that caused them.
CONSEQUENCES = {
    ("contract", "allotment used"),
    ("case", "first_response"),
    ("case", "reparent"),
    ("note", "move"),
    ("activity", "move"),
    # the mail sender completes the email activity whose message it sent
    ("activity", "mail sent"),
}

# Audit actions that need a privilege other than write.
_ACTION_PRIVILEGE = {
    "create": "create",
    "delete": "delete",
    "take": "assign",
    "release": "assign",
    "assign": "assign",
    "linked": "append",
    "file attached": "append",
}


@dataclass
class _Cache:
    version: str | None = None
    table: dict | None = None
    checked_at: float = 0.0
    teams: dict[int, str] | None = None


_cache = _Cache()
# How long a read role table is trusted before its version is looked at
# again; an admin's change reaches running apps within this.
_RECHECK_SECONDS = 1.0
_state = {"unchecked": 0}


@contextmanager
def unchecked():
    """Seeding and generated data write as many people at once, outside any
    person's rules; never used by anything a person drives."""
    _state["unchecked"] += 1
    try:
        yield
    finally:
        _state["unchecked"] -= 1


def table() -> dict:
    """The role table in force: role -> kind -> privilege -> depth."""
    now = time.monotonic()
    if _cache.table is not None and now - _cache.checked_at < _RECHECK_SECONDS:
        return _cache.table
    row = database.execute_sql("SELECT value FROM meta WHERE key = 'roles_version'").fetchone()
    version = row[0] if row else None
    # who this person is may have changed too (an admin's set-role, set-team)
    session.refresh_user()
    _cache.teams = None
    if _cache.table is None or version != _cache.version:
        fresh = {
            role: {kind: dict(p) for kind, p in kinds.items()} for role, kinds in defaults().items()
        }
        if row is not None:
            for role, kind, privilege, level in database.execute_sql(
                "SELECT role, kind, privilege, depth FROM role_privilege"
            ):
                fresh.setdefault(role, {}).setdefault(kind, {})[privilege] = level
        _cache.table, _cache.version = fresh, version
    _cache.checked_at = now
    return _cache.table


def forget() -> None:
    """Read the role table and teams again on next use (a new database opened)."""
    _cache.table = _cache.version = _cache.teams = None


def depth(privilege: str, kind: str, role: str | None = None) -> str:
    """The depth at which `role` (default: the signed-in person's) holds `privilege` on `kind`."""
    current = table()
    role = role or session.current_user().role
    return current.get(role, {}).get(kind, {}).get(privilege, "none")


def _team_of(user_id: int) -> str:
    teams = _cache.teams
    if teams is None or user_id not in teams:
        teams = _cache.teams = dict(database.execute_sql('SELECT id, team FROM "user"').fetchall())
    return teams.get(user_id, "")


def covers(level: str, owner_id: int | None, user) -> bool:
    """Whether a depth reaches a record owned by `owner_id` (None: a record
    nobody owns yet, such as a case waiting in a queue)."""
    if level == "org":
        return True
    if level == "none":
        return False
    if owner_id is None or owner_id == user.id:
        return True
    return level == "team" and bool(user.team) and _team_of(owner_id) == user.team


def allowed(privilege: str, kind: str, owner_id: int | None = None) -> bool:
    """Whether the signed-in person may `privilege` a `kind` owned by `owner_id`."""
    if _state["unchecked"] or kind not in KINDS:
        return True
    level = depth(privilege, kind)
    return covers(level, owner_id, session.current_user())


def refusal(privilege: str, kind: str, owner_id: int | None = None) -> str:
    """The sentence that says which privilege is missing."""
    user = session.current_user()
    level = depth(privilege, kind, user.role)
    label = KINDS.get(kind, kind)
    text = f"Not allowed: your role ({user.role}) has no {privilege} privilege on {label}"
    if level in ("own", "team") and owner_id is not None:
        row = database.execute_sql(
            'SELECT full_name FROM "user" WHERE id = ?', (owner_id,)
        ).fetchone()
        owner = clean(row[0]) if row else f"user #{owner_id}"
        scope = "your own" if level == "own" or not user.team else f"team {user.team}'s"
        text += f" owned by {owner} (only on {scope})"
    return text + "; an admin can change the role's privileges (crm-tui roles)."


def require(privilege: str, kind: str, owner_id: int | None = None) -> None:
    """Refuse (PermissionDenied, naming the privilege) unless `allowed`."""
    if not allowed(privilege, kind, owner_id):
        raise PermissionDenied(refusal(privilege, kind, owner_id))


def check_change(kind: str, action: str, changes: dict, owner: int | None, assigned: bool) -> None:
    """The check every audited change passes, inside its transaction (a
    refusal rolls the change back): the privilege the action needs, at a
    depth that reaches the record's owner as it was before the change.
    `owner` and `assigned` are as stored now, with the change made."""
    if _state["unchecked"] or kind not in KINDS or (kind, action) in CONSEQUENCES:
        return
    privilege = _ACTION_PRIVILEGE.get(action, "write")
    if action == "take":
        # the case service takes only a case nobody holds
        require(privilege, kind, None)
        return
    if kind == "case" and action == "move":
        privilege = "assign"
    # what the record was before comes from `changes`
    if "owner" in changes:
        before = changes["owner"][0]
        owner = before.id if hasattr(before, "id") else before
    if "assigned" in changes:
        assigned = bool(changes["assigned"][0])
    if not assigned:
        owner = None
    if "owner" in changes and action != "create":
        # giving a record to someone else is assigning it
        require("assign", kind, owner)
        if action == "assign":
            return
    require(privilege, kind, owner)


def read_filter(kind: str, owner_column: str, unowned: str = "") -> str:
    """An SQL condition keeping the rows of `kind` the person may read, for
    the list, search and export queries; "" when they may read every one.
    It carries no parameters (the user id is a number, the team is looked up
    by it), so it joins any query's conditions as it is. `unowned` is the
    condition of a row nobody owns yet (a case waiting in a queue), which
    anyone who may read the kind at all may read."""
    if _state["unchecked"] or kind not in KINDS:
        return ""
    level = depth("read", kind)
    me = int(session.current_user().id)
    if level == "org":
        return ""
    if level == "none":
        return "0"
    if level == "team":
        condition = (
            f'{owner_column} = {me} OR {owner_column} IN (SELECT id FROM "user" WHERE '
            f"team <> '' AND team = (SELECT team FROM \"user\" WHERE id = {me}))"
        )
    else:
        condition = f"{owner_column} = {me}"
    return f"({unowned} OR {condition})" if unowned else f"({condition})"
