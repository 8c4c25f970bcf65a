"""Knowledge search speed: the article body moves to the end of its row, the
index ranks by itself, and browsing has an index in its order.

A body of a few kilobytes spills onto overflow pages; every column stored
after it (state, owner, counts, dates) could only be read by walking those
pages, so filtering thousands of matches by state read every body. With the
body last, the filters read the row's first page only.

The FTS5 `rank` column is configured as the weighted bm25 (title, keywords,
linked cases' titles, body), so a query can take the best matches from the
index alone (`ORDER BY rank LIMIT n`) and join only those to their rows.
"""

from crm_tui.db.migrations import ddl
from crm_tui.db.migrations.m0001_core import OWNED

COLUMNS = (
    "id, version, created_at, created_by_id, modified_at, modified_by_id, owner_id, state, "
    "number, major, minor, title, title_sort, keywords, subject_id, language, reviewer_id, "
    "review_comment, publish_on, expires_on, published_at, view_count, rating_total, "
    "rating_count, helped_count, body"
)

STATEMENTS = [
    f"""CREATE TABLE kb_article_new ({OWNED},
        state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN
            ('draft', 'in_review', 'approved', 'published', 'archived', 'expired')),
        number TEXT NOT NULL,
        major INTEGER NOT NULL DEFAULT 1 CHECK (major >= 1),
        minor INTEGER NOT NULL DEFAULT 0 CHECK (minor >= 0),
        title TEXT NOT NULL,
        title_sort TEXT NOT NULL,
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
        -- last: it may spill onto overflow pages (see above)
        body TEXT NOT NULL DEFAULT '',
        UNIQUE (number, major, minor)
    )""",
    f"INSERT INTO kb_article_new ({COLUMNS}) SELECT {COLUMNS} FROM kb_article",
    # The links and ratings are copied too: dropping the table they point at
    # would, with foreign keys on (they cannot be switched off inside the
    # migration's transaction), delete them in cascade. The copies point at
    # kb_article_new, and renaming it to kb_article rewrites their references.
    """CREATE TABLE kb_article_case_new (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES kb_article_new(id) ON DELETE CASCADE,
        case_id INTEGER NOT NULL REFERENCES "case"(id) ON DELETE CASCADE,
        linked_at TEXT NOT NULL,
        linked_by_id INTEGER REFERENCES user(id) ON DELETE SET NULL,
        UNIQUE (article_id, case_id)
    )""",
    "INSERT INTO kb_article_case_new SELECT * FROM kb_article_case",
    """CREATE TABLE kb_rating_new (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES kb_article_new(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
        stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
        rated_at TEXT NOT NULL,
        UNIQUE (article_id, user_id)
    )""",
    "INSERT INTO kb_rating_new SELECT * FROM kb_rating",
    "DROP TABLE kb_article_case",
    "DROP TABLE kb_rating",
    "DROP TABLE kb_article",
    "ALTER TABLE kb_article_new RENAME TO kb_article",
    "ALTER TABLE kb_article_case_new RENAME TO kb_article_case",
    "ALTER TABLE kb_rating_new RENAME TO kb_rating",
    "CREATE INDEX kb_article_case_case ON kb_article_case (case_id)",
    """CREATE UNIQUE INDEX kb_article_one_published ON kb_article (number)
        WHERE state = 'published'""",
    "CREATE INDEX kb_article_state ON kb_article (state, title_sort, id)",
    """CREATE INDEX kb_article_scheduled ON kb_article (publish_on)
        WHERE state = 'approved' AND publish_on IS NOT NULL""",
    """CREATE INDEX kb_article_expiring ON kb_article (expires_on)
        WHERE state = 'published' AND expires_on IS NOT NULL""",
    "CREATE INDEX kb_article_owner ON kb_article (owner_id, state)",
    # browsing without words: the most helpful first
    """CREATE INDEX kb_article_helpful ON kb_article
        (helped_count DESC, view_count DESC, title_sort, id)""",
]
# SQLite only: PostgreSQL ranks with the weights of its tsvector (see ddl.py).
RANK = "INSERT INTO kb_fts (kb_fts, rank) VALUES ('rank', 'bm25(10.0, 6.0, 3.0, 1.0)')"


def up(db):
    ddl.run(db, STATEMENTS)
    if ddl.is_postgres(db):
        ddl.reset_sequences(db)  # the rebuilt tables' ids were copied
        return
    db.execute_sql(RANK)
    problems = db.execute_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise RuntimeError(f"the knowledge base rebuild left broken references: {problems[:5]}")
