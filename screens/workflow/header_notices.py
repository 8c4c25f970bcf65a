"""The count of unread notifications in the app's header, read again when
the database moved on (this process's writes, another's commits), and a
toast for one that has just arrived."""

from __future__ import annotations

from rich.text import Text

from crm_tui import db, keys
from crm_tui.services import notifications, session


class HeaderNotices:
    """Keeps the app's sub-title (the person, and their unread count)."""

    def __init__(self, app) -> None:
        self.app = app
        self.seen_generation: int | None = None
        self.newest = -1  # the newest unread notice when last read; -1: not read yet

    def who(self, unread: int) -> str:
        user = session.current_user()
        said = f"{user.full_name} ({user.role})"
        if unread:
            said += keys.fill(f" · {unread} unread ({{app.notices}})")
        return said

    def check(self) -> None:
        """Read the count when the database moved on since the last read."""
        if self.seen_generation == db.generation():
            return
        self.seen_generation = db.generation()
        unread, newest, text = notifications.newest_unread()
        self.app.sub_title = self.who(unread)
        if self.newest >= 0 and newest > self.newest and text:
            self.app.notify(Text(text), title="New notice", timeout=8)
        self.newest = newest
