"""Knowledge articles: the subject tree, the review lifecycle, versions,
views, ratings and the cases an article helped resolve.

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

from crm_tui import text
from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError, NotFound, ValidationError
from crm_tui.models import KbArticle, KbArticleCase, KbRating, Subject, User
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import dates, records, session
from crm_tui.services.validate import Checker

STATES = {
    "draft": "Draft",
    "in_review": "In review",
    "approved": "Approved",
    "published": "Published",
    "archived": "Archived",
    "expired": "Expired",
}
LANGUAGES = {"en": "English", "fa": "Persian", "ar": "Arabic", "de": "German",
             "fr": "French", "es": "Spanish"}  # fmt: skip
REVIEWER_ROLES = ("manager", "admin")
FIELDS = ["title", "body", "keywords", "subject_id", "language", "reviewer_id",
          "publish_on", "expires_on"]  # fmt: skip
# The states in which a version is still being worked on: one at a time per article.
IN_PROGRESS = ("draft", "in_review", "approved")


# --- subjects -----------------------------------------------------------------------------


def subjects() -> list[dict]:
    """The subject tree in path order: id, parent_id, name, path, depth."""
    rows = dict_rows("SELECT id, parent_id, name, path FROM subject ORDER BY path COLLATE NOCASE")
    for row in rows:
        row["depth"] = row["path"].count(" / ")
    return rows


def ensure_subject(path: str) -> int:
    """The id of the subject at `path` ("Billing / Invoices"; "/" also
    separates), creating it and its parents as needed."""
    parts = [text.clean(p).strip() for p in path.replace(" / ", "/").split("/")]
    parts = [p for p in parts if p]
    if not parts:
        raise ValidationError({"subject": "a subject needs a name"})
    parent = None
    with write():
        for depth in range(len(parts)):
            full = " / ".join(parts[: depth + 1])
            row = Subject.get_or_none(Subject.path == full)
            if row is None:
                parent = records.insert_row(
                    Subject, {"parent": parent, "name": parts[depth], "path": full}
                )
            else:
                parent = row.id
    return parent


def subject_ids_under(subject_id: int) -> list[int]:
    """The subject and every subject below it."""
    rows = database.execute_sql(
        "WITH RECURSIVE down(id) AS (SELECT ? UNION SELECT s.id FROM subject s "
        "JOIN down ON s.parent_id = down.id) SELECT id FROM down",
        (subject_id,),
    ).fetchall()
    return [r[0] for r in rows]


# --- who may do what ----------------------------------------------------------------------


def is_reviewer(article: KbArticle | None = None, user: User | None = None) -> bool:
    """Managers and admins review every article; anyone else only the
    articles that name them as reviewer."""
    user = user or session.current_user()
    if user.role in REVIEWER_ROLES:
        return True
    return article is not None and article.reviewer_id == user.id


def _require_reviewer(article: KbArticle, verb: str) -> None:
    if not is_reviewer(article):
        raise DomainError(
            f"only a reviewer can {verb} an article: a manager, an admin, or the reviewer "
            f"it names ({_name(article.reviewer_id) or 'none named'})"
        )


def _name(user_id: int | None) -> str:
    if user_id is None:
        return ""
    row = User.get_or_none(User.id == user_id)
    return row.full_name if row else ""


def can_see(article: KbArticle) -> bool:
    """Agents read published articles, and any version they wrote or review."""
    if article.state == "published" or is_reviewer(article):
        return True
    return article.owner_id == session.current_user().id


# --- records ------------------------------------------------------------------------------


def display_number(article) -> str:
    """KA-00012 v1.2 (an imported number is user text: cleaned)."""
    get = article.get if isinstance(article, dict) else lambda k: getattr(article, k)
    return f"{text.clean(get('number'))} v{get('major')}.{get('minor')}"


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


def _require(row: KbArticle, states: tuple[str, ...], doing: str) -> None:
    if row.state not in states:
        allowed = " or ".join(STATES[s].lower() for s in states)
        raise DomainError(
            f"{display_number(row)} is {STATES[row.state].lower()}; it must be {allowed} "
            f"to be {doing}"
        )


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
        _require(row, ("draft",), "edited")
        if row.owner_id != session.current_user().id and not is_reviewer(row):
            raise DomainError(f"{display_number(row)} is {_name(row.owner_id)}'s draft")
        records.update_versioned("article", article_id, version, values)
        index(article_id)
    return get(article_id)


def _transition(article_id: int, version: int, values: dict, action: str) -> KbArticle:
    records.update_versioned("article", article_id, version, values, action=action)
    return records.by_id(KbArticle, article_id)


def submit(article_id: int, version: int) -> KbArticle:
    """Send a draft for review (it needs a body)."""
    with write():
        row = records.load_current("article", article_id, version)
        _require(row, ("draft",), "sent for review")
        if not row.body.strip():
            raise ValidationError({"body": "write the article before sending it for review"})
        _transition(article_id, version, {"state": "in_review"}, "submitted")
    return get(article_id)


def approve(article_id: int, version: int, comment: str = "") -> KbArticle:
    """A reviewer approves an article in review; it can then be published."""
    comment = text.clean(comment, multiline=True).strip()
    with write():
        row = records.load_current("article", article_id, version)
        _require(row, ("in_review",), "approved")
        _require_reviewer(row, "approve")
        _transition(article_id, version, {"state": "approved", "review_comment": comment},
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
        _require(row, ("in_review", "approved"), "rejected")
        _require_reviewer(row, "reject")
        values = {"state": "draft", "review_comment": comment, "publish_on": None}
        _transition(article_id, version, values, "rejected")
    return get(article_id)


def publish(article_id: int, version: int, on: dt.date | str | None = None) -> KbArticle:
    """A reviewer publishes an approved article now, or schedules it for the
    day `on` (it then publishes itself that day). Publishing archives the
    version that was published before."""
    if isinstance(on, str):
        on = dt.date.fromisoformat(on.strip()) if on.strip() else None
    today = dates.today()
    with write():
        row = records.load_current("article", article_id, version)
        _require(row, ("approved",), "published")
        _require_reviewer(row, "publish")
        if row.expires_on is not None and row.expires_on <= (on or today):
            raise DomainError(
                f"{display_number(row)} expires on {row.expires_on}: change its expiry first"
            )
        if on is not None and on > today:
            _transition(article_id, version, {"publish_on": on}, "scheduled")
        else:
            _publish_now(row)
    return get(article_id)


def _publish_now(row: KbArticle) -> None:
    """Archive the number's published version and publish `row` (inside write())."""
    _archive_published(row.number, by_system=False)
    values = {"state": "published", "published_at": utcnow(), "publish_on": None}
    _transition(row.id, row.version, values, "published")


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


