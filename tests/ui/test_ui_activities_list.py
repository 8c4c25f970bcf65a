"""Area 8: 8 shows my open activities, overdue first; c completes, x cancels
after asking, d reschedules, enter opens the record the activity regards,
v goes through the views, and the filter takes words and conditions."""

from __future__ import annotations

import datetime as dt

from ui_support import screen_text, submitted_form, wait_until

from crm_tui.app import CrmApp
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.services.customers import accounts, activities

SIZE = (120, 36)
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def subjects(app) -> list[str]:
    return [row["subject"] for row in app.screen.table._rows]


async def test_the_desk_of_open_activities(db):
    acme = accounts.create({"name": "Acme"})
    activities.log("task", "Later task", regarding=("account", acme.id),
                   due_at=NOW + dt.timedelta(days=3))  # fmt: skip
    activities.log("task", "Overdue task\x1b[31m", regarding=("account", acme.id),
                   due_at=NOW - dt.timedelta(days=2))  # fmt: skip
    activities.log("task", "پیگیری پیش‌فاکتور", regarding=("account", acme.id),
                   due_at=NOW + dt.timedelta(days=5))  # fmt: skip
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("8")
        assert await wait_until(pilot, lambda: type(app.screen).__name__ == "ActivitiesScreen")
        assert await wait_until(pilot, lambda: len(subjects(app)) == 3)
        assert subjects(app)[0].startswith("Overdue task")
        text = screen_text(app)
        assert "My open  ·" in text and "\x1b" not in text and "پیگیری" in text
        # c completes the highlighted one
        await pilot.press("c")
        assert await wait_until(pilot, lambda: len(subjects(app)) == 2)
        # x asks first
        await pilot.press("x")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        assert await wait_until(pilot, lambda: subjects(app) == ["پیگیری پیش‌فاکتور"])
        # d moves its due day
        await submitted_form(pilot, "d", due_at="2031-01-06")
        assert await wait_until(
            pilot, lambda: str(app.screen.table._rows[0]["due_at"]).startswith("2031-01-0")
        )
        # the completed view, latest first
        await pilot.press("v", "v")
        assert await wait_until(pilot, lambda: "Completed  ·" in screen_text(app))
        assert await wait_until(pilot, lambda: [s[:12] for s in subjects(app)] == ["Overdue task"])
        # enter opens the record it regards
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: type(app.screen).__name__ == "AccountDetailScreen")
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: type(app.screen).__name__ == "ActivitiesScreen")


async def test_the_filter_takes_words_and_conditions(db):
    activities.log("task", "Send the proposal", due_at=NOW, priority="high")
    activities.log("task", "Book the room", due_at=NOW + dt.timedelta(hours=1))
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("8")
        assert await wait_until(pilot, lambda: len(getattr(app.screen, "table", None)
                                                    and app.screen.table._rows or []) == 2)  # fmt: skip
        await pilot.press("slash", *"propos")
        assert await wait_until(pilot, lambda: subjects(app) == ["Send the proposal"])
        await pilot.press("ctrl+u", *"priority:normal")
        assert await wait_until(pilot, lambda: subjects(app) == ["Book the room"])
        await pilot.press("ctrl+u", *"colour:red")
        assert await wait_until(pilot, lambda: "Filter not applied" in screen_text(app))
