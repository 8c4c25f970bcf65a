"""PostgreSQL keeps the knowledge index's word statistics that bm25 ranks
with (how many rows hold each word, and how long the rows are): they follow
every change to the index exactly, and people cannot read them, since they
would tell what unpublished drafts say."""

from __future__ import annotations

import secrets

import psycopg
import pytest

from crm_tui.db import close_database, database
from crm_tui.runtime import open_for_user
from crm_tui.services import server_access, session, users
from crm_tui.services.knowledge import kb


def _counts() -> dict[str, tuple[int, int]]:
    rows = database.execute_sql("SELECT word, docs, lexemes FROM kb_fts_term").fetchall()
    return {word: (docs, lexemes) for word, docs, lexemes in rows if docs or lexemes}


def _recounted() -> dict[str, tuple[int, int]]:
    """The same statistics counted afresh from the index."""
    words = {
        word: (docs, 0)
        for word, docs in database.execute_sql(
            "SELECT word, ndoc FROM ts_stat('SELECT doc FROM kb_fts')"
        ).fetchall()
    }
    rows, lexemes = database.execute_sql(
        "SELECT count(*), coalesce(sum(length(doc)), 0) FROM kb_fts"
    ).fetchone()
    if rows:
        words[""] = (rows, lexemes)
    return words


@pytest.fixture
def signed_in(pg_migrated_database):
    open_for_user(pg_migrated_database, login=f"boss_{secrets.token_hex(3)}")
    yield pg_migrated_database
    session.act_as(None)
    close_database()


def test_word_counts_follow_every_change_to_the_index(signed_in):
    first = kb.create({"title": "Badge printer setup", "body": "Install the badge driver."})
    second = kb.create({"title": "Two-factor codes", "body": "Check the phone clock."})
    assert _counts() == _recounted()
    assert _counts()[""][0] == 2
    kb.update(first.id, first.version, {"body": "Install the printer driver, then a test page."})
    assert _counts() == _recounted()
    # one statement changing several rows, as a rebuild does
    database.execute_sql("UPDATE kb_fts SET cases = 'badge printer again' WHERE rowid > 0")
    assert _counts() == _recounted()
    database.execute_sql("DELETE FROM kb_fts WHERE rowid = ?", (second.id,))
    assert _counts() == _recounted()
    assert _counts()[""][0] == 1
    assert "clock" not in _counts()


def test_people_cannot_read_the_word_counts(signed_in, pg_server):
    with database.atomic():
        server_access.install()
    login = f"ann_{secrets.token_hex(3)}"
    users.add(login, "Ann", "agent")
    server_access.add_login(login)
    kb.create({"title": "Layoffs planned in March", "body": "Draft, not for agents."})
    close_database()
    url = pg_server.url(signed_in.split("/")[3].split("?")[0], login)
    with psycopg.connect(url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT docs FROM kb_fts_term WHERE word = 'layoff'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE kb_fts_term SET docs = 0")
        # searching still ranks with them, and still hides the draft
        found = conn.execute(
            "SELECT count(*) FROM crm_match_kb_fts(to_tsquery('crm_porter', 'layoff'), "
            "'{0.1, 0.3, 0.6, 1.0}')"
        ).fetchone()
        assert found == (0,)
