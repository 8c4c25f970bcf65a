"""What a rule is, as data: its kind, trigger, condition and ordered
actions, read from and written to plain dicts (the JSON a rule is stored
as, and the TOML a team keeps in version control). `check` is in check.py."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from crm_tui.errors import ValidationError

# When a rule acts ("When ..."), short enough for the form's choice.
TRIGGERS = {
    "created": "one is created",
    "updated": "one is changed",
    "state": "its state changes",
    "assigned": "it is assigned",
    "time": "one of its dates comes",
    "called": "another rule runs it",
}
MODES = {
    "realtime": "in the write",
    "background": "in the background",
}
# The actions a rule can take, in the order a form offers them.
ACTIONS = {
    "activity": "create an activity or task",
    "assign": "assign it (a user, a queue, round-robin, least busy)",
    "set": "set fields",
    "state": "change its state",
    "add_to_list": "add it to a marketing list",
    "email": "send an email through the queue",
    "notify": "notify people",
    "run_rule": "run another rule",
}
# What each action reads from its table: name -> what it means.
ACTION_KEYS = {
    "activity": {"kind": "task, phone_call, email, appointment, letter, fax (task when not given)",
                 "subject": "the subject; {field} names a value of the record",
                 "description": "its text", "owner": "owner (the record's), rule (its owner) or a login",
                 "due": "when it is due: +3d, fri, 2026-12-01 (none when not given)",
                 "priority": "low, normal or high"},
    "assign": {"to": "a login, or queue", "queue": "the queue's name (to = queue)",
               "how": "into (waits unassigned), round_robin or least_busy (to = queue)"},
    "set": {"values": "a table of field = value, as a form would take them"},
    "state": {"transition": "the change, by its name (resolve, cancel, deactivate ...)",
              "reason": "the status reason, when the change takes one",
              "with": "a table of the other values the change needs"},
    "add_to_list": {"list": "the static marketing list's name"},
    "email": {"to": "contact (a case's), record (its own email) or an address",
              "subject": "the subject; {field} names a value of the record",
              "body": "the text (Markdown)"},
    "notify": {"to": "a list of: owner, queue (its members), followers, or logins",
               "text": "what they are told; {field} names a value of the record"},
    "run_rule": {"rule": "the rule's name"},
}  # fmt: skip


@dataclass(frozen=True)
class Action:
    """One step of a rule: what it does (`do`) and with what."""

    do: str
    params: tuple[tuple[str, object], ...] = ()

    def get(self, key: str, default=None):
        """The value of one of the action's keys."""
        return dict(self.params).get(key, default)

    def to_dict(self) -> dict:
        """The action as the TOML and JSON of a rule write it."""
        return {"do": self.do, **dict(self.params)}

    @classmethod
    def from_dict(cls, data: dict) -> Action:
        """An action from its table (`do` and its keys)."""
        if not isinstance(data, dict):
            raise ValidationError({"actions": "each action is a table with do = ..."})
        rest = {k: v for k, v in data.items() if k != "do"}
        return cls(str(data.get("do", "")).strip(), tuple(sorted(rest.items())))


@dataclass(frozen=True)
class Rule:
    """A workflow rule as written; `id` and `version` once stored."""

    name: str
    kind: str
    trigger: str
    mode: str = "realtime"
    attributes: tuple[str, ...] = ()  # updated: only when one of these changes
    from_state: str = ""  # state: only from this state ...
    to_state: str = ""  # ... and to this one
    date: str = ""  # time: the date or moment it counts from
    offset: str = ""  # time: "30 days before", "4 working hours after"
    condition: str = ""  # the query language, on the record
    actions: tuple[Action, ...] = ()
    description: str = ""
    owner: str = ""  # the login whose rights it acts with
    enabled: bool = False
    id: int | None = field(default=None, compare=False)
    version: int = field(default=0, compare=False)

    @property
    def scheduled(self) -> bool:
        return self.trigger == "time"

    def with_(self, **changes) -> Rule:
        return replace(self, **changes)

    def to_dict(self) -> dict:
        """The rule as TOML keeps it: empty keys left out."""
        out: dict = {"name": self.name, "kind": self.kind, "when": self.trigger}
        if self.trigger not in ("time", "called"):
            out["mode"] = self.mode
        optional = {"attributes": list(self.attributes), "from": self.from_state,
                    "to": self.to_state, "date": self.date, "offset": self.offset,
                    "condition": self.condition, "description": self.description,
                    "owner": self.owner}  # fmt: skip
        out.update({k: v for k, v in optional.items() if v})
        out["enabled"] = self.enabled
        out["actions"] = [a.to_dict() for a in self.actions]
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Rule:
        """A rule from its table; unknown keys are refused by name, so a typo
        in a team's file is said rather than ignored."""
        known = {"name", "kind", "when", "mode", "attributes", "from", "to", "date", "offset",
                 "condition", "actions", "description", "owner", "enabled"}  # fmt: skip
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValidationError({unknown[0]: f"a rule has no key {unknown[0]!r}"})
        actions = data.get("actions") or []
        if not isinstance(actions, list):
            raise ValidationError({"actions": "actions is a list of tables"})
        attributes = data.get("attributes") or ()
        if isinstance(attributes, str):
            attributes = [a.strip() for a in attributes.split(",") if a.strip()]
        trigger = str(data.get("when", "")).strip()
        return cls(
            name=str(data.get("name", "")).strip(),
            kind=str(data.get("kind", "")).strip(),
            trigger=trigger,
            # a rule on time runs from the queue (its TOML has no mode)
            mode="background" if trigger == "time" else str(data.get("mode") or "realtime").strip(),
            attributes=tuple(str(a) for a in attributes),
            from_state=str(data.get("from", "")).strip(),
            to_state=str(data.get("to", "")).strip(),
            date=str(data.get("date", "")).strip(),
            offset=str(data.get("offset", "")).strip(),
            condition=str(data.get("condition", "")).strip(),
            actions=tuple(Action.from_dict(a) for a in actions),
            description=str(data.get("description", "")),
            owner=str(data.get("owner", "")).strip(),
            enabled=bool(data.get("enabled", False)),
        )

    def spec_json(self) -> str:
        """What the rule's `spec` column keeps (the rest has columns)."""
        data = self.to_dict()
        for column in ("name", "kind", "when", "mode", "description", "owner", "enabled"):
            data.pop(column, None)
        return json.dumps(data, ensure_ascii=False, sort_keys=True)
