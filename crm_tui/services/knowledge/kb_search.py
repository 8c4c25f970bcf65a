"""Finding knowledge articles: the ranked search of the knowledge area, the
suggestions beside a case, and "go to" by title or number.

Ranking is bm25 over the article index with the title weighted above the
keywords (and subject), the titles of cases the article helped, and the body.
Suggestions also weigh how often an article helped: a linked article ranks
higher for similar later cases, both through its indexed case titles and
through its helped count.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

from crm_tui import text
from crm_tui.db import dict_rows
from crm_tui.services import access, session
from crm_tui.services.knowledge import kb_article, kb_query, kb_subjects
from crm_tui.services.search import fts_from, match_param, match_sql

# Ranking is the index's rank column, which m0008 sets to bm25 with the column
# weights 10 (title and number), 6 (keywords and subject), 3 (titles of the
# cases the article helped) and 1 (body).
# The index's best limit x CANDIDATES matches are filtered; fewer left: rank them all.
CANDIDATES = 4
# A query matching more articles than this ranks the short columns first.
RANK_LIMIT = 3000
HEAD_COLUMNS = "title keywords cases"
# Each time an article helped a case it ranks this much higher (bm25 scores are
# negative; the factor grows them), up to HELP_CAP helps.
HELP_BOOST = 0.15
HELP_CAP = 10
# Suggestions re-rank the index's best this many matches, for this many words.
SUGGESTION_CANDIDATES = 60
SUGGESTION_WORDS = 8
# Words too common to suggest anything by themselves.
STOPWORDS = frozenset(
    "the and for with from that this have has not cannot can our are was were but you your "
    "its into after when what how does why who all any about again still new get got one two "
    "after before been being there their they them then than".split()
)

_COLUMNS = (
    "a.id AS id, a.number AS number, a.major AS major, a.minor AS minor, a.title AS title, "
    "a.state AS state, a.language AS language, a.body AS body, s.path AS subject, "
    "a.view_count AS view_count, a.rating_total AS rating_total, "
    "a.rating_count AS rating_count, a.helped_count AS helped_count, a.owner_id AS owner_id, "
    "a.modified_at AS modified_at"
)


def _matched() -> str:
    """The matching articles and their subjects; the query's `?` comes first."""
    return (
        f"{fts_from('kb')} JOIN kb_article a ON a.id = kb_fts.rowid "
        "LEFT JOIN subject s ON s.id = a.subject_id"
    )


STATE_FILTERS = {
    "visible": "Everything I can read",
    "published": "Published",
    "draft": "Drafts",
    "in_review": "In review",
    "approved": "Approved",
    "archived": "Archived and expired",
}


class _ArticleColumns(TypedDict):
    id: int
    number: str
    major: int
    minor: int
    title: str
    state: str
    language: str
    subject: str | None  # the subject's path
    view_count: int
    rating_total: int
    rating_count: int
    helped_count: int
    owner_id: int
    modified_at: str  # as stored (UTC ISO text)
    display_number: str  # "KA-00012 v1.2"


class ArticleHit(_ArticleColumns):
    """An article found by `search` or `suggest`."""

    rank: NotRequired[float]  # when words were typed: lower is better
    # (piece, is_hit) pairs around the hits; None until add_snippet works it out
    snippet: list[tuple[str, bool]] | None
    body: NotRequired[str]  # kept for add_snippet while the snippet is None
    query: NotRequired[kb_query.Query | None]


class ArticleMatch(_ArticleColumns):
    """An article found by name for "go to"."""

    rank: float
    name: str  # the title


def _visibility(state: str | None) -> tuple[str, list]:
    """SQL limiting the articles to what this user may read in `state`."""
    me = session.current_user()
    reviewer = me.role in kb_article.REVIEWER_ROLES
    states = {
        "visible": None,
        "published": ("published",),
        "draft": ("draft",),
        "in_review": ("in_review",),
        "approved": ("approved",),
        "archived": ("archived", "expired"),
    }[state or "visible"]
    where, params = [], []
    if states is not None:
        where.append(f"a.state IN ({', '.join('?' * len(states))})")
        params += list(states)
    if not reviewer:
        # agents: published ones, their own, and the ones naming them as reviewer
        where.append("(a.state = 'published' OR a.owner_id = ? OR a.reviewer_id = ?)")
        params += [me.id, me.id]
    readable = access.read_filter("article", "a.owner_id")
    if readable:
        where.append(readable)
    return " AND ".join(where) or "TRUE", params


