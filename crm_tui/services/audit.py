"""Reading the audit trail (writing happens in records.audit): as stored,
and as a person reads it (history_view)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from peewee import JOIN

from crm_tui import meta
from crm_tui.db import database
from crm_tui.errors import NotFound
from crm_tui.meta import Attribute, AttributeType
from crm_tui.models import AuditEntry, User
from crm_tui.services import custom_defs, records, session


def history(record_type: str, record_id: int, limit: int = 500) -> list[dict]:
    """A record's changes, newest first: at, who, action, {field: [old, new]}."""
    q = (
        AuditEntry.select(
            AuditEntry.id,
            AuditEntry.at,
            AuditEntry.action,
            AuditEntry.changes,
            User.full_name.alias("who"),
            AuditEntry.rule_id,
        )
        .join(User, on=(AuditEntry.user == User.id), join_type=JOIN.LEFT_OUTER)
        .where((AuditEntry.record_type == record_type) & (AuditEntry.record_id == record_id))
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    rows = list(q.dicts())
    rules = _rule_names({row["rule_id"] for row in rows if row["rule_id"]})
    for row in rows:
        row["changes"] = json.loads(row["changes"] or "{}")
        row["rule"] = rules.get(row.pop("rule_id"))
        if row["rule"] is not None:
            # a rule acts with its owner's rights: both are named
            row["who"] = f"{row['who'] or SYSTEM}, by the rule “{row['rule']}”"
    return rows


def _rule_names(rule_ids: set[int]) -> dict[int, str]:
    if not rule_ids:
        return {}
    marks = ", ".join("?" for _ in rule_ids)
    rows = database.execute_sql(
        f"SELECT id, name FROM workflow_rule WHERE id IN ({marks})", sorted(rule_ids)
    )
    return dict(rows.fetchall())


# Actions every kind's trail holds; a kind's own (resolve, close_won ...) are
# named by its state machine, anything else is shown as written.
ACTIONS = {"create": "Created", "update": "Updated", "state": "Status", "delete": "Deleted"}
# Who made a change nobody made: done by the date (an expiry, a scheduled publishing).
SYSTEM = "System"


@dataclass(frozen=True)
class Change:
    """One field of an audit entry, ready to read: `field` is the
    attribute's label; `old` and `new` are option labels, the names of
    looked-up records, Yes/No and text as str, money as a Decimal amount (in
    `currency`), times as aware UTC datetimes and days as dates (the screen
    shows those in the user's zone and format), None for nothing."""

    field: str
    old: object
    new: object
    currency: str = ""
    # The attribute's type, for what the text alone does not tell (a phone
    # number to group); None for a field the metadata does not describe.
    type: AttributeType | None = None


@dataclass(frozen=True)
class HistoryRow:
    """One audit entry as a person reads it."""

    id: int
    at: dt.datetime  # aware, UTC
    who: str
    action: str
    changes: tuple[Change, ...]


def history_view(record_type: str, record_id: int, limit: int = 500) -> list[HistoryRow]:
    """A record's history, newest first, in words: attribute labels from
    the metadata, option labels instead of codes, names instead of ids (one
    query per looked-up kind for the whole history), money as amounts.
    Fields the metadata leaves out (derived sort keys) are not shown."""
    entries = history(record_type, record_id, limit)
    custom_defs.current()  # a custom field's changes read with its label
    try:
        kind = meta.kind(record_type)
    except NotFound:
        kind = None  # not a record kind (the role table): shown as stored
    names = _names(kind, entries)
    currency = _currency(kind, record_id)
    out = []
    for entry in entries:
        changes = entry["changes"]
        internal = kind.internal if kind else frozenset()
        keys = [k for k in changes if k not in internal]
        out.append(
            HistoryRow(
                id=entry["id"],
                at=_aware(entry["at"]),
                who=entry["who"] or SYSTEM,
                action=_action(kind, entry["action"], changes)
                + (" ⚙" if entry.get("rule") else ""),
                changes=tuple(
                    _change(kind, key, changes, names, currency)
                    for key in sorted(keys, key=lambda k: _order(kind, k))
                ),
            )
        )
    return out


def _attribute(kind: meta.Kind | None, key: str) -> Attribute | None:
    if kind is None or not kind.has_attribute(key):
        return None
    return kind.attribute(key)


def _order(kind: meta.Kind | None, key: str) -> tuple:
    # The metadata's order (the form's), then what it does not describe by name.
    attribute = _attribute(kind, key)
    if attribute is None:
        return (1, 0, key)
    return (0, kind.attributes.index(attribute), key)


def _target(attribute: Attribute, changes: dict) -> str | None:
    """The kind a lookup points at; a polymorphic one (regarding) only when
    the same entry says which kind."""
    if attribute.target is not None:
        return attribute.target
    kind_value = changes.get(attribute.kind_attribute or "", [None, None])[1]
    return kind_value if kind_value in meta.names() else None


def _names(kind: meta.Kind | None, entries: list[dict]) -> dict[str, dict[int, str]]:
    """{target kind: {id: name}} for every lookup value in the history."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        for key, values in entry["changes"].items():
            attribute = _attribute(kind, key)
            if attribute is None or attribute.type is not AttributeType.LOOKUP:
                continue
            target = _target(attribute, entry["changes"])
            if target is None:
                continue
            ids = {v for v in values if isinstance(v, int) and not isinstance(v, bool)}
            wanted.setdefault(target, set()).update(ids)
    return {target: records.titles_of(target, ids) for target, ids in wanted.items() if ids}


def _currency(kind: meta.Kind | None, record_id: int) -> str:
    """The currency the record's money is in: its own (a document's, from
    its price list) or the configured one."""
    if kind is None:
        return ""
    field = next((a.money.currency_attribute for a in kind.attributes if a.money), None)
    if field is None:
        return session.settings().currency
    row = kind.model.select(getattr(kind.model, field)).where(kind.model.id == record_id)
    found = row.tuples().first()
    return (found[0] if found else "") or ""


def _aware(value) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _action(kind: meta.Kind | None, action: str, changes: dict) -> str:
    machine = kind.states if kind is not None else None
    if action == "state" and machine is not None:
        # A state change names the transition it made ("Resolve").
        made = _transition(machine, changes)
        if made is not None:
            return made.label
    if action in ACTIONS:
        return ACTIONS[action]
    if machine is not None:
        try:
            return machine.transition(action).label
        except NotFound:
            pass
    words = action.replace("_", " ")
    return words[:1].upper() + words[1:]


def _transition(machine: meta.StateMachine, changes: dict) -> meta.Transition | None:
    """The transition a person made that matches the entry's state and
    status reason change, if exactly one does."""
    source, target = changes.get(machine.attribute, [None, None])
    reason = changes.get(machine.reason_attribute or "", [None, None])[1]
    if source is None and target is None:
        if reason is None:
            return None
        # The reason changed within a state (on hold): the state is the reason's.
        try:
            source = target = machine.state_of_reason(reason)
        except NotFound:
            return None
    found = [
        t
        for t in machine.transitions
        if source in t.sources
        and t.target == target
        and not t.by_system
        and (reason is None or not t.reasons or reason in t.reasons)
    ]
    return found[0] if len(found) == 1 else None


def _change(kind, key: str, changes: dict, names: dict, currency: str) -> Change:
    old, new = changes[key]
    attribute = _attribute(kind, key)
    if attribute is None:
        words = key.replace("_", " ")
        return Change(words[:1].upper() + words[1:], old, new)

    kinds_of = next((a for a in kind.attributes if a.kind_attribute == attribute.name), None)

    def read(value):
        return _readable(attribute, value, changes, names, kinds_of)

    money = currency if attribute.type is AttributeType.MONEY else ""
    return Change(attribute.label, read(old), read(new), money, attribute.type)


def _readable(attribute: Attribute, value, changes: dict, names: dict, kinds_of=None):
    """A stored value (as the audit trail keeps it: ISO text for times, ids
    for lookups) in words; a value of an unexpected shape is left as stored.
    `kinds_of`: the polymorphic lookup whose kind this attribute holds."""
    if value is None or value == "":
        return None
    kind = attribute.type
    number = isinstance(value, int) and not isinstance(value, bool)
    if kind is AttributeType.OPTION_SET and isinstance(value, str):
        try:
            return attribute.option_label(value)
        except NotFound:
            return value
    if kind is AttributeType.LOOKUP and number:
        target = _target(attribute, changes)
        if target is None:
            return f"#{value}"
        found = names.get(target, {}).get(value)
        noun = meta.kind(target).label.lower()
        return found if found is not None else f"(deleted {noun} #{value})"
    if kind is AttributeType.MONEY and number:
        return attribute.to_decimal(value)
    if kind is AttributeType.BOOLEAN and (number or isinstance(value, bool)):
        return "Yes" if value else "No"
    if kind is AttributeType.DATETIME and isinstance(value, str):
        try:
            return _aware(value)
        except ValueError:
            return value
    if kind is AttributeType.DATE and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if kinds_of is not None and value in meta.names():
        return meta.kind(value).label  # the kind a polymorphic lookup points at
    return value
