"""A rule's actions, each done through the service a person's key would
call (its checks, state machine, access and audit apply, with the rights
of the rule's owner, who is signed in while it runs), each returning what
it did as a sentence for the run's record. Running another rule is the
engine's (engine.py)."""

from __future__ import annotations

from crm_tui import meta
from crm_tui.db import database
from crm_tui.errors import DomainError
from crm_tui.services import dates, notifications, records, session
from crm_tui.services.bulk import option_code
from crm_tui.services.workflow import assign, kinds, words
from crm_tui.services.workflow.check import queue_id_of, user_id_of
from crm_tui.services.workflow.spec import Action, Rule

_TODO_STATES = {"appointment": "scheduled", "service_activity": "scheduled"}


def _version(kind: str, record_id: int) -> int:
    return int(records.value_of(meta.kind(kind).model, record_id, "version"))


def _user_name(user_id: int | None) -> str:
    row = database.execute_sql('SELECT full_name FROM "user" WHERE id = ?', (user_id,)).fetchone()
    return row[0] if row else "nobody"


def _active(user_id: int) -> bool:
    row = database.execute_sql('SELECT active FROM "user" WHERE id = ?', (user_id,)).fetchone()
    return bool(row and row[0])


def _activity(rule: Rule, action: Action, kind: str, record_id: int, values: dict) -> str:
    from crm_tui.services.customers import activities

    owner = str(action.get("owner", "owner"))
    if owner == "owner":
        owner_id = records.owner_of(kind, record_id) or session.current_user().id
    elif owner == "rule":
        owner_id = session.current_user().id
    else:
        owner_id = user_id_of(owner)
    due = None
    if action.get("due"):
        zone = dates.configured_zone()
        day = dates.parse_day(str(action.get("due")), dates.today(), field="due")
        due = dates.end_of_working_day(day, zone)
    what = str(action.get("kind", "task"))
    subject = words.fill(str(action.get("subject")), values)[:200]
    activities.log(
        what, subject, regarding=(kind, record_id),
        description=words.fill(str(action.get("description", "")), values),
        due_at=due, priority=str(action.get("priority", "normal")),
        state=_TODO_STATES.get(what, "open"), owner_id=owner_id,
    )  # fmt: skip
    label = activities.KINDS[what].label.lower()
    when = f", due {due.astimezone(dates.configured_zone()).date().isoformat()}" if due else ""
    return f"created the {label} “{subject}” for {_user_name(owner_id)}{when}"


def _assign(rule: Rule, action: Action, kind: str, record_id: int, values: dict) -> str:
    to = str(action.get("to"))
    service = kinds.service(kind)
    if to != "queue":
        user_id = user_id_of(to)
        if user_id is None:
            raise DomainError(f"{to!r} is not an active user to assign to")
        _give(kind, record_id, user_id, service)
        return f"assigned it to {_user_name(user_id)}"
    name = str(action.get("queue"))
    queue_id = queue_id_of(name)
    if queue_id is None:
        raise DomainError(f"there is no active queue {name!r}")
    how = str(action.get("how", "into" if kind == "case" else "round_robin"))
    if kind == "case":
        from crm_tui.services.support import case_taking

        row = records.by_id(meta.kind("case").model, record_id)
        if row.queue_id != queue_id:
            case_taking.move(record_id, row.version, queue_id)
        elif how == "into" and row.assigned:
            case_taking.release(record_id, row.version)
        if how == "into":
            return f"put it in the queue {name}, unassigned"
    user_id = assign.choose(queue_id, name, how, kind)
    _give(kind, record_id, user_id, service)
    words_how = "round-robin" if how == "round_robin" else "as the least busy"
    return f"assigned it to {_user_name(user_id)} ({words_how} in {name})"


def _give(kind: str, record_id: int, user_id: int, service) -> None:
    if kind == "case":
        from crm_tui.services.support import case_taking

        row = records.by_id(meta.kind("case").model, record_id)
        if not (row.assigned and row.owner_id == user_id):
            case_taking.assign(record_id, row.version, user_id)
        return
    service.update(record_id, _version(kind, record_id), {"owner_id": user_id})


