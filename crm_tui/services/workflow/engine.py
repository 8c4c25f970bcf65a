"""Running a rule on a record: its condition (the query language, with the
access of the rule's owner), its actions in order as that owner, and the
run recorded. All of a rule's actions are one savepoint: they happen
together or not at all.

A real-time rule runs in the write that triggered it, so a rule that fails
stops that write, saying which rule and why (Dynamics' real-time
workflows do the same); the failure is recorded once the write is rolled
back. A background rule triggered by a write is queued in that write."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from crm_tui import meta
from crm_tui.db import database, dict_rows, is_postgres, write
from crm_tui.errors import CrmError, DatabaseFault, DomainError, NotFound
from crm_tui.models import User
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import dates, records, session
from crm_tui.services.reporting import engine as report_engine
from crm_tui.services.reporting.spec import Spec
from crm_tui.services.workflow import actions, chain, index, runs
from crm_tui.services.workflow.spec import Rule

ALIAS = "t"


@dataclass(frozen=True)
class Failure:
    """A real-time rule that stopped a write, to be recorded once it is rolled back."""

    rule_id: int
    kind: str
    record_id: int
    how: str
    error: str
    by_user: int | None


class RuleFailed(DomainError):
    """A real-time rule could not do what it says; the write it belongs to
    is refused with this sentence."""

    def __init__(self, message: str, failure: Failure) -> None:
        super().__init__(message)
        self.workflow_failure = failure


def owner_of(rule: Rule) -> User:
    """The user whose rights the rule acts with."""
    user = User.get_or_none(User.login == rule.owner)
    if user is None or not user.active:
        raise DomainError(
            f"the rule {rule.name!r} acts as {rule.owner!r}, who is not an active user"
        )
    return user


def acting_user(rule: Rule) -> User:
    """Who a rule's actions are done as: its owner. On PostgreSQL the server
    holds every statement to the connected person's role and writes the
    audit in their name only, so there the rule acts as the person whose
    write set it off, or as the runner (the audit names the rule either way)."""
    if is_postgres():
        return session.current_user()
    return owner_of(rule)


_conditions: dict[tuple, tuple[str, list]] = {}


def condition_sql(rule: Rule) -> tuple[str, list]:
    """The rule's condition on the row `t` of its kind, with its owner's
    access (read as the owner: `owner:me` is the owner). Compiled once per
    rule version and ten seconds (the query's `now` and today move)."""
    key = (rule.id, rule.version, rule.condition, rule.owner, dates.today(),
           int(time.monotonic() // 10))  # fmt: skip
    found = _conditions.get(key)
    if found is None:
        if len(_conditions) > 256:
            _conditions.clear()
        with session.acting_as(owner_of(rule)):
            _, where, params = report_engine.source_sql(
                Spec(kind=rule.kind, query=rule.condition), ALIAS
            )
        found = _conditions[key] = (where, params)
    return found


def matching(rules: list[Rule], kind: str, record_id: int) -> list[Rule]:
    """Those of `rules` (all on `kind`) whose condition the record meets now:
    one statement for all of them."""
    if not rules:
        return []
    selects, params = [], []
    for rule in rules:
        where, where_params = condition_sql(rule)
        selects.append(f"CASE WHEN {where} THEN 1 ELSE 0 END")
        params += where_params
    table = meta.kind(kind).model._meta.table_name
    row = database.execute_sql(
        f'SELECT {", ".join(selects)} FROM "{table}" {ALIAS} WHERE {ALIAS}.id = ?',
        [*params, record_id],
    ).fetchone()
    if row is None:
        return []
    return [rule for rule, hit in zip(rules, row, strict=True) if hit]


def _where(kind: str, record_id: int) -> str:
    return f"{meta.kind(kind).label.lower()} {records.title_of(kind, record_id)}"


def execute(rule: Rule, kind: str, record_id: int, how: str, mode: str, *,
            by_user: int | None, job_id: int | None = None, dry: bool = False) -> list[str]:  # fmt: skip
    """Do the rule's actions on the record as its owner, in one savepoint,
    and record the run (unless `dry`: a dry run, rolled back by its caller);
    returns what was done, a sentence per action."""
    with chain.entered(rule.name, lambda: _where(kind, record_id)):
        with session.acting_as(acting_user(rule), rule_id=rule.id), write():
            done = [
                _run_other(rule, action, kind, record_id)
                if action.do == "run_rule"
                else actions.perform(rule, action, kind, record_id)
                for action in rule.actions
            ]
            if not dry:
                runs.record(rule, kind, record_id, how, mode, "done", done,
                            by_user=by_user, job_id=job_id)  # fmt: skip
    return done


def _run_other(rule: Rule, action, kind: str, record_id: int) -> str:
    """The action "run another rule": its condition, then its actions."""
    name = str(action.get("rule"))
    rows = dict_rows(f"{index.SELECT} WHERE r.name = ?", (name,))
    if not rows:
        raise DomainError(f"there is no rule {name!r} to run")
    other = index.from_row(rows[0])
    if not other.enabled:
        return f"did not run the rule {name!r}: it is switched off"
    if not matching([other], kind, record_id):
        return f"did not run the rule {name!r}: its condition does not hold"
    done = execute(other, kind, record_id, f"run by the rule {rule.name!r}", "called",
                   by_user=None)  # fmt: skip
    return f"ran the rule {name!r}: " + "; ".join(done)


def triggered(change, rules: list[tuple[Rule, str]]) -> None:
    """Act on a change that triggers `rules` ((rule, how) pairs): real-time
    ones whose condition holds run now, background ones are queued."""
    kind, record_id = change.kind, change.record_id
    hits = matching([rule for rule, _ in rules], kind, record_id)
    for rule, how in rules:
        if rule not in hits:
            continue
        if rule.mode == "background":
            enqueue(rule, kind, record_id, f"event:{uuid.uuid4().hex}", how, by_user=change.actor)
            continue
        try:
            execute(rule, kind, record_id, how, "realtime", by_user=change.actor)
        except RuleFailed:
            raise
        except DatabaseFault:
            raise
        except CrmError as exc:
            failure = Failure(rule.id, kind, record_id, how, str(exc), change.actor)
            raise RuleFailed(f"the rule {rule.name!r} stopped this: {exc}", failure) from exc


def enqueue(rule: Rule, kind: str, record_id: int, moment: str, how: str, *,
            by_user: int | None, due_at=None) -> bool:  # fmt: skip
    """Queue one firing of a rule (inside the caller's write); False when
    the ledger has it already (it fired for this record and moment)."""
    now = to_db_time(utcnow())
    row = database.execute_sql(
        "INSERT INTO workflow_job (rule_id, record_type, record_id, moment, trigger, due_at, "
        "queued_by, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (rule_id, record_id, moment) DO NOTHING RETURNING id",
        (rule.id, kind, record_id, moment, how, due_at or now, by_user, now),
    ).fetchone()
    return row is not None


def record_failure(failure: Failure, depth: int) -> None:
    """Record a real-time rule's failure after its write was rolled back:
    in the transaction still open around it, or in one of its own. A
    database that refused the write may refuse this too; the person has
    the sentence either way."""
    try:
        with write():
            runs.record_failed(failure.rule_id, failure.kind, failure.record_id, failure.how,
                               "realtime", failure.error, by_user=failure.by_user)  # fmt: skip
    except (CrmError, NotFound):
        pass
