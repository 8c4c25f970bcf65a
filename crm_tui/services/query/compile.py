"""A parsed query turned into SQL conditions on one list's table, through
the record metadata: parameters for every value the person typed, the
access rules on every record a condition looks across to, and the free
words left to the full-text search.

What each attribute type takes (`name:` matches any of several values):
- text, email, phone, web address: the whole value, case aside, or its
  start with a trailing `*` (city:teh*); `<`, `>` compare as text;
- option sets: codes or labels, or a label's start (priority:h);
- numbers and money: 50000, 50,000, 50k, 1.5m, with : = < <= > >=;
- dates and times: a day or a span (values.py);
- yes/no fields: yes, no;
- lookups: `me` (a user), the record's name (owner:"Sara Ahmadi"), or its
  start with `*`, or one field across it (account.industry:retail);
- `has:name` keeps records where the field is filled in.
A negated condition (-state:closed) keeps the records it would not, empty
fields included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from crm_tui import meta, text
from crm_tui.meta import Attribute, AttributeType, Kind
from crm_tui.services import access, dates, search, session
from crm_tui.services.query import names, values
from crm_tui.services.query.parse import Condition, Parsed, QueryError, SortBy, parse

T = AttributeType
TEXTUAL = frozenset({T.TEXT, T.MEMO, T.EMAIL, T.PHONE, T.URL})
NUMERIC = frozenset({T.INTEGER, T.DECIMAL, T.MONEY})
_SQL_OP = {"=": "=", ">": ">", "<": "<", ">=": ">=", "<=": "<="}


@dataclass(frozen=True)
class AskedSort:
    """`sort:` as asked: the list runs it by one of its own sorts on the same
    column (they have indexes), or says which it has."""

    label: str
    column: str  # the column, as the list's sort expressions name it
    descending: bool
    position: int = 0


@dataclass
class Compiled:
    """SQL conditions (with `?` for each of `params`, in order), the free
    words for the full-text search, and a sort in place of the list's."""

    where: list[str] = field(default_factory=list)
    params: list = field(default_factory=list)
    words: str | None = None
    sort: AskedSort | None = None
    # (SQL selecting `mid`, its params) per condition on a searchable custom
    # field: its own index finds the few records holding such a value, where
    # walking the list's order would pass over every record to find them.
    drivers: list[tuple[str, list]] = field(default_factory=list)


class _Context:
    def __init__(self) -> None:
        self.today = dates.today()
        self.zone = dates.configured_zone()
        self.me = int(session.current_user().id)
        self.aliases = 0

    def alias(self) -> str:
        self.aliases += 1
        return f"_q{self.aliases}"


def _table(kind: Kind) -> str:
    return f'"{kind.model._meta.table_name}"'


def _column(alias: str, attribute: Attribute) -> str:
    return column_sql(alias, attribute)


def column_sql(alias: str, attribute: Attribute) -> str:
    """SQL for `attribute` of the row `alias`: its column, or a derived
    value's expression at this moment."""
    if attribute.expression is None:
        return f'{alias}."{attribute.key}"'
    from crm_tui.db import is_postgres

    now = dt.datetime.now(dt.UTC)
    sql = attribute.expression[1 if is_postgres() else 0]
    return (
        sql.replace("{t}", alias)
        .replace("{now}", _stored(now))
        .replace("{soon}", _stored(now + dt.timedelta(hours=1)))
    )


def _title_condition(alias: str, op: str, typed: tuple[str, ...]) -> tuple[str, list]:
    """A record's name through its folded, indexed sort key (name_sort):
    case, accents and Persian and Arabic letter forms aside."""
    col = f"{alias}.name_sort"
    if op != "=":
        return f"{col} {_SQL_OP[op]} ?", [text.sort_key(typed[0])]
    parts, params = [], []
    for value in typed:
        if value.endswith("*") and len(value) > 1:
            key = text.sort_key(value[:-1])
            parts.append(f"({col} >= ? AND {col} < ?)")
            params += [key, key + "\uffff"]
        else:
            parts.append(f"{col} = ?")
            params.append(text.sort_key(value))
    return " OR ".join(parts), params


def _has_sort_key(kind: Kind, attribute: Attribute) -> bool:
    # name_sort folds a `name` title; a person's (full_name) is last name first
    return attribute.name == kind.title == "name" and "name_sort" in kind.internal


def _text_condition(col: str, op: str, typed: tuple[str, ...]) -> tuple[str, list]:
    if op != "=":
        return f"lower({col}) {_SQL_OP[op]} ?", [typed[0].lower()]
    parts, params = [], []
    for value in typed:
        if value.endswith("*") and len(value) > 1:
            stem = value[:-1].lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            parts.append(f"lower({col}) LIKE ? ESCAPE '\\'")
            params.append(stem + "%")
        else:
            parts.append(f"lower({col}) = ?")
            params.append(value.lower())
    return " OR ".join(parts), params


