"""Rules as kept in the database: admins write them, everyone's writes read
them. Each process keeps the rules it read and looks again at most once a
second (one small query), and at once after its own change, so a rule
switched on in one process acts in every other within a second."""

from __future__ import annotations

import datetime as dt

from crm_tui.db import database, dict_rows, write
from crm_tui.errors import (
    ConflictError,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import session
from crm_tui.services.workflow import check
from crm_tui.services.workflow.index import SELECT as _SELECT
from crm_tui.services.workflow.index import forget
from crm_tui.services.workflow.index import from_row as _from_row
from crm_tui.services.workflow.spec import Rule

__all__ = ["forget"]


def _admin(doing: str) -> None:
    if session.current_user().role != "admin":
        raise PermissionDenied(f"only an admin {doing} workflow rules")


def all_rules() -> list[Rule]:
    """Every rule, by name."""
    return [_from_row(r) for r in dict_rows(f"{_SELECT} ORDER BY lower(r.name), r.id")]


def get(rule_id: int) -> Rule:
    """One rule by its id."""
    rows = dict_rows(f"{_SELECT} WHERE r.id = ?", (rule_id,))
    if not rows:
        raise NotFound(f"workflow rule #{rule_id} does not exist")
    return _from_row(rows[0])


def by_name(name: str) -> Rule:
    """One rule by its name (as written, or in any case)."""
    rows = dict_rows(f"{_SELECT} WHERE r.name = ? OR lower(r.name) = lower(?)", (name, name))
    if not rows:
        raise NotFound(f"there is no workflow rule {name!r}")
    return _from_row(rows[0])


def enabled_at(rule_id: int):
    """When the rule was last switched on (None while it is off)."""
    row = database.execute_sql(
        "SELECT enabled_at FROM workflow_rule WHERE id = ? AND enabled = 1", (rule_id,)
    ).fetchone()
    return row[0] if row else None


def _owner_id(rule: Rule) -> int:
    if not rule.owner:
        return session.current_user().id
    return check.user_id_of(rule.owner)


def _columns(rule: Rule) -> dict:
    return {"name": rule.name.strip(), "kind": rule.kind, "trigger": rule.trigger,
            "mode": "background" if rule.trigger == "time" else rule.mode,
            "spec": rule.spec_json(), "description": rule.description,
            "owner_id": _owner_id(rule)}  # fmt: skip


def create(rule: Rule) -> Rule:
    """Keep a new rule (checked; off unless it says enabled)."""
    _admin("writes")
    check.require(rule)
    now = to_db_time(utcnow())
    values = {**_columns(rule), "enabled": int(rule.enabled),
              "enabled_at": now if rule.enabled else None, "created_at": now,
              "modified_at": now, "modified_by": session.current_user().id}  # fmt: skip
    with write():
        if database.execute_sql(
            "SELECT 1 FROM workflow_rule WHERE lower(name) = lower(?)", (values["name"],)
        ).fetchone():
            raise ValidationError({"name": f"there is already a rule named {values['name']!r}"})
        marks = ", ".join("?" for _ in values)
        new_id = database.execute_sql(
            f"INSERT INTO workflow_rule ({', '.join(values)}) VALUES ({marks}) RETURNING id",
            list(values.values()),
        ).fetchone()[0]
    forget()
    return get(new_id)


def update(rule_id: int, version: int, rule: Rule) -> Rule:
    """Change a rule that nobody changed since `version` (checked)."""
    _admin("changes")
    check.require(rule)
    current = get(rule_id)
    values = _columns(rule)
    now = to_db_time(utcnow())
    with write():
        clash = database.execute_sql(
            "SELECT 1 FROM workflow_rule WHERE lower(name) = lower(?) AND id <> ?",
            (values["name"], rule_id),
        ).fetchone()
        if clash:
            raise ValidationError({"name": f"there is already a rule named {values['name']!r}"})
        sets = ", ".join(f"{k} = ?" for k in values)
        changed = database.execute_sql(
            f"UPDATE workflow_rule SET {sets}, version = version + 1, modified_at = ?, "
            "modified_by = ? WHERE id = ? AND version = ? RETURNING id",
            [*values.values(), now, session.current_user().id, rule_id, version],
        ).fetchone()
        if changed is None:
            raise ConflictError("workflow rule", rule_id, current.version, {})
    forget()
    return get(rule_id)


def set_enabled(rule_id: int, enabled: bool, *, catch_up: dt.timedelta | None = None) -> Rule:
    """Switch a rule on or off. A scheduled rule switched on fires for the
    moments from now on, or with `catch_up` also for those of that span of
    the past (records still meeting its condition are acted on at once)."""
    _admin("switches on and off")
    rule = get(rule_id)
    if enabled:
        check.require(rule)  # a queue or list it names may have gone since
    now = utcnow()
    since = to_db_time(now - (catch_up or dt.timedelta(0))) if enabled else None
    with write():
        database.execute_sql(
            "UPDATE workflow_rule SET enabled = ?, enabled_at = ?, scanned_until = NULL, "
            "version = version + 1, modified_at = ?, modified_by = ? WHERE id = ?",
            (int(enabled), since, to_db_time(now), session.current_user().id, rule_id),
        )
    forget()
    return get(rule_id)


def delete(rule_id: int) -> str:
    """Delete a rule that is off and never ran (one that ran keeps its log:
    switch it off instead); returns its name."""
    _admin("deletes")
    rule = get(rule_id)
    if rule.enabled:
        raise DomainError(f"switch {rule.name!r} off before deleting it")
    with write():
        ran = database.execute_sql(
            "SELECT (SELECT count(*) FROM workflow_run WHERE rule_id = ?) + "
            "(SELECT count(*) FROM workflow_job WHERE rule_id = ?) + "
            "(SELECT count(*) FROM notification WHERE rule_id = ?)",
            (rule_id, rule_id, rule_id),
        ).fetchone()[0]
        if ran:
            raise DomainError(
                f"{rule.name!r} has run: it stays, switched off, so that its log still says "
                "what it did"
            )
        callers = [other.name for other in all_rules() if other.id != rule_id and any(
            a.do == "run_rule" and a.get("rule") == rule.name for a in other.actions)]  # fmt: skip
        if callers:
            raise DomainError(f"the rule {callers[0]!r} runs {rule.name!r}: change it first")
        database.execute_sql("DELETE FROM workflow_rule WHERE id = ?", (rule_id,))
    forget()
    return rule.name
