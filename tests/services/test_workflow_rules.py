"""Workflow rules as kept: checked against the metadata (each problem named
by its field), written by admins only, kept as TOML (a round trip changes
nothing; a file with one bad rule changes nothing and names it; a rule of
the same name is changed in place), and read by every write through the
per-process cache, which sees a rule switched on at once."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_tui.db import database, dict_rows, write
from crm_tui.errors import ConflictError, DomainError, NotFound, PermissionDenied, ValidationError
from crm_tui.services import session, users
from crm_tui.services.customers import accounts
from crm_tui.services.marketing import lists
from crm_tui.services.support import cases, queues
from crm_tui.services.workflow import check, index, rules, runs, toml_io
from crm_tui.services.workflow.spec import Action, Rule

NOTIFY = Action("notify", (("text", "{number} is new"), ("to", ["owner"])))
BASE = Rule(name="Tell the owner", kind="case", trigger="created", actions=(NOTIFY,))


def notify(text: str) -> Action:
    return Action("notify", (("text", text), ("to", ["owner"])))


@pytest.fixture
def setup(db):
    """A queue, a dynamic and a static list, and a rule to run."""
    queues.create({"name": "Billing"})
    lists.create({"name": "Tehran people", "member_type": "contact", "dynamic": 1,
                  "query": "city:Tehran"})  # fmt: skip
    lists.create({"name": "Hot leads", "member_type": "lead"})
    rules.create(Rule(name="Other", kind="case", trigger="called", actions=(NOTIFY,)))
    rules.create(Rule(name="On contacts", kind="contact", trigger="called",
                      actions=(notify("{full_name}"),)))  # fmt: skip
    return db


# (changes to BASE, the field named, words its message holds)
PROBLEMS = [
    ({"name": " "}, "name", "needs a name"),
    ({"kind": "spaceship"}, "kind", "'spaceship' is not one"),
    ({"trigger": "sometimes"}, "when", "when is one of created, updated"),
    ({"mode": "later"}, "mode", "realtime, background"),
    ({"trigger": "updated", "attributes": ("colour",)}, "attributes", "no field 'colour'"),
    ({"attributes": ("title",)}, "attributes", "only a rule run when a record is changed"),
    ({"trigger": "state", "to_state": "closed"}, "to", "active, resolved, canceled"),
    ({"trigger": "state", "from_state": "open"}, "from", "active, resolved, canceled"),
    ({"from_state": "active"}, "from", "only a rule run when the state changes"),
    ({"trigger": "time", "date": "title", "offset": "1 day after"}, "date", "created_at"),
    ({"trigger": "time", "date": "created_at", "offset": "soonish"}, "offset", "not an offset"),
    ({"trigger": "time", "date": "created_at", "offset": "2 working hours before"}, "offset",
     "working time counts forward"),
    ({"date": "created_at"}, "date", "only a rule run at a time"),
    ({"condition": "colour:red"}, "condition", "no field 'colour'"),
    ({"condition": "priority:urgent"}, "condition", "no option 'urgent'"),
    ({"owner": "ghost"}, "owner", "no active user 'ghost'"),
    ({"actions": ()}, "actions", "at least one action"),
    ({"actions": (Action("fly"),)}, "action 1", "'fly' is not an action"),
    ({"actions": (Action("assign", (("to", "queue"), ("queue", "Nope"))),)}, "action 1",
     "no active queue 'Nope'"),
    ({"actions": (Action("assign", (("to", "ghost"),)),)}, "action 1", "no active user 'ghost'"),
    ({"actions": (NOTIFY, Action("notify", (("text", "x"), ("to", ["ghost"]))))},
     "action 2", "no active user 'ghost'"),
    ({"actions": (Action("activity", (("subject", "Call"), ("owner", "ghost"))),)}, "action 1",
     "no active user 'ghost'"),
    ({"actions": (Action("run_rule", (("rule", "Nope"),)),)}, "action 1", "no rule 'Nope'"),
    ({"actions": (Action("run_rule", (("rule", "On contacts"),)),)}, "action 1",
     "'On contacts' is a rule on contacts"),
    ({"actions": (Action("run_rule", (("rule", "Tell the owner"),)),)}, "action 1",
     "cannot run itself"),
    ({"actions": (notify("{colour} is new"),)}, "action 1", "{colour} is not a field of a case"),
    ({"actions": (notify("{title is new"),)}, "action 1", "brace is not closed"),
    ({"actions": (Action("activity", (("subject", "{title!r}"),)),)}, "action 1",
     "{title} is not a field"),
    ({"actions": (Action("activity", (("subject", "Call"), ("due", "whenever"))),)}, "action 1",
     "due: 'whenever' is not a date"),
    ({"actions": (Action("notify", (("text", "x"), ("to", ["owner"]), ("cc", "x"))),)},
     "action 1", "not 'cc'"),
    ({"actions": (Action("set", (("values", {"number": "X"}),)),)}, "action 1",
     "cannot set 'number'"),
    ({"actions": (Action("state", (("transition", "explode"),)),)}, "action 1",
     "transition is one of set_status, resolve"),
    ({"actions": (Action("state", (("transition", "resolve"),)),)}, "action 1",
     "resolve needs with.resolution"),
    ({"actions": (Action("state", (("transition", "cancel"), ("reason", "bored"))),)},
     "action 1", "cancel takes no reason"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "field", "words"), PROBLEMS)
def test_check_names_each_problem_by_field(setup, changes, field, words):
    assert check.check(BASE) == {}
    errors = check.check(BASE.with_(**changes))
    assert field in errors, errors
    assert words in errors[field]
    with pytest.raises(ValidationError) as refused:
        rules.create(BASE.with_(**changes))
    assert field in refused.value.errors
    assert dict_rows("SELECT name FROM workflow_rule WHERE name = 'Tell the owner'") == []


@pytest.mark.parametrize(
    ("kind", "action", "words"),
    [
        ("contact", Action("add_to_list", (("list", "Nowhere"),)), "no marketing list 'Nowhere'"),
        ("contact", Action("add_to_list", (("list", "Tehran people"),)), "is a dynamic list"),
        ("contact", Action("add_to_list", (("list", "Hot leads"),)), "holds leads, not contacts"),
        ("case", Action("add_to_list", (("list", "Hot leads"),)), "are members of a marketing"),
        ("product", Action("email", (("subject", "x"),)), "has no email address of its own"),
        ("case", Action("email", (("to", "nobody"), ("subject", "x"))), "contact, record or"),
        ("contact", Action("notify", (("text", "x"), ("to", ["queue"]))), "has no queue"),
        ("contact", Action("assign", (("to", "queue"), ("queue", "Billing"), ("how", "into"))),
         "only a case waits in a queue"),
    ],
)  # fmt: skip
def test_check_actions_against_the_kind(setup, kind, action, words):
    errors = check.check(Rule(name="R", kind=kind, trigger="created", actions=(action,)))
    assert words in errors["action 1"]


def test_check_accepts_every_trigger_and_action(setup):
    rule = Rule(name="Everything", kind="contact", trigger="updated", mode="background",
                attributes=("email", "city"), condition="city:Tehran", owner="tester",
                actions=(Action("activity", (("subject", "Call {full_name}"), ("due", "+3d"),
                                             ("owner", "rule"), ("priority", "high"))),
                         Action("set", (("values", {"job_title": "Buyer"}),)),
                         Action("state", (("transition", "deactivate"),)),
                         Action("email", (("subject", "Hello {first_name}"), ("body", "Hi"))),
                         Action("notify", (("text", "{{braces}} {title}"),
                                           ("to", ["owner", "followers", "tester"]))),
                         Action("run_rule", (("rule", "On contacts"),))))  # fmt: skip
    assert check.check(rule) == {}
    timed = Rule(name="Renewal", kind="contract", trigger="time", date="ends_on",
                 offset="30 days before", actions=(notify("{name} ends soon"),))  # fmt: skip
    assert check.check(timed) == {}
    stated = BASE.with_(trigger="state", from_state="active", to_state="resolved")
    assert check.check(stated) == {}


def test_from_dict_refuses_unknown_keys_by_name():
    with pytest.raises(ValidationError) as refused:
        Rule.from_dict({"name": "R", "kind": "case", "when": "created", "colour": "red"})
    assert refused.value.errors == {"colour": "a rule has no key 'colour'"}
    with pytest.raises(ValidationError) as refused:
        Rule.from_dict({"name": "R", "kind": "case", "when": "created", "actions": "notify"})
    assert "actions" in refused.value.errors


def test_only_an_admin_writes_rules(db):
    kept = rules.create(BASE)
    assert kept.owner == "tester" and not kept.enabled and kept.version == 1
    ana = users.add("ana", "Ana", "agent")
    manager = users.add("max", "Max", "manager")
    for who in (ana, manager):
        session.act_as(who)
        with pytest.raises(PermissionDenied, match="only an admin"):
            rules.create(BASE.with_(name="Mine"))
        with pytest.raises(PermissionDenied, match="only an admin"):
            rules.update(kept.id, kept.version, BASE.with_(description="changed"))
        with pytest.raises(PermissionDenied, match="only an admin"):
            rules.set_enabled(kept.id, True)
        # everyone reads them
        assert rules.get(kept.id).name == "Tell the owner"
        assert [r.name for r in rules.all_rules()] == ["Tell the owner"]
    session.act_as(db)
    assert [r["name"] for r in dict_rows("SELECT name FROM workflow_rule")] == ["Tell the owner"]
    assert rules.get(kept.id) == kept and rules.get(kept.id).version == 1


def test_names_unique_and_versions_checked(db):
    kept = rules.create(BASE)
    with pytest.raises(ValidationError, match="already a rule named"):
        rules.create(BASE.with_(name="TELL THE OWNER"))
    changed = rules.update(kept.id, kept.version, BASE.with_(description="v2"))
    assert (changed.description, changed.version) == ("v2", 2)
    with pytest.raises(ConflictError):
        rules.update(kept.id, kept.version, BASE.with_(description="stale"))
    assert rules.by_name("tell the owner").description == "v2"
    with pytest.raises(NotFound):
        rules.by_name("nobody's")
    with pytest.raises(NotFound):
        rules.get(999)


def _kept_rules(db):
    queues.create({"name": "Billing"})
    lists.create({"name": "Newsletter", "member_type": "contact"})
    users.add("ana", "Ana", "agent")
    made = [
        Rule(name="Billing round robin", kind="case", trigger="created", condition="queue:Billing",
             description="new billing cases go round", enabled=True,
             actions=(Action("assign", (("to", "queue"), ("queue", "Billing"),
                                        ("how", "round_robin"))),
                      Action("activity", (("subject", "Call back about {title}"),
                                          ("due", "+1d"))))),
        Rule(name="Keep email", kind="contact", trigger="updated", mode="background",
             attributes=("email",), owner="ana",
             actions=(Action("add_to_list", (("list", "Newsletter"),)),
                      Action("set", (("values", {"job_title": "Subscriber"}),)))),
        Rule(name="Resolved", kind="case", trigger="state", from_state="active",
             to_state="resolved", actions=(Action("notify", (("text", "{number} resolved"),
                                                              ("to", ["owner", "ana"]))),)),
        Rule(name="Renewal", kind="contract", trigger="time", date="ends_on",
             offset="30 days before", enabled=True,
             actions=(Action("activity", (("subject", "Renew {name}"),)),)),
        Rule(name="Called", kind="case", trigger="called",
             actions=(Action("state", (("transition", "resolve"), ("reason", "problem_solved"),
                                       ("with", {"resolution": "done by {rule}"}))),)),
    ]  # fmt: skip
    return [rules.create(r) for r in made]


def _state():
    return dict_rows("SELECT id, name, version, enabled, spec FROM workflow_rule ORDER BY id")


def test_toml_round_trip_changes_nothing(db):
    made = _kept_rules(db)
    text = toml_io.export()
    assert text.count("[[rule]]") == len(made)
    by_name = sorted(made, key=lambda r: r.name.lower())
    assert toml_io.parse(text) == by_name  # ids and versions aside
    before = _state()
    done = toml_io.load(text)
    assert done.unchanged == [r.name for r in by_name]
    assert done.created == done.updated == []
    assert _state() == before


def test_toml_load_with_one_bad_rule_changes_nothing_and_names_it(db):
    made = _kept_rules(db)
    text = toml_io.export().replace('list = "Newsletter"', 'list = "Gone"')
    text += '\n[[rule]]\nname = "Brand new"\nkind = "case"\nwhen = "created"\n'
    text += 'actions = [{ do = "notify", to = ["owner"], text = "{title}" }]\n'
    text = text.replace('offset = "30 days before"', 'offset = "30 days after"')
    before = _state()
    with pytest.raises(ValidationError) as refused:
        toml_io.load(text)
    assert list(refused.value.errors) == ["Keep email"]
    assert "no marketing list 'Gone'" in refused.value.errors["Keep email"]
    assert _state() == before and len(before) == len(made)
    with pytest.raises(ValidationError) as refused:
        toml_io.load("[[rule]]\nname = 'x'\n[[rule]]\nname = 'X'\n")
    assert "twice" in refused.value.errors["file"]
    with pytest.raises(ValidationError) as refused:
        toml_io.load("[[rule]\n")
    assert "not TOML" in refused.value.errors["file"]
    with pytest.raises(ValidationError) as refused:
        toml_io.load("[[rule]]\nname = 'x'\nwhen = 'created'\nsize = 3\n")
    assert refused.value.errors == {"rule 1": "a rule has no key 'size'"}
    assert _state() == before


def test_toml_load_changes_a_rule_in_place(db):
    made = {r.name: r for r in _kept_rules(db)}
    renewal = made["Renewal"]
    case = cases.create({"title": "Old", "account_id": accounts.create({"name": "Acme"}).id})
    with write():
        database.execute_sql(
            "INSERT INTO workflow_run (rule_id, record_type, record_id, at, trigger, mode, result, "
            "actions, error, acting_as) VALUES (?, 'case', ?, '2026-01-01T00:00:00.000000', 'x', "
            "'scheduled', 'done', '[]', '', 1)",
            (renewal.id, case.id),
        )
    text = toml_io.export([renewal]).replace("30 days before", "14 days before")
    text = text.replace("enabled = true", "enabled = false")
    done = toml_io.load(text)
    assert (done.updated, done.created, done.unchanged) == (["Renewal"], [], [])
    now = rules.by_name("Renewal")
    assert now.id == renewal.id and now.version > renewal.version
    assert (now.offset, now.enabled) == ("14 days before", False)
    assert runs.counts(renewal.id) == {"done": 1}  # its log stays with it
    assert len(rules.all_rules()) == len(made)


def test_rule_cache_sees_a_rule_switched_on_at_once(db):
    acme = accounts.create({"name": "Acme"})
    assert index.active("case") == ()  # read now: fresh for a second
    first = cases.create({"title": "Before", "account_id": acme.id})
    rule = rules.create(BASE.with_(enabled=True))
    assert [r.name for r in index.active("case")] == ["Tell the owner"]
    second = cases.create({"title": "After", "account_id": acme.id})
    ran = [r["record_id"] for r in runs.log(rule_id=rule.id)]
    assert ran == [second.id] and first.id not in ran
    rules.set_enabled(rule.id, False)
    assert index.active("case") == ()
    cases.create({"title": "Off", "account_id": acme.id})
    assert len(runs.log(rule_id=rule.id)) == 1
    rules.set_enabled(rule.id, True)
    assert [r.id for r in index.active("case")] == [rule.id]
    third = cases.create({"title": "On again", "account_id": acme.id})
    assert [r["record_id"] for r in runs.log(rule_id=rule.id)] == [third.id, second.id]


def test_rule_cache_sees_another_process_within_a_second(db, monkeypatch):
    rule = rules.create(BASE)
    clock = [1000.0]
    monkeypatch.setattr(index, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    index.forget()
    assert index.active("case") == ()
    # another process switches it on: this one's cache does not know
    with write():
        database.execute_sql(
            "UPDATE workflow_rule SET enabled = 1, version = version + 1 WHERE id = ?", (rule.id,)
        )
    clock[0] += index.FRESH_SECONDS / 2
    assert index.active("case") == ()
    clock[0] += index.FRESH_SECONDS
    assert [r.id for r in index.active("case")] == [rule.id]


def test_only_a_rule_that_is_off_never_ran_and_nobody_runs_is_deleted(setup):
    runner = rules.create(Rule(name="Runs Other", kind="case", trigger="called",
                               actions=(Action("run_rule", (("rule", "Other"),)),)))  # fmt: skip
    other = rules.by_name("Other")
    with pytest.raises(DomainError, match="'Runs Other' runs 'Other'"):
        rules.delete(other.id)
    assert rules.delete(runner.id) == "Runs Other"
    assert rules.delete(other.id) == "Other"
    with pytest.raises(NotFound):
        rules.by_name("Other")
    kept = rules.create(BASE.with_(enabled=True, condition=""))
    with pytest.raises(DomainError, match="switch 'Tell the owner' off"):
        rules.delete(kept.id)
    account = accounts.create({"name": "Acme"})
    cases.create({"title": "A", "account_id": account.id})  # it runs
    rules.set_enabled(kept.id, False)
    with pytest.raises(DomainError, match="has run: it stays"):
        rules.delete(kept.id)
    assert rules.by_name("Tell the owner").id == kept.id
    session.act_as(users.add("ann", "Ann", "agent"))
    with pytest.raises(PermissionDenied):
        rules.delete(kept.id)


@settings(max_examples=150, deadline=None)
@given(name=st.text(min_size=1), words=st.text(), number=st.floats(allow_nan=False) | st.integers(),
       logins=st.lists(st.text(), max_size=3))  # fmt: skip
def test_any_text_and_value_survive_the_toml_round_trip(name, words, number, logins):
    rule = Rule.from_dict({"name": name, "kind": "case", "when": "created", "condition": words,
                           "actions": [{"do": "set", "values": {"x y": number, words: words}},
                                       {"do": "notify", "to": logins, "text": words}]})  # fmt: skip
    assert toml_io.parse(toml_io.export([rule])) == [rule.with_(name=rule.name)]
    typed = toml_io.actions_from_text(toml_io.actions_text(rule))
    assert [Action.from_dict(t) for t in typed] == list(rule.actions)


def test_the_owner_of_a_rule_that_is_on_stays_active(db):
    users.add("ana", "Ana", "admin")
    kept = rules.create(BASE.with_(owner="ana", enabled=True))
    with pytest.raises(DomainError, match="Ana owns workflow rules that are on"):
        users.set_active("ana", False)
    rules.set_enabled(kept.id, False)
    assert not users.set_active("ana", False).active
