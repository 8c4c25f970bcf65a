"""Merging a case into another: its activities, notes and child cases move
to the target, and it is canceled as Merged."""

from __future__ import annotations

from crm_tui.db import database, write
from crm_tui.errors import DomainError
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.models.service import Case
from crm_tui.services import records, session
from crm_tui.services.support.case_record import get


def merge(source_id: int, source_version: int, target_id: int) -> Case:
    """Merge an active case into another active case: the source's activities
    and notes move to the target (each move audited), its child cases become
    the target's children (each audited as a reparent), and the source is
    canceled as Merged, pointing at the target. Returns the target."""
    if source_id == target_id:
        raise DomainError("a case cannot be merged into itself")
    with write():
        source = records.load_current("case", source_id, source_version, ["state"])
        if source.state != "active":
            raise DomainError(f"case {source.number} is {source.state}; only active cases merge")
        target = get(target_id)
        if target.state != "active":
            raise DomainError(f"case {target.number} is {target.state}; merge into an active case")
        for table, kind in (("activity", "activity"), ("note", "note")):
            _move_regarding(table, kind, source_id, target_id)
        _reparent_children(source, target_id)
        values = {
            "state": "canceled",
            "status_reason": "merged",
            "merged_into": target_id,
            "next_breach_at": None,
        }
        records.update_versioned("case", source_id, source_version, values, action="merge")
        records.audit("case", target_id, "merge", {"merged": (None, source.number)})
    return get(target_id)


def _move_regarding(table: str, kind: str, source_id: int, target_id: int) -> None:
    """Point the source's activities (or notes) at the target, one audit entry each."""
    moved = database.execute_sql(
        f"SELECT id FROM {table} WHERE regarding_type = 'case' AND regarding_id = ?",
        (source_id,),
    ).fetchall()
    if not moved:
        return
    me, now = session.current_user().id, to_db_time(utcnow())
    database.execute_sql(
        f"UPDATE {table} SET regarding_id = ?, version = version + 1, "
        "modified_at = ?, modified_by_id = ? "
        "WHERE regarding_type = 'case' AND regarding_id = ?",
        (target_id, now, me, source_id),
    )
    for (record_id,) in moved:
        records.audit(
            kind,
            record_id,
            "move",
            {"regarding": (f"case#{source_id}", f"case#{target_id}")},
        )


def _reparent_children(source: Case, target_id: int) -> None:
    """Point the merged case's children at the target. A child that is the
    target or above it would become its own ancestor: it takes the merged
    case's parent instead (the level it sat under vanishes)."""
    children = database.execute_sql(
        'SELECT id, version FROM "case" WHERE parent_case_id = ? ORDER BY id', (source.id,)
    ).fetchall()
    if not children:
        return
    # UNION (not UNION ALL) stops at a case already seen, so a cycle ends the walk.
    above = {
        r[0]
        for r in database.execute_sql(
            "WITH RECURSIVE up(id) AS (SELECT CAST(? AS BIGINT) UNION SELECT k.parent_case_id "
            'FROM "case" k '
            "JOIN up ON k.id = up.id WHERE k.parent_case_id IS NOT NULL) SELECT id FROM up",
            (target_id,),
        )
    }
    for child_id, version in children:
        parent = source.parent_case_id if child_id in above else target_id
        if parent == child_id:
            parent = None
        records.update_versioned(
            "case", child_id, version, {"parent_case": parent}, action="reparent"
        )
