"""Worker functions for the scheduling race tests (spawn needs them importable).

Each worker opens the database FILE itself, reports through a queue and
never raises.
"""

from __future__ import annotations

import datetime as dt
import traceback


def book_at_once(path: str, login: str, resource_id: int, start: str, barrier, queue) -> None:
    """Wait for the other process, then book the same resource at the same time."""
    try:
        from crm_tui.db import close_database
        from crm_tui.errors import DomainError
        from crm_tui.runtime import open_for_user
        from crm_tui.services.support import scheduling

        open_for_user(path, login=login)
        begin = dt.datetime.fromisoformat(start)
        barrier.wait(timeout=60)
        try:
            activity_id = scheduling.book(
                subject=f"{login} visit",
                start=begin,
                end=begin + dt.timedelta(hours=1),
                resource_ids=[resource_id],
            )
            queue.put((login, "booked", activity_id))
        except DomainError as exc:
            queue.put((login, "refused", str(exc)))
        close_database()
    except BaseException as exc:  # reported to the parent
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        queue.put((login, "error", text))
