"""The role table as admins see and change it: every cell of every role, and
one cell changed at a time (stored in role_privilege, audited, picked up by
every running app within a second)."""

from __future__ import annotations

from crm_tui.db import database, write
from crm_tui.errors import PermissionDenied, ValidationError
from crm_tui.services import access, records, session
from crm_tui.services.access import DEPTHS, KINDS, PRIVILEGES, ROLES, defaults


def table_rows(role: str | None = None) -> list[tuple[str, str, str, str, bool]]:
    """(role, kind, privilege, depth, changed from the default) for every cell."""
    table = access.table()
    out = []
    for name in ROLES if role is None else (role,):
        for kind in KINDS:
            for privilege in PRIVILEGES:
                level = table.get(name, {}).get(kind, {}).get(privilege, "none")
                default = defaults()[name].get(kind, {}).get(privilege, "none")
                out.append((name, kind, privilege, level, level != default))
    return out


def set_depth(role: str, kind: str, privilege: str, level: str) -> None:
    """Change one cell of the role table (admins); the default's depth removes the change."""
    errors = {}
    if role not in ROLES:
        errors["role"] = f"{role!r} is not one of: {', '.join(ROLES)}"
    if kind not in KINDS:
        errors["kind"] = f"{kind!r} is not one of: {', '.join(KINDS)}"
    if privilege not in PRIVILEGES:
        errors["privilege"] = f"{privilege!r} is not one of: {', '.join(PRIVILEGES)}"
    if level not in DEPTHS:
        errors["depth"] = f"{level!r} is not one of: {', '.join(DEPTHS)}"
    if errors:
        raise ValidationError(errors)
    if session.current_user().role != "admin":
        raise PermissionDenied("only an admin can change what roles may do")
    if role == "admin" and kind == "user":
        raise ValidationError({"role": "admins always manage users"})
    before = access.depth(privilege, kind, role)
    with write():
        if level == defaults()[role].get(kind, {}).get(privilege, "none"):
            database.execute_sql(
                "DELETE FROM role_privilege WHERE role = ? AND kind = ? AND privilege = ?",
                (role, kind, privilege),
            )
        else:
            database.execute_sql(
                "INSERT INTO role_privilege (role, kind, privilege, depth) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (role, kind, privilege) DO UPDATE SET depth = excluded.depth",
                (role, kind, privilege, level),
            )
        database.execute_sql(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'roles_version'"
        )
        records.audit("role", 0, "privilege", {f"{role} {privilege} {kind}": (before, level)})
    access.forget()
