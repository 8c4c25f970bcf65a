"""Running a service call from a screen: the one path by which a refusal or
a fault of the database reaches a person. A refusal is shown as an error; a
busy database offers to try the same call again; any other fault says what
happened and what to do. Every key that changes a record without asking
anything more goes through `direct`; one that asks first through
`confirm_then`; key actions and palette commands that escape both are caught
by the app with `report` (CrmApp.run_action)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.dom import DOMNode
from textual.screen import Screen

from crm_tui.db.faults import fault_from
from crm_tui.errors import CrmError, DatabaseFault
from crm_tui.screens.common.confirm import ConfirmModal

Done = Callable[[object | None], None]


def as_refusal(exc: BaseException) -> CrmError | None:
    """What a person is told about `exc`: itself when it is a CrmError, the
    fault when it is an error of the database, None when it is a bug."""
    if isinstance(exc, CrmError):
        return exc
    return fault_from(exc)


def report(node: DOMNode, exc: CrmError, retry: Callable[[], object] | None = None) -> None:
    """Show `exc` in one sentence; a busy database with a `retry` asks whether
    to try again (the retry runs the same call)."""
    app = node.app
    if isinstance(exc, DatabaseFault) and exc.retry and retry is not None:
        from crm_tui.screens.common.retry import RetryModal

        app.push_screen(RetryModal(str(exc)), lambda again: retry() if again else None)
        return
    timeout = 12 if isinstance(exc, DatabaseFault) else 6
    app.notify(Text(str(exc)), severity="error", timeout=timeout)


def report_or_raise(
    node: DOMNode, exc: BaseException, retry: Callable[[], object] | None = None
) -> None:
    """`report` what a person is told of `exc`; an exception that is a bug
    (no refusal, no fault of the database) goes on up."""
    refusal = as_refusal(exc)
    if refusal is None:
        raise exc
    report(node, refusal, retry)


def offer_retry(node: DOMNode, exc: CrmError, retry: Callable[[], object]) -> None:
    """For a form or modal that shows a refusal beside its fields: a busy
    database also asks whether to save again."""
    if isinstance(exc, DatabaseFault) and exc.retry:
        report(node, exc, retry)


def loaded(node: DOMNode, call: Callable[[], object], default: object = None) -> object:
    """What a read for the screen returned, or `default` once its refusal
    (a record gone, a fault of the database) has been shown."""
    try:
        return call()
    except Exception as exc:
        report_or_raise(node, exc)
        return default


def direct(screen: Screen, call: Callable[[], object], done_text: str | Text, done: Done) -> None:
    """Run a service call; show its refusal, or report `done_text` (if any)
    and pass its result to `done`."""
    try:
        result = call()
    except Exception as exc:
        report_or_raise(screen, exc, retry=lambda: direct(screen, call, done_text, done))
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
