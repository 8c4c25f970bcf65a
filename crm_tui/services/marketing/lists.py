"""Marketing lists (Dynamics' lists): accounts, contacts or leads gathered to
be marketed to. A static list holds its members (list_members.py adds and
removes them); a dynamic one holds a query in the filter bar's language and
its members are whoever the query finds when the list is used. The member
type is fixed when the list is made."""

from __future__ import annotations

from typing import TypedDict

from crm_tui import meta, text
from crm_tui.db import database, dict_rows, write
from crm_tui.errors import DomainError, NotFound, ValidationError
from crm_tui.meta.marketing import MEMBER_TYPES
from crm_tui.models import MarketingList
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import access, query, records, search
from crm_tui.services.listing import ListSpec, Page, Sort, page_of
from crm_tui.services.validate import Checker

FIELDS = [
    "name", "member_type", "dynamic", "query", "purpose", "source", "cost", "description",
    "owner_id",
]  # fmt: skip

LIST = ListSpec(
    kind="marketing_list",
    table="marketing_list m",
    columns=(
        "m.id AS id, m.name AS name, m.member_type AS member_type, m.dynamic AS dynamic, "
        "m.purpose AS purpose, m.member_count AS member_count, m.evaluated_at AS evaluated_at, "
        "m.state AS state, m.version AS version, u.full_name AS owner, "
        "m.modified_at AS modified_at"
    ),
    joins='JOIN "user" u ON u.id = m.owner_id',
    views={
        "active": "m.state = 'active'",
        "mine": "m.owner_id = :me AND m.state = 'active'",
        "inactive": "m.state = 'inactive'",
        "all": "TRUE",
    },
    sorts={"name": Sort("m.name_sort"), "modified": Sort("m.modified_at", descending=True)},
)
VIEWS = {
    "active": "Active lists",
    "mine": "My active lists",
    "inactive": "Inactive lists",
    "all": "All lists",
}


class ListRow(TypedDict):
    """A row of the marketing lists list."""

    id: int
    name: str
    member_type: str
    dynamic: int
    purpose: str
    member_count: int
    evaluated_at: str | None  # as stored (UTC ISO text)
    state: str
    version: int
    owner: str
    modified_at: str


class ListOfMember(TypedDict):
    """A list a record is on."""

    id: int
    name: str
    dynamic: int
    purpose: str
    owner: str


def _check(data: dict, *, current: MarketingList | None) -> dict:
    creating = current is None
    c = Checker(data)
    c.text("name", required=creating or c.has("name"), max_len=160)
    if creating:
        c.choice("member_type", MEMBER_TYPES, required=True)
    elif c.has("member_type") and data["member_type"] != current.member_type:
        c.fail("member_type", "a list's member type is fixed when it is made")
    c.flag("dynamic")
    c.text("query", max_len=2000)
    c.text("purpose", max_len=200)
    c.text("source", max_len=200)
    c.money("cost")
    c.text("description", max_len=4000, multiline=True)
    c.owner(store_as="owner")
    values = c.done()
    if not creating and values.get("dynamic", current.dynamic) != current.dynamic:
        raise ValidationError(
            {"dynamic": "a list stays static or dynamic; copy a dynamic list to a static one"}
        )
    member_type = values.get("member_type") or current.member_type
    dynamic = values.get("dynamic", current.dynamic if current else 0)
    typed = values.get("query", current.query if current else "")
    if dynamic and not typed.strip():
        raise ValidationError({"query": "a dynamic list needs a query (city:Tehran owner:me)"})
    if not dynamic and typed.strip():
        raise ValidationError({"query": "only a dynamic list has a query"})
    if "query" in values and typed.strip():
        problem = query.problem(member_type, typed)
        if problem:
            raise ValidationError({"query": problem})
    if "name" in values:
        values["name_sort"] = text.sort_key(values["name"])
    return values


def check(data: dict, current: MarketingList | None = None) -> dict:
    """The values `create` (or, with the stored `current` list, `update`)
    would store for `data`, writing nothing; ValidationError names each bad
    field."""
    return _check(data, current=current)


def create(data: dict) -> MarketingList:
    """Make a list: its name, member type (account, contact or lead: fixed
    from now on), static or `dynamic` with its `query`, purpose, source and
    cost."""
    values = _check(data, current=None)
    owner = values.pop("owner", None)
    with write():
        new_id = records.create("marketing_list", values, owner_id=owner)
        search.index("marketing_list", new_id)
    return get(new_id)


def get(list_id: int) -> MarketingList:
    """One list; NotFound if it does not exist."""
    row = records.by_id(MarketingList, list_id)
    if row is None:
        raise NotFound(f"marketing list #{list_id} does not exist (it may have been deleted)")
    return records.readable("marketing_list", row)


def update(list_id: int, version: int, data: dict) -> MarketingList:
    """Save changed fields if nobody saved since `version`; else ConflictError.
    A dynamic list's changed query is counted again when next used."""
    values = _check(data, current=get(list_id))
    with write():
        changes = records.update_versioned("marketing_list", list_id, version, values)
        if search.changed_words(changes, {"name", "purpose", "source"}):
            search.index("marketing_list", list_id)
    return get(list_id)


