"""A static list's members: added from any list or view (marked records, or
everything a query finds), the palette, a record's detail or an import, and
removed the same ways; a dynamic list copied to a static one (Dynamics'
CopyDynamicListToStatic). Many members are written in short transactions
of `BATCH`, so other people's saves go on meanwhile."""

from __future__ import annotations

from dataclasses import replace
from itertools import islice

from crm_tui.db import database, write
from crm_tui.errors import DomainError
from crm_tui.models import MarketingList
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import access, query, records, session
from crm_tui.services.listing import ListSpec, Page, page_of
from crm_tui.services.marketing import lists

BATCH = 500


def _spec(member_type: str) -> ListSpec:
    """The list of the member type (its columns, sorts and row type)."""
    if member_type == "account":
        from crm_tui.services.customers import accounts as service
    elif member_type == "contact":
        from crm_tui.services.customers import contacts as service
    else:
        from crm_tui.services.sales import leads as service
    return service.LIST


def _chunks(ids, size: int = BATCH):
    it = iter(ids)
    while chunk := list(islice(it, size)):
        yield chunk


def _writable(list_id: int, doing: str) -> MarketingList:
    lst = lists.get(list_id)
    lists.require_static(lst, doing)
    if lst.state != "active":
        raise DomainError(f"{lst.name} is inactive; reactivate it to {doing}")
    access.require("write", "marketing_list", lst.owner_id)
    return lst


def _count_change(lst: MarketingList, delta: int) -> None:
    """Keep the member count and audit the change on the list (inside the
    batch's transaction)."""
    if not delta:
        return
    before = database.execute_sql(
        "UPDATE marketing_list SET member_count = member_count + ? WHERE id = ? "
        "RETURNING member_count - ?",
        (delta, lst.id, delta),
    ).fetchone()[0]
    records.audit("marketing_list", lst.id, "members", {"member_count": (before, before + delta)})


def add(list_id: int, member_ids) -> int:
    """Add records of the list's member type to a static list (the ones the
    person may read; ids of other records are passed over, and members
    already on it stay once). Returns how many were added."""
    lst = _writable(list_id, "add members")
    table = lists.table_of(lst.member_type)
    readable = access.read_filter(lst.member_type, "r.owner_id")
    me = session.current_user().id
    added = 0
    for chunk in _chunks(dict.fromkeys(int(i) for i in member_ids)):
        marks = ", ".join("?" for _ in chunk)
        with write():
            rows = database.execute_sql(
                "INSERT INTO list_member (list_id, member_id, added_at, added_by_id) "
                f"SELECT ?, r.id, ?, ? FROM {table} r WHERE r.id IN ({marks})"
                f"{' AND ' + readable if readable else ''} "
                "ON CONFLICT DO NOTHING RETURNING member_id",
                (list_id, to_db_time(utcnow()), me, *chunk),
            ).fetchall()
            _count_change(lst, len(rows))
        added += len(rows)
    return added


def add_matching(list_id: int, typed: str) -> int:
    """Add to a static list every record of its member type that `typed` (a
    query in the filter bar's language, as a list's view shows) finds.
    Returns how many were added."""
    lst = _writable(list_id, "add members")
    if not typed.strip():
        raise DomainError("say which records to add: a query finds them (city:Tehran)")
    try:
        sql, params = lists.matching_sql(lst.member_type, typed)
    except query.QueryError as exc:
        raise DomainError(str(exc)) from None
    ids = [row[0] for row in database.execute_sql(sql, params)]
    return add(list_id, ids)


def add_imported(list_id: int, import_id: int) -> int:
    """Add the records an import created or updated to a static list (the
    import's kind must be the list's member type). Returns how many were added."""
    lst = lists.get(list_id)
    ids = [row[0] for row in database.execute_sql(
        "SELECT record_id FROM import_record WHERE import_id = ? AND record_type = ? ORDER BY seq",
        (import_id, lst.member_type),
    )]  # fmt: skip
    return add(list_id, ids)


def remove(list_id: int, member_ids) -> int:
    """Take records off a static list; returns how many were on it."""
    lst = _writable(list_id, "remove members")
    removed = 0
    for chunk in _chunks(dict.fromkeys(int(i) for i in member_ids)):
        marks = ", ".join("?" for _ in chunk)
        with write():
            rows = database.execute_sql(
                f"DELETE FROM list_member WHERE list_id = ? AND member_id IN ({marks}) "
                "RETURNING member_id",
                (list_id, *chunk),
            ).fetchall()
            _count_change(lst, -len(rows))
        removed += len(rows)
    return removed


def copy_to_static(list_id: int, name: str = "") -> MarketingList:
    """A new static list holding the members a dynamic list finds now
    (Dynamics' CopyDynamicListToStatic); the dynamic list stays as it is."""
    source = lists.get(list_id)
    if not source.dynamic:
        raise DomainError(f"{source.name} is already static")
    sql, params = lists.members_sql(source)
    ids = [row[0] for row in database.execute_sql(sql, params)]
    copy = lists.create(
        {
            "name": name.strip() or f"{source.name} (static)"[:160],
            "member_type": source.member_type,
            "purpose": source.purpose,
            "source": source.source,
            "description": source.description,
        }
    )
    add(copy.id, ids)
    return lists.get(copy.id)


def page(list_id: int, typed: str | None = None, **options) -> Page:
    """A page of a list's members as their own list shows them (accounts,
    contacts or leads rows), sorted and filtered as that list is; `typed`
    narrows them further. A dynamic list's members are what its query
    finds now."""
    lst = lists.get(list_id)
    spec = _spec(lst.member_type)
    alias = spec.table.split()[1]
    if lst.dynamic:
        spec = replace(spec, views={"members": "TRUE"})
        typed = f"{lst.query} {typed or ''}".strip()
    else:
        members = f"{alias}.id IN (SELECT member_id FROM list_member WHERE list_id = {int(lst.id)})"
        spec = replace(spec, views={"members": members})
    if typed:
        problem = query.problem(lst.member_type, typed, spec.word_sql)
        if problem:
            raise DomainError(problem)
    return page_of(spec, view="members", query=typed or None, **options)
