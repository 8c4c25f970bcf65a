"""Steps on one activity that a record's timeline and the activities list
both take: rescheduling asks for the new day in a modal form, where a refused
day (or a busy database) stays beside the field with what was typed."""

from __future__ import annotations

from textual.screen import Screen

from crm_tui.screens.common.date_field import date_spec
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.services.customers import activities


def reschedule(screen: Screen, activity: dict) -> None:
    """Move the open `activity` (its id and version) to a day asked for; the
    screen reads its data again once it is moved."""

    def done(result) -> None:
        if result:
            screen.notify("Rescheduled.")
            screen.refresh_data()

    screen.app.push_screen(
        form_modal(
            screen.app,
            "Reschedule to which day?",
            [date_spec("due_at", "Day")],
            lambda v: activities.reschedule(activity["id"], activity["version"], v["due_at"]),
            save_label="reschedule",
        ),
        done,
    )
