"""The knowledge-base part of the bench database (issue 5): a subject tree of
40 subjects, 20k article versions (about a tenth in Persian) in every
lifecycle state, ratings, and links to resolved cases with their helped
counts, plus the kb_fts index.

Articles are written from a vocabulary of support topics (kb_words): a
title names a thing and a symptom or task, the body (200-600 words) is
Markdown built from sentence templates filled with the subject's words, so
the common words are in nearly every article, a subject's words in its
share of them, and error codes in a handful. Most numbers have one version; some have two
or three (1.1 or 2.0 after 1.0), of which at most one is published: an
in-progress version keeps the one before it published, older ones are
archived. The agent the bench signs in as (service_data.SERVICE_LOGIN) owns
a few drafts among other articles.

Rows are bulk-inserted with raw SQL, filled as crm_tui.services.knowledge.kb fills
them (title_sort from text.sort_key, numbers as numbers.format_number
formats them with the `sequence` counter set past them, helped_count the
number of linked cases, rating_total/count the sums of the kb_rating rows).
The index gets exactly kb._documents' strings: normalize() of ASCII text
(printable characters and newlines) is its lower-casing, which a sample
checks against text.normalize; Persian text goes through text.normalize;
and every 199th article is compared with kb._documents itself.

Simplifications (none touches the measured queries): no audit trail for
the articles, no note on the case timeline for a link, and no scheduled
publication or expiry falls due (publish_on and expires_on are more than a
year ahead), so searching never writes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from crm_tui import text
from crm_tui.bench.kb_words import (
    MENUS,
    PERSIAN_SENTENCES,
    PERSIAN_TOPICS,
    PLATFORMS,
    SENTENCES,
    SUBJECTS,
    SYMPTOMS,
    TASKS,
    TITLE_TEMPLATES,
)
from crm_tui.db import is_postgres
from crm_tui.models.base import to_db_time
from crm_tui.services import search

# A word that a few articles contain: the "rare word" the bench searches for.
RARE_CODES = 3000
DAY = dt.timedelta(days=1)

ARTICLE_COLUMNS = (
    "id, version, created_at, created_by_id, modified_at, modified_by_id, owner_id, state, "
    "number, major, minor, title, title_sort, body, keywords, subject_id, language, "
    "reviewer_id, review_comment, publish_on, expires_on, published_at, view_count, "
    "rating_total, rating_count, helped_count"
)
# How many drafts the bench agent owns.
AGENT_DRAFTS = 5


def default_articles(accounts: int) -> int:
    """20k article versions with 100k accounts."""
    return max(40, accounts // 5)


def rare_codes(seed: int) -> list[str]:
    rnd = random.Random(seed)
    return [f"0x{rnd.randrange(16**8):08x}" for _ in range(RARE_CODES)]


def _fast_normalize(value: str) -> str:
    """text.normalize for generated ASCII text (printable characters and
    newlines: clean keeps them, NFKC and the folding leave them, casefold is
    lower); anything else through text.normalize."""
    if value.isascii() and value.replace("\n", "").isprintable():
        return value.lower().strip()
    return text.normalize(value)


def load(
    conn,
    *,
    articles: int,
    now: dt.datetime,
    seed: int,
    log: Callable[[str], None],
    service_login: str = "bench04",
) -> dict[str, int]:
    """Write the knowledge base (in its own transaction) into a database
    that has users with roles and cases. Returns row counts per table."""
    rnd = random.Random(seed)
    rand = rnd.random

    def choice(seq):
        return seq[int(rand() * len(seq))]

    users = conn.execute('SELECT id, login, role FROM "user" ORDER BY id').fetchall()
    agents = [uid for uid, _, role in users if role == "agent"] or [users[0][0]]
    managers = [uid for uid, _, role in users if role == "manager"] or [users[0][0]]
    me = next((uid for uid, login, _ in users if login == service_login), agents[0])
    user_ids = [uid for uid, _, _ in users]
    codes = rare_codes(seed)

    # Subjects: 8 top-level, 32 below them.
    subject_rows, subject_ids, subject_words = [], {}, {}
    for top, children in SUBJECTS.items():
        subject_rows.append((len(subject_rows) + 1, None, top, top))
        top_id = subject_ids[top] = len(subject_rows)
        for child, words in children.items():
            path = f"{top} / {child}"
            subject_rows.append((len(subject_rows) + 1, top_id, child, path))
            subject_ids[path] = len(subject_rows)
            subject_words[path] = words
    leaf_paths = list(subject_words)

    # Resolved cases to link, grouped by title (a few hundred distinct ones).
    by_title: dict[str, list[tuple[int, str, int]]] = {}
    for case_id, title, resolved_at, owner in conn.execute(
        "SELECT id, title, resolved_at, owner_id FROM \"case\" WHERE state = 'resolved'"
    ):
        by_title.setdefault(title, []).append((case_id, resolved_at, owner))
    titles = list(by_title)

    def case_pool(words: tuple[str, ...]) -> list[str]:
        return [t for t in titles if any(w.lower() in t.lower() for w in words)] or titles

    pools = {path: case_pool(w["cases"]) for path, w in subject_words.items()}
    persian_pools = {topic[0] + topic[1]: case_pool((topic[3],)) for topic in PERSIAN_TOPICS}

    span_days = 3 * 365

    def when(days_ago: float) -> dt.datetime:
        return now - dt.timedelta(days=days_ago, seconds=int(rand() * 86_400))

    def english(path: str) -> tuple[str, str, str]:
        words = subject_words[path]
        thing = choice(words["things"])
        fill = {
            "thing": thing, "Thing": thing[0].upper() + thing[1:], "symptom": choice(SYMPTOMS),
            "task": choice(TASKS), "platform": choice(PLATFORMS), "menu": choice(MENUS),
            "code": choice(codes), "subject": path.split(" / ")[-1],
        }  # fmt: skip
        title = choice(TITLE_TEMPLATES).format(**fill)
        target = 200 + int(rand() * 401)
        parts, count = [], 0
        sections = ["## Symptoms", "## Cause", "## Resolution", "## More information"]
        section = 0
        parts.append(f"# {title}\n")
        while count < target:
            if section < len(sections) and count >= target * section / len(sections):
                parts.append(f"\n{sections[section]}\n")
                section += 1
            fill["symptom"], fill["task"] = choice(SYMPTOMS), choice(TASKS)
            fill["menu"], fill["platform"] = choice(MENUS), choice(PLATFORMS)
            fill["thing"] = choice(words["things"])
            if rand() < 0.05:
                fill["code"] = choice(codes)
            sentence = choice(SENTENCES).format(**fill)
            if sections[section - 1] == "## Resolution" and rand() < 0.5:
                sentence = f"1. {sentence}"
            parts.append(sentence)
            count += len(sentence.split())
        keywords = " ".join(rnd.sample(words["keywords"].split(), 3))
        return title, "\n".join(parts), keywords

    def persian() -> tuple[str, str, str, str]:
        path, title, keywords, _ = choice(PERSIAN_TOPICS)
        target = 200 + int(rand() * 401)
        parts, count = [f"# {title}\n"], 0
        while count < target:
            sentence = choice(PERSIAN_SENTENCES).format(topic=title, code=choice(codes))
            parts.append(sentence)
            count += len(sentence.split())
        return path, title, "\n".join(parts), keywords

    def stamp(moment: dt.datetime) -> str:
        return to_db_time(moment)

    # Articles: numbers with their versions, until `articles` rows.
    rows: list[tuple] = []
    documents: dict[int, list] = {}
    link_rows: list[tuple] = []
    rating_rows: list[tuple] = []
    sort_keys: dict[str, str] = {}
    number = 0
    agent_drafts = set(rnd.sample(range(1, max(2, articles // 2)), AGENT_DRAFTS))
    far = now.date() + dt.timedelta(days=400)
    while len(rows) < articles:
        number += 1
        r = rand()
        versions = 1 if r < 0.85 else (2 if r < 0.96 else 3)
        versions = min(versions, articles - len(rows))
        r = rand()
        final = (
            "published" if r < 0.82 else "draft" if r < 0.87 else "in_review" if r < 0.90
            else "approved" if r < 0.92 else "archived" if r < 0.98 else "expired"
        )  # fmt: skip
        owner = choice(agents) if rand() < 0.85 else choice(managers)
        if number in agent_drafts:
            versions, final, owner = 1, "draft", me
        elif rand() < 0.03:
            owner = me
        fa = rand() < 0.1
        if fa:
            path, title, body, keywords = persian()
            language = "fa"
        else:
            path = choice(leaf_paths)
            title, body, keywords = english(path)
            language = "en"
        subject_id = subject_ids[path]
        # the states of the versions, oldest first
        if versions == 1:
            states = [final]
        elif final in ("draft", "in_review", "approved"):
            states = ["archived"] * (versions - 2) + ["published", final]
        else:
            states = ["archived"] * (versions - 1) + [final]
        major, minor = 1, 0
        created = when(rand() * span_days)
        number_text = f"KA-{number:05d}"
        for k, state in enumerate(states):
            if k:
                if rand() < 0.3:
                    major, minor = major + 1, 0
                else:
                    minor += 1
                body += f"\nUpdate {major}.{minor}: " + (
                    "the steps were checked against the latest release."
                    if language == "en"
                    else "مراحل با آخرین نسخه بررسی شد."
                )
                created = min(now - DAY, created + dt.timedelta(days=1 + rand() * 120))
            article_id = len(rows) + 1
            row_version = {"draft": 1, "in_review": 2, "approved": 3, "published": 4,
                           "archived": 5, "expired": 5}[state]  # fmt: skip
            reviewer = choice(managers) if row_version > 1 else None
            if state == "in_review" and owner != me and rand() < 0.1:
                reviewer = me  # the bench agent reviews a few
            modified = min(now - dt.timedelta(hours=1), created + dt.timedelta(days=rand() * 30))
            was_published = state in ("published", "archived", "expired")
            published_at = stamp(modified) if was_published else None
            publish_on = (far + dt.timedelta(days=int(rand() * 300))).isoformat() if (
                state == "approved" and rand() < 0.5) else None  # fmt: skip
            expires_on = (far + dt.timedelta(days=int(rand() * 700))).isoformat() if (
                state == "published" and rand() < 0.1) else None  # fmt: skip
            if state == "expired":  # expire_due turned it at its date
                expires_on = modified.date().isoformat()
            views = int(rnd.paretovariate(1.1) * 5) if was_published else int(rand() * 3)
            helped = 0
            total = count = 0
            cases_text: list[str] = []
            if state == "published":
                if rand() < 0.35:
                    pool = persian_pools[path + title] if fa else pools[path]
                    helped = min(60, int(rnd.paretovariate(1.2)))
                    picked: set[int] = set()
                    for _ in range(helped):
                        case_title = choice(pool)
                        case_id, resolved_at, case_owner = choice(by_title[case_title])
                        if case_id in picked:
                            continue
                        picked.add(case_id)
                        link_rows.append(
                            (len(link_rows) + 1, article_id, case_id, resolved_at or stamp(now),
                             case_owner)
                        )  # fmt: skip
                        cases_text.append(case_title)
                    helped = len(picked)
                if rand() < 0.3:
                    raters = rnd.sample(user_ids, min(len(user_ids), 1 + int(rand() * 8)))
                    for uid in raters:
                        stars = choice((5, 5, 5, 4, 4, 3, 2, 1))
                        rating_rows.append((len(rating_rows) + 1, article_id, uid, stars,
                                            stamp(modified)))  # fmt: skip
                        total += stars
                    count = len(raters)
            key = sort_keys.get(title)
            if key is None:
                key = sort_keys[title] = text.sort_key(title)
            rows.append(
                (article_id, row_version, stamp(created), owner, stamp(modified),
                 reviewer if row_version > 1 and reviewer else owner, owner, state,
                 number_text, major, minor, title, key, body, keywords, subject_id, language,
                 reviewer, "", publish_on, expires_on, published_at, views, total, count, helped)
            )  # fmt: skip
            # kb._documents: the newest 50 links first
            documents[article_id] = [
                _fast_normalize(f"{title} {number_text}"),
                _fast_normalize(f"{keywords} {path}"),
                _fast_normalize(" ".join(reversed(cases_text[-50:]))),
                _fast_normalize(body),
            ]

    conn.execute("BEGIN")
    try:
        conn.executemany(
            "INSERT INTO subject (id, parent_id, name, path) VALUES (?, ?, ?, ?)", subject_rows
        )
        marks = ", ".join("?" * len(ARTICLE_COLUMNS.split(",")))
        conn.executemany(f"INSERT INTO kb_article ({ARTICLE_COLUMNS}) VALUES ({marks})", rows)
        conn.executemany(
            "INSERT INTO kb_article_case (id, article_id, case_id, linked_at, linked_by_id) "
            "VALUES (?, ?, ?, ?, ?)",
            link_rows,
        )
        conn.executemany(
            "INSERT INTO kb_rating (id, article_id, user_id, stars, rated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            rating_rows,
        )
        stored = search.document if is_postgres() else None  # as kb.index stores them
        conn.executemany(
            "INSERT INTO kb_fts (rowid, title, keywords, cases, body) VALUES (?, ?, ?, ?, ?)",
            (
                (article_id, *(docs if stored is None else map(stored, docs)))
                for article_id, docs in documents.items()
            ),
        )
        conn.execute(
            "INSERT INTO sequence (name, next) VALUES ('article', ?) "
            "ON CONFLICT (name) DO UPDATE SET next = excluded.next",
            (number + 1,),
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    checked = check_documents(documents, every=max(1, len(documents) // 100))
    out = {
        "subject": len(subject_rows),
        "kb_article": len(rows),
        "numbers": number,
        "persian": sum(1 for row in rows if row[16] == "fa"),
        "kb_article_case": len(link_rows),
        "kb_rating": len(rating_rows),
    }
    log(
        f"bench:   knowledge base: {out['kb_article']:,} article versions of {number:,} "
        f"articles, {out['kb_article_case']:,} case links, {out['kb_rating']:,} ratings "
        f"({checked} index documents sampled against kb._documents)"
    )
    return out


def check_documents(documents: dict[int, list[str]], every: int = 100) -> int:
    """Compare the indexed strings of every `every`-th article (and of some
    Persian and linked ones) with kb._documents on the open database; raise
    on a difference. Returns how many were checked."""
    from crm_tui.db import database
    from crm_tui.services.knowledge import kb

    ids = [
        r[0]
        for r in database.execute_sql(
            "SELECT id FROM kb_article WHERE id % ? = 1 OR (language = 'fa' AND id % 29 = 1) "
            "OR (helped_count > 0 AND id % 13 = 1)",
            (every,),
        )
    ]
    for article_id in ids:
        expected = kb._documents(article_id)
        if tuple(documents[article_id]) != expected:
            raise AssertionError(
                f"kb_fts document of article #{article_id}: {documents[article_id]!r} "
                f"!= kb._documents {expected!r}"
            )
    return len(ids)
