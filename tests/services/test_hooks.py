"""After-write hooks (services.hooks): listeners run inside the writer's
transaction, in order, once each; the support area's listener is in place in
any process, even one that imported nothing but activities."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from crm_tui.db import dict_rows
from crm_tui.services import hooks
from crm_tui.services.customers import accounts, activities
from crm_tui.services.support import cases


@pytest.fixture
def own_listeners(monkeypatch):
    """The registry as it is, to add to for one test only."""
    hooks.listeners(hooks.ACTIVITY_LOGGED)  # every domain registered first
    copy = {event: list(found) for event, found in hooks._listeners.items()}
    monkeypatch.setattr(hooks, "_listeners", copy)


def test_listeners_run_in_order_once_each(own_listeners):
    heard: list = []

    def first(**payload):
        heard.append(("first", payload))

    def second(**payload):
        heard.append(("second", payload))

    assert hooks.listen("test_event", first) is first
    hooks.listen("test_event", second)
    hooks.listen("test_event", first)  # again: still once
    hooks.emit("test_event", value=1)
    assert heard == [("first", {"value": 1}), ("second", {"value": 1})]
    hooks.emit("nobody_listens", value=2)
    assert hooks.listeners("test_event") == (first, second)


def test_the_support_area_listens_to_logged_and_completed_activities():
    for event in (hooks.ACTIVITY_LOGGED, hooks.ACTIVITY_COMPLETED):
        owners = {listener.__module__ for listener in hooks.listeners(event)}
        assert "crm_tui.services.support" in owners


def test_a_listeners_failure_undoes_the_activity(db, own_listeners):
    acme = accounts.create({"name": "Acme"})
    writes: list = []

    def failing(activity):
        writes.append(activity.id)
        accounts.update(acme.id, acme.version, {"city": "Oslo"})
        raise RuntimeError("listener failed")

    hooks.listen(hooks.ACTIVITY_LOGGED, failing)
    with pytest.raises(RuntimeError):
        activities.log("phone_call", "Hello", regarding=("account", acme.id))
    assert writes  # it ran, inside the write ...
    assert dict_rows("SELECT id FROM activity") == []  # ... which rolled back whole
    assert accounts.get(acme.id).city == acme.city


_ONLY_ACTIVITIES = """
import json, sys
from crm_tui.runtime import open_for_user
from crm_tui.services.customers import activities

open_for_user(sys.argv[1], login="tester")
before = sorted(m for m in sys.modules if m.startswith("crm_tui.services.support"))
call = activities.log(
    "phone_call", "Called back", regarding=("case", int(sys.argv[2])), direction="outgoing"
)
print(json.dumps({"before": before, "ended": call.actual_end.isoformat()}))
"""


def test_a_process_that_imported_only_activities_still_answers_the_case(db, db_path):
    case = cases.create({"title": "Printer jams", "account_id": accounts.create({"name": "A"}).id})
    assert case.first_responded_at is None
    result = subprocess.run(
        [sys.executable, "-c", _ONLY_ACTIVITIES, str(db_path), str(case.id)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["before"] == []  # nothing of support was loaded when the call was logged
    answered = cases.get(case.id)
    assert answered.first_responded_at.isoformat() == report["ended"]
    assert answered.next_breach_at == answered.resolve_by
