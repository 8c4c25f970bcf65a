"""Real-time rules, run in the write that triggers them: each trigger, each
action, conditions, loops, the owner's rights, a failing rule refusing the
person's write, and the notifications colleagues get without any rule."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from crm_tui.db import dict_rows, is_postgres
from crm_tui.errors import DomainError
from crm_tui.services import dates, notifications, session, users
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.marketing import list_members, lists
from crm_tui.services.sales import opportunities
from crm_tui.services.support import case_taking, cases, queues
from crm_tui.services.workflow import chain, engine, jobs, rules, runs
from crm_tui.services.workflow.spec import Action, Rule


@pytest.fixture
def team(db, configure):
    configure(time_zone="UTC")
    ana = users.add("ana", "Ana", "agent")
    bob = users.add("bob", "Bob", "agent")
    billing = queues.create({"name": "Billing"})
    queues.add_member(billing.id, ana.id)
    queues.add_member(billing.id, bob.id)
    acme = accounts.create({"name": "Acme"})
    jo = contacts.create({"first_name": "Jo", "last_name": "Doe", "email": "jo@example.com",
                          "account_id": acme.id})  # fmt: skip
    return SimpleNamespace(me=db, ana=ana, bob=bob, billing=billing, acme=acme, jo=jo)


def on(kind: str, trigger: str, *actions: Action, **options) -> Rule:
    """An enabled rule named after its trigger (unless named)."""
    name = options.pop("name", f"{kind} {trigger}")
    return rules.create(Rule(name=name, kind=kind, trigger=trigger, actions=actions,
                             enabled=True, **options))  # fmt: skip


def act(do: str, **params) -> Action:
    return Action(do, tuple(sorted(params.items())))


def new_case(team, title: str = "Printer on fire", **data):
    return cases.create({"title": title, "account_id": team.acme.id, **data})


def count(table: str) -> int:
    return dict_rows(f"SELECT count(*) AS n FROM {table}")[0]["n"]


def told(user) -> list[str]:
    rows = dict_rows("SELECT text FROM notification WHERE user_id = ? ORDER BY id", (user.id,))
    return [r["text"] for r in rows]


def test_created_makes_an_activity_for_the_owner_with_its_due_day(team):
    on("case", "created", act("activity", subject="Call back about {title} ({number})",
                              due="+3d", priority="high", description="{rule}"))  # fmt: skip
    case = new_case(team, owner_id=team.ana.id)
    rows = dict_rows(
        "SELECT kind, subject, description, owner_id, due_at, priority, regarding_type, "
        "regarding_id, state FROM activity"
    )
    due = dates.end_of_working_day(dates.today() + dt.timedelta(days=3), dt.UTC)
    assert rows == [{"kind": "task", "subject": f"Call back about Printer on fire ({case.number})",
                     "description": "case created", "owner_id": team.ana.id,
                     "due_at": rows[0]["due_at"], "priority": "high", "regarding_type": "case",
                     "regarding_id": case.id, "state": "open"}]  # fmt: skip
    assert dates.as_local(rows[0]["due_at"], dt.UTC) == due
    cases.update(case.id, case.version, {"title": "Printer cold"})
    assert count("activity") == 1  # a change is not a creation


def test_activity_owner_can_be_the_rule_or_a_login(team):
    on("case", "created", act("activity", subject="Mine", owner="rule"),
       act("activity", subject="Bob's", owner="bob"), owner="ana")  # fmt: skip
    new_case(team)
    owners = dict_rows("SELECT subject, owner_id FROM activity ORDER BY id")
    # on PostgreSQL a rule acts as the person whose write set it off (engine.acting_user)
    rule_user = team.me if is_postgres() else team.ana
    assert owners == [{"subject": "Mine", "owner_id": rule_user.id},
                      {"subject": "Bob's", "owner_id": team.bob.id}]  # fmt: skip


def test_updated_only_for_the_named_fields(team):
    rule = on("contact", "updated", act("set", values={"job_title": "Reachable"}),
              attributes=("email",))  # fmt: skip
    jo = contacts.update(team.jo.id, team.jo.version, {"city": "Tehran"})
    assert not jo.job_title and runs.counts(rule.id) == {}
    jo = contacts.update(jo.id, jo.version, {"email": "jo@example.org"})
    assert contacts.get(jo.id).job_title == "Reachable"
    assert [r["trigger"] for r in runs.for_record("contact", jo.id)] == ["changed: email"]


def test_updated_without_fields_runs_on_any_change(team):
    rule = on("account", "updated", act("notify", to=["bob"], text="{name} changed"))
    accounts.update(team.acme.id, team.acme.version, {"city": "Shiraz"})
    assert told(team.bob) == ["Acme changed"]
    assert runs.log(rule_id=rule.id)[0]["trigger"] == "changed: city"
    acme = accounts.get(team.acme.id)
    accounts.update(acme.id, acme.version, {"name": "Acme Ltd"})
    # the fields as the audit names them: not the sort keys kept beside them
    assert runs.log(rule_id=rule.id)[0]["trigger"] == "changed: name"


def test_state_from_and_to(team):
    rule = on("case", "state", act("notify", to=["ana"], text="{number} resolved"),
              from_state="active", to_state="resolved")  # fmt: skip
    first, second = new_case(team), new_case(team, "Second")
    cases.cancel(first.id, first.version)
    assert runs.counts(rule.id) == {}
    resolved = cases.resolve(second.id, second.version, resolution="replaced it")
    assert resolved.state == "resolved"
    assert told(team.ana) == [f"{second.number} resolved"]
    assert runs.log(rule_id=rule.id)[0]["trigger"] == "state active → resolved"


def test_assigned(team):
    rule = on("case", "assigned", act("activity", subject="Look at {title}"))
    case = new_case(team, queue_id=team.billing.id)
    assert runs.counts(rule.id) == {}
    case_taking.assign(case.id, case.version, team.bob.id)
    assert dict_rows("SELECT subject, owner_id FROM activity") == [
        {"subject": "Look at Printer on fire", "owner_id": team.bob.id}
    ]


def test_assign_to_a_user(team):
    on("account", "created", act("assign", to="ana"))
    made = accounts.create({"name": "Globex"})
    assert accounts.get(made.id).owner_id == team.ana.id
    assert told(team.ana) == ["Account “Globex” was assigned to you by the rule “account created”"]


def test_assign_into_a_queue(team):
    on("case", "created", act("assign", to="queue", queue="Billing", how="into"))
    case = cases.get(new_case(team, owner_id=team.ana.id).id)
    assert (case.queue_id, case.assigned) == (team.billing.id, 0)


def test_round_robin_alternates(team):
    on("case", "created", act("assign", to="queue", queue="Billing", how="round_robin"),
       condition="queue:Billing")  # fmt: skip
    owners = [cases.get(new_case(team, f"Case {i}", queue_id=team.billing.id).id)
              for i in range(4)]  # fmt: skip
    assert [(c.owner_id, c.assigned) for c in owners] == [
        (team.ana.id, 1), (team.bob.id, 1), (team.ana.id, 1), (team.bob.id, 1)
    ]  # fmt: skip
    outside = cases.get(new_case(team, "No queue").id)
    assert outside.owner_id == team.me.id


def test_least_busy(team):
    for i in range(2):
        held = new_case(team, f"Ana's {i}", queue_id=team.billing.id)
        case_taking.assign(held.id, held.version, team.ana.id)
    on("case", "created", act("assign", to="queue", queue="Billing", how="least_busy"))
    first = cases.get(new_case(team, "One", queue_id=team.billing.id).id)
    second = cases.get(new_case(team, "Two", queue_id=team.billing.id).id)
    third = cases.get(new_case(team, "Three", queue_id=team.billing.id).id)
    # Bob holds none, then one; at two each, the tie goes round-robin (after Bob)
    assert [first.owner_id, second.owner_id] == [team.bob.id, team.bob.id]
    assert (third.owner_id, third.assigned) == (team.ana.id, 1)


def test_set(team):
    on("case", "created", act("set", values={"priority": "high", "subject": "{title}!"}))
    case = cases.get(new_case(team).id)
    assert (case.priority, case.subject) == ("high", "Printer on fire!")


def test_legal_state_change(team):
    rule = on("case", "created", act("state", transition="cancel"), condition="priority:low")
    normal, low = new_case(team), new_case(team, "Low", priority="low")
    assert cases.get(normal.id).state == "active"
    assert cases.get(low.id).state == "canceled"
    assert runs.for_record("case", low.id)[0]["actions"] == ["cancel: now canceled"]
    assert runs.counts(rule.id) == {"done": 1}


def test_illegal_state_change_refuses_the_persons_write(team):
    case = new_case(team)
    rule = on("case", "updated", act("state", transition="reactivate"), attributes=("title",))
    audits = count("audit_entry")
    with pytest.raises(engine.RuleFailed) as refused:
        cases.update(case.id, case.version, {"title": "Printer cold", "priority": "high"})
    assert "the rule 'case updated' stopped this" in str(refused.value)
    stored = cases.get(case.id)
    assert (stored.title, stored.priority, stored.version) == ("Printer on fire", "normal", 1)
    assert count("audit_entry") == audits
    failed = runs.log(rule_id=rule.id, result="failed")
    assert len(failed) == 1 and failed[0]["record_id"] == case.id
    assert failed[0]["mode"] == "realtime" and failed[0]["actions"] == []
    assert failed[0]["error"] and failed[0]["error"] in str(refused.value)


def test_add_to_list(team):
    news = lists.create({"name": "Newsletter", "member_type": "contact"})
    on("contact", "created", act("add_to_list", list="Newsletter"))
    ann = contacts.create({"first_name": "Ann", "last_name": "Lee"})
    assert [r["member_id"] for r in dict_rows("SELECT member_id FROM list_member")] == [ann.id]
    assert list_members.page(news.id).rows[0]["name"] == "Ann Lee"
    assert runs.for_record("contact", ann.id)[0]["actions"] == ["added it to the list Newsletter"]


def test_email_is_queued_to_the_contact_unless_they_want_none(team):
    on("case", "created", act("email", to="contact", subject="We got {number}",
                              body="About {title}"))  # fmt: skip
    case = new_case(team, contact_id=team.jo.id)
    mail = dict_rows("SELECT to_address, subject, state, activity_id FROM mail_message")
    assert [(m["to_address"], m["subject"]) for m in mail] == [
        ("jo@example.com", f"We got {case.number}")
    ]
    email = dict_rows("SELECT kind, regarding_type, regarding_id FROM activity WHERE id = ?",
                      (mail[0]["activity_id"],))  # fmt: skip
    assert email == [{"kind": "email", "regarding_type": "case", "regarding_id": case.id}]
    jo = contacts.get(team.jo.id)
    contacts.update(jo.id, jo.version, {"do_not_email": True})
    quiet = new_case(team, "Quiet", contact_id=team.jo.id)
    assert count("mail_message") == 1
    assert runs.for_record("case", quiet.id)[0]["actions"] == [
        "sent no email: the contact does not want email"
    ]


def test_notify_owner_queue_followers_and_logins(team):
    boss = users.add("boss", "Boss", "manager")
    case = new_case(team, queue_id=team.billing.id)
    case = case_taking.assign(case.id, case.version, team.ana.id)
    session.act_as(boss)
    notifications.follow("case", case.id)
    session.act_as(team.me)
    for to, who in ((["owner"], [team.ana]), (["queue"], [team.ana, team.bob]),
                    (["followers"], [boss]), (["bob", "owner", "bob"], [team.bob, team.ana])):  # fmt: skip
        before = {u.id: len(told(u)) for u in (team.me, team.ana, team.bob, boss)}
        name = f"Tell {'+'.join(to)}"
        on("case", "called", act("notify", to=to, text="{number}: {priority}"), name=name)
        rule = rules.by_name(name)
        engine.execute(rule, "case", case.id, "test", "called", by_user=None)
        after = {u.id: len(told(u)) for u in (team.me, team.ana, team.bob, boss)}
        assert {i for i in after if after[i] > before[i]} == {u.id for u in who}, to
        assert all(after[i] - before[i] <= 1 for i in after)
    assert told(boss)[-1] == f"{case.number}: Normal"
    session.act_as(team.bob)
    assert notifications.page()[0]["sender"] == "rule Tell bob+owner+bob"


def test_run_rule_runs_the_other_rule(team):
    other = rules.create(Rule(name="Escalate", kind="case", trigger="called", enabled=True,
                              condition="priority:high",
                              actions=(act("notify", to=["ana"], text="{title}"),)))  # fmt: skip
    first = on("case", "created", act("set", values={"priority": "high"}),
               act("run_rule", rule="Escalate"))  # fmt: skip
    case = new_case(team)
    assert told(team.ana) == ["Printer on fire"]
    by_rule = {r["rule"]: r for r in runs.for_record("case", case.id)}
    assert by_rule["Escalate"]["mode"] == "called"
    assert by_rule["Escalate"]["trigger"] == "run by the rule 'case created'"
    assert by_rule["case created"]["actions"][1].startswith("ran the rule 'Escalate'")
    rules.set_enabled(other.id, False)
    quiet = new_case(team, "Second")
    said = [r for r in runs.for_record("case", quiet.id) if r["rule_id"] == first.id]
    assert said[0]["actions"][1] == "did not run the rule 'Escalate': it is switched off"
    assert told(team.ana) == ["Printer on fire"]


def test_a_condition_that_does_not_hold_does_nothing(team):
    rule = on("case", "created", act("activity", subject="Urgent"), condition="priority:high")
    new_case(team, priority="low")
    assert count("activity") == 0 and count("workflow_run") == 0
    new_case(team, priority="high")
    assert count("activity") == 1 and runs.counts(rule.id) == {"done": 1}


def test_rules_setting_each_other_off_are_stopped(team):
    case = new_case(team)
    on("case", "updated", act("set", values={"priority": "low"}), attributes=("priority",),
       condition="priority:high", name="Calm down")  # fmt: skip
    on("case", "updated", act("set", values={"priority": "high"}), attributes=("priority",),
       condition="priority:low", name="Wind up")  # fmt: skip
    with pytest.raises(engine.RuleFailed) as stopped:
        cases.update(case.id, case.version, {"priority": "high", "title": "Loud"})
    loop = stopped.value.__cause__
    assert isinstance(loop, chain.RuleLoop)
    assert f"more than {chain.MAX_DEPTH} deep" in str(loop)
    assert "Calm down → Wind up → Calm down" in str(loop) and "case Loud" in str(loop)
    stored = cases.get(case.id)
    assert (stored.priority, stored.title, stored.version) == ("normal", "Printer on fire", 1)
    assert chain.running() == ()
    assert [r["result"] for r in runs.log()] == ["failed"]


@pytest.mark.sqlite_only  # on PostgreSQL with the person's: test_pg_workflow_access.py
def test_a_rule_acts_with_its_owners_rights(team):
    deal = opportunities.create({"name": "Big deal", "account_id": team.acme.id})
    rule = on("opportunity", "updated", act("set", values={"probability": 90}),
              attributes=("description",), owner="ana")  # fmt: skip
    with pytest.raises(engine.RuleFailed) as refused:
        opportunities.update(deal.id, deal.version, {"description": "They said yes"})
    assert "the rule 'opportunity updated' stopped this" in str(refused.value)
    assert "opportunities" in str(refused.value)  # what an agent may not change
    stored = opportunities.get(deal.id)
    assert (stored.description, stored.probability) == (deal.description, deal.probability)
    assert runs.log(rule_id=rule.id)[0]["acting_as"] == "Ana"
    # the same rule owned by an admin may
    rules.update(rule.id, rules.get(rule.id).version, rules.get(rule.id).with_(owner="tester"))
    opportunities.update(deal.id, deal.version, {"description": "They said yes"})
    assert opportunities.get(deal.id).probability == 90


def test_the_run_is_recorded(team):
    rule = on("case", "created", act("set", values={"priority": "high"}),
              act("notify", to=["owner"], text="new"), owner="ana")  # fmt: skip
    case = new_case(team, owner_id=team.ana.id)
    (run,) = runs.for_record("case", case.id)
    assert run["rule_id"] == rule.id and run["rule"] == "case created"
    assert run["record"] == f"{case.number} Printer on fire"
    assert (run["trigger"], run["mode"], run["result"]) == ("created", "realtime", "done")
    assert run["actions"] == ["set priority to 'high'", "notified Ana"]
    acting = team.me.full_name if is_postgres() else "Ana"  # engine.acting_user
    assert run["acting_as"] == acting and run["error"] == ""
    assert dict_rows("SELECT by_user FROM workflow_run") == [{"by_user": team.me.id}]


def test_a_background_rule_is_queued_not_run_in_the_write(team):
    rule = on("case", "created", act("set", values={"priority": "high"}), mode="background")
    case = new_case(team)
    assert cases.get(case.id).priority == "normal" and runs.counts(rule.id) == {}
    queued = dict_rows("SELECT state, record_id, queued_by FROM workflow_job")
    assert queued == [{"state": "queued", "record_id": case.id, "queued_by": team.me.id}]
    assert jobs.run_due().done == 1
    assert cases.get(case.id).priority == "high"
    assert runs.log(rule_id=rule.id)[0]["mode"] == "background"
    assert jobs.run_due().total == 0


def test_assigned_by_a_colleague_is_told(team):
    case = new_case(team, queue_id=team.billing.id)
    case = case_taking.assign(case.id, case.version, team.ana.id)
    assert told(team.ana) == [
        f"Case {case.number} “Printer on fire” was assigned to you by {team.me.full_name}"
    ]
    session.act_as(team.bob)
    other = new_case(team, "Bob's own", queue_id=team.billing.id)
    case_taking.take(other.id)
    assert told(team.bob) == []  # nobody is told of what they did themselves
    session.act_as(team.ana)
    assert notifications.unread_count() == 1
    assert notifications.page()[0]["sender"] == team.me.full_name


def test_followers_are_told_of_a_colleagues_change(team):
    case = new_case(team, queue_id=team.billing.id)
    for who in (team.ana, team.bob):
        session.act_as(who)
        notifications.follow("case", case.id)
        assert notifications.following("case", case.id)
    session.act_as(team.ana)
    case = cases.update(case.id, case.version, {"title": "Printer smoking"})
    assert told(team.ana) == []
    assert told(team.bob) == [f"Ana changed Case {case.number} “Printer smoking”: case title"]
    session.act_as(team.bob)
    notifications.follow("case", case.id, on=False)
    session.act_as(team.me)
    cases.update(case.id, case.version, {"description": "Smoke"})
    assert len(told(team.bob)) == 1
    assert told(team.ana) == [
        f"{team.me.full_name} changed Case {case.number} “Printer smoking”: description"
    ]
    assert sorted(notifications.followers("case", case.id)) == [team.ana.id]


def test_a_write_rolled_back_tells_nobody(team):
    case = new_case(team)
    session.act_as(team.bob)
    notifications.follow("case", case.id)
    session.act_as(team.me)
    on("case", "updated", act("state", transition="reactivate"))
    with pytest.raises(DomainError):
        cases.update(case.id, case.version, {"title": "Gone"})
    assert told(team.bob) == []


def test_the_log_says_what_a_run_did_only_on_records_the_person_may_read(team):
    from crm_tui.services import roles

    on("case", "created", act("set", values={"priority": "high"}))
    case = new_case(team, owner_id=team.me.id)
    roles.set_depth("agent", "case", "read", "own")
    session.act_as(team.ana)
    (run,) = runs.log()
    assert (run["record"], run["actions"], run["error"]) == ("", [], "")
    session.act_as(team.me)
    assert runs.log()[0]["actions"] == ["set priority to 'high'"]
    assert runs.log()[0]["record"].startswith(case.number)
