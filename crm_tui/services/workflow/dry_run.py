"""Trying a rule before it is switched on: which existing records it would
act on, and what it would do to each. The actions really run, through the
same services and with the owner's rights, in a transaction that is then
rolled back, so what is shown is what would happen (a round-robin's
turns, a refused state change, a missing email address), and nothing of
it stays."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from crm_tui import meta
from crm_tui.db import database, write
from crm_tui.errors import CrmError, DatabaseFault
from crm_tui.models.base import utcnow
from crm_tui.services import session
from crm_tui.services.workflow import check, engine, schedule, words
from crm_tui.services.workflow.spec import Rule

COUNT_CAP = 10_000
# How far back a rule on time may catch up when switched on (and its dry run looks).
CATCH_UP = dt.timedelta(days=7)
LOOK_AHEAD = dt.timedelta(days=7)


@dataclass(frozen=True)
class DryRow:
    record_id: int
    title: str
    due_at: dt.datetime | None = None
    done: tuple[str, ...] = ()
    error: str = ""


@dataclass
class DryRun:
    """What a rule would do now."""

    matched: int = 0  # records its condition holds for now (at most COUNT_CAP)
    rows: list[DryRow] = field(default_factory=list)  # the first of them, tried
    upcoming: list[DryRow] = field(default_factory=list)  # a scheduled rule's next ones
    note: str = ""


class _Undo(Exception):
    """Leaves the dry run's transaction, rolling it back."""


def _matching_ids(rule: Rule, limit: int) -> tuple[int, list[int]]:
    where, params = engine.condition_sql(rule)
    table = meta.kind(rule.kind).model._meta.table_name
    source = f'FROM "{table}" {engine.ALIAS} WHERE {where}'
    count = database.execute_sql(
        f"SELECT count(*) FROM (SELECT 1 {source} LIMIT {COUNT_CAP}) q", params
    ).fetchone()[0]
    ids = database.execute_sql(
        f"SELECT {engine.ALIAS}.id {source} ORDER BY {engine.ALIAS}.id DESC LIMIT ?",
        [*params, limit],
    )
    return count, [r[0] for r in ids.fetchall()]


def _tried(rule: Rule, kind: str, targets: list[tuple[int, dt.datetime | None]]) -> list[DryRow]:
    titles = words.labels_of(kind, [i for i, _ in targets])
    rows: list[DryRow] = []
    try:
        with write():
            for record_id, due in targets:
                try:
                    with write():
                        done = engine.execute(rule, kind, record_id, "dry run", "called",
                                              by_user=None, dry=True)  # fmt: skip
                    rows.append(DryRow(record_id, titles.get(record_id, ""), due, tuple(done)))
                except DatabaseFault:
                    raise
                except CrmError as exc:
                    rows.append(DryRow(record_id, titles.get(record_id, ""), due, (), str(exc)))
            raise _Undo
    except _Undo:
        pass
    return rows


def dry_run(rule: Rule, *, limit: int = 20, catch_up: dt.timedelta = CATCH_UP) -> DryRun:
    """What `rule` (kept or not) would do to the records it matches now: up
    to `limit` of them tried; for a rule on time, those due in the last
    `catch_up` (they fire at once only if it is switched on with that
    catch-up) and those due within a week."""
    check.require(rule)
    if not rule.owner:  # not kept yet: it would act as the person keeping it
        rule = rule.with_(owner=session.current_user().login)
    out = DryRun()
    now = utcnow()
    with session.acting_as(engine.owner_of(rule)):
        if rule.scheduled:
            due = schedule.due_records(rule, now, since=now - catch_up)
            ahead = schedule.due_records(rule, now + LOOK_AHEAD, since=now)
            out.matched = len(due)
            due.sort(key=lambda d: d.due_at)
            out.rows = _tried(rule, rule.kind, [(d.record_id, d.due_at) for d in due[:limit]])
            ahead.sort(key=lambda d: d.due_at)
            titles = words.labels_of(rule.kind, [d.record_id for d in ahead[:limit]])
            out.upcoming = [DryRow(d.record_id, titles.get(d.record_id, ""), d.due_at)
                            for d in ahead[:limit] if d.due_at > now]  # fmt: skip
            out.note = (
                f"{len(due)} already past their moment (in the last {catch_up.days} days): "
                "switched on with catch-up they are acted on at once, otherwise only moments "
                f"from now on; {len(ahead)} come in the next {LOOK_AHEAD.days} days"
            )
        else:
            out.matched, ids = _matching_ids(rule, limit)
            out.rows = _tried(rule, rule.kind, [(i, None) for i in ids])
            more = "+" if out.matched >= COUNT_CAP else ""
            out.note = (
                f"Its condition holds for {out.matched}{more} "
                f"{meta.kind(rule.kind).plural.lower()} now; it acts on one when it is "
                f"{_when(rule)}"
            )
    return out


def _when(rule: Rule) -> str:
    if rule.trigger == "created":
        return "created"
    if rule.trigger == "state":
        return "moved to another state"
    if rule.trigger == "assigned":
        return "assigned"
    if rule.trigger == "called":
        return "run by another rule"
    return "changed" + (f" ({', '.join(rule.attributes)})" if rule.attributes else "")
