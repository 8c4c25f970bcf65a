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
