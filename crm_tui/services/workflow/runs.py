"""The record of every run of a rule: which rule, on which record, what
triggered it, what each action did, and how it ended (done, skipped,
failed, or failed for now and to be tried again). A record's timeline and
the rules log read it."""

from __future__ import annotations

import datetime as dt
import json
from typing import TypedDict

from crm_tui import meta
from crm_tui.db import database, dict_rows
from crm_tui.models.base import from_db_time, to_db_time, utcnow
from crm_tui.services import access, session
from crm_tui.services.workflow import words

RESULTS = {"done": "Done", "skipped": "Skipped", "failed": "Failed", "retrying": "Will retry"}
MODES = {"realtime": "in the write", "background": "in the background",
         "scheduled": "on its date", "called": "run by a rule"}  # fmt: skip


class RunRow(TypedDict):
    id: int
    rule_id: int
    rule: str
    record_type: str
    record_id: int
    record: str  # the record's name, or "" when the person may not read it
    at: dt.datetime
    trigger: str
    mode: str
    result: str
    actions: list[str]
    error: str
    acting_as: str


def record(rule, kind: str, record_id: int, how: str, mode: str, result: str,
           done: list[str], *, by_user: int | None, job_id: int | None = None,
           error: str = "") -> None:  # fmt: skip
    """Record one run (inside the caller's write)."""
    database.execute_sql(
        "INSERT INTO workflow_run (rule_id, record_type, record_id, at, trigger, mode, result, "
        "actions, error, acting_as, by_user, job_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (rule.id, kind, record_id, to_db_time(utcnow()), how, mode, result,
         json.dumps(done, ensure_ascii=False), error[:1000], session.current_user().id,
         by_user, job_id),
    )  # fmt: skip


def record_failed(rule_id: int, kind: str, record_id: int, how: str, mode: str, error: str,
                  *, by_user: int | None, job_id: int | None = None,
                  result: str = "failed") -> None:  # fmt: skip
    """Record a run that did nothing because it failed (inside a write)."""
    database.execute_sql(
        "INSERT INTO workflow_run (rule_id, record_type, record_id, at, trigger, mode, result, "
        "actions, error, acting_as, by_user, job_id) VALUES (?, ?, ?, ?, ?, ?, ?, '[]', ?, "
        "(SELECT owner_id FROM workflow_rule WHERE id = ?), ?, ?)",
        (rule_id, kind, record_id, to_db_time(utcnow()), how, mode, result, error[:1000],
         rule_id, by_user, job_id),
    )  # fmt: skip


_SELECT = (
    "SELECT w.*, r.name AS rule, u.full_name AS acting_name FROM workflow_run w "
    "JOIN workflow_rule r ON r.id = w.rule_id "
    'LEFT JOIN "user" u ON u.id = w.acting_as'
)


def _rows(where: str, params: list, limit: int) -> list[RunRow]:
    rows = dict_rows(f"{_SELECT} WHERE {where} ORDER BY w.id DESC LIMIT ?", [*params, limit])
    names: dict[tuple[str, int], str] = {}
    by_kind: dict[str, set[int]] = {}
    for row in rows:
        by_kind.setdefault(row["record_type"], set()).add(row["record_id"])
    for kind, ids in by_kind.items():
        readable = _readable(kind, ids)
        for record_id, title in words.labels_of(kind, readable).items():
            names[(kind, record_id)] = title
    return [
        RunRow(
            id=r["id"],
            rule_id=r["rule_id"],
            rule=r["rule"],
            record_type=r["record_type"],
            record_id=r["record_id"],
            record=names.get((r["record_type"], r["record_id"]), ""),
            at=from_db_time(r["at"]),
            trigger=r["trigger"],
            mode=r["mode"],
            result=r["result"],
            # what a run did names the record's values: only for one the person may read
            actions=json.loads(r["actions"] or "[]")
            if (r["record_type"], r["record_id"]) in names
            else [],
            error=r["error"] if (r["record_type"], r["record_id"]) in names else "",
            acting_as=r["acting_name"] or "",
        )  # fmt: skip
        for r in rows
    ]


def _readable(kind: str, ids: set[int]) -> list[int]:
    """Those of `ids` the person may read (a run names only those)."""
    found = meta.kind(kind)
    table = found.model._meta.table_name
    unowned = "t.assigned = 0" if kind == "case" else ""
    condition = access.read_filter(kind, "t.owner_id", unowned=unowned) if found.owned else ""
    marks = ", ".join("?" for _ in ids)
    where = f"t.id IN ({marks})" + (f" AND {condition}" if condition else "")
    rows = database.execute_sql(f'SELECT t.id FROM "{table}" t WHERE {where}', sorted(ids))
    return [r[0] for r in rows.fetchall()]


def for_record(kind: str, record_id: int, limit: int = 50) -> list[RunRow]:
    """The runs of every rule on one record, newest first."""
    return _rows("w.record_type = ? AND w.record_id = ?", [kind, record_id], limit)


def log(*, rule_id: int | None = None, result: str | None = None, before: int | None = None,
        limit: int = 200) -> list[RunRow]:  # fmt: skip
    """Runs newest first: of one rule, with one result, older than run `before`."""
    where, params = ["1 = 1"], []
    if rule_id is not None:
        where.append("w.rule_id = ?")
        params.append(rule_id)
    if result is not None:
        where.append("w.result = ?")
        params.append(result)
    if before is not None:
        where.append("w.id < ?")
        params.append(before)
    return _rows(" AND ".join(where), params, limit)


def counts(rule_id: int) -> dict[str, int]:
    """How many runs of a rule ended each way."""
    rows = database.execute_sql(
        "SELECT result, count(*) FROM workflow_run WHERE rule_id = ? GROUP BY result", (rule_id,)
    )
    return {r[0]: r[1] for r in rows.fetchall()}


def counts_by_rule() -> dict[int, dict[str, int]]:
    """How many runs of each rule ended each way."""
    rows = database.execute_sql(
        "SELECT rule_id, result, count(*) FROM workflow_run GROUP BY rule_id, result"
    )
    out: dict[int, dict[str, int]] = {}
    for rule_id, result, count in rows.fetchall():
        out.setdefault(rule_id, {})[result] = count
    return out
