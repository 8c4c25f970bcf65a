"""Raw SQL written with `?` placeholders runs on PostgreSQL after `pyformat`."""

from __future__ import annotations

import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_tui.db.dialect import pyformat


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = %s AND b = %s"),
        ("SELECT '?' , ?", "SELECT '?' , %s"),
        ("SELECT 'it''s ?', ?", "SELECT 'it''s ?', %s"),
        (
            'SELECT "odd?name" FROM "user" WHERE id = ?',
            'SELECT "odd?name" FROM "user" WHERE id = %s',
        ),
        ("SELECT ? -- why?\n, ?", "SELECT %s -- why?\n, %s"),
        ("SELECT /* a ? b */ ?", "SELECT /* a ? b */ %s"),
        ("SELECT name LIKE 'ab%' AND x LIKE ?", "SELECT name LIKE 'ab%%' AND x LIKE %s"),
        ("SELECT 10 % 3", "SELECT 10 %% 3"),
        ("SELECT 1", "SELECT 1"),
    ],
)
def test_placeholders_and_percent_signs(sql, expected):
    assert pyformat(sql) == expected


_LITERAL = st.text(alphabet=st.characters(blacklist_characters="'\x00"), max_size=12)


@given(st.lists(st.one_of(_LITERAL.map(lambda s: f"'{s}'"), st.just("?")), max_size=8))
def test_only_placeholders_outside_literals_become_parameters(parts):
    sql = "SELECT " + ", ".join(parts) if parts else "SELECT 1"
    out = pyformat(sql)
    assert out.replace("%%", "").count("%s") == parts.count("?")
    # the literals survive, with each % doubled
    for part in parts:
        if part != "?":
            assert part.replace("%", "%%") in out


def test_the_rewritten_statement_runs_on_postgresql(pg_database):
    sql = "SELECT ? || '%?' || ?, 'it''s' LIKE ? , 7 % ?"
    with psycopg.connect(pg_database, autocommit=True) as conn:
        row = conn.execute(pyformat(sql), ("a", "b", "it%", 4)).fetchone()
    assert row == ("a%?b", True, 3)
