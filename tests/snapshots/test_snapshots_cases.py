"""SVG snapshots of the case queue on a small fixed data set, time frozen.

Update with `pytest tests/snapshots/test_snapshots_cases.py --snapshot-update` after
checking the differences in snapshot_report.html. The countdown column
depends on the clock and the SLA calendar: the session runs in UTC with the
default business hours, the cases are logged at fixed times on Friday 12
March 2021, and the queue is looked at at 14:00 that day. Shown: breached,
nearing, in time, paused and unassigned cases, a first response met.
"""

from __future__ import annotations

import datetime as dt
import time
import types

import pytest
from textual.widgets import Input
from ui_support import wait_until

from crm_tui.app import CrmApp
from crm_tui.config import Settings
from crm_tui.screens.support import sla_clock
from crm_tui.screens.support.case_queue import CaseQueueScreen
from crm_tui.services import dates, records, session, users
from crm_tui.services.customers import accounts, activities, contacts
from crm_tui.services.support import cases, queues

BIG = (120, 36)
SMALL = (80, 24)
DAY = dt.date(2021, 3, 12)  # a Friday
NOW = dt.datetime(2021, 3, 12, 14, 0, tzinfo=dt.UTC)


class _Clock:
    """utcnow() for the services: set before each step."""

    at = NOW

    def __call__(self) -> dt.datetime:
        return self.at


class _FrozenDateTime(dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return NOW if tz is not None else NOW.replace(tzinfo=None)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    time.tzset()
    clock = _Clock()
    for module in (records, activities, cases):
        monkeypatch.setattr(module, "utcnow", clock)
    monkeypatch.setattr(dates, "today", lambda: DAY)
    monkeypatch.setattr(
        sla_clock, "dt", types.SimpleNamespace(datetime=_FrozenDateTime, UTC=dt.UTC)
    )
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    return clock


# (logged at, title, customer, priority, queue, owner, extra)
CASES = [
    ("09:05", "Cannot log in after the password reset", "Fabrikam Inc", "high", "Tier 1", "me", ""),
    (
        "09:40",
        "Invoice 2021-118 charged twice",
        "Contoso Pharmaceuticals",
        "normal",
        "Billing",
        None,
        "",
    ),
    (
        "11:10",
        "Sync stops at 98% on the field tablets",
        "Tailspin Toys",
        "high",
        "Tier 1",
        None,
        "",
    ),
    ("12:30", "Export to CSV drops the last column", "Litware Ltd", "normal", "Tier 1", "me", ""),
    (
        "10:15",
        "Printer fleet: toner alerts every hour",
        "Wide World Importers",
        "normal",
        "Tier 1",
        "sam",
        "hold",
    ),
    ("13:20", "How do I add a second price list?", "maria", "low", "Tier 1", "sam", ""),
    (
        "09:30",
        "Warehouse scanners lose the Wi-Fi at shift change",
        "Acme Tools Ltd",
        "normal",
        "Tier 1",
        "me",
        "answered",
    ),
    ("13:45", "Licence key for the new branch", "Alfreds Futterkiste", "high", "Billing", None, ""),
]


@pytest.fixture
def case_desk(db, frozen):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    me = session.current_user()
    frozen.at = dt.datetime(2021, 3, 1, 9, 0, tzinfo=dt.UTC)
    sam = users.add("sam", "Sam Okafor", "agent")
    queue_ids = {name: queues.create({"name": name}).id for name in ("Tier 1", "Billing")}
    queues.add_member(queue_ids["Tier 1"], me.id)
    queues.add_member(queue_ids["Billing"], me.id)
    customers = {}
    for _, _, name, *_ in CASES:
        if name == "maria":
            customers[name] = {
                "contact_id": contacts.create({"first_name": "Maria", "last_name": "Anders"}).id
            }
        else:
            customers[name] = {"account_id": accounts.create({"name": name}).id}
    owners = {"me": me.id, "sam": sam.id}
    for at, title, customer, priority, queue, owner, extra in CASES:
        hour, minute = (int(x) for x in at.split(":"))
        frozen.at = dt.datetime(2021, 3, 12, hour, minute, tzinfo=dt.UTC)
        values = {
            "title": title,
            "priority": priority,
            "queue_id": queue_ids[queue],
            **customers[customer],
        }
        case = cases.create(values)
        if owner is not None:
            case = cases.assign(case.id, case.version, owners[owner])
        frozen.at += dt.timedelta(minutes=20)
        if extra == "hold":
            cases.set_status(case.id, case.version, "on_hold")
        elif extra == "answered":
            activities.log(
                "email", "Re: scanners", regarding=("case", case.id), direction="outgoing"
            )
    frozen.at = NOW


async def _all_cases(pilot) -> None:
    await pilot.press("6")
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, CaseQueueScreen))
    screen = pilot.app.screen
    while screen.view != "all":
        await pilot.press("v")
    assert await wait_until(pilot, lambda: len(screen.table._rows) == len(CASES))
    await pilot.pause()


def test_case_queue(case_desk, snap_compare):
    assert snap_compare(CrmApp(), run_before=_all_cases, terminal_size=BIG)


def test_case_queue_small(case_desk, snap_compare):
    assert snap_compare(CrmApp(), run_before=_all_cases, terminal_size=SMALL)


async def _took_a_case(pilot) -> None:
    """t on the second waiting case: the list shows my cases, the cursor on it."""
    await pilot.press("6")
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, CaseQueueScreen))
    screen = pilot.app.screen
    await pilot.press("v")
    assert await wait_until(pilot, lambda: len(screen.table._rows) == 3)
    await pilot.press("j", "t")
    assert await wait_until(pilot, lambda: screen.view == "mine")
    await pilot.pause()


def test_case_queue_after_take(case_desk, snap_compare):
    assert snap_compare(CrmApp(), run_before=_took_a_case, terminal_size=BIG)


def test_case_queue_after_take_small(case_desk, snap_compare):
    assert snap_compare(CrmApp(), run_before=_took_a_case, terminal_size=SMALL)