def deactivate(list_id: int, version: int) -> MarketingList:
    """Retire a list: campaigns keep what was sent to it; it leaves the pickers."""
    records.set_state("marketing_list", list_id, version, "inactive")
    return get(list_id)


def reactivate(list_id: int, version: int) -> MarketingList:
    """Bring an inactive list back."""
    records.set_state("marketing_list", list_id, version, "active")
    return get(list_id)


def page(**options) -> Page[ListRow]:
    """A page of the marketing lists: view, sort, query, paging (listing.fetch_page)."""
    return page_of(LIST, **options)


def find_by_name(typed: str, limit: int = 10, *, view: str = "active") -> list[ListRow]:
    """Best matches for `typed` (the palette and the pickers)."""
    return page(view=view, query=typed, limit=limit).rows


# --- members ------------------------------------------------------------------------


def table_of(member_type: str) -> str:
    """The table a list's members are rows of."""
    return meta.kind(member_type).model._meta.table_name


def matching_sql(member_type: str, typed: str, alias: str = "r") -> tuple[str, list]:
    """SQL selecting the ids (as `member_id`) of the records of `member_type`
    the person may read that the query `typed` finds, with its parameters;
    QueryError when it cannot be read."""
    table = table_of(member_type)
    readable = access.read_filter(member_type, f"{alias}.owner_id")
    where = [readable] if readable else []
    compiled = query.compile_query(member_type, alias, typed)
    where += compiled.where
    params = list(compiled.params)
    fts = search.query_for(compiled.words)
    if fts is not None:
        where.append(f"{alias}.id IN ({search.matches_sql(member_type)})")
        params.append(search.match_param(member_type, fts))
    conditions = " AND ".join(f"({w})" for w in where) or "TRUE"
    return f"SELECT {alias}.id AS member_id FROM {table} {alias} WHERE {conditions}", params


def members_sql(lst: MarketingList, alias: str = "r") -> tuple[str, list]:
    """SQL selecting the ids (as `member_id`) of the list's members the
    signed-in person may read, with its parameters: a static list's rows, or
    what a dynamic list's query finds now."""
    if lst.dynamic:
        return matching_sql(lst.member_type, lst.query, alias)
    table = table_of(lst.member_type)
    readable = access.read_filter(lst.member_type, f"{alias}.owner_id")
    sql = (
        f"SELECT {alias}.id AS member_id FROM list_member lm "
        f"CROSS JOIN {table} {alias} ON {alias}.id = lm.member_id WHERE lm.list_id = ?"
    )
    return sql + (f" AND {readable}" if readable else ""), [lst.id]


def count(list_id: int) -> int:
    """How many members the list has now that the person may read; a
    dynamic list's count is kept with the time it was counted."""
    lst = get(list_id)
    sql, params = members_sql(lst)
    found = database.execute_sql(f"SELECT count(*) FROM ({sql}) AS _m", params).fetchone()[0]
    if lst.dynamic:
        with write():
            # a count, not a change of the list: no version, no audit
            database.execute_sql(
                "UPDATE marketing_list SET member_count = ?, evaluated_at = ? WHERE id = ?",
                (found, to_db_time(utcnow()), list_id),
            )
    return found


def lists_of(member_type: str, member_id: int) -> list[ListOfMember]:
    """The active lists a record is on: static lists holding it and dynamic
    lists whose query finds it now, by name."""
    readable = access.read_filter("marketing_list", "m.owner_id")
    rows = dict_rows(
        "SELECT m.id AS id, m.name AS name, m.dynamic AS dynamic, m.purpose AS purpose, "
        "u.full_name AS owner FROM list_member lm JOIN marketing_list m ON m.id = lm.list_id "
        'JOIN "user" u ON u.id = m.owner_id WHERE lm.member_id = ? AND m.member_type = ? '
        f"AND m.state = 'active'{' AND ' + readable if readable else ''}",
        (member_id, member_type),
    )
    dynamic = MarketingList.select().where(
        (MarketingList.member_type == member_type)
        & (MarketingList.dynamic == 1)
        & (MarketingList.state == "active")
    )
    for lst in dynamic:
        if not access.allowed("read", "marketing_list", lst.owner_id):
            continue
        try:
            sql, params = members_sql(lst)
        except query.QueryError:
            continue  # a query a later change of the fields broke finds nobody
        found = database.execute_sql(
            f"SELECT 1 FROM ({sql}) AS _m WHERE member_id = ?", [*params, member_id]
        ).fetchone()
        if found:
            owner = records.title_of("user", lst.owner_id)
            rows.append(
                {"id": lst.id, "name": lst.name, "dynamic": 1, "purpose": lst.purpose,
                 "owner": owner}
            )  # fmt: skip
    return sorted(rows, key=lambda r: (text.sort_key(r["name"]), r["id"]))


def require_static(lst: MarketingList, doing: str) -> None:
    """Refuse `doing` to a dynamic list, saying what to do instead."""
    if lst.dynamic:
        raise DomainError(
            f"{lst.name} is dynamic: its members are what its query finds; "
            f"change the query, or copy it to a static list, to {doing}"
        )