def _filters(state, subject_id, language) -> tuple[str, list]:
    where, params = _visibility(state)
    clauses = [where]
    if subject_id is not None:
        ids = kb_subjects.subject_ids_under(subject_id)
        clauses.append(f"a.subject_id IN ({', '.join('?' * len(ids))})")
        params += ids
    if language:
        clauses.append("a.language = ?")
        params.append(language)
    return " AND ".join(clauses), params


def _finish(
    rows: list[dict], query: kb_query.Query | None, snippets: int | None = None
) -> list[ArticleHit]:
    for index, row in enumerate(rows):
        row["display_number"] = kb_article.display_number(row)
        row["query"] = query
        if snippets is None or index < snippets:
            add_snippet(row)
        else:
            row["snippet"] = None
    return rows


def add_snippet(row: ArticleHit) -> ArticleHit:
    """Work out the snippet of a result row that was returned without one
    (see `search`'s `snippets`); the row's body is dropped then."""
    body = row.pop("body", None)
    query = row.pop("query", None)
    if body is not None:
        row["snippet"] = kb_query.snippet(body, query or kb_query.Query(groups=()))
    return row


def search(
    typed: str | None,
    *,
    state: str | None = "visible",
    subject_id: int | None = None,
    language: str | None = None,
    limit: int = 50,
    snippets: int | None = None,
) -> list[ArticleHit]:
    """Articles matching what was typed (words, "a phrase", prefix*, -word,
    a OR b; anything else is searched as plain words), best first, each with
    `snippet` ((piece, is_hit) pairs around the hits), `display_number`, the
    subject path, views, rating and helped count. Without words: the
    articles most helpful first. Only what this user may read (see STATE_FILTERS).

    With `snippets`, only the first that many rows get their snippet now
    (a snippet costs about half a millisecond); the others have None and
    `add_snippet(row)` works theirs out later."""
    kb_article.publish_due()
    kb_article.expire_due()
    where, params = _filters(state, subject_id, language)
    query = kb_query.parse(typed)
    fts = kb_query.to_fts(query)
    if fts is None:
        rows = dict_rows(
            f"SELECT {_COLUMNS} FROM kb_article a INDEXED BY kb_article_helpful "
            f"LEFT JOIN subject s ON s.id = a.subject_id WHERE {where} "
            "ORDER BY a.helped_count DESC, a.view_count DESC, a.title_sort, a.id LIMIT ?",
            [*params, limit],
        )
        return _finish(rows, None, snippets)
    return _finish(_ranked(fts, where, params, limit), query, snippets)


def _ranked(fts: str, where: str, params: list, limit: int) -> list[dict]:
    """The best `limit` matches passing `where`. The index ranks its best
    matches by itself (rank: the weighted bm25) and only those are joined to
    their rows and filtered; when the filters leave too few of them, every
    match is ranked."""
    if _matches_more_than(fts, RANK_LIMIT):
        # A word in most articles: ranking every match costs more than a
        # keystroke. A hit in a title, keywords or a helped case's title
        # outranks a body hit by its weight anyway: rank those first.
        rows = _ranked_in(f"{{{HEAD_COLUMNS}}} : ({fts})", where, params, limit)
        if len(rows) >= limit:
            return rows
    return _ranked_in(fts, where, params, limit)


def _ranked_in(fts: str, where: str, params: list, limit: int) -> list[dict]:
    candidates = limit * CANDIDATES
    rows = dict_rows(
        f"SELECT {_COLUMNS}, m.rank AS rank FROM (SELECT rowid, rank FROM {fts_from('kb')} "
        f"WHERE {match_sql('kb')} ORDER BY rank LIMIT ?) m JOIN kb_article a "
        f"ON a.id = m.rowid LEFT JOIN subject s ON s.id = a.subject_id WHERE {where} "
        "ORDER BY m.rank LIMIT ?",
        [match_param("kb", fts), candidates, *params, limit],
    )
    if len(rows) < limit and _matches_more_than(fts, candidates):
        rows = dict_rows(
            f"SELECT {_COLUMNS}, kb_fts.rank AS rank FROM {_matched()} "
            f"WHERE {match_sql('kb')} AND {where} ORDER BY kb_fts.rank LIMIT ?",
            [match_param("kb", fts), *params, limit],
        )
    return rows


