"""Workflow under PostgreSQL's access rules: an agent's write runs an
admin's real-time rule in the agent's own connection (the rule assigns the
case round-robin and notifies the queue), everyone reads the rules and only
admins change them, a notification is read only by the one it is for, and
the runner (a manager) moves the queued jobs on."""

from __future__ import annotations

import secrets

import psycopg
import pytest

from crm_tui.db import close_database, database, dict_rows
from crm_tui.runtime import open_for_user
from crm_tui.services import notifications, server_access, session, users
from crm_tui.services.customers import accounts
from crm_tui.services.support import cases, queues
from crm_tui.services.workflow import jobs, rules, runs
from crm_tui.services.workflow.spec import Action, Rule


@pytest.fixture
def desk(pg_server, pg_migrated_database):
    """Access installed; agents ann and bob in the Billing queue, meg a
    manager; an admin's rule assigns a new Billing case round-robin and
    notifies the queue, and a background one notifies its owner."""
    suffix = secrets.token_hex(3)
    names = {who: f"{who}_{suffix}" for who in ("boss", "ann", "bob", "meg")}
    url = pg_migrated_database
    open_for_user(url, login=names["boss"])
    with database.atomic():
        server_access.install()
    ids = {}
    for who, role in (("ann", "agent"), ("bob", "agent"), ("meg", "manager")):
        ids[who] = users.add(names[who], who.title(), role).id
        server_access.add_login(names[who])
    billing = queues.create({"name": "Billing"})
    for who in ("ann", "bob"):
        queues.add_member(billing.id, ids[who])
    account = accounts.create({"name": "Contoso"})
    notify = Action("notify", (("text", "{number} came in"), ("to", ["queue"])))
    rules.create(Rule(
        name="Billing round-robin", kind="case", trigger="created", condition="queue:Billing",
        actions=(Action("assign", (("how", "round_robin"), ("queue", "Billing"), ("to", "queue"))),
                 notify), enabled=True))  # fmt: skip
    rules.create(Rule(name="Later: tell the owner", kind="case", trigger="created",
                      mode="background", enabled=True,
                      actions=(Action("notify", (("text", "{number} is yours"), ("to", ["owner"]))),)))  # fmt: skip
    session.act_as(None)
    close_database()
    yield {"url": url, "names": names, "ids": ids, "queue": billing.id, "account": account.id,
           "as": lambda who: pg_server.url(url.split("/")[3].split("?")[0], names[who])}  # fmt: skip
    session.act_as(None)
    close_database()


def test_an_agents_write_runs_the_admins_rule_in_the_agents_connection(desk):
    open_for_user(desk["as"]("ann"))
    made = [cases.create({"title": f"Invoice {k}", "queue_id": desk["queue"],
                          "account_id": desk["account"]}) for k in range(2)]  # fmt: skip
    owners = [cases.get(c.id).owner_id for c in made]
    assert sorted(owners) == sorted([desk["ids"]["ann"], desk["ids"]["bob"]])
    run = runs.for_record("case", made[0].id)[0]
    assert run["result"] == "done" and run["rule"] == "Billing round-robin"
    # ann reads her own notices only: bob's are his
    assert {n["text"] for n in notifications.page()} >= {f"{cases.get(made[0].id).number} came in"}
    close_database()
    with psycopg.connect(desk["as"]("bob"), autocommit=True) as conn:
        mine = conn.execute("SELECT DISTINCT user_id FROM notification").fetchall()
        assert mine == [(desk["ids"]["bob"],)]


def test_only_an_admin_changes_a_rule_and_nobody_forges_a_run(desk):
    with psycopg.connect(desk["as"]("ann"), autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM workflow_rule").fetchone()[0] == 2
        assert conn.execute("UPDATE workflow_rule SET enabled = 0").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO workflow_run (rule_id, record_type, record_id, at, trigger, mode, "
                "result, by_user) VALUES (1, 'case', 1, 'x', 'x', 'realtime', 'done', %s)",
                (desk["ids"]["bob"],),
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO notification (user_id, at, text, from_user) VALUES (%s, 'x', 'hi', %s)",
                (desk["ids"]["bob"], desk["ids"]["bob"]),
            )


def test_the_runner_a_manager_moves_the_queued_jobs_on(desk):
    open_for_user(desk["as"]("ann"))
    case = cases.create(
        {"title": "Later", "queue_id": desk["queue"], "account_id": desk["account"]}
    )
    close_database()
    open_for_user(desk["as"]("meg"))
    done = jobs.run_due()
    assert (done.done, done.failed) == (1, 0)
    close_database()
    open_for_user(desk["url"], login=desk["names"]["boss"])
    owner = cases.get(case.id).owner_id
    told = dict_rows("SELECT user_id, text FROM notification WHERE text LIKE '% is yours'")
    assert [r["user_id"] for r in told] == [owner]
