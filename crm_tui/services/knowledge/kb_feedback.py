"""How articles are used: readings counted, star ratings, the cases an
article helped, and the cases a person may link it to (linking one is
`kb.link_case`, which also feeds the index)."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError, ValidationError
from crm_tui.models import KbArticle, KbRating
from crm_tui.models.base import from_db_time, to_db_time, utcnow
from crm_tui.services import search, session
from crm_tui.services.knowledge.kb_article import display_number, get


class LinkedArticleRow(TypedDict):
    """An article linked to a case."""

    id: int
    number: str
    major: int
    minor: int
    title: str
    state: str
    language: str
    rating_total: int
    rating_count: int
    helped_count: int
    linked_at: str  # as stored (UTC ISO text)
    display_number: str  # "KA-00012 v1.2"


class LinkedCaseRow(TypedDict):
    """A case an article helped."""

    id: int
    number: str
    title: str
    state: str
    status_reason: str
    linked_at: str  # as stored (UTC ISO text)


class CaseChoice(TypedDict):
    """A case offered for linking an article to."""

    id: int
    number: str
    title: str
    customer: str  # "Ann Lee (Acme)", or the one of them there is, or ""
    state: str
    status_reason: str
    owner: str
    mine: bool  # one of the person's own active cases
    modified_at: dt.datetime
    linked: bool  # the article is linked to it already


# Enough to fill the picker on a small terminal and a little more to scroll.
CASE_CHOICES = 20


def record_view(article_id: int, times: int = 1) -> None:
    """Count a reading (no version change: a view is not an edit)."""
    with write():
        database.execute_sql(
            "UPDATE kb_article SET view_count = view_count + ? WHERE id = ?",
            (max(int(times), 0), article_id),
        )


def rate(article_id: int, stars: int) -> KbArticle:
    """This user's rating of the article, 1 to 5 stars (rating again replaces it)."""
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise ValidationError({"stars": "a rating is 1 to 5 stars"})
    user = session.current_user()
    with write():
        row = get(article_id)
        if row.state != "published":
            raise DomainError("only a published article can be rated")
        database.execute_sql(
            "INSERT INTO kb_rating (article_id, user_id, stars, rated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (article_id, user_id) DO UPDATE SET stars = excluded.stars, "
            "rated_at = excluded.rated_at",
            (article_id, user.id, stars, to_db_time(utcnow())),
        )
        database.execute_sql(
            "UPDATE kb_article SET rating_total = (SELECT coalesce(sum(stars), 0) FROM kb_rating "
            "WHERE article_id = ?), rating_count = (SELECT count(*) FROM kb_rating "
            "WHERE article_id = ?) WHERE id = ?",
            (article_id, article_id, article_id),
        )
    return get(article_id)


def my_rating(article_id: int) -> int | None:
    """This user's stars for the article, or None."""
    row = KbRating.get_or_none(
        (KbRating.article == article_id) & (KbRating.user == session.current_user().id)
    )
    return row.stars if row else None


def linked_articles(case_id: int) -> list[LinkedArticleRow]:
    """The articles linked to a case, newest link first."""
    rows = dict_rows(
        "SELECT a.id, a.number, a.major, a.minor, a.title, a.state, a.language, "
        "a.rating_total, a.rating_count, a.helped_count, l.linked_at "
        "FROM kb_article_case l JOIN kb_article a ON a.id = l.article_id "
        "WHERE l.case_id = ? ORDER BY l.id DESC",
        (case_id,),
    )
    for row in rows:
        row["display_number"] = display_number(row)
    return rows


def linked_cases(article_id: int, limit: int = 100) -> list[LinkedCaseRow]:
    """The cases the article helped, newest link first."""
    return dict_rows(
        "SELECT k.id, k.number, k.title, k.state, k.status_reason, l.linked_at FROM "
        'kb_article_case l JOIN "case" k ON k.id = l.case_id WHERE l.article_id = ? '
        "ORDER BY l.id DESC LIMIT ?",
        (article_id, limit),
    )


def cases_to_link(article_id: int, typed: str = "", limit: int = CASE_CHOICES) -> list[CaseChoice]:
    """The cases a person is likely to link an article to: their own active
    cases, most recently touched first. Typed words (a number, title or
    customer) narrow those and add any other case the person may read that
    matches, best match first, after their own."""
    from crm_tui.services.support import case_queue

    fts = search.query_for(typed)
    where = ["k.state = 'active'", "k.owner_id = ?", "k.assigned = 1"]
    params: list = [session.current_user().id]
    if fts is not None:
        where.append(f"k.id IN ({search.matches_sql('case')})")
        params.append(search.match_param("case", fts))
    readable = case_queue.readable_where()
    if readable:
        where.append(readable)
    ids = [
        row[0]
        for row in database.execute_sql(
            f'SELECT k.id FROM "case" k WHERE {" AND ".join(where)} '
            "ORDER BY k.modified_at DESC, k.id DESC LIMIT ?",
            (*params, limit),
        ).fetchall()
    ]
    mine = set(ids)
    if fts is not None and len(ids) < limit:
        others = [row["id"] for row in case_queue.find_by_name(typed, limit)]
        ids += [case_id for case_id in others if case_id not in mine][: limit - len(ids)]
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    extra = {
        row["id"]: row
        for row in dict_rows(
            "SELECT k.id, k.modified_at, EXISTS (SELECT 1 FROM kb_article_case l "
            "WHERE l.case_id = k.id AND l.article_id = ?) AS linked "
            f'FROM "case" k WHERE k.id IN ({marks})',
            (article_id, *ids),
        )
    }
    return [
        {
            "id": row["id"],
            "number": row["number"],
            "title": row["title"],
            "customer": row["customer"],
            "state": row["state"],
            "status_reason": row["status_reason"],
            "owner": row["owner"],
            "mine": row["id"] in mine,
            "modified_at": from_db_time(extra[row["id"]]["modified_at"]),
            "linked": bool(extra[row["id"]]["linked"]),
        }
        for row in case_queue.display_rows(ids)
    ]