def _matches_more_than(fts: str, count: int) -> bool:
    row = dict_rows(
        f"SELECT count(*) AS n FROM (SELECT 1 FROM {fts_from('kb')} "
        f"WHERE {match_sql('kb')} LIMIT ?) AS m",
        (match_param("kb", fts), count + 1),
    )
    return row[0]["n"] > count


def suggestion_words(title: str | None, description: str | None = "") -> list[str]:
    """The significant words of a case's title and description, title first
    (normalised; short words, digits and stopwords left out)."""
    words: list[str] = []
    for word in text.tokens(f"{title or ''} {description or ''}"):
        if len(word) >= 3 and word not in STOPWORDS and not word.isdigit() and word not in words:
            words.append(word)
    return words


def suggestion_query(title: str | None, description: str | None = "") -> str | None:
    """The FTS query suggesting articles for a case: any of its significant words."""
    words = suggestion_words(title, description)
    if not words:
        return None
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in words[:SUGGESTION_WORDS])


def suggest(
    title: str | None,
    description: str | None = "",
    *,
    limit: int = 6,
    exclude: tuple[int, ...] = (),
) -> list[ArticleHit]:
    """Published articles that may answer a case with this title and
    description, best first; an article that helped similar cases ranks higher."""
    fts = suggestion_query(title, description)
    if fts is None:
        return []
    excluded = ", ".join(str(int(i)) for i in exclude) or "0"
    # Titles, keywords and helped cases' titles say what an article answers:
    # suggest from them first (a body matches a case's common words too
    # often to rank all of it while someone types); bodies when they give too few.
    rows = _suggested(f"{{{HEAD_COLUMNS}}} : ({fts})", excluded, limit)
    if len(rows) < limit:
        seen = {row["id"] for row in rows}
        rows += [r for r in _suggested(fts, excluded, limit) if r["id"] not in seen]
        rows = rows[:limit]
    # the snippet lights the significant words of the title, as they matched
    return _finish(rows, kb_query.parse(" OR ".join(suggestion_words(title)[:12])))


def _suggested(fts: str, excluded: str, limit: int) -> list[dict]:
    """The index's best matches, re-ranked by how often each helped."""
    # CASE, not SQLite's two-argument min (PostgreSQL's is least)
    helped = f"CASE WHEN a.helped_count < {HELP_CAP} THEN a.helped_count ELSE {HELP_CAP} END"
    return dict_rows(
        f"SELECT {_COLUMNS}, m.rank * (1 + {HELP_BOOST} * {helped}) "
        f"AS rank FROM (SELECT rowid, rank FROM {fts_from('kb')} "
        f"WHERE {match_sql('kb')} ORDER BY rank LIMIT ?) m "
        "JOIN kb_article a ON a.id = m.rowid LEFT JOIN subject s ON s.id = a.subject_id "
        f"WHERE a.state = 'published' AND a.id NOT IN ({excluded}) ORDER BY rank LIMIT ?",
        (match_param("kb", fts), SUGGESTION_CANDIDATES, limit),
    )


def find_by_name(typed: str, limit: int = 10) -> list[ArticleMatch]:
    """Articles this user may read whose title or number matches what is
    typed (the last word as a prefix), for "go to": rows with "name"."""
    fts = text.fts_prefix_query(typed)
    if fts is None:
        return []
    where, params = _visibility("visible")
    rows = dict_rows(
        f"SELECT {_COLUMNS}, kb_fts.rank AS rank FROM {_matched()} "
        f"WHERE {match_sql('kb')} AND {where} "
        "ORDER BY a.state != 'published', rank LIMIT ?",
        [match_param("kb", f"{{title keywords}} : ({fts})"), *params, limit],
    )
    for row in rows:
        row.pop("body")
        row["name"] = row["title"]
        row["display_number"] = kb_article.display_number(row)
    return rows
