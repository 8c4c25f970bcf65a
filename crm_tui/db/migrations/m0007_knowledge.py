"""Knowledge base: a subject tree, articles with versions and a review
lifecycle, ratings, the cases each article helped resolve, and a full-text
index weighted title > keywords > linked cases > body.

Every version of an article is its own row sharing the article's number
(KA-00001) and counted major.minor; at most one version of a number is
published at a time (a partial unique index says so). The index holds every
version; who sees which state is decided by the service.

The index is contentless like the others and normalised in Python; the porter
stemmer on top lets "printers" find "printer" in English articles, and leaves
Persian words as they are. Its `cases` column holds the titles of the cases an
article was linked to, so a later case worded like them finds it sooner.
"""

from crm_tui.db.migrations import ddl
from crm_tui.db.migrations.m0001_core import OWNED

STATEMENTS = [
    """CREATE TABLE subject (
        id INTEGER PRIMARY KEY,
        parent_id INTEGER REFERENCES subject(id) ON DELETE RESTRICT,
        name TEXT NOT NULL,
        -- "Login and access / Passwords": what lists and filters show and sort by
        path TEXT NOT NULL UNIQUE
    )""",
    "CREATE INDEX subject_parent ON subject (parent_id)",
    f"""CREATE TABLE kb_article ({OWNED},
        state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN
            ('draft', 'in_review', 'approved', 'published', 'archived', 'expired')),
        number TEXT NOT NULL,
        major INTEGER NOT NULL DEFAULT 1 CHECK (major >= 1),
        minor INTEGER NOT NULL DEFAULT 0 CHECK (minor >= 0),
        title TEXT NOT NULL,
        title_sort TEXT NOT NULL,
        body TEXT NOT NULL DEFAULT '',
        keywords TEXT NOT NULL DEFAULT '',
        subject_id INTEGER REFERENCES subject(id) ON DELETE SET NULL,
        language TEXT NOT NULL DEFAULT 'en',
        reviewer_id INTEGER REFERENCES user(id) ON DELETE SET NULL,
        review_comment TEXT NOT NULL DEFAULT '',
        publish_on TEXT,
        expires_on TEXT,
        published_at TEXT,
        view_count INTEGER NOT NULL DEFAULT 0,
        rating_total INTEGER NOT NULL DEFAULT 0,
        rating_count INTEGER NOT NULL DEFAULT 0,
        helped_count INTEGER NOT NULL DEFAULT 0,
        UNIQUE (number, major, minor)
    )""",
    """CREATE UNIQUE INDEX kb_article_one_published ON kb_article (number)
        WHERE state = 'published'""",
    "CREATE INDEX kb_article_state ON kb_article (state, title_sort, id)",
    """CREATE INDEX kb_article_scheduled ON kb_article (publish_on)
        WHERE state = 'approved' AND publish_on IS NOT NULL""",
    """CREATE INDEX kb_article_expiring ON kb_article (expires_on)
        WHERE state = 'published' AND expires_on IS NOT NULL""",
    "CREATE INDEX kb_article_owner ON kb_article (owner_id, state)",
    """CREATE TABLE kb_article_case (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES kb_article(id) ON DELETE CASCADE,
        case_id INTEGER NOT NULL REFERENCES "case"(id) ON DELETE CASCADE,
        linked_at TEXT NOT NULL,
        linked_by_id INTEGER REFERENCES user(id) ON DELETE SET NULL,
        UNIQUE (article_id, case_id)
    )""",
    "CREATE INDEX kb_article_case_case ON kb_article_case (case_id)",
    """CREATE TABLE kb_rating (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES kb_article(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
        stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
        rated_at TEXT NOT NULL,
        UNIQUE (article_id, user_id)
    )""",
    """CREATE VIRTUAL TABLE kb_fts USING fts5(
        title, keywords, cases, body, content='', contentless_delete=1,
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')""",
]


def up(db):
    ddl.run(db, STATEMENTS)
