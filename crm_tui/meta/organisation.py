"""The people who use crm-tui."""

from __future__ import annotations

from crm_tui.meta.fields import boolean, choice, moment, record_id, text
from crm_tui.meta.types import Kind

# The security roles (services.access.ROLES and the user table's CHECK).
ROLES = {
    "agent": "Service agent",
    "sales": "Salesperson",
    "manager": "Manager",
    "admin": "Administrator",
}

USER = Kind(
    name="user",
    label="User",
    plural="Users",
    model_name="User",
    title="full_name",
    owned=False,
    attributes=(
        record_id(),
        text("login", "Login", required=True, read_only=True, listed=True),
        text("full_name", "Full name", required=True, listed=True),
        choice("role", "Security role", ROLES, required=True, listed=True),
        # Disabled users keep their records but cannot sign in or own new ones.
        boolean("active", "Enabled", listed=True),
        # Users of one team see each other's pipeline as "team".
        text("team", "Team", listed=True),
        moment("created_at", "Created on", read_only=True),
    ),
)

KINDS = (USER,)

__all__ = ["KINDS", "ROLES", "USER"]
