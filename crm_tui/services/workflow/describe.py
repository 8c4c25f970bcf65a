"""A rule in words, as its page and the rules list say it: "When a case is
created, if queue:Billing: assign it round-robin in Billing; notify the
queue's members"."""

from __future__ import annotations

from crm_tui import meta
from crm_tui.services.workflow import offsets
from crm_tui.services.workflow.spec import Action, Rule

_MOMENTS = {"created_at": "creation", "modified_at": "last change"}


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


def _attribute(kind: meta.Kind, name: str) -> str:
    if name in _MOMENTS:
        return _MOMENTS[name]
    try:
        return kind.attribute(name).label.lower()
    except Exception:
        return name


def trigger(rule: Rule) -> str:
    """When the rule acts: "When a case is created"."""
    try:
        kind = meta.kind(rule.kind)
    except Exception:
        return f"When {_a(rule.kind)} …"
    noun = kind.label.lower()
    a_noun = _a(noun)
    if rule.trigger == "created":
        return f"When {a_noun} is created"
    if rule.trigger == "updated":
        fields = ", ".join(_attribute(kind, a) for a in rule.attributes)
        return f"When {a_noun}'s {fields} changes" if fields else f"When {a_noun} is changed"
    if rule.trigger == "state":
        states = kind.states
        old = states.state_label(rule.from_state) if rule.from_state and states else "any state"
        new = states.state_label(rule.to_state) if rule.to_state and states else "another"
        return f"When {a_noun} goes from {old} to {new}"
    if rule.trigger == "assigned":
        return f"When {a_noun} is assigned"
    if rule.trigger == "time":
        try:
            offset = offsets.parse(rule.offset).words()
        except Exception:
            offset = rule.offset
        when = f"{offset} its {_attribute(kind, rule.date)}"
        return f"{when[0].upper()}{when[1:]}"
    return f"When another rule runs it on {a_noun}"


def action(step: Action) -> str:
    """One action in words."""
    get = step.get
    if step.do == "activity":
        due = f", due {get('due')}" if get("due") else ""
        whose = {"owner": "the record's owner", "rule": "the rule's owner"}.get(
            str(get("owner", "owner")), str(get("owner")))  # fmt: skip
        return f"create a {get('kind', 'task')} “{get('subject')}” for {whose}{due}"
    if step.do == "assign":
        if get("to") != "queue":
            return f"assign it to {get('to')}"
        how = {"into": "put it in", "round_robin": "assign it round-robin in",
               "least_busy": "assign it to the least busy in"}.get(str(get("how", "into")), "")  # fmt: skip
        return f"{how} the queue {get('queue')}"
    if step.do == "set":
        values = get("values") or {}
        return "set " + ", ".join(f"{k} to {v!r}" for k, v in dict(values).items())
    if step.do == "state":
        reason = f" ({get('reason')})" if get("reason") else ""
        return f"{get('transition')} it{reason}"
    if step.do == "add_to_list":
        return f"add it to the list {get('list')}"
    if step.do == "email":
        return f"email “{get('subject')}” to {get('to', 'its contact')}"
    if step.do == "notify":
        to = get("to")
        named = {"owner": "its owner", "queue": "its queue's members", "followers": "its followers"}
        who = ", ".join(named.get(t, t) for t in ([to] if isinstance(to, str) else list(to or [])))
        return f"notify {who}: “{get('text')}”"
    if step.do == "run_rule":
        return f"run the rule “{get('rule')}”"
    return step.do


def sentence(rule: Rule) -> str:
    """The whole rule in one sentence."""
    condition = f", if {rule.condition}" if rule.condition else ""
    steps = "; ".join(action(a) for a in rule.actions) or "do nothing"
    return f"{trigger(rule)}{condition}: {steps}"
