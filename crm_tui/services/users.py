"""Users: OS logins mapped to roles."""

from __future__ import annotations

import re

from crm_tui.db import database, write
from crm_tui.errors import DomainError, NotFound, ValidationError
from crm_tui.models import Meta, User
from crm_tui.models.base import utcnow
from crm_tui.services import records, session
from crm_tui.services.access import ROLES
from crm_tui.text import clean

# What useradd accepts by default (POSIX portable names, at most 32 long):
# a login is matched exactly as typed, never cleaned into another name.
_LOGIN = re.compile(r"[a-z_][a-z0-9_.-]{0,31}\$?", re.IGNORECASE)


def _require_admin() -> None:
    user = session._state["user"]
    if user is not None and user.role != "admin":
        raise DomainError("only an admin can manage users")


def add(login: str, full_name: str = "", role: str = "agent") -> User:
    """Add a user for an OS login. The first user of a database becomes admin.

    A login that is not a valid OS login name is refused as typed; the full
    name is stored without control characters."""
    if not isinstance(login, str) or not _LOGIN.fullmatch(login):
        raise ValidationError(
            {"login": f"{clean(str(login))!r} is not an OS login name (letters, digits, _ . -)"}
        )
    if role not in ROLES:
        raise ValidationError({"role": f"{role!r} is not one of: {', '.join(ROLES)}"})
    _require_admin()
    with write():
        if User.get_or_none(User.login == login) is not None:
            raise DomainError(f"{login} is already a user")
        if User.select().count() == 0:
            role = "admin"
        new_id = User.insert(
            login=login,
            full_name=clean(full_name) or login,
            role=role,
            active=1,
            created_at=utcnow(),
        ).execute()
        if session._state["user"] is not None:
            records.audit("user", new_id, "create", {"login": (None, login), "role": (None, role)})
    return User.get_by_id(new_id)


def all_users(include_inactive: bool = False) -> list[User]:
    q = User.select().order_by(User.full_name)
    if not include_inactive:
        q = q.where(User.active == 1)
    return list(q)


def name_of(user_id: int | None) -> str:
    """A user's full name for display; empty for no user."""
    if user_id is None:
        return ""
    user = User.get_or_none(User.id == user_id)
    return user.full_name if user else f"(unknown user #{user_id})"


def get(login: str) -> User:
    user = User.get_or_none(User.login == login)
    if user is None:
        raise NotFound(f"{login} is not a user; add them with: crm-tui users add {login}")
    return user


def set_role(login: str, role: str) -> User:
    """Change a user's role; the last admin cannot be demoted."""
    if role not in ROLES:
        raise ValidationError({"role": f"{role!r} is not one of: {', '.join(ROLES)}"})
    _require_admin()
    with write():
        user = get(login)
        if (
            user.role == "admin"
            and role != "admin"
            and User.select().where((User.role == "admin") & (User.active == 1)).count() == 1
        ):
            raise DomainError(f"{login} is the last admin; make someone else admin first")
        # audited (and so checked) first: the change may be of the admin's own role
        records.audit("user", user.id, "update", {"role": (user.role, role)})
        User.update(role=role).where(User.id == user.id).execute()
    return get(login)


def set_team(login: str, team: str) -> User:
    """Put a user in a sales team (empty: no team). Users with the same team
    see each other's opportunities in the "team" scope."""
    team = clean(team)
    if len(team) > 80:
        raise ValidationError({"team": f"team is {len(team)} characters; the limit is 80"})
    _require_admin()
    with write():
        user = get(login)
        if user.team != team:
            records.audit("user", user.id, "update", {"team": (user.team, team)})
            User.update(team=team).where(User.id == user.id).execute()
    return get(login)


def teams() -> list[str]:
    """The teams users are in, by name."""
    q = User.select(User.team).where(User.team != "").distinct().order_by(User.team)
    return [team for (team,) in q.tuples()]


def set_active(login: str, active: bool) -> User:
    """Let a person in, or keep them out. Someone whose rights a workflow
    rule that is on acts with stays until it has another owner: the rule
    would otherwise refuse every save it runs on."""
    _require_admin()
    with write():
        user = get(login)
        if not active:
            owned = [row[0] for row in database.execute_sql(
                "SELECT name FROM workflow_rule WHERE owner_id = ? AND enabled = 1 ORDER BY name",
                (user.id,)).fetchall()]  # fmt: skip
            if owned:
                raise DomainError(
                    f"{user.full_name} owns workflow rules that are on ({', '.join(owned)}): "
                    "give them another owner (Acts as) or switch them off first"
                )
        records.audit("user", user.id, "state", {"active": (bool(user.active), active)})
        User.update(active=int(active)).where(User.id == user.id).execute()
    return get(login)


def is_shared() -> bool:
    row = Meta.get_or_none(Meta.key == "shared")
    return bool(row and row.value == "1")


def mark_shared(shared: bool) -> None:
    with write():
        Meta.insert(key="shared", value="1" if shared else "0").on_conflict(
            conflict_target=[Meta.key], preserve=[Meta.value]
        ).execute()


def count() -> int:
    return User.select().count()
