"""One knowledge article version: its states, who may act on it, reading it,
and the changes made by the date with nobody pressing a key (scheduled
publishing and expiry), which reads run first."""

from __future__ import annotations

import datetime as dt

from crm_tui import text
from crm_tui.db import database, write
from crm_tui.errors import DomainError, NotFound
from crm_tui.meta import states as machines
from crm_tui.models import KbArticle, User
from crm_tui.models.base import utcnow
from crm_tui.services import dates, records, session

# The state machine is the record metadata's (crm_tui.meta).
STATES = {state.code: state.label for state in machines.ARTICLE.states}
REVIEWER_ROLES = ("manager", "admin")
# The states in which a version is still being worked on: one at a time per article.
IN_PROGRESS = ("draft", "in_review", "approved")

# --- who may do what ----------------------------------------------------------------------


def is_reviewer(article: KbArticle | None = None, user: User | None = None) -> bool:
    """Managers and admins review every article; anyone else only the
    articles that name them as reviewer."""
    user = user or session.current_user()
    if user.role in REVIEWER_ROLES:
        return True
    return article is not None and article.reviewer_id == user.id


def require_reviewer(article: KbArticle, verb: str) -> None:
    """Refuse to `verb` the article unless this user reviews it."""
    if not is_reviewer(article):
        raise DomainError(
            f"only a reviewer can {verb} an article: a manager, an admin, or the reviewer "
            f"it names ({user_name(article.reviewer_id) or 'none named'})"
        )


def user_name(user_id: int | None) -> str:
    """A user's full name ("" for none or a removed user)."""
    if user_id is None:
        return ""
    row = User.get_or_none(User.id == user_id)
    return row.full_name if row else ""


def can_see(article: KbArticle) -> bool:
    """Agents read published articles, and any version they wrote or review."""
    if article.state == "published" or is_reviewer(article):
        return True
    return article.owner_id == session.current_user().id


# --- reading ------------------------------------------------------------------------------


def display_number(article) -> str:
    """KA-00012 v1.2 (an imported number is user text: cleaned)."""
    get = article.get if isinstance(article, dict) else lambda k: getattr(article, k)
    return f"{text.clean(get('number'))} v{get('major')}.{get('minor')}"


def get(article_id: int) -> KbArticle:
    """One article version (publishing and expiring what is due first); NotFound otherwise."""
    publish_due()
    expire_due()
    row = records.by_id(KbArticle, article_id)
    if row is None:
        raise NotFound(f"article #{article_id} does not exist (it may have been deleted)")
    return records.readable("article", row)


def by_number(number: str) -> KbArticle:
    """The version of KA-00012 a reader should see: the published one, else
    the newest version this user may see."""
    rows = KbArticle.select().where(KbArticle.number == (number or "").strip().upper())
    rows = sorted(rows, key=lambda r: (r.state != "published", -r.major, -r.minor))
    for row in rows:
        if can_see(row):
            return row
    raise NotFound(f"there is no article {number!r} you can read")


def require_state(row: KbArticle, states: tuple[str, ...], doing: str) -> None:
    """Refuse unless the article is in one of `states` (to be `doing`)."""
    if row.state not in states:
        allowed = " or ".join(STATES[s].lower() for s in states)
        raise DomainError(
            f"{display_number(row)} is {STATES[row.state].lower()}; it must be {allowed} "
            f"to be {doing}"
        )


def transition(article_id: int, version: int, values: dict, action: str) -> KbArticle:
    """Write a change of the article by a person (inside write()); the row as saved."""
    records.update_versioned("article", article_id, version, values, action=action)
    return records.by_id(KbArticle, article_id)


# --- changes made by the date -------------------------------------------------------------


def _system_change(row: KbArticle, values: dict, action: str) -> None:
    """A change made by the date, not a person: audited with no user."""
    changes = {k: (getattr(row, k, None), v) for k, v in values.items()}
    KbArticle.update(version=KbArticle.version + 1, modified_at=utcnow(), modified_by=None,
                     **values).where(KbArticle.id == row.id).execute()  # fmt: skip
    records.audit("article", row.id, action, changes, by_system=True)


def _due(index: str, where: str, today: dt.date | None) -> list[KbArticle] | None:
    """The articles a dated change is due for, read inside a write; None
    (and no write) when the indexed probe finds none. INDEXED BY: the
    planner prefers kb_article_state, which walks every row of the state."""
    day = (today or dates.today()).isoformat()
    due_sql = f"FROM kb_article INDEXED BY {index} WHERE {where}"
    if not database.execute_sql(f"SELECT EXISTS (SELECT 1 {due_sql})", (day,)).fetchone()[0]:
        return None
    return [records.by_id(KbArticle, r[0])
            for r in database.execute_sql(f"SELECT id {due_sql}", (day,))]  # fmt: skip


def archive_published(number: str, *, by_system: bool) -> None:
    """The published version of `number`, archived: a newer one replaces it."""
    for old in KbArticle.select().where(
        (KbArticle.number == number) & (KbArticle.state == "published")
    ):
        if by_system:
            _system_change(old, {"state": "archived"}, "superseded")
        else:
            transition(old.id, old.version, {"state": "archived"}, "superseded")


def publish_due(today: dt.date | None = None) -> int:
    """Publish every approved article scheduled for today or earlier (the
    app's timer and reads call this); returns how many."""
    where = "state = 'approved' AND publish_on IS NOT NULL AND publish_on <= ?"
    if _due("kb_article_scheduled", where, today) is None:
        return 0
    with write():
        due = _due("kb_article_scheduled", where, today) or []
        for row in due:
            archive_published(row.number, by_system=True)
            _system_change(row, {"state": "published", "published_at": utcnow(),
                                 "publish_on": None}, "published")  # fmt: skip
    return len(due)


def expire_due(today: dt.date | None = None) -> int:
    """Expire every published article whose expiry date has come; returns how many."""
    where = "state = 'published' AND expires_on IS NOT NULL AND expires_on <= ?"
    if _due("kb_article_expiring", where, today) is None:
        return 0
    with write():
        due = _due("kb_article_expiring", where, today) or []
        for row in due:
            _system_change(row, {"state": "expired"}, "expired")
    return len(due)
