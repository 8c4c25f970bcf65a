"""Helpers for the Pilot tests: read what is on screen, wait for the app.

What is "on screen" is read from the compositor's strips, the very
segments Textual hands to the terminal driver (`App.export_screenshot`
renders the same `render_update(full=True, screen_stack=...)` call into an
SVG). Reading the segments rather than the SVG keeps every character as the
terminal would receive it: the SVG export splits text into styled spans,
escapes entities, replaces spaces and may itself drop control characters,
which would hide exactly what the text-safety tests look for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from rich.segment import Segment
from textual.app import App
from textual.pilot import Pilot


def rendered_segments(app: App) -> list[list[Segment]]:
    """Every screen line as the list of segments sent to the terminal."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    lines = []
    for chops in update.strips:
        line: list[Segment] = []
        for strip in chops:
            line.extend(strip)
        lines.append(line)
    return lines


def screen_lines(app: App) -> list[str]:
    return ["".join(seg.text for seg in line) for line in rendered_segments(app)]


def screen_text(app: App) -> str:
    return "\n".join(screen_lines(app))


def iter_segments(app: App) -> Iterator[Segment]:
    for line in rendered_segments(app):
        yield from line


async def wait_until(
    pilot: Pilot, predicate: Callable[[], bool], timeout: float = 2.0, step: float = 0.05
) -> bool:
    """Let the app run (timers, workers) until `predicate()` holds or time runs out."""
    waited = 0.0
    while not predicate():
        if waited >= timeout:
            return False
        await pilot.pause(step)
        waited += step
    return True


async def shown_record(pilot: Pilot, kind: str, record_id: int):
    """Open a record (the palette's go-to) and return its detail screen once
    it shows that record, with what its opening queued run."""
    await pilot.app.open_record(kind, record_id)
    assert await wait_until(
        pilot,
        lambda: (
            getattr(pilot.app.screen, "record", None) is not None
            and pilot.app.screen.record.id == record_id
        ),
    )
    for _ in range(3):
        await pilot.pause()
    return pilot.app.screen


async def pressed_into(pilot: Pilot, key: str, screen: type):
    """Press `key` and return the screen of type `screen` it brings up."""
    await pilot.press(key)
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, screen))
    await pilot.pause()
    return pilot.app.screen


def next_weekday_at(weekday: int, hour: int, zone: dt.tzinfo) -> dt.datetime:
    """The next `weekday` (0 = Monday) after today in `zone` — a week ahead
    when today is that day — at `hour`:00 local, as UTC."""
    today = dt.datetime.now(zone).date()
    ahead = (weekday - today.weekday()) % 7 or 7
    day = today + dt.timedelta(days=ahead)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=zone).astimezone(dt.UTC)


def notes_text(app: App) -> str:
    """The toasts shown so far (they are not in the screen's lines)."""
    return "\n".join(str(n.message) for n in app._notifications)


async def fill(pilot: Pilot, field: str, text: str) -> None:
    """Type `text` into the form field `field` as a person would, replacing it."""
    from textual.widgets import Input

    widget = pilot.app.screen.query_one(f"#field-{field}", Input)
    widget.focus()
    await pilot.pause()
    widget.value = ""
    await pilot.press(*text)


async def submitted_form(pilot: Pilot, key: str, **values) -> None:
    """Press `key`, fill the form modal it opens (field name -> value, set
    as chosen) and press ctrl+s; the modal may stay with a refusal."""
    from crm_tui.screens.common.form_modal import FormModal

    await pilot.press(key)
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, FormModal))
    for name, value in values.items():
        pilot.app.screen.form.query_one(f"#field-{name}").value = value
    await pilot.press("ctrl+s")
