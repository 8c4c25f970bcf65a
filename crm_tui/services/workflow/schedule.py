"""Finding the records a scheduled rule is due for, and queueing each once.

A rule on time ("30 days before a contract's end", "4 working hours after
a case was opened, if it has no first response") is due for a record when
its date, moved by the offset, has come. Each pass looks at the span since
the last pass (the rule's `scanned_until`), and at the records changed
since then, whose date may have moved into the past. A record is queued
with its date as it is (the ledger's moment): a record whose date is empty
never matches, one that fired for a date never fires for it again, and one
whose date is changed is due again at the new date. A rule fires only for
moments after it was switched on: switching one on does not fire it for
every record of the past."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crm_tui import meta
from crm_tui.db import database, dict_rows, write
from crm_tui.models.base import from_db_time, to_db_time, utcnow
from crm_tui.services import session
from crm_tui.services.support import sla
from crm_tui.services.workflow import engine, index, offsets
from crm_tui.services.workflow.spec import Rule

CHUNK = 500


@dataclass(frozen=True)
class Due:
    """A record a scheduled rule is due for."""

    record_id: int
    moment: str  # the record's date as stored: the ledger's key
    due_at: dt.datetime


def scheduled_rules() -> list[Rule]:
    """The enabled rules on time."""
    rows = dict_rows(f"{index.SELECT} WHERE r.enabled = 1 AND r.trigger = 'time' ORDER BY r.id")
    return [index.from_row(r) for r in rows]


def _bounds(rule_id: int) -> tuple[dt.datetime, dt.datetime]:
    row = database.execute_sql(
        "SELECT enabled_at, scanned_until FROM workflow_rule WHERE id = ?", (rule_id,)
    ).fetchone()
    enabled = from_db_time(row[0])
    return enabled, from_db_time(row[1]) if row[1] else enabled


def _stored(value: dt.datetime, as_day: bool) -> str:
    return value.date().isoformat() if as_day else to_db_time(value)


def due_records(rule: Rule, now: dt.datetime, *, since: dt.datetime | None = None,
                changed_since: dt.datetime | None = None,
                enabled: dt.datetime | None = None) -> list[Due]:  # fmt: skip
    """The records `rule` is due for, at `now`, that its ledger does not
    hold: due in [since, now], or changed since `changed_since` and due in
    [enabled, now]. Read as the rule's owner (its condition and access)."""
    kind = meta.kind(rule.kind)
    attribute = kind.attribute(rule.date)
    column = kind.model._meta.fields[attribute.name].column_name
    as_day = offsets.is_day(rule.kind, rule.date)
    offset = offsets.parse(rule.offset)
    cal = sla.calendar()
    where, params = engine.condition_sql(rule)
    table = kind.model._meta.table_name
    base = (f'SELECT t.id, t."{column}" FROM "{table}" t WHERE t."{column}" IS NOT NULL '
            f"AND ({where}) AND NOT EXISTS (SELECT 1 FROM workflow_job j WHERE j.rule_id = ? "
            f'AND j.record_id = t.id AND j.moment = CAST(t."{column}" AS TEXT))')  # fmt: skip
    found: dict[int, tuple[str, dt.datetime, dt.datetime]] = {}
    spans = []
    if since is not None:
        low, high = offsets.stored_span(since, now, offset)
        spans.append((f' AND t."{column}" BETWEEN ? AND ?',
                      [_stored(low, as_day), _stored(high, as_day)], since))  # fmt: skip
    if changed_since is not None and "modified_at" in kind.model._meta.fields:
        spans.append((" AND t.modified_at >= ?", [to_db_time(changed_since)], enabled or since))
    for extra, extra_params, earliest in spans:
        rows = database.execute_sql(base + extra, [*params, rule.id, *extra_params])
        for record_id, stored in rows.fetchall():
            moment = offsets.due(stored, as_day, offset, cal)
            if moment is not None and earliest <= moment <= now:
                found[record_id] = (str(stored), moment, earliest)
    return [Due(i, m, d) for i, (m, d, _) in sorted(found.items())]


def scan(rule: Rule, now: dt.datetime | None = None) -> int:
    """Queue every record `rule` is due for now, once; returns how many."""
    now = now or utcnow()
    enabled, scanned = _bounds(rule.id)
    with session.acting_as(engine.owner_of(rule)):
        due = due_records(rule, now, since=scanned, changed_since=scanned, enabled=enabled)
    queued = 0
    words = f"{offsets.parse(rule.offset).words()} {meta.kind(rule.kind).attribute(rule.date).label.lower()}"
    for start in range(0, len(due), CHUNK):
        with write():
            for item in due[start : start + CHUNK]:
                queued += engine.enqueue(rule, rule.kind, item.record_id, item.moment,
                                         f"{words} ({item.moment[:16]})", by_user=None,
                                         due_at=to_db_time(item.due_at))  # fmt: skip
    with write():
        database.execute_sql(
            "UPDATE workflow_rule SET scanned_until = ? WHERE id = ? AND enabled = 1",
            (to_db_time(now), rule.id),
        )
    return queued


def scan_all(now: dt.datetime | None = None) -> int:
    """Queue what every scheduled rule is due for; returns how many."""
    return sum(scan(rule, now) for rule in scheduled_rules())