def _archive_published(number: str, *, by_system: bool) -> None:
    """The published version of `number`, archived: a newer one replaces it."""
    for old in KbArticle.select().where(
        (KbArticle.number == number) & (KbArticle.state == "published")
    ):
        if by_system:
            _system_change(old, {"state": "archived"}, "superseded")
        else:
            _transition(old.id, old.version, {"state": "archived"}, "superseded")


def publish_due(today: dt.date | None = None) -> int:
    """Publish every approved article scheduled for today or earlier (the
    app's timer and reads call this); returns how many."""
    where = "state = 'approved' AND publish_on IS NOT NULL AND publish_on <= ?"
    if _due("kb_article_scheduled", where, today) is None:
        return 0
    with write():
        due = _due("kb_article_scheduled", where, today) or []
        for row in due:
            _archive_published(row.number, by_system=True)
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


def archive(article_id: int, version: int) -> KbArticle:
    """A reviewer takes a published article out of search (it stays readable)."""
    with write():
        row = records.load_current("article", article_id, version)
        _require(row, ("published",), "archived")
        _require_reviewer(row, "archive")
        _transition(article_id, version, {"state": "archived"}, "archived")
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
                f"{display_number(busy)} ({STATES[busy.state].lower()}, {_name(busy.owner_id)}) "
                "is already the next version; work on that one"
            )
        top = database.execute_sql(
            "SELECT major, max(minor) FROM kb_article WHERE number = ? "
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


def versions(number: str) -> list[dict]:
    """Every version of an article, newest first: id, major, minor, state,
    title, published_at, modified_at, owner."""
    return dict_rows(
        "SELECT a.id, a.number, a.major, a.minor, a.state, a.title, a.published_at, "
        "a.modified_at, u.full_name AS owner FROM kb_article a JOIN user u ON u.id = a.owner_id "
        "WHERE a.number = ? ORDER BY a.major DESC, a.minor DESC",
        (number,),
    )


# --- reading, rating, helping -------------------------------------------------------------


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
            "WHERE article_id = ?1), rating_count = (SELECT count(*) FROM kb_rating "
            "WHERE article_id = ?1) WHERE id = ?1",
            (article_id,),
        )
    return get(article_id)


def my_rating(article_id: int) -> int | None:
    """This user's stars for the article, or None."""
    row = KbRating.get_or_none(
        (KbRating.article == article_id) & (KbRating.user == session.current_user().id)
    )
    return row.stars if row else None


def rating_text(article) -> str:
    """ "★ 4.3 (12)" or "" when unrated."""
    get = article.get if isinstance(article, dict) else lambda k: getattr(article, k)
    if not get("rating_count"):
        return ""
    return f"★ {get('rating_total') / get('rating_count'):.1f} ({get('rating_count')})"


def link_case(article_id: int, case_id: int) -> KbArticle:
    """Link a published article to a case it helps: noted on the case's
    timeline, counted on the article, and the case's title is indexed with
    the article so similar later cases find it sooner."""
    from crm_tui.services.customers import notes
    from crm_tui.services.support import cases

    with write():
        row = get(article_id)
        if row.state != "published":
            raise DomainError(f"{display_number(row)} is not published: link a published article")
        case = cases.get(case_id)
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


def linked_articles(case_id: int) -> list[dict]:
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


def linked_cases(article_id: int, limit: int = 100) -> list[dict]:
    """The cases the article helped, newest link first."""
    return dict_rows(
        "SELECT k.id, k.number, k.title, k.state, k.status_reason, l.linked_at FROM "
        'kb_article_case l JOIN "case" k ON k.id = l.case_id WHERE l.article_id = ? '
        "ORDER BY l.id DESC LIMIT ?",
        (article_id, limit),
    )


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
            (article_id, *documents),
        )
