"""SQL written once for both engines.

The services write raw SQL with `?` placeholders, SQLite's style. PostgreSQL's
driver takes `%s` and reads every `%` in the text as the start of one (inside
string literals too), so a statement bound for PostgreSQL is rewritten here:
`?` outside literals, quoted names and comments becomes `%s`, and every
literal `%` is doubled. Table and column names that are keywords in either
engine ("user", "case", "order") are written quoted in the SQL itself.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A literal, a quoted name, a comment, or one of the two characters rewritten.
_PIECES = re.compile(
    r"""'(?:[^']|'')*'?"""  # 'string' ('' escapes a quote); unterminated to the end
    r"""|"(?:[^"]|"")*"?"""  # "quoted name"
    r"|--[^\n]*"  # -- comment to the end of the line
    r"|/\*.*?(?:\*/|\Z)"  # /* comment */
    r"|[?%]",
    re.DOTALL,
)


def pyformat(sql: str) -> str:
    """`sql` with `?` placeholders as the PostgreSQL driver reads it: `%s`
    for each placeholder and `%%` for each literal percent sign."""

    def piece(match: re.Match) -> str:
        text = match.group(0)
        if text == "?":
            return "%s"
        return text.replace("%", "%%")

    return _PIECES.sub(piece, sql)


def pieces(sql: str):
    """`sql` cut into (text, is_code) runs: string literals and comments are
    not code; everything between them is (quoted names included)."""
    position = 0
    for match in _PIECES.finditer(sql):
        if match.group(0) in "?%" or match.group(0).startswith('"'):
            continue
        if match.start() > position:
            yield sql[position : match.start()], True
        yield match.group(0), False
        position = match.end()
    if position < len(sql):
        yield sql[position:], True


# Rewritten in code (never in literals) for PostgreSQL, each the same in meaning:
_REWRITES = [
    # SQLite's planner hints: they change no result, and PostgreSQL has none
    (re.compile(r"\s+(?:INDEXED BY \w+|NOT INDEXED)\b"), ""),
    # SQLite's CROSS JOIN ... ON is an inner join in a fixed order
    (re.compile(r'\bCROSS JOIN ((?:"?\w+"?)(?: (?:AS )?(?!ON\b)\w+)?) ON\b'), r"JOIN \1 ON"),
    # group_concat(x, sep) is string_agg(x, sep)
    (re.compile(r"\bgroup_concat\("), "string_agg("),
]
_TRIGGERS = ("INDEXED", "CROSS JOIN", "group_concat")


@lru_cache(maxsize=4096)
def for_postgres(sql: str) -> str:
    """A ?-placeholder statement as PostgreSQL takes it: `pyformat`, with
    SQLite's planner hints left out, CROSS JOIN ... ON an inner JOIN, and
    group_concat as string_agg."""
    if any(word in sql for word in _TRIGGERS):
        sql = "".join(_rewrite(text) if code else text for text, code in pieces(sql))
    return pyformat(sql)


def _rewrite(code: str) -> str:
    for pattern, replacement in _REWRITES:
        code = pattern.sub(replacement, code)
    return code
