"""Running a service call from a screen: its refusal shown as an error, or
its success reported and the screen told. Every key that changes a record
without asking anything more goes through `direct`; one that asks first
through `confirm_then`."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.screen import Screen

from crm_tui.errors import CrmError
from crm_tui.screens.confirm import ConfirmModal

Done = Callable[[object | None], None]


def direct(screen: Screen, call: Callable[[], object], done_text: str | Text, done: Done) -> None:
    """Run a service call; show its refusal, or report `done_text` (if any)
    and pass its result to `done`."""
    try:
        result = call()
    except CrmError as exc:
        screen.notify(Text(str(exc)), severity="error", timeout=6)
        return
    if done_text:
        screen.notify(done_text)
    done(result)


def confirm_then(
    screen: Screen,
    question: str | Text,
    call: Callable[[], object],
    *,
    detail: str | Text = "",
    done_text: str | Text = "",
    done: Done | None = None,
) -> None:
    """Ask `question`; on yes run the call as `direct` does (`done` defaults
    to the screen's refresh_data)."""
    finish = done or (lambda _: screen.refresh_data())
    screen.app.push_screen(
        ConfirmModal(question, detail),
        lambda yes: direct(screen, call, done_text, finish) if yes else None,
    )
