"""Knowledge articles: the review lifecycle, versions, the cases an article
helped resolve, and its search index document. This module is the article
API; reading one version, who may act on it and the changes made by the date
are in `kb_article`, the subject tree in `kb_subjects`, readings and ratings
in `kb_feedback`, all reached through here too.

Draft -> In review -> Approved -> Published -> Archived | Expired. A reviewer
(a manager or admin, or the article's named reviewer) approves, rejects (back
to Draft with a comment), publishes (now or on a date) and archives; an agent
writes drafts and submits them. Only a draft can be edited: changing a
published article makes a new draft version (1.0 -> 1.1, or 2.0) with the
same number, and the published one stays visible until the new one is
published, when it is archived. Every version stays readable.

Scheduled publishing and expiry happen by date without anyone pressing a key:
`publish_due` and `expire_due` run on reads (one indexed probe when nothing
is due) and on the app's timer.
"""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from crm_tui import text
from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError, ValidationError
from crm_tui.meta.knowledge import LANGUAGES
from crm_tui.models import KbArticle, KbArticleCase, Subject
from crm_tui.models.base import utcnow
from crm_tui.services import dates, records, search, session
from crm_tui.services.knowledge.kb_article import (
    IN_PROGRESS,
    REVIEWER_ROLES,
    STATES,
    archive_published,
    by_number,
    can_see,
    display_number,
    expire_due,
    get,
    is_reviewer,
    publish_due,
    require_reviewer,
    require_state,
    transition,
    user_name,
)
from crm_tui.services.knowledge.kb_feedback import (
    CaseChoice,
    LinkedArticleRow,
    LinkedCaseRow,
    cases_to_link,
    linked_articles,
    linked_cases,
    my_rating,
    rate,
    record_view,
)
from crm_tui.services.knowledge.kb_subjects import (
    SubjectRow,
    ensure_subject,
    subject_ids_under,
    subjects,
)
from crm_tui.services.validate import Checker

FIELDS = ["title", "body", "keywords", "subject_id", "language", "reviewer_id",
          "publish_on", "expires_on"]  # fmt: skip


class VersionRow(TypedDict):
    """A version of an article."""

    id: int
    number: str
    major: int
    minor: int
    state: str
    title: str
    published_at: str | None  # as stored (UTC ISO text)
    modified_at: str
    owner: str


# --- records ------------------------------------------------------------------------------


def _check(data: dict, *, creating: bool) -> dict:
    c = Checker(data)
    c.text("title", required=creating or c.has("title"), max_len=200)
    c.text("body", max_len=100_000, multiline=True)
    c.text("keywords", max_len=500)
    c.reference("subject_id", Subject, "the subject does not exist")
    if c.has("language"):
        c.choice("language", LANGUAGES)
    if c.has("reviewer_id"):
        if data["reviewer_id"] in (None, ""):
            c.values["reviewer_id"] = None
        else:
            c.owner("reviewer_id")
    c.date("publish_on", label="publish date")
    c.date("expires_on", label="expiry date")
    values = c.done()
    if values.get("publish_on") and values.get("expires_on"):
        if values["expires_on"] <= values["publish_on"]:
            raise ValidationError({"expires_on": "it would expire before it is published"})
    if "title" in values:
        values["title_sort"] = text.sort_key(values["title"])
    renamed = {"subject_id": "subject", "reviewer_id": "reviewer"}
    return {renamed.get(k, k): v for k, v in values.items()}


def create(data: dict) -> KbArticle:
    """Write a new article: a draft 1.0 numbered KA-00001 ..., owned by its
    author. Needs a title; body (Markdown), keywords, subject_id, language
    (see LANGUAGES; default en), reviewer_id, publish_on, expires_on."""
    values = _check(data, creating=True)
    values.setdefault("language", "en")
    with write():
        values.update(state="draft", major=1, minor=0, number=_next_number())
        new_id = records.create("article", values)
        index(new_id)
    return get(new_id)


def _next_number() -> str:
    from crm_tui.services import numbers

    return numbers.next_number("article")


