"""`crm-tui rules` and `crm-tui worker` as a person types them: rules
imported from a TOML file (a wrong one changes nothing), listed, shown,
switched on and off, tried (nothing kept), run by one pass of the worker,
and their runs in the log."""

from __future__ import annotations

import pytest

from crm_tui import cli
from crm_tui.db import close_database, dict_rows
from crm_tui.runtime import open_for_user
from crm_tui.services import session, users
from crm_tui.services.customers import accounts
from crm_tui.services.support import cases, queues
from crm_tui.services.workflow import runner

RULES = """
[[rule]]
name = "Billing round robin"
kind = "case"
when = "created"
condition = "queue:Billing"
actions = [{ do = "assign", to = "queue", queue = "Billing", how = "round_robin" }]

[[rule]]
name = "Call back"
kind = "case"
when = "time"
date = "created_at"
offset = "0"
actions = [{ do = "activity", subject = "Call back about {title}", owner = "ana" }]
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    session.act_as(None)
    close_database()
    out, err = capsys.readouterr()
    return code, out, err


def count(db_path, sql: str) -> int:
    open_for_user(db_path, login="tester")
    try:
        return dict_rows(sql)[0]["n"]
    finally:
        session.act_as(None)
        close_database()


@pytest.fixture
def typed(db, db_path, monkeypatch, tmp_path):
    """A database with two agents in a queue and two cases in it, closed;
    what a person types: `run(capsys, "rules", "list")`."""
    ana = users.add("ana", "Ana", "agent")
    billing = queues.create({"name": "Billing"})
    queues.add_member(billing.id, ana.id)
    queues.add_member(billing.id, users.add("bob", "Bob", "agent").id)
    acme = accounts.create({"name": "Acme"})
    for title in ("Invoice wrong", "Refund"):
        cases.create({"title": title, "account_id": acme.id, "queue_id": billing.id})
    session.act_as(None)
    close_database()
    monkeypatch.setattr(session, "os_login", lambda: "tester")
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    return ("--db", str(db_path))


def test_import_list_show_enable_disable(typed, capsys, tmp_path, db_path):
    code, out, err = run(capsys, *typed, "rules", "list")
    assert code == 0 and out == "" and "no rules yet" in err
    code, _, err = run(capsys, *typed, "rules", "import", str(tmp_path / "rules.toml"))
    assert code == 0 and "created: Billing round robin, Call back" in err
    code, _, err = run(capsys, *typed, "rules", "import", str(tmp_path / "rules.toml"))
    assert code == 0 and "unchanged: Billing round robin, Call back" in err
    code, out, _ = run(capsys, *typed, "rules", "list")
    assert out.splitlines() == [
        "off  case         created   Billing round robin",
        "off  case         time      Call back",
    ]
    code, out, _ = run(capsys, *typed, "rules", "show", "call back")
    assert code == 0 and 'name = "Call back"' in out and 'offset = "0"' in out
    assert out.rstrip().endswith("# runs: none yet")
    code, _, err = run(capsys, *typed, "rules", "enable", "Billing round robin")
    assert code == 0 and "Billing round robin: on" in err
    code, out, _ = run(capsys, *typed, "rules", "list")
    assert out.splitlines()[0].startswith("on   case")
    code, _, err = run(capsys, *typed, "rules", "disable", "Billing round robin")
    assert code == 0 and "Billing round robin: off" in err
    code, _, err = run(capsys, *typed, "rules", "enable", "No such rule")
    assert code == 1 and "no workflow rule 'No such rule'" in err
    assert count(db_path, "SELECT count(*) AS n FROM workflow_rule WHERE enabled = 1") == 0


def test_a_wrong_file_changes_nothing(typed, capsys, tmp_path, db_path):
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(RULES.replace('queue = "Billing"', 'queue = "Sales"'), encoding="utf-8")
    code, _, err = run(capsys, *typed, "rules", "import", str(wrong))
    assert code == 1
    assert "crm-tui: Billing round robin: action 1: assign: there is no active queue" in err
    assert err.rstrip().endswith("crm-tui: nothing was changed")
    assert count(db_path, "SELECT count(*) AS n FROM workflow_rule") == 0


def test_export_to_a_new_file_only(typed, capsys, tmp_path):
    run(capsys, *typed, "rules", "import", str(tmp_path / "rules.toml"))
    code, out, _ = run(capsys, *typed, "rules", "export")
    assert code == 0 and out.count("[[rule]]") == 2
    target = tmp_path / "kept.toml"
    code, _, err = run(capsys, *typed, "rules", "export", str(target))
    assert code == 0 and target.read_text(encoding="utf-8") == out
    code, _, err = run(capsys, *typed, "rules", "export", str(target))
    assert code == 1 and "exists" in err


def test_try_keeps_nothing(typed, capsys, tmp_path, db_path):
    run(capsys, *typed, "rules", "import", str(tmp_path / "rules.toml"))
    before = count(db_path, "SELECT count(*) AS n FROM audit_entry")
    code, out, err = run(capsys, *typed, "rules", "try", "Billing round robin")
    assert code == 0 and "nothing was changed" in err
    lines = out.splitlines()
    assert lines[0].startswith("Its condition holds for 2 cases now")
    assert lines[1] == "Tried on these, and undone:"
    assert "- CAS-00002 Refund" in lines and "- CAS-00001 Invoice wrong" in lines
    assert "    assigned it to Ana (round-robin in Billing)" in lines
    assert "    assigned it to Bob (round-robin in Billing)" in lines
    assert count(db_path, "SELECT count(*) AS n FROM audit_entry") == before
    assert count(db_path, "SELECT count(*) AS n FROM queue_rotation") == 0
    assert count(db_path, "SELECT count(*) AS n FROM workflow_run") == 0


def test_worker_once_and_the_log(typed, capsys, tmp_path, db_path):
    run(capsys, *typed, "rules", "import", str(tmp_path / "rules.toml"))
    code, _, err = run(capsys, *typed, "rules", "enable", "Call back")
    assert code == 0
    code, _, err = run(capsys, *typed, "worker", "--once")
    # the cases were opened before it was switched on: not for them
    assert code == 0 and err == ""
    run(capsys, *typed, "rules", "disable", "Call back")
    code, _, _ = run(capsys, *typed, "rules", "enable", "Call back", "--catch-up", "1")
    assert code == 0
    code, _, err = run(capsys, *typed, "worker", "--once")
    assert code == 0 and err.strip() == "queued 2; done 2, skipped 0, failed 0, to retry 0"
    code, _, err = run(capsys, *typed, "worker", "--once")
    assert code == 0 and err == ""  # once each
    assert count(db_path, "SELECT count(*) AS n FROM activity") == 2
    code, out, _ = run(capsys, *typed, "rules", "log")
    lines = out.splitlines()
    assert len(lines) == 2 and all("  done     Call back  CAS-0000" in line for line in lines)
    assert "created the task “Call back about Invoice wrong” for Ana" in lines[0]
    code, out, _ = run(capsys, *typed, "rules", "log", "Call back", "--failed")
    assert code == 0 and out == ""
    code, out, _ = run(capsys, *typed, "rules", "show", "Call back")
    assert out.rstrip().endswith("# runs: 2 done")
    code, _, err = run(capsys, *typed, "worker", "--once", "--quiet")
    assert code == 0 and err == ""
    open_for_user(db_path, login="tester")
    assert runner.lease_holder() is None  # a pass gives the lease up
    holder = runner.holder_name()
    runner.take_lease(holder)
    session.act_as(None)
    close_database()
    code, _, err = run(capsys, *typed, "worker", "--once")
    assert code == 1 and "another workflow runner is running" in err
