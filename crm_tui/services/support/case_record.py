"""Reading one case: by id or number, its customer's name, the cases related
to it, and the guard every change of an active case passes."""

from __future__ import annotations

from typing import TypedDict

from crm_tui.db import dict_rows
from crm_tui.errors import DomainError, NotFound
from crm_tui.models.service import Case
from crm_tui.services import records


class RelatedCaseRow(TypedDict):
    """A case beside another one (parent, child, same customer)."""

    id: int
    number: str
    title: str
    state: str
    status_reason: str
    priority: str
    created_at: str  # as stored (UTC ISO text)


class RelatedCases(TypedDict):
    """`related`: the parent (or None), the children and other active cases
    of the same customer."""

    parent: RelatedCaseRow | None
    children: list[RelatedCaseRow]
    same_customer: list[RelatedCaseRow]


def get(case_id: int) -> Case:
    """One case; NotFound if it does not exist."""
    row = records.by_id(Case, case_id)
    if row is None:
        raise NotFound(f"case #{case_id} does not exist (it may have been deleted)")
    return records.readable("case", row)


def by_number(number: str) -> Case:
    """The case numbered `number` (CAS-00042); NotFound otherwise."""
    row = Case.get_or_none(Case.number == (number or "").strip().upper())
    if row is None:
        raise NotFound(f"there is no case {number!r}")
    return row


def customer_name(case: Case) -> str:
    """The customer: the contact with their account ("Ann Lee (Acme)"), or one of them."""
    contact = records.title_of("contact", case.contact_id) if case.contact_id else ""
    account = records.title_of("account", case.account_id) if case.account_id else ""
    if contact and account:
        return f"{contact} ({account})"
    return contact or account


def require_active(row: Case, verb: str) -> None:
    """Refuse to `verb` a case that is resolved or canceled."""
    if row.state != "active":
        raise DomainError(f"case {row.number} is {row.state}; reactivate it before you {verb} it")


_RELATED = (
    "SELECT k.id AS id, k.number AS number, k.title AS title, k.state AS state, "
    "k.status_reason AS status_reason, k.priority AS priority, k.created_at AS created_at "
    'FROM "case" k'
)


def related(case_id: int, limit: int = 20) -> RelatedCases:
    """The parent case (or None), the child cases, and other active cases of
    the same customer (newest first, at most `limit`)."""
    row = get(case_id)
    parent = None
    if row.parent_case_id is not None:
        found = dict_rows(f"{_RELATED} WHERE k.id = ?", (row.parent_case_id,))
        parent = found[0] if found else None
    children = dict_rows(
        f"{_RELATED} WHERE k.parent_case_id = ? ORDER BY k.id DESC LIMIT ?", (case_id, limit)
    )
    if row.account_id is not None:
        where, key = "k.account_id = ?", row.account_id
    else:
        where, key = "k.contact_id = ?", row.contact_id
    same = dict_rows(
        f"{_RELATED} WHERE {where} AND k.state = 'active' AND k.id != ? ORDER BY k.id DESC LIMIT ?",
        (key, case_id, limit),
    )
    return {"parent": parent, "children": children, "same_customer": same}
