"""Full-text search finds and ranks the same on SQLite and PostgreSQL: prefixes,
a name hit above a details hit, Persian, Arabic and Latin folding, and FTS5's
query syntax (phrases, column filters, AND, OR, NOT and their precedence).
PostgreSQL's side is also checked against SQLite's tokenizer itself."""

from __future__ import annotations

import apsw
import pytest

from crm_tui.db import database
from crm_tui.db.migrations import m0002_search
from crm_tui.services import search
from crm_tui.services.customers import accounts
from crm_tui.text import normalize


def names(typed: str, view: str = "all") -> list[str]:
    return [r["name"] for r in accounts.page(view=view, query=typed).rows]


def test_the_last_word_is_a_prefix(db):
    accounts.create({"name": "Northwind Traders"})
    accounts.create({"name": "Contoso"})
    assert names("north") == ["Northwind Traders"]
    assert names("northwind tra") == ["Northwind Traders"]
    assert names("traders north") == ["Northwind Traders"]
    assert names("orthwind") == []  # a prefix, never the middle of a word
    assert names("nort traders") == []  # only the last word is a prefix


@pytest.mark.parametrize("view", ["all", "mine"])  # ranked in the index / per record
def test_a_name_hit_ranks_above_a_details_hit(db, view):
    # the details hit is the older record: only the rank puts the name first
    accounts.create({"name": "Fabrikam", "industry": "Orbital logistics"})
    accounts.create({"name": "Orbital Supplies", "industry": "Retail"})
    accounts.create({"name": "Tailspin", "city": "Orbit"})
    found = names("orbit", view)
    assert found[0] == "Orbital Supplies"
    assert set(found) == {"Orbital Supplies", "Fabrikam", "Tailspin"}


def test_persian_arabic_and_latin_spellings_fold_together(db):
    accounts.create({"name": "کیان پارس"})  # Persian yeh and keheh
    accounts.create({"name": "Crème Brûlée Café", "city": "Zürich"})
    assert names("كيان") == ["کیان پارس"]  # Arabic yeh and kaf
    assert names("كِيان پار") == ["کیان پارس"]  # a harakah, a prefix
    assert names("creme brulee") == ["Crème Brûlée Café"]
    assert names("CAFÉ") == ["Crème Brûlée Café"]
    assert names("zurich") == ["Crème Brûlée Café"]


# (FTS5 query, the rows it matches)
ROWS = [
    (1, "acme widgets", "london"),
    (2, "globex", "info@acme.com london"),
    (3, "widgets acme", ""),
    (4, "paper jam", "acme"),
]
QUERIES = [
    ('"acme"', {1, 2, 3, 4}),
    ('name : "acme"', {1, 3}),
    ('details : ("acme" OR "paper")', {2, 4}),
    ('"acme widgets"', {1}),
    ('"acme wid"*', {1}),
    ('"glo"* OR "jam"', {2, 4}),
    ('"acme" NOT "london"', {3, 4}),
    ('"acme" NOT "widgets" "london"', {2, 3, 4}),  # side by side binds tighter than NOT
    ('"widgets" "london" OR "jam"', {1, 4}),
    ('"acme" AND ("jam" OR "globex")', {2, 4}),
    ('"." AND "acme"', set()),  # a phrase without words matches nothing
    ('"." OR "jam"', {4}),
]


def test_match_expressions_find_the_same_rows(db):
    for rowid, name, details in ROWS:
        database.execute_sql(
            "INSERT INTO account_fts (rowid, name, details) VALUES (?, ?, ?)",
            (rowid, search.document(normalize(name)), search.document(normalize(details))),
        )
    for fts, expected in QUERIES:
        found = database.execute_sql(
            f"SELECT rowid FROM {search.fts_from('account')} "
            f"WHERE {search.match_sql('account')} ORDER BY {search.rank_expr('account')}",
            (search.match_param("account", fts),),
        ).fetchall()
        assert {r[0] for r in found} == expected, fts
    ranked = database.execute_sql(
        search.matches_sql("account") + f" ORDER BY {search.rank_expr('account')}",
        (search.match_param("account", '"acme"'),),
    ).fetchall()
    assert {r[0] for r in ranked[:2]} == {1, 3}  # in the name before in the details


SAMPLES = [
    "Crème brûlée Ångström Øresund Łódź naïve coöperate",
    "Tiếng Việt Nguyễn; İstanbul ığdır şeker",
    "فن‌آوران پارسیان مُحَمَّد علي كريم ۱۲۳",
    "हिन्दी भाषा עִבְרִית Ελληνικά άλφα Русский ёжик 中文 日本語",
    "o'brien e-mail foo_bar 3.5 x@y.com www.acme.co.uk +44 20 7946",
]


def test_postgres_documents_hold_the_words_sqlite_indexes():
    conn = apsw.Connection(":memory:")
    conn.execute(m0002_search.STATEMENTS[0].replace("account_fts", "t"))
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
    for rowid, sample in enumerate(SAMPLES):
        conn.execute("INSERT INTO t (rowid, name) VALUES (?, ?)", (rowid, normalize(sample)))
    for rowid, sample in enumerate(SAMPLES):
        indexed = conn.execute(
            "SELECT term FROM v WHERE doc = ? ORDER BY offset", (rowid,)
        ).fetchall()
        assert search.words(normalize(sample)) == [r[0] for r in indexed], sample


def test_fts5_queries_as_tsqueries():
    kb = ("title", "keywords", "cases", "body")
    assert search.tsquery('"acme" "wid"*') == "('acme' & 'wid':*)"
    assert search.tsquery('name : ("acme widgets" OR "a.com")') == (
        "(('acme':A <-> 'widgets':A) | ('a':A <-> 'com':A))"
    )
    assert search.tsquery('{title keywords} : ("reset" "pass"*)', kb) == (
        "('reset':AB & 'pass':*AB)"
    )
    assert search.tsquery('("x" OR "y") NOT "z"', kb) == "(('x' | 'y') & !'z')"
    assert search.tsquery('"é"') == "'e'"
    assert search.tsquery('"AND" "NOT"*') == "('AND' & 'NOT':*)"  # quoted: words
    assert search.tsquery('"."') == ""
