"""Queues service: create, rename, (de)activate, members, counts, my queues."""

from __future__ import annotations

import pytest

from crm_tui.db import dict_rows
from crm_tui.errors import ConflictError, DomainError, ValidationError
from crm_tui.services import session, users
from crm_tui.services.customers import accounts
from crm_tui.services.support import cases, queues


def test_create_get_update(db):
    q = queues.create({"name": "Tier 1", "description": "First line"})
    assert (q.name, q.description, q.state, q.version) == ("Tier 1", "First line", "active", 1)
    assert queues.get(q.id).name == "Tier 1"
    q2 = queues.update(q.id, 1, {"name": "Tier One"})
    assert (q2.name, q2.version) == ("Tier One", 2)
    with pytest.raises(ConflictError):
        queues.update(q.id, 1, {"description": "stale"})
    audits = dict_rows(
        "SELECT action FROM audit_entry WHERE record_type = 'queue' AND record_id = ? ORDER BY id",
        (q.id,),
    )
    assert [a["action"] for a in audits] == ["create", "update"]


def test_name_required_and_unique(db):
    with pytest.raises(ValidationError) as exc:
        queues.create({"name": "  "})
    assert "name" in exc.value.errors
    queues.create({"name": "Billing"})
    with pytest.raises(ValidationError) as exc:
        queues.create({"name": "billing"})
    assert "exists already" in exc.value.errors["name"]
    other = queues.create({"name": "Tier 2"})
    with pytest.raises(ValidationError) as invalid:
        queues.update(other.id, other.version, {"name": "BILLING"})
    assert invalid.value.errors == {"name": "a queue named 'BILLING' exists already"}


def test_deactivate_reactivate(db):
    q = queues.create({"name": "Tier 1"})
    q = queues.deactivate(q.id, q.version)
    assert q.state == "inactive"
    with pytest.raises(DomainError):
        queues.deactivate(q.id, q.version)
    assert [r["name"] for r in queues.queues()] == []
    assert [r["name"] for r in queues.queues(include_inactive=True)] == ["Tier 1"]
    q = queues.reactivate(q.id, q.version)
    assert q.state == "active"


def test_members_and_counts(db):
    maryam = users.add("maryam", "Maryam Ahmadi", "agent")
    bob = users.add("bob", "Bob", "agent")
    t1 = queues.create({"name": "Tier 1"})
    t2 = queues.create({"name": "Tier 2"})
    queues.add_member(t1.id, maryam.id)
    queues.add_member(t1.id, bob.id)
    queues.add_member(t2.id, bob.id)
    with pytest.raises(DomainError, match="already a member"):
        queues.add_member(t1.id, bob.id)
    assert [m["login"] for m in queues.members(t1.id)] == ["bob", "maryam"]
    acme = accounts.create({"name": "Acme"})
    cases.create({"title": "A", "account_id": acme.id, "queue_id": t1.id})
    cases.create({"title": "B", "account_id": acme.id, "queue_id": t1.id, "owner_id": bob.id})
    rows = {r["name"]: r for r in queues.queues()}
    assert rows["Tier 1"]["members"] == 2
    assert rows["Tier 1"]["active_cases"] == 2
    assert rows["Tier 1"]["unassigned_cases"] == 1
    assert rows["Tier 2"]["active_cases"] == 0
    assert [r["name"] for r in queues.my_queues(bob.id)] == ["Tier 1", "Tier 2"]
    assert [r["name"] for r in queues.my_queues(maryam.id)] == ["Tier 1"]
    assert queues.my_queues() == []  # the tester is in none
    queues.remove_member(t1.id, bob.id)
    with pytest.raises(DomainError, match="not a member"):
        queues.remove_member(t1.id, bob.id)
    assert [r["name"] for r in queues.my_queues(bob.id)] == ["Tier 2"]
    actions = dict_rows(
        "SELECT action FROM audit_entry WHERE record_type = 'queue' AND record_id = ? ORDER BY id",
        (t1.id,),
    )
    assert [a["action"] for a in actions] == [
        "create",
        "add_member",
        "add_member",
        "remove_member",
    ]


def test_inactive_refusals(db):
    q = queues.create({"name": "Old"})
    q = queues.deactivate(q.id, q.version)
    with pytest.raises(DomainError, match="inactive"):
        queues.add_member(q.id, session.current_user().id)
    gone = users.add("gone", "Gone", "agent")
    users.set_active("gone", False)
    live = queues.create({"name": "Live"})
    with pytest.raises(DomainError, match="inactive"):
        queues.add_member(live.id, gone.id)