def update(article_id: int, version: int, data: dict) -> KbArticle:
    """Save changed fields of a draft if nobody saved since `version`. A
    published article is changed through `new_version`."""
    values = _check(data, creating=False)
    with write():
        row = records.load_current("article", article_id, version, values.keys())
        if row.state == "published":
            raise DomainError(
                f"{display_number(row)} is published: make a new version (N) to change it; "
                "readers keep seeing this one until the new one is published"
            )
        require_state(row, ("draft",), "edited")
        if row.owner_id != session.current_user().id and not is_reviewer(row):
            raise DomainError(f"{display_number(row)} is {user_name(row.owner_id)}'s draft")
        records.update_versioned("article", article_id, version, values)
        index(article_id)
    return get(article_id)


# --- the review lifecycle -----------------------------------------------------------------


def submit(article_id: int, version: int) -> KbArticle:
    """Send a draft for review (it needs a body)."""
    with write():
        row = records.load_current("article", article_id, version)
        require_state(row, ("draft",), "sent for review")
        if not row.body.strip():
            raise ValidationError({"body": "write the article before sending it for review"})
        transition(article_id, version, {"state": "in_review"}, "submitted")
    return get(article_id)


def approve(article_id: int, version: int, comment: str = "") -> KbArticle:
    """A reviewer approves an article in review; it can then be published."""
    comment = text.clean(comment, multiline=True).strip()
    with write():
        row = records.load_current("article", article_id, version)
        require_state(row, ("in_review",), "approved")
        require_reviewer(row, "approve")
        transition(article_id, version, {"state": "approved", "review_comment": comment},
                    "approved")  # fmt: skip
    return get(article_id)


def reject(article_id: int, version: int, comment: str) -> KbArticle:
    """A reviewer sends an article in review (or approved, not yet
    published) back to Draft with a comment saying what to change."""
    comment = text.clean(comment, multiline=True).strip()
    if not comment:
        raise ValidationError({"comment": "say what the author should change"})
    with write():
        row = records.load_current("article", article_id, version)
        require_state(row, ("in_review", "approved"), "rejected")
        require_reviewer(row, "reject")
        values = {"state": "draft", "review_comment": comment, "publish_on": None}
        transition(article_id, version, values, "rejected")
    return get(article_id)


def publish(article_id: int, version: int, on: dt.date | str | None = None) -> KbArticle:
    """A reviewer publishes an approved article now, or schedules it for the
    day `on` (it then publishes itself that day). Publishing archives the
    version that was published before."""
    on = dates.read_day(on, field="on")
    today = dates.today()
    with write():
        row = records.load_current("article", article_id, version)
        require_state(row, ("approved",), "published")
        require_reviewer(row, "publish")
        if row.expires_on is not None and row.expires_on <= (on or today):
            raise DomainError(
                f"{display_number(row)} expires on {dates.shown_day(row.expires_on)}: "
                "change its expiry first"
            )
        if on is not None and on > today:
            transition(article_id, version, {"publish_on": on}, "scheduled")
        else:
            _publish_now(row)
    return get(article_id)


def _publish_now(row: KbArticle) -> None:
    """Archive the number's published version and publish `row` (inside write())."""
    archive_published(row.number, by_system=False)
    values = {"state": "published", "published_at": utcnow(), "publish_on": None}
    transition(row.id, row.version, values, "published")


def archive(article_id: int, version: int) -> KbArticle:
    """A reviewer takes a published article out of search (it stays readable)."""
    with write():
        row = records.load_current("article", article_id, version)
        require_state(row, ("published",), "archived")
        require_reviewer(row, "archive")
        transition(article_id, version, {"state": "archived"}, "archived")
    return get(article_id)


def new_version(article_id: int, *, major: bool = False) -> KbArticle:
    """A new draft of the article (a copy of this version), numbered 1.1
    after 1.0, or 2.0 with `major`; refused while another version of the
    article is still being worked on (it is named)."""
    with write():
        row = get(article_id)
        if row.state in IN_PROGRESS:
            raise DomainError(f"{display_number(row)} is {STATES[row.state].lower()}: edit it")
        busy = (
            KbArticle.select()
            .where((KbArticle.number == row.number) & (KbArticle.state.in_(IN_PROGRESS)))
            .first()
        )
        if busy is not None:
            raise DomainError(
                f"{display_number(busy)} ({STATES[busy.state].lower()}, {user_name(busy.owner_id)}) "
                "is already the next version; work on that one"
            )
        top = database.execute_sql(
            "SELECT max(major), max(minor) FROM kb_article WHERE number = ? "
            "AND major = (SELECT max(major) FROM kb_article WHERE number = ?)",
            (row.number, row.number),
        ).fetchone()
        numbering = {"major": top[0] + 1, "minor": 0} if major else {"major": top[0],
                                                                      "minor": top[1] + 1}  # fmt: skip
        values = {name: getattr(row, name) for name in
                  ("title", "title_sort", "body", "keywords", "language")}  # fmt: skip
        values.update(subject=row.subject_id, reviewer=row.reviewer_id, expires_on=row.expires_on,
                      number=row.number, state="draft", **numbering)  # fmt: skip
        new_id = records.create("article", values)
        index(new_id)
    return get(new_id)


