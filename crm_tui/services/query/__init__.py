"""The query language of the lists' filter bar: what a person types
(parse.py), the attributes and options it names (names.py), the values it
compares with (values.py), and the SQL conditions it becomes (compile.py).
Its grammar is in docs/QUERIES.md."""

from crm_tui.services.query.compile import Compiled, compile_query
from crm_tui.services.query.names import completions
from crm_tui.services.query.parse import QueryError, parse

__all__ = ["Compiled", "QueryError", "compile_query", "completions", "parse", "problem"]


def problem(kind: str, typed: str | None, word_sql: str = "") -> str:
    """What is wrong with `typed` as a query of a list of `kind` (whose free
    words are `word_sql`, as compile_query's), in one line; "" when it can
    be run."""
    try:
        compile_query(kind, "_q0", typed, word_sql)
    except QueryError as exc:
        return str(exc)
    return ""