def _number(attribute: Attribute, typed: str, cond: Condition) -> int | float:
    amount = values.number(typed, cond.name, cond.position)
    if attribute.type is T.MONEY:
        digits = attribute.money.minor_digits if attribute.money else 2
        return int((amount * Decimal(10) ** digits).to_integral_value())
    if attribute.type is T.INTEGER and amount == amount.to_integral_value():
        return int(amount)
    return float(amount)


def _numeric_condition(col: str, attribute: Attribute, cond: Condition) -> tuple[str, list]:
    if attribute.type is T.DECIMAL:  # kept as text: compared as a number
        col = f"CAST({col} AS NUMERIC)"
    numbers = [_number(attribute, v, cond) for v in cond.values]
    if cond.op == "=":
        return f"{col} IN ({', '.join('?' * len(numbers))})", numbers
    return f"{col} {_SQL_OP[cond.op]} ?", numbers


def _span_condition(col: str, cond: Condition, spans: list[tuple]) -> tuple[str, list]:
    """Conditions on [first, after) spans, as stored text or dates."""
    if cond.op == "=":
        parts = [f"({col} >= ? AND {col} < ?)" for _ in spans]
        return " OR ".join(parts), [v for span in spans for v in span]
    first, after = spans[0]
    return {
        "<": (f"{col} < ?", [first]),
        "<=": (f"{col} < ?", [after]),
        ">": (f"{col} >= ?", [after]),
        ">=": (f"{col} >= ?", [first]),
    }[cond.op]


def _date_condition(col: str, attribute: Attribute, cond: Condition, ctx) -> tuple[str, list]:
    if attribute.type is T.DATE:
        spans = [values.day_span(v, cond.name, cond.position, ctx.today) for v in cond.values]
        return _span_condition(col, cond, [(a.isoformat(), b.isoformat()) for a, b in spans])
    spans = [
        values.moment_span(v, cond.name, cond.position, ctx.today, ctx.zone) for v in cond.values
    ]
    return _span_condition(col, cond, [(_stored(a), _stored(b)) for a, b in spans])


def _stored(moment: dt.datetime) -> str:
    # as UTCDateTimeField stores it: fixed width, so text order is time order
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def _lookup_condition(col: str, attribute: Attribute, cond: Condition, ctx) -> tuple[str, list]:
    if cond.op != "=":
        raise QueryError(f"{cond.name} is a record: use {cond.name}:name", cond.position)
    if attribute.target is None:
        raise QueryError(f"{cond.name} points at several kinds: use has:{cond.name}", cond.position)
    target = meta.kind(attribute.target)
    ids, typed_names = [], []
    for value in cond.values:
        if value.lower() == "me" and target.name == "user":
            ids.append(ctx.me)
        elif value.startswith("#") and value[1:].isdigit():
            ids.append(int(value[1:]))  # a report's drill-down names the very record
        else:
            typed_names.append(value)
    parts, params = [], []
    if ids:
        parts.append(f"{col} IN ({', '.join('?' * len(ids))})")
        params += ids
    if typed_names:
        inner = ctx.alias()
        title_attribute = target.attribute(target.title)
        if _has_sort_key(target, title_attribute):
            matched, matched_params = _title_condition(inner, "=", tuple(typed_names))
        else:
            title = _column(inner, title_attribute)
            matched, matched_params = _text_condition(title, "=", tuple(typed_names))
        if target.name == "user":  # a person is also found by their login
            login, login_params = _text_condition(f"{inner}.login", "=", tuple(typed_names))
            matched, matched_params = f"{matched} OR {login}", matched_params + login_params
        readable = access.read_filter(target.name, f"{inner}.owner_id") if target.owned else ""
        guard = f" AND {readable}" if readable else ""
        parts.append(
            f"{col} IN (SELECT {inner}.id FROM {_table(target)} {inner} WHERE ({matched}){guard})"
        )
        params += matched_params
    return " OR ".join(parts), params


def _own_condition(kind: Kind, alias: str, cond: Condition, ctx) -> tuple[str, list]:
    """One condition on a field of the record itself (path of one name)."""
    attribute = names.attribute(kind, cond.path[0], cond.position)
    col = _column(alias, attribute)
    if cond.op == "has":
        if attribute.type in TEXTUAL:
            return f"({col} IS NOT NULL AND {col} <> '')", []
        return f"{col} IS NOT NULL", []
    if attribute.type in TEXTUAL and _has_sort_key(kind, attribute):
        return _title_condition(alias, cond.op, cond.values)
    if attribute.type in TEXTUAL:
        return _text_condition(col, cond.op, cond.values)
    if attribute.type in NUMERIC:
        return _numeric_condition(col, attribute, cond)
    if attribute.type in (T.DATE, T.DATETIME):
        return _date_condition(col, attribute, cond, ctx)
    if attribute.type is T.OPTION_SET:
        if cond.op != "=":
            raise QueryError(f"{cond.name} is a choice: use {cond.name}:value", cond.position)
        codes = [names.option_code(attribute, v, cond.position) for v in cond.values]
        return f"{col} IN ({', '.join('?' * len(codes))})", codes
    if attribute.type is T.BOOLEAN:
        if cond.op != "=" or len(cond.values) > 1:
            raise QueryError(f"{cond.name} is yes or no: {cond.name}:yes", cond.position)
        return f"{col} = ?", [int(values.yes_no(cond.values[0], cond.name, cond.position))]
    return _lookup_condition(col, attribute, cond, ctx)