def versions(number: str) -> list[VersionRow]:
    """Every version of an article, newest first: id, major, minor, state,
    title, published_at, modified_at, owner."""
    return dict_rows(
        "SELECT a.id, a.number, a.major, a.minor, a.state, a.title, a.published_at, "
        'a.modified_at, u.full_name AS owner FROM kb_article a JOIN "user" u ON u.id = a.owner_id '
        "WHERE a.number = ? ORDER BY a.major DESC, a.minor DESC",
        (number,),
    )


# --- helping cases ------------------------------------------------------------------------


def link_case(article_id: int, case_id: int) -> KbArticle:
    """Link a published article to a case it helps: noted on the case's
    timeline, counted on the article, and the case's title is indexed with
    the article so similar later cases find it sooner."""
    from crm_tui.services.customers import notes
    from crm_tui.services.support import case_record

    with write():
        row = get(article_id)
        if row.state != "published":
            raise DomainError(f"{display_number(row)} is not published: link a published article")
        case = case_record.get(case_id)
        if KbArticleCase.get_or_none(
            (KbArticleCase.article == article_id) & (KbArticleCase.case == case_id)
        ):
            raise DomainError(f"{display_number(row)} is already linked to {case.number}")
        records.insert_row(KbArticleCase, {"article": article_id, "case": case_id,
                                           "linked_at": utcnow(),
                                           "linked_by": session.current_user().id})  # fmt: skip
        database.execute_sql(
            "UPDATE kb_article SET helped_count = helped_count + 1 WHERE id = ?", (article_id,)
        )
        records.audit("article", article_id, "linked", {"case": (None, case.number)})
        notes.add(
            ("case", case_id),
            subject=f"Knowledge article {row.number} linked",
            body=f"{display_number(row)}: {row.title}",
        )
        index(article_id)
    return get(article_id)


# --- the search index ---------------------------------------------------------------------


def _documents(article_id: int) -> tuple | None:
    row = database.execute_sql(
        "SELECT a.title, a.number, a.keywords, s.path, a.body FROM kb_article a "
        "LEFT JOIN subject s ON s.id = a.subject_id WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    title, number, keywords, subject, body = row
    case_titles = " ".join(
        r[0]
        for r in database.execute_sql(
            'SELECT k.title FROM kb_article_case l JOIN "case" k ON k.id = l.case_id '
            "WHERE l.article_id = ? ORDER BY l.id DESC LIMIT 50",
            (article_id,),
        )
    )
    return (
        text.normalize(f"{title} {number}"),
        text.normalize(f"{keywords} {subject or ''}"),
        text.normalize(case_titles),
        text.normalize(body),
    )


def index(article_id: int) -> None:
    """(Re)index one article version; call inside the write that changed it."""
    database.execute_sql("DELETE FROM kb_fts WHERE rowid = ?", (article_id,))
    documents = _documents(article_id)
    if documents is not None:
        database.execute_sql(
            "INSERT INTO kb_fts (rowid, title, keywords, cases, body) VALUES (?, ?, ?, ?, ?)",
            (article_id, *map(search.document, documents)),
        )


__all__ = [
    "FIELDS",
    "IN_PROGRESS",
    "LANGUAGES",
    "REVIEWER_ROLES",
    "STATES",
    "CaseChoice",
    "LinkedArticleRow",
    "LinkedCaseRow",
    "SubjectRow",
    "VersionRow",
    "approve",
    "archive",
    "by_number",
    "can_see",
    "cases_to_link",
    "create",
    "display_number",
    "ensure_subject",
    "expire_due",
    "get",
    "index",
    "is_reviewer",
    "link_case",
    "linked_articles",
    "linked_cases",
    "my_rating",
    "new_version",
    "publish",
    "publish_due",
    "rate",
    "record_view",
    "reject",
    "subject_ids_under",
    "subjects",
    "submit",
    "update",
    "versions",
]
