"""The query language a list's filter bar reads, as text: the words and
conditions a person typed, before anything is known about record kinds.

    owner:me  state:open  priority:high,normal  revenue>50k  -state:closed
    close<2027-01-01  created:last-30d  account.industry:retail  has:email
    city:"New York"  sort:-revenue  acme widgets

A term is a condition (`name:value`, `name>value`, `name>=value`, `name<value`,
`name<=value`, `name=value`), `has:name`, `sort:name` or `sort:-name`, or a
free word for the full-text search. A leading `-` negates a condition or
leaves a word's matches out. A value in double quotes may hold spaces and
`""` for a quote; after `:` several values separated by commas match any
(after a comparison a comma is part of the number: revenue>50,000).

Parsing never fails with anything but QueryError, whose message is one line
for the bar's hint and `position` where the fault starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from crm_tui.errors import QueryError

__all__ = ["Condition", "Parsed", "QueryError", "SortBy", "parse"]

OPERATORS = (">=", "<=", ":", "=", ">", "<")
# A name is letters, digits, _ and . between parts (account.industry).
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.")


@dataclass(frozen=True)
class Condition:
    """`path op values`; `has:` is op "has" with no values."""

    path: tuple[str, ...]
    op: str
    values: tuple[str, ...]
    negated: bool = False
    position: int = 0

    @property
    def name(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class SortBy:
    path: tuple[str, ...]
    descending: bool
    position: int = 0


@dataclass(frozen=True)
class Parsed:
    conditions: tuple[Condition, ...] = ()
    words: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()  # -word: its matches are left out
    sort: SortBy | None = None

    @property
    def empty(self) -> bool:
        return not (self.conditions or self.words or self.excluded or self.sort)


def _split(typed: str) -> list[tuple[int, str]]:
    """Terms separated by white space, quotes kept (a quoted part may hold
    spaces; one left open is closed at the end, as while it is typed);
    (start, text) each."""
    terms: list[tuple[int, str]] = []
    i, n = 0, len(typed)
    while i < n:
        if typed[i].isspace():
            i += 1
            continue
        start, quoted = i, False
        while i < n and (quoted or not typed[i].isspace()):
            if typed[i] == '"':
                if quoted and i + 1 < n and typed[i + 1] == '"':
                    i += 2
                    continue
                quoted = not quoted
            i += 1
        term = typed[start:i]
        if quoted:
            # still being typed: the quote closes at the end
            term += '"'
        terms.append((start, term))
    return terms


def _unquote(value: str, position: int) -> str:
    """A value's text: quotes removed, "" read as one quote."""
    if '"' not in value:
        return value
    out, i, quoted = [], 0, False
    while i < len(value):
        ch = value[i]
        if ch == '"':
            if quoted and value[i + 1 : i + 2] == '"':
                out.append('"')
                i += 2
                continue
            quoted = not quoted
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _values(raw: str, position: int) -> tuple[str, ...]:
    """Comma-separated values (commas inside quotes are text)."""
    parts, current, quoted, i = [], [], False, 0
    while i < len(raw):
        ch = raw[i]
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    values = tuple(_unquote(p, position).strip() for p in parts)
    if any(not v for v in values):
        raise QueryError("a value between commas is empty", position)
    return values


def _operator(term: str) -> tuple[str, str, str] | None:
    """(name, operator, rest) when the term starts with a name and an
    operator; None for a free word."""
    for i, ch in enumerate(term):
        if ch.lower() in _NAME_CHARS:
            continue
        if i == 0:
            return None
        for op in OPERATORS:
            if term.startswith(op, i):
                return term[:i].lower(), op, term[i + len(op) :]
        return None
    return None


def _path(name: str, position: int) -> tuple[str, ...]:
    path = tuple(name.split("."))
    if any(not part for part in path):
        raise QueryError(f"{name!r} is not a field name", position)
    if len(path) > 2:
        raise QueryError(f"{name}: one step across a lookup at most (account.industry)", position)
    return path


def parse(typed: str | None) -> Parsed:
    """What `typed` asks for; QueryError when it cannot be read."""
    conditions: list[Condition] = []
    words: list[str] = []
    excluded: list[str] = []
    sort: SortBy | None = None
    for start, term in _split(typed or ""):
        negated = term.startswith("-") and len(term) > 1
        body = term[1:] if negated else term
        at = start + (1 if negated else 0)
        found = _operator(body) if not body.startswith('"') else None
        if found is None:
            word = _unquote(body, at)
            if word.strip():
                (excluded if negated else words).append(word)
            continue
        name, op, rest = found
        if name == "sort":
            if op != ":":
                raise QueryError("sort takes a field: sort:name, or sort:-name for descending", at)
            if negated:
                raise QueryError("sort cannot be negated; sort:-name sorts descending", start)
            if sort is not None:
                raise QueryError("only one sort: remove one of them", start)
            descending = rest.startswith("-")
            field_name = rest[1:] if descending else rest
            if not field_name:
                raise QueryError("sort: which field? e.g. sort:-modified", at)
            sort = SortBy(_path(field_name.lower(), at), descending, start)
            continue
        if name == "has":
            if op != ":" or not rest:
                raise QueryError("has: which field? e.g. has:email", at)
            path = _path(rest.lower(), at)
            conditions.append(Condition(path, "has", (), negated, start))
            continue
        path = _path(name, at)
        if not rest:
            raise QueryError(f"{name}{op} needs a value", at + len(name) + len(op))
        # after a comparison a comma is part of the value (revenue>50,000)
        if op == ":":
            values = _values(rest, at + len(name) + len(op))
        else:
            values = (_unquote(rest, at).strip(),)
        conditions.append(Condition(path, "=" if op == ":" else op, values, negated, start))
    return Parsed(tuple(conditions), tuple(words), tuple(excluded), sort)
