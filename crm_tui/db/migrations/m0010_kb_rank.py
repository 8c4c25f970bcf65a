"""Knowledge ranking on PostgreSQL weighs each word by how rare it is.

SQLite's bm25 scores a match by its words' inverse document frequency and
by the length of the row against the average one. ts_rank keeps no such
statistics, so PostgreSQL keeps them itself: `kb_fts_term` holds, for every
word of the knowledge index, how many index rows hold it, and under the
empty word how many rows there are and how many words they hold in all. A
trigger on the index keeps the counts, and the index's match function
ranks with them (crm_tui/db/migrations/ddl.py KB_MATCH_FUNCTION).

The same migration keeps the index's words in the row itself (see below).
Nothing changes on SQLite.
"""

from crm_tui.db.migrations import ddl

# Each changed index row counts +1 (new) or -1 (old) for each of its words,
# and for the empty word with its number of words.
_DELTA = """
        SELECT unnest(tsvector_to_array(doc)) AS word, {sign} AS docs, 0 AS lexemes FROM {rows}
        UNION ALL SELECT '', {sign}, {sign} * length(doc) FROM {rows}"""
_COUNT = """
        INSERT INTO kb_fts_term AS t (word, docs, lexemes)
        SELECT word, sum(docs), sum(lexemes) FROM ({delta}
        ) c GROUP BY word HAVING sum(docs) <> 0 OR sum(lexemes) <> 0 ORDER BY word
        ON CONFLICT (word) DO UPDATE
            SET docs = t.docs + excluded.docs, lexemes = t.lexemes + excluded.lexemes;"""

# The owner writes the counts on behalf of whoever changed the index (the
# table is hidden from people: its words would tell what unpublished drafts
# say). Statement-level with transition tables: a bulk load or a rebuild
# counts in one pass, not one upsert per word and row. Words are counted in
# their order so that two writers lock the same rows in the same order.
COUNT_FUNCTION = (
    """
CREATE OR REPLACE FUNCTION crm_kb_count_terms() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN"""
    + _COUNT.format(delta=_DELTA.format(sign=1, rows="new_rows"))
    + """
    ELSIF TG_OP = 'DELETE' THEN"""
    + _COUNT.format(delta=_DELTA.format(sign=-1, rows="old_rows"))
    + """
    ELSE"""
    + _COUNT.format(
        delta=_DELTA.format(sign=1, rows="new_rows")
        + "\n        UNION ALL"
        + _DELTA.format(sign=-1, rows="old_rows")
    )
    + """
    END IF;
    RETURN NULL;
END $$"""
)

STATEMENTS = [
    # An article's words (a few kilobytes) were stored out of line, so every
    # match and every rank of a row fetched them again from the side table;
    # in line they are read with the row. Rewriting the rows applies it.
    "ALTER TABLE kb_fts ALTER COLUMN doc SET STORAGE MAIN",
    "UPDATE kb_fts SET title = title",
    'CREATE TABLE kb_fts_term (word TEXT COLLATE "C" PRIMARY KEY, docs BIGINT NOT NULL, '
    "lexemes BIGINT NOT NULL DEFAULT 0)",
    "INSERT INTO kb_fts_term (word, docs) "
    "SELECT word, count(*) FROM kb_fts, unnest(tsvector_to_array(doc)) AS word GROUP BY word",
    "INSERT INTO kb_fts_term (word, docs, lexemes) "
    "SELECT '', count(*), coalesce(sum(length(doc)), 0) FROM kb_fts",
    "CREATE TRIGGER kb_fts_term_insert AFTER INSERT ON kb_fts "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION crm_kb_count_terms()",
    "CREATE TRIGGER kb_fts_term_delete AFTER DELETE ON kb_fts "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION crm_kb_count_terms()",
    "CREATE TRIGGER kb_fts_term_update AFTER UPDATE ON kb_fts "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION crm_kb_count_terms()",
]


def up(db) -> None:
    if not ddl.is_postgres(db):
        return
    schema = '"' + db.execute_sql("SELECT current_schema()").fetchone()[0] + '"'
    db.execute_sql(COUNT_FUNCTION.format(schema=schema))
    for sql in STATEMENTS:
        db.execute_sql(sql)
    db.execute_sql(ddl.KB_WEIGHTS_FUNCTION)
    db.execute_sql(ddl.match_function("kb_fts"))
