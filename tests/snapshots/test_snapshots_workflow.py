"""SVG snapshots of workflow and notifications: the rules list (on and off,
their runs) at 80x24, a rule's page with its latest runs at 120x36, and the
notification centre at 120x36. Every write is stamped 1 March 2021, a
year that is not this one, so the times read as that day, not "today".

Update with `pytest tests/snapshots/test_snapshots_workflow.py --snapshot-update`
after checking the differences in snapshot_report.html.
"""

from __future__ import annotations

import datetime as dt

import pytest
from ui_support import wait_until

from crm_tui.app import CrmApp
from crm_tui.db import write
from crm_tui.models.base import stamped_by
from crm_tui.screens.workflow.notifications import NotificationsScreen
from crm_tui.screens.workflow.rule_view import RuleScreen
from crm_tui.screens.workflow.rules_list import RulesScreen
from crm_tui.services import notifications, users
from crm_tui.services.customers import accounts
from crm_tui.services.support import cases, queues
from crm_tui.services.workflow import rules, runs
from crm_tui.services.workflow.spec import Action, Rule

BIG = (120, 36)
SMALL = (80, 24)
DAY = dt.datetime(2021, 3, 1, 9, 0, tzinfo=dt.UTC)


def _act(do: str, **params) -> Action:
    return Action(do, tuple(sorted(params.items())))


@pytest.fixture
def desk(db):
    """Three rules (two on), a Billing queue's cases given round-robin, one
    failed run, and notices from a colleague and a rule: each written on DAY."""
    ana = users.add("ana", "Ana Agent", "agent")
    bob = users.add("bob", "Bob Agent", "agent")
    with stamped_by(lambda: DAY):
        billing = queues.create({"name": "Billing"})
        for who in (ana, bob):
            queues.add_member(billing.id, who.id)
        acme = accounts.create({"name": "Acme Trading"})
        robin = rules.create(Rule(
            name="Billing: new cases round-robin", kind="case", trigger="created",
            condition="queue:Billing", enabled=True,
            description="Every Billing case has someone on it from the moment it arrives.",
            actions=(_act("assign", to="queue", queue="Billing", how="round_robin"),
                     _act("notify", to=["owner"], text="{number} {title} is yours"))))  # fmt: skip
        rules.create(Rule(name="Kick-off after a won deal", kind="opportunity", trigger="state",
                          to_state="won", enabled=True,
                          actions=(_act("activity", subject="Kick-off call: {title}", due="+2d"),)))  # fmt: skip
        rules.create(Rule(name="Renewal 30 days before a contract ends", kind="contract",
                          trigger="time", date="ends_on", offset="30 days before",
                          actions=(_act("notify", to=["owner"], text="{title} ends soon"),)))  # fmt: skip
        made = [cases.create({"title": title, "queue_id": billing.id, "account_id": acme.id})
                for title in ("Invoice wrong", "Double charge", "Refund not received")]  # fmt: skip
        with write():
            runs.record_failed(robin.id, "case", made[0].id, "created", "background",
                               "queue Billing has nobody in it", by_user=db.id)  # fmt: skip
            notifications.send([db.id], "Acme Trading wants a call back about [bold]x[/]",
                               record=("account", acme.id), from_user=ana.id)  # fmt: skip
            notifications.send([db.id], "Can you look at the refund?",
                               record=("case", made[2].id), from_user=bob.id)  # fmt: skip
            notifications.send([db.id], "Renewal for Acme Trading is due", rule_id=robin.id)
    notifications.mark_read([notifications.page()[-1]["id"]])
    return robin


async def _pushed(pilot, screen) -> None:
    app = pilot.app
    await pilot.pause()
    app.push_screen(screen)
    assert await wait_until(pilot, lambda: app.screen is screen)
    # the header's unread count is read on the app's poll
    assert await wait_until(pilot, lambda: "unread" in app.sub_title, timeout=5)
    await pilot.pause()


def test_rules_list(desk, snap_compare):
    async def shown(pilot) -> None:
        await _pushed(pilot, RulesScreen())

    assert snap_compare(CrmApp(), run_before=shown, terminal_size=SMALL)


def test_rule_page_with_runs(desk, snap_compare):
    async def shown(pilot) -> None:
        await _pushed(pilot, RuleScreen(desk.id))

    assert snap_compare(CrmApp(), run_before=shown, terminal_size=BIG)


def test_notification_centre(desk, snap_compare):
    async def shown(pilot) -> None:
        await _pushed(pilot, NotificationsScreen())

    assert snap_compare(CrmApp(), run_before=shown, terminal_size=BIG)
