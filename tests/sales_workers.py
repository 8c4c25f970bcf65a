"""Worker functions for the sales multiprocessing tests (spawn needs them importable)."""

from __future__ import annotations

import traceback


def create_quotes(path: str, login: str, account_id: int, count: int, barrier, queue) -> None:
    """Create `count` quotes for the account as fast as possible; report their numbers."""
    numbers: list[str] = []
    try:
        from crm_tui.db import close_database
        from crm_tui.runtime import open_for_user
        from crm_tui.services.sales import quotes

        open_for_user(path, login=login)
        barrier.wait(timeout=60)
        for i in range(count):
            quote = quotes.create({"name": f"{login} {i}", "account_id": account_id})
            numbers.append(quote.number)
        close_database()
        queue.put(("ok", numbers))
    except BaseException as exc:  # reported to the parent
        queue.put(("error", "".join(traceback.format_exception_only(type(exc), exc)).strip()))
