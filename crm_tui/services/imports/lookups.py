"""A lookup cell found among the records the person may read: an account by
its name or email, a contact by email or name, a product by its number, a
case by its number, a user by login, name or email, and any record by the
id a crm-tui export wrote. Each typed value is looked up once per import:
10,000 contacts of one company ask for it once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crm_tui import meta, text
from crm_tui.db import dict_rows
from crm_tui.services import access
from crm_tui.services.imports import cells

# How each kind's records are named in a cell, in the order they are tried:
# (column, how it compares). "sort" compares the stored sort key of a name.
_BY = {
    "account": (("email", "nocase"), ("name_sort", "sort")),
    "contact": (("email", "nocase"), ("name_sort", "person")),
    "lead": (("email", "nocase"), ("name_sort", "person")),
    "product": (("product_number", "nocase"), ("name_sort", "sort")),
    "opportunity": (("name_sort", "sort"),),
    "competitor": (("name_sort", "sort"),),
    "case": (("number", "upper"), ("title_sort", "sort")),
    "user": (("login", "nocase"), ("email", "nocase"), ("full_name", "nocase")),
    "queue": (("name", "nocase"),),
    "price_list": (("name", "nocase"),),
    "contract": (("number", "upper"),),
}
# What an activity's "regarding" cell may name, tried in this order.
REGARDABLE = ("case", "opportunity", "account", "contact", "lead")
_ID = re.compile(r"#?(\d{1,18})")


_SAID = {"name_sort": "name", "title_sort": "title", "product_number": "number",
         "full_name": "name"}  # fmt: skip


def ways(target: str) -> str:
    """How a cell may name a `target` record, in words ("email or name")."""
    said = list(dict.fromkeys(_SAID.get(column, column) for column, _ in _BY.get(target, ())))
    return " or ".join([", ".join(said[:-1]), said[-1]] if len(said) > 2 else said) or "id"


@dataclass
class Lookups:
    """The answers of one import's lookups, kept for its rows."""

    found: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def ids(self, target: str, typed: str) -> list[int]:
        """The ids (at most 2: one is an answer, two are a question) of the
        `target` records the cell names, among those the person may read."""
        folded = text.normalize(typed).strip()
        key = (target, folded.casefold())
        if key not in self.found:
            self.found[key] = _find(target, folded)
        return self.found[key]

    def remember(self, target: str, typed: str, record_id: int) -> None:
        """A record the import just created answers later rows naming it."""
        self.found[(target, text.normalize(typed).strip().casefold())] = [record_id]

    def regarding(self, typed: str) -> tuple[str, list[int]]:
        """The kind and ids an activity's regarding cell names: the first
        kind of REGARDABLE with a match."""
        for kind in REGARDABLE:
            found = self.ids(kind, typed)
            if found:
                return kind, found
        return "", []


def _table(target: str) -> str:
    return meta.kind(target).model._meta.table_name if target in meta.names() else target


def _readable(target: str) -> str:
    if target not in access.KINDS:
        return ""
    readable = access.read_filter(
        target, "owner_id", unowned="assigned = 0" if target == "case" else ""
    )
    return f" AND {readable}" if readable else ""


def _find(target: str, typed: str) -> list[int]:
    if not typed:
        return []
    table, readable = _table(target), _readable(target)
    for column, compare in _BY.get(target, ()):
        if compare == "nocase":
            # `!= ''` lets SQLite use the partial email indexes of m0004
            where, value = f'"{column}" COLLATE NOCASE = ? AND "{column}" != \'\'', typed
        elif compare == "upper":  # numbers the product hands out: CAS-00001
            where, value = f'"{column}" = ?', typed.upper()
        elif compare == "sort":
            where, value = f'"{column}" = ?', text.sort_key(typed)
        else:  # a person: stored as "last first"
            first, last = cells.split_name(typed)
            where, value = f'"{column}" = ?', text.sort_key(f"{last} {first}")
        rows = dict_rows(f'SELECT id FROM "{table}" WHERE {where}{readable} LIMIT 2', (value,))
        if rows:
            return [r["id"] for r in rows]
    by_id = _ID.fullmatch(typed)
    if by_id:
        rows = dict_rows(f'SELECT id FROM "{table}" WHERE id = ?{readable}', (int(by_id.group(1)),))
        return [r["id"] for r in rows]
    return []
