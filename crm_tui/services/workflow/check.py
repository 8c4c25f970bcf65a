"""A rule checked against the record metadata before it is kept: its kind,
trigger, condition (the query language), and every action's keys and
values, each problem said in one line by the field it is in."""

from __future__ import annotations

from crm_tui import meta, text
from crm_tui.db import database
from crm_tui.errors import ValidationError
from crm_tui.meta.marketing import MEMBER_TYPES
from crm_tui.services import dates, query
from crm_tui.services.customers.activities import KINDS as ACTIVITY_KINDS
from crm_tui.services.workflow import kinds, offsets, words
from crm_tui.services.workflow.spec import ACTION_KEYS, ACTIONS, MODES, TRIGGERS, Action, Rule

NAME_MAX = 120
NOTIFY_TO = ("owner", "queue", "followers")


def user_id_of(login: str) -> int | None:
    """The id of the active user with this login, or None."""
    row = database.execute_sql(
        'SELECT id FROM "user" WHERE login = ? AND active = 1', (login,)
    ).fetchone()
    return row[0] if row else None


def queue_id_of(name: str) -> int | None:
    """The id of the active queue with this name (in any case), or None."""
    row = database.execute_sql(
        "SELECT id FROM queue WHERE lower(name) = lower(?) AND state = 'active'", (name,)
    ).fetchone()
    return row[0] if row else None


def _static_list(name: str, member_type: str) -> str:
    row = database.execute_sql(
        "SELECT member_type, dynamic FROM marketing_list WHERE lower(name) = lower(?)", (name,)
    ).fetchone()
    if row is None:
        return f"there is no marketing list {name!r}"
    if row[1]:
        return f"{name!r} is a dynamic list: its query picks its members"
    if row[0] != member_type:
        return f"{name!r} holds {row[0]}s, not {member_type}s"
    return ""


def _rule_kind(name: str) -> str | None:
    row = database.execute_sql("SELECT kind FROM workflow_rule WHERE name = ?", (name,)).fetchone()
    return row[0] if row else None


def _trigger(rule: Rule, kind: meta.Kind, errors: dict) -> None:
    if rule.trigger not in TRIGGERS:
        errors["when"] = f"when is one of {', '.join(TRIGGERS)}"
        return
    if rule.trigger not in ("time", "called") and rule.mode not in MODES:
        errors["mode"] = f"mode is one of {', '.join(MODES)}"
    names = {a.name for a in kind.attributes}
    if rule.attributes and rule.trigger != "updated":
        errors["attributes"] = "only a rule run when a record is changed names fields"
    for name in rule.attributes:
        if name not in names:
            errors["attributes"] = f"a {kind.label.lower()} has no field {name!r}"
    if rule.trigger == "state":
        codes = kind.states.codes if kind.states else ()
        for key, code in (("from", rule.from_state), ("to", rule.to_state)):
            if code and code not in codes:
                errors[key] = f"a {kind.label.lower()}'s states are {', '.join(codes)}"
    elif rule.from_state or rule.to_state:
        errors["from"] = "only a rule run when the state changes names states"
    if rule.trigger == "time":
        dated = [a.name for a in kind.attributes
                 if a.type in (meta.AttributeType.DATE, meta.AttributeType.DATETIME)]  # fmt: skip
        if rule.date not in dated:
            errors["date"] = f"a rule on time counts from one of {', '.join(dated)}"
        try:
            offsets.parse(rule.offset)
        except ValidationError as exc:
            errors.update(exc.errors)
    elif rule.date or rule.offset:
        errors["date"] = "only a rule run at a time has a date and an offset"


def _action(rule: Rule, action: Action, kind: meta.Kind) -> str:
    """The first problem of one action, or ""."""
    if action.do not in ACTIONS:
        return f"{action.do or 'nothing'!r} is not an action; use {', '.join(ACTIONS)}"
    for key, _ in action.params:
        if key not in ACTION_KEYS[action.do]:
            return f"{action.do} takes {', '.join(ACTION_KEYS[action.do])}, not {key!r}"
    for key in ("subject", "text", "body", "description"):
        value = action.get(key)
        if value is not None and (problem := words.problem(str(value), kind.name)):
            return f"{key}: {problem}"
    return _ACTION_CHECKS[action.do](rule, action, kind)


def _activity(rule: Rule, action: Action, kind: meta.Kind) -> str:
    if not kind.regardable:
        return f"an activity cannot regard a {kind.label.lower()}"
    if action.get("kind", "task") not in ACTIVITY_KINDS:
        return f"kind is one of {', '.join(ACTIVITY_KINDS)}"
    if not str(action.get("subject", "")).strip():
        return "an activity needs a subject"
    owner = str(action.get("owner", "owner"))
    if owner not in ("owner", "rule") and user_id_of(owner) is None:
        return f"owner: there is no active user {owner!r}"
    if action.get("due"):
        try:
            dates.parse_day(str(action.get("due")), dates.today(), field="due")
        except ValidationError as exc:
            return f"due: {exc.errors.get('due', exc)}"
    priorities = meta.kind("activity").attribute("priority").option_codes
    if action.get("priority", "normal") not in priorities:
        return f"priority is one of {', '.join(priorities)}"
    return ""


