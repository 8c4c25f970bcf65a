"""`crm-tui send` (the mail queue's sender, for cron or a systemd timer, and
for the app) and `crm-tui unsubscribe` (a reply asking to stop campaign
mail, recorded on whoever it was sent to)."""

from __future__ import annotations

import time

from crm_tui.errors import CrmError
from crm_tui.text import clean


def send(args) -> int:
    """Send what is queued and due; with --watch, keep at it every SECONDS."""
    from crm_tui.services.marketing.mail import queue, sender

    while True:
        report = sender.run()
        left = queue.counts()
        said = f"sent {report.sent:,}"
        for count, word in (
            (report.failed, "failed"),
            (report.deferred, "to try again later"),
            (report.suppressed, "not sent (the recipient asked for no email)"),
            (report.interrupted, "left by a sender that stopped"),
        ):
            if count:
                said += f", {count:,} {word}"
        said += f"; {left['queued']:,} queued, {left['failed']:,} failed in all"
        if report.stopped:
            said += f". Stopped: {report.stopped}"
        print(clean(said) + ".", flush=True)
        if not args.watch:
            return 1 if report.stopped else 0
        time.sleep(args.watch)


def unsubscribe(args) -> int:
    """Record that someone asked for no more campaign mail: the token of the
    message they replied to, or their email address."""
    from crm_tui.services.marketing.mail import unsubscribes

    found = unsubscribes.record(args.who)
    if not found:
        raise CrmError(f"no one was sent mail with the token or address {args.who!r}")
    for kind, name in found:
        print(clean(f"{name} ({kind}) will get no more campaign email."))
    return 0