def _condition(kind: Kind, alias: str, cond: Condition, ctx) -> tuple[str, list]:
    if len(cond.path) == 1:
        return _own_condition(kind, alias, cond, ctx)
    attribute = names.attribute(kind, cond.path[0], cond.position)
    if attribute.type is not T.LOOKUP or attribute.target is None:
        raise QueryError(
            f"{cond.path[0]} is not a lookup to one kind: nothing to look across", cond.position
        )
    target = meta.kind(attribute.target)
    inner = ctx.alias()
    step = Condition(cond.path[1:], cond.op, cond.values, False, cond.position)
    sql, params = _own_condition(target, inner, step, ctx)
    readable = access.read_filter(target.name, f"{inner}.owner_id") if target.owned else ""
    guard = f" AND {readable}" if readable else ""
    col = _column(alias, attribute)
    return (
        f"{col} IN (SELECT {inner}.id FROM {_table(target)} {inner} WHERE ({sql}){guard})",
        params,
    )


def _sort(kind: Kind, alias: str, sort: SortBy) -> AskedSort:
    if len(sort.path) > 1:
        raise QueryError("sort by a field of the record itself", sort.position)
    attribute = names.attribute(kind, sort.path[0], sort.position)
    if attribute.expression is not None:
        raise QueryError(f"{attribute.label} is worked out, not kept: no list sorts by it",
                         sort.position)  # fmt: skip
    return AskedSort(attribute.label, sort_column(kind, attribute), sort.descending, sort.position)


def sort_column(kind: Kind, attribute: Attribute) -> str:
    """The column a list's sort on `attribute` names (a record's name sorts
    by its folded name_sort)."""
    return "name_sort" if _has_sort_key(kind, attribute) else attribute.key


def _like(word: str) -> str:
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def compile_parsed(kind_name: str, alias: str, parsed: Parsed, word_sql: str = "") -> Compiled:
    """`parsed` as conditions on `kind_name`'s table named `alias`; for a
    kind without a full-text index, `word_sql` is the condition a free word
    puts on a row (its one `?` takes "%word%")."""
    kind = meta.kind(kind_name)
    ctx = _Context() if parsed.conditions else None
    out = Compiled()
    for cond in parsed.conditions:
        sql, params = _condition(kind, alias, cond, ctx)
        if cond.negated:
            sql = f"({sql}) IS NOT TRUE"  # an empty field is "not" anything
        elif len(cond.path) == 1 and cond.op != "has":
            attribute = names.attribute(kind, cond.path[0], cond.position)
            if attribute.custom and attribute.searchable:
                driver, driver_params = _condition(kind, "_d", cond, ctx)
                out.drivers.append(
                    (f"SELECT _d.id AS mid FROM {_table(kind)} _d WHERE {driver}", driver_params)
                )
        out.where.append(sql)
        out.params += params
    if word_sql:
        for word in parsed.words:
            out.where.append(word_sql)
            out.params.append(_like(word))
        for word in parsed.excluded:
            out.where.append(f"NOT ({word_sql})")
            out.params.append(_like(word))
        parsed = replace(parsed, words=(), excluded=())
    if (parsed.words or parsed.excluded) and kind.name not in search.indexed_kinds():
        raise QueryError(
            f"{kind.plural.lower()} have no word search here: use conditions (name:acme*)"
        )
    for word in parsed.excluded:
        fts = search.query_for(word)
        if fts is not None:
            out.where.append(f"{alias}.id NOT IN ({search.matches_sql(kind.name)})")
            out.params.append(search.match_param(kind.name, fts))
    words = " ".join(parsed.words).strip()
    out.words = words or None
    if parsed.sort is not None:
        out.sort = _sort(kind, alias, parsed.sort)
    return out


def compile_query(kind_name: str, alias: str, typed: str | None, word_sql: str = "") -> Compiled:
    """What `typed` asks of a list of `kind_name` (its table named `alias`;
    `word_sql` as compile_parsed's); QueryError, in one line, when it
    cannot be read."""
    return compile_parsed(kind_name, alias, parse(typed), word_sql)
