"""Mail senders in their own processes (spawn needs them importable): one
that dies in the middle of a run, and one that sends what it can."""

from __future__ import annotations

import os


def send_then_die(path: str, mail: dict, after: int) -> None:
    """Run the sender as tester and die, without a word to anyone, once
    `after` messages were sent (as a killed process would)."""
    from crm_tui import config
    from crm_tui.runtime import open_for_user
    from crm_tui.services.marketing.mail import sender

    open_for_user(path, config.Settings(mail=mail), login="tester")

    def progress(report) -> None:
        if report.sent >= after:
            os._exit(3)

    sender.run(progress=progress)
    os._exit(0)


def send_all(path: str, mail: dict, barrier, queue) -> None:
    """Wait for the others, then run the sender; report what it did or why not."""
    try:
        from crm_tui import config
        from crm_tui.runtime import open_for_user
        from crm_tui.services.marketing.mail import sender

        open_for_user(path, config.Settings(mail=mail), login="tester")
        barrier.wait(timeout=30)
        report = sender.run()
        queue.put(("sent", report.sent))
    except BaseException as exc:  # reported to the parent
        queue.put(("refused", str(exc)))
