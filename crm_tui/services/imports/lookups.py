"""A lookup cell found among the records the person may read, by what the
kind's metadata says names one: a user's login, a number (CAS-00001, a
product number), an email, then its name or title; and any record by the id
a crm-tui export wrote. Each typed value is looked up once per import:
10,000 contacts of one company ask for it once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from crm_tui import meta, text
from crm_tui.db import dict_rows
from crm_tui.services import access
from crm_tui.services.imports import cells

# How a compare reads its column: "nocase" as typed, any case; "upper" a
# number the product hands out (CAS-00001); "sort" the stored sort key of a
# name; "person" the sort key of "last first".
# What an activity's "regarding" cell may name, tried in this order.
REGARDABLE = ("case", "opportunity", "account", "contact", "lead")
_ID = re.compile(r"#?(\d{1,18})")


@cache
def handles(target: str) -> tuple[tuple[str, str, str], ...]:
    """How a cell names a `target` record, in the order tried, from the
    kind's metadata: (column, compare, in words): a login, the number, an
    email, then its title (name or title)."""
    kind = meta.kind(target)
    fields = kind.model._meta.fields
    out = []
    if kind.has_attribute("login"):
        out.append(("login", "nocase", "login"))
    if kind.number:
        out.append((kind.number, "upper" if kind.number_prefix else "nocase", "number"))
    if kind.has_attribute("email") and "email" in fields:
        out.append(("email", "nocase", "email"))
    said = "title" if kind.title == "title" else "name"
    if kind.has_attribute("last_name"):
        out.append(("name_sort", "person", said))
    elif f"{kind.title}_sort" in fields:
        out.append((f"{kind.title}_sort", "sort", said))
    else:
        out.append((kind.model._meta.fields[kind.title].column_name, "nocase", said))
    return tuple(out)


def ways(target: str) -> str:
    """How a cell may name a `target` record, in words ("email or name")."""
    said = [words for _, _, words in handles(target)]
    return " or ".join([", ".join(said[:-1]), said[-1]] if len(said) > 2 else said)


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
    return meta.kind(target).model._meta.table_name


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
    for column, compare, _ in handles(target):
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
