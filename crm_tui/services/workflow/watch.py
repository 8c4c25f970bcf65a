"""Every audited change, seen as it is written: what triggers a rule, and
what a colleague is told (a record assigned to them, a change to one they
follow). Kept light: a write that triggers nothing reads the enabled rules
(at most once a second) and nothing else is imported.

A change is noted as the audit entry is written and acted on as the
write() block that made it ends, inside it: real-time rules run there (all
or nothing with the write), background ones are queued there, and a block
rolled back forgets its changes."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from crm_tui import db, meta
from crm_tui.errors import CrmError
from crm_tui.services import hooks, notifications, records, session
from crm_tui.services.workflow import chain, index
from crm_tui.services.workflow.kinds import SERVICES
from crm_tui.services.workflow.spec import Rule


@dataclass(frozen=True)
class Change:
    kind: str
    record_id: int
    action: str
    changes: dict
    depth: int  # the write() block it was made in
    actor: int | None  # who made it (None: the date)
    rules: tuple[str, ...]  # the rules running when it was made


_local = threading.local()


def _pending() -> list[Change]:
    """The changes noted in this thread's write and not yet acted on."""
    if not hasattr(_local, "pending"):
        _local.pending = []
    return _local.pending


def on_change(kind: str, record_id: int, action: str, changes: dict, by_system: bool) -> None:
    """Note a change (hooks.RECORD_CHANGED, from records.audit)."""
    if kind not in SERVICES:
        return
    # as the audit entry has them: not the columns it leaves out (title_sort)
    internal = meta.kind(kind).internal
    changes = {k: v for k, v in changes.items() if k not in internal}
    actor = None if by_system else session.current_user().id
    depth = db.write_depth()
    _pending().append(Change(kind, record_id, action, changes, depth, actor, chain.running()))


def _new_value(change: Change, *names: str):
    for name in names:
        if name in change.changes:
            return change.changes[name][1]
    return None


def assigned_to(change: Change) -> int | None:
    """The user a change gave the record to, if it was an assignment."""
    owner = _new_value(change, "owner", "owner_id")
    if owner is None and change.kind == "case" and _new_value(change, "assigned"):
        owner = records.stored_owner("case", change.record_id)[0]
    return int(owner) if owner is not None else None


def _fields(change: Change) -> list[str]:
    """The record's fields a change changed (not what else its audit entry
    notes: an activity's parties, a message queued)."""
    names = {a.name for a in meta.kind(change.kind).attributes}
    return [k.removesuffix("_id") for k in change.changes if k.removesuffix("_id") in names]


def triggered(rule: Rule, change: Change) -> str:
    """How `change` triggers `rule`, in words ("" when it does not)."""
    if rule.trigger == "created":
        return "created" if change.action == "create" else ""
    if change.action == "create":
        return ""
    if rule.trigger == "updated":
        changed = _fields(change)
        if rule.attributes:
            changed = [k for k in changed if k in rule.attributes]
        return f"changed: {', '.join(changed)}" if changed else ""
    if rule.trigger == "state":
        if "state" not in change.changes:
            return ""
        old, new = change.changes["state"]
        if old == new or (rule.from_state and old != rule.from_state):
            return ""
        if rule.to_state and new != rule.to_state:
            return ""
        return f"state {old} → {new}"
    if rule.trigger == "assigned":
        return "assigned" if assigned_to(change) is not None else ""
    return ""


def _notice(change: Change) -> None:
    """What people are told of a change: the one it was assigned to, and
    those who follow the record (never the one who made it)."""
    # sent in the name of whoever's write it was (on PostgreSQL the server
    # accepts a notice only in the connected person's name, or a rule's)
    sender = change.actor if change.actor is not None else _signed_in()
    if change.rules:
        by = f"the rule “{change.rules[-1]}”"
    elif change.actor is not None:
        by = session.current_user().full_name
    else:
        by = "the date"
    target = assigned_to(change) if change.action != "create" else None
    # a rule's own assignment tells even its owner: nobody pressed a key
    if target is not None and (change.rules or target != change.actor):
        notifications.send([target], f"{_named(change)} was assigned to you by {by}",
                           record=(change.kind, change.record_id), from_user=sender)  # fmt: skip
    if change.action != "create" and notifications.followed(change.kind, change.record_id):
        told = [u for u in notifications.followers(change.kind, change.record_id)
                if u not in (change.actor, target)]  # fmt: skip
        kind = meta.kind(change.kind)
        fields = (
            ", ".join(kind.attribute(n).label.lower() for n in _fields(change)) or change.action
        )
        notifications.send(told, f"{by} changed {_named(change)}: {fields}",
                           record=(change.kind, change.record_id), from_user=sender)  # fmt: skip


def _signed_in() -> int | None:
    try:
        return session.current_user().id
    except CrmError:
        return None  # a change by the date, with nobody signed in


def _named(change: Change) -> str:
    kind = meta.kind(change.kind)
    title = records.title_of(change.kind, change.record_id)
    if kind.number:
        number = records.value_of(kind.model, change.record_id, kind.number)
        return f"{kind.label} {number} “{title}”"
    return f"{kind.label} “{title}”"


def before_end(depth: int) -> None:
    """Act on the changes of the block ending now (db.watch_blocks)."""
    pending = _pending()
    mine = [c for c in pending if c.depth >= depth]
    if not mine:
        return
    pending[:] = [c for c in pending if c.depth < depth]
    if not _has_tables():
        return
    for change in mine:
        _notice(change)
        rules = [(r, how) for r in index.active(change.kind) if (how := triggered(r, change))]
        if rules:
            from crm_tui.services.workflow import engine

            engine.triggered(change, rules)


_tables: dict[str, bool] = {}


def _has_tables() -> bool:
    """Whether the database has the workflow's tables: one opened at an
    older schema (a migration's test, before it upgrades) has none."""
    if "seen" not in _tables:
        _tables["seen"] = db.table_exists("workflow_rule")
    return _tables["seen"]


def after_abort(depth: int, error: BaseException) -> None:
    """Forget the changes of a block rolled back; note a rule that stopped it."""
    pending = _pending()
    pending[:] = [c for c in pending if c.depth < depth]
    failed = getattr(error, "workflow_failure", None)
    if failed is not None and depth == 1:
        from crm_tui.services.workflow import engine

        engine.record_failure(failed, depth)


db.on_open(_tables.clear)
db.watch_blocks(before_end, after_abort)
hooks.listen(hooks.RECORD_CHANGED, on_change)