def _set(rule: Rule, action: Action, kind: str, record_id: int, values: dict) -> str:
    found = meta.kind(kind)
    typed = {}
    for name, value in dict(action.get("values")).items():
        attribute = found.attribute(name)
        if isinstance(value, str):
            value = words.fill(value, values)
        typed[attribute.key] = option_code(attribute, value)
    kinds.service(kind).update(record_id, _version(kind, record_id), typed)
    said = ", ".join(f"{found.attribute(n).label.lower()} to {v!r}"
                     for n, v in dict(action.get("values")).items())  # fmt: skip
    return f"set {said}"


def _state(rule: Rule, action: Action, kind: str, record_id: int, values: dict) -> str:
    name = str(action.get("transition"))
    transition = kinds.transitions(kind)[name]
    needed, optional = kinds.transition_needs(kind, name)
    given = {k: words.fill(v, values) if isinstance(v, str) else v
             for k, v in dict(action.get("with") or {}).items()}  # fmt: skip
    if action.get("reason") is not None:
        given["reason"] = action.get("reason")
    function = getattr(kinds.service(kind), name)
    function(record_id, _version(kind, record_id), **given)
    return f"{transition.label.lower()}: now {transition.target}"


def _add_to_list(rule: Rule, action: Action, kind: str, record_id: int, values: dict) -> str:
    from crm_tui.services.marketing import list_members

    name = str(action.get("list"))
    row = database.execute_sql(
        "SELECT id FROM marketing_list WHERE lower(name) = lower(?)", (name,)
    ).fetchone()
    if row is None:
        raise DomainError(f"there is no marketing list {name!r}")
    added = list_members.add(row[0], [record_id])
    return f"added it to the list {name}" if added else f"already on the list {name}"


def _email(rule: Rule, action: Action, kind: str, record_id: int, values: dict) -> str:
    from crm_tui.services.marketing.mail import queue

    to = str(action.get("to", "contact" if kind == "case" else "record"))
    party: tuple[str, str, int | None, str]
    if to in ("record", "contact"):
        party_kind = kind if to == "record" else "contact"
        party_id = record_id if to == "record" else records.value_of(
            meta.kind(kind).model, record_id, "contact_id")  # fmt: skip
        if party_id is None:
            return "sent no email: it has no contact"
        model = meta.kind(party_kind).model
        address = records.value_of(model, party_id, kinds.EMAIL_OF[party_kind])
        if not address:
            return f"sent no email: the {party_kind} has no email address"
        if records.value_of(model, party_id, "do_not_email"):
            return f"sent no email: the {party_kind} does not want email"
        party = ("to", party_kind, int(party_id), address)
    else:
        party, address = ("to", None, None, to), to
    subject = words.fill(str(action.get("subject")), values)[:200]
    queue.log_and_send(
        subject, regarding=(kind, record_id),
        description=words.fill(str(action.get("body", "")), values), parties=[party],
    )  # fmt: skip
    return f"queued the email “{subject}” to {address}"


def _notify(rule: Rule, action: Action, kind: str, record_id: int, values: dict) -> str:
    to = action.get("to")
    to = [to] if isinstance(to, str) else list(to)
    ids: set[int] = set()
    for name in to:
        if name == "owner":
            owner = records.owner_of(kind, record_id)
            ids.update([owner] if owner else [])
        elif name == "queue":
            queue_id = records.value_of(meta.kind(kind).model, record_id, "queue_id")
            ids.update(assign.members(queue_id) if queue_id else [])
        elif name == "followers":
            ids.update(notifications.followers(kind, record_id))
        elif (user_id := user_id_of(str(name))) is not None:
            ids.add(user_id)
    said = words.fill(str(action.get("text")), values)
    told = notifications.send(ids, said, record=(kind, record_id), rule_id=rule.id)
    if not told:
        return "notified nobody: " + ", ".join(str(t) for t in to) + " named no one active"
    if told > 3:
        return f"notified {told} people"
    return "notified " + ", ".join(sorted(_user_name(i) for i in ids if _active(i)))


_DO = {"activity": _activity, "assign": _assign, "set": _set, "state": _state,
       "add_to_list": _add_to_list, "email": _email, "notify": _notify}  # fmt: skip


def perform(rule: Rule, action: Action, kind: str, record_id: int) -> str:
    """Do one action of `rule` on the record; what it did, as a sentence."""
    values = words.values_of(kind, record_id, rule.name)
    return _DO[action.do](rule, action, kind, record_id, values)