def _assign(rule: Rule, action: Action, kind: meta.Kind) -> str:
    to = str(action.get("to", "")).strip()
    if not kind.owned:
        return f"a {kind.label.lower()} has no owner"
    if to == "queue":
        queue = str(action.get("queue", ""))
        if queue_id_of(queue) is None:
            return f"there is no active queue {queue!r}"
        how = action.get("how", "into" if kind.name == "case" else "round_robin")
        if how not in ("into", "round_robin", "least_busy"):
            return "how is into, round_robin or least_busy"
        if how == "into" and kind.name != "case":
            return "only a case waits in a queue; assign round_robin or least_busy"
        return ""
    if action.get("queue") or action.get("how"):
        return 'queue and how go with to = "queue"'
    return "" if user_id_of(to) else f"to: there is no active user {to!r}"


def _set(rule: Rule, action: Action, kind: meta.Kind) -> str:
    values = action.get("values")
    if not isinstance(values, dict) or not values:
        return "set needs values = { field = value, ... }"
    writable = {a.name for a in kind.attributes if not a.read_only}
    for name in values:
        if name not in writable:
            return f"a rule cannot set {name!r} on a {kind.label.lower()}"
    return ""


def _state(rule: Rule, action: Action, kind: meta.Kind) -> str:
    allowed = kinds.transitions(kind.name)
    name = str(action.get("transition", ""))
    if name not in allowed:
        return f"transition is one of {', '.join(allowed) or 'none on this kind'}"
    given = action.get("with") or {}
    if not isinstance(given, dict):
        return "with is a table of values"
    needed, optional = kinds.transition_needs(kind.name, name)
    reason = action.get("reason")
    if reason is not None and "reason" not in needed + optional:
        return f"{name} takes no reason"
    if reason is not None and allowed[name].reasons and reason not in allowed[name].reasons:
        return f"reason is one of {', '.join(allowed[name].reasons)}"
    missing = [n for n in needed if n not in given and not (n == "reason" and reason)]
    if missing:
        return f"{name} needs with.{missing[0]}"
    unknown = [n for n in given if n not in needed + optional]
    return f"{name} takes no {unknown[0]!r}" if unknown else ""


def _add_to_list(rule: Rule, action: Action, kind: meta.Kind) -> str:
    if kind.name not in MEMBER_TYPES:
        return f"only {', '.join(MEMBER_TYPES)} records are members of a marketing list"
    return _static_list(str(action.get("list", "")), kind.name)


def _email(rule: Rule, action: Action, kind: meta.Kind) -> str:
    to = str(action.get("to", "contact" if kind.name == "case" else "record"))
    if to == "record" and kind.name not in kinds.EMAIL_OF:
        return f"a {kind.label.lower()} has no email address of its own; to = contact or an address"
    if to == "contact" and "contact" not in {a.name for a in kind.attributes}:
        return f"a {kind.label.lower()} has no contact"
    if to not in ("record", "contact") and "@" not in to:
        return "to is contact, record or an email address"
    if not kind.regardable:
        return f"an email activity cannot regard a {kind.label.lower()}"
    if not str(action.get("subject", "")).strip():
        return "an email needs a subject"
    return ""


def _notify(rule: Rule, action: Action, kind: meta.Kind) -> str:
    to = action.get("to")
    to = [to] if isinstance(to, str) else to
    if not to:
        return "notify needs to = [owner, queue, followers, or logins]"
    for name in to:
        if name == "queue" and "queue" not in {a.name for a in kind.attributes}:
            return f"a {kind.label.lower()} has no queue"
        if name not in NOTIFY_TO and user_id_of(str(name)) is None:
            return f"to: there is no active user {name!r}"
    return "" if str(action.get("text", "")).strip() else "notify needs a text"


def _run_rule(rule: Rule, action: Action, kind: meta.Kind) -> str:
    name = str(action.get("rule", ""))
    if name == rule.name:
        return "a rule cannot run itself"
    other = _rule_kind(name)
    if other is None:
        return f"there is no rule {name!r}"
    return "" if other == kind.name else f"{name!r} is a rule on {other}s"


_ACTION_CHECKS = {"activity": _activity, "assign": _assign, "set": _set, "state": _state,
                  "add_to_list": _add_to_list, "email": _email, "notify": _notify,
                  "run_rule": _run_rule}  # fmt: skip


def check(rule: Rule) -> dict[str, str]:
    """Every problem of `rule`, by field ({} when it can be kept)."""
    errors: dict[str, str] = {}
    name = text.clean(rule.name).strip()
    if not name:
        errors["name"] = "a rule needs a name"
    elif len(name) > NAME_MAX:
        errors["name"] = f"a name is at most {NAME_MAX} characters"
    try:
        kind = kinds.require(rule.kind)
    except ValidationError as exc:
        return {**errors, **exc.errors}
    _trigger(rule, kind, errors)
    if rule.condition and (problem := query.problem(kind.name, rule.condition)):
        errors["condition"] = problem
    if rule.owner and user_id_of(rule.owner) is None:
        errors["owner"] = f"there is no active user {rule.owner!r}"
    if not rule.actions:
        errors["actions"] = "a rule needs at least one action"
    for number, action in enumerate(rule.actions, start=1):
        problem = _action(rule, action, kind)
        if problem:
            errors[f"action {number}"] = f"{action.do}: {problem}"
            break
    return errors


def require(rule: Rule) -> None:
    """Raise ValidationError with every problem of `rule`, if it has any."""
    errors = check(rule)
    if errors:
        raise ValidationError(errors)
