"""What an import writes through, per record kind: the kind's own service
(its checks, create and update, as a form's save uses them), the keys a row
is matched on to update a record, and how a new row is found to repeat an
existing record (the duplicate matching of lead qualification for accounts,
contacts and leads)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from crm_tui import meta, text
from crm_tui.db import dict_rows
from crm_tui.services import access, custom_defs
from crm_tui.services.sales import duplicates

# kind -> the service module under crm_tui.services
_SERVICES = {
    "account": "customers.accounts",
    "contact": "customers.contacts",
    "lead": "sales.leads",
    "product": "sales.products",
    "opportunity": "sales.opportunities",
    "competitor": "sales.competitors",
    "case": "support.cases",
    "activity": "customers.activities",
}
KINDS = tuple(_SERVICES)
# Kinds whose `create` takes what its `check` gave (`checked=`), so that an
# import's row is checked once.
CHECKED_ONCE = ("account", "contact", "lead", "product", "competitor", "opportunity")
MODES = {
    "create": "create new records only",
    "update": "update existing records only",
    "upsert": "update a matching record, else create one",
}
# The keys a row is matched on, per kind: key -> the attributes it compares.
# Every kind also matches on the id a crm-tui export wrote, and on any text
# custom field (another system's id kept in one: an external id).
_KEYS = {
    "account": {"name": ("name",), "email": ("email",), "account number": ("account_number",),
                "name + city": ("name", "city")},
    "contact": {"email": ("email",), "phone": ("phone",), "name + city": ("last_name", "first_name", "city")},
    "lead": {"email": ("email",), "name + company": ("last_name", "first_name", "company_name")},
    "product": {"product number": ("product_number",), "name": ("name",)},
    "opportunity": {"name": ("name",)},
    "competitor": {"name": ("name",)},
    "case": {"number": ("number",), "title": ("title",)},
    "activity": {},
}  # fmt: skip
# What makes a new row a duplicate of another row of the file, per kind.
_SAME = {
    "account": (("name",), ("email",)),
    "contact": (("email",), ("phone",)),
    "lead": (("email",),),
    "product": (("product_number",),),
    "competitor": (("name",),),
    "opportunity": (("name", "account"),),
    "case": (("title", "account_id"),),
}


@dataclass(frozen=True)
class Match:
    """A record a row names by its key."""

    id: int
    version: int


def service(kind: str) -> ModuleType:
    """The service module that checks and writes `kind`."""
    return importlib.import_module(f"crm_tui.services.{_SERVICES[kind]}")


def keys(kind: str) -> dict[str, tuple[str, ...]]:
    """The keys `kind` can be matched on: key -> attributes compared."""
    custom_defs.current()
    out = {"id": ("id",), **_KEYS[kind]} if kind != "activity" else {}
    for attribute in meta.kind(kind).attributes:
        if attribute.custom and attribute.type is meta.AttributeType.TEXT:
            out[attribute.label] = (attribute.name,)
    return out


def modes(kind: str) -> tuple[str, ...]:
    """The modes `kind` imports in: activities are only ever created."""
    return ("create",) if kind == "activity" else tuple(MODES)


def _table(kind: str) -> str:
    return meta.kind(kind).model._meta.table_name


def _compare(kind: str, names: tuple[str, ...], wanted: list) -> tuple[list[str], list]:
    """(SQL conditions, parameters) finding records whose `names` equal
    `wanted` as a person means it, on the indexes the kind has."""
    given = dict(zip(names, wanted, strict=True))
    parts, params = [], []
    if "last_name" in given:  # a person: by the sort key of "last first"
        last, first = given.pop("last_name"), given.pop("first_name", "")
        parts.append("name_sort = ?")
        params.append(text.sort_key(f"{last} {first}"))
    for name, value in given.items():
        if name == "id":
            parts.append("id = ?")
            params.append(int(value))
        elif name in ("name", "title") and f"{name}_sort" in meta.kind(kind).model._meta.fields:
            parts.append(f"{name}_sort = ?")
            params.append(text.sort_key(value))
        elif name == "number":
            parts.append("number = ?")
            params.append(str(value).upper())
        elif name == "phone":  # as typed or as stored (+442079460958)
            forms = sorted(duplicates.phone_forms(value, given.get("country", "")) | {value})
            parts.append(f"phone IN ({', '.join('?' * len(forms))})")
            params.extend(forms)
        else:
            parts.append(f'"{name}" COLLATE NOCASE = ? AND "{name}" != \'\'')
            params.append(value)
    return parts, params


# Keys read through an index; any other (an account number, a custom field)
# is read for the whole table once per import rather than once per row.
_INDEXED = {"id", "email", "phone", "name", "number", "title", "name + city", "name + company"}


class Matcher:
    """Finds the records rows name by one key, among those the person may read."""

    def __init__(self, kind: str, key: str):
        self.kind, self.key = kind, key
        self.names = keys(kind)[key]
        self.readable = access.read_filter(
            kind, "owner_id", unowned="assigned = 0" if kind == "case" else ""
        )
        self._all: dict[tuple, list[Match]] | None = None

    def find(self, values: dict) -> list[Match]:
        """The records (at most 2) whose key equals the row's `values`; []
        when the row has no value for the key."""
        wanted = [values.get(name) for name in self.names]
        if any(v in (None, "") for v in wanted):
            return []
        if self.key == "id" and not str(wanted[0]).isdigit():
            return []
        if self.key not in _INDEXED:
            return self._everything().get(tuple(_folded(v) for v in wanted), [])[:2]
        parts, params = _compare(self.kind, self.names, wanted)
        if self.readable:
            parts.append(self.readable)
        rows = dict_rows(
            f'SELECT id, version FROM "{_table(self.kind)}" WHERE {" AND ".join(parts)} LIMIT 2',
            params,
        )
        return [Match(r["id"], r["version"]) for r in rows]

    def _everything(self) -> dict[tuple, list[Match]]:
        if self._all is None:
            columns = ", ".join(f'"{n}"' for n in self.names)
            where = f" WHERE {self.readable}" if self.readable else ""
            self._all = {}
            for row in dict_rows(
                f'SELECT id, version, {columns} FROM "{_table(self.kind)}"{where}'
            ):
                found = tuple(_folded(row[n]) for n in self.names)
                if all(found):
                    self._all.setdefault(found, []).append(Match(row["id"], row["version"]))
        return self._all


def same_in_file(kind: str, values: dict, key: str) -> list[tuple]:
    """What a row is compared on with the rows before it: its key's values,
    else the kind's own duplicate rules (email, phone, name)."""
    groups = [keys(kind)[key]] if key else list(_SAME.get(kind, ()))
    out = []
    for names in groups:
        found = tuple(_folded(values.get(n)) for n in names)
        if all(found):
            out.append((names, found))
    return out


def _folded(value) -> str:
    return text.sort_key(str(value)) if value not in (None, "") else ""


def existing(kind: str, values: dict) -> str:
    """Why a row to be created repeats a record already kept ("" when it
    does not): contacts by email or phone, accounts by email, phone, name or
    web domain, as lead qualification matches; leads by email; products and
    competitors by name."""
    if kind == "contact":
        found = duplicates.contacts_like(
            email=values.get("email", ""),
            phone=values.get("phone", ""),
            country=values.get("country", ""),
        )
        if found:
            return f"{' and '.join(found[0]['why'])} as the contact {found[0]['name']}"
    elif kind == "account":
        found = duplicates.find(
            email=values.get("email", ""),
            phone=values.get("phone", ""),
            company=values.get("name", ""),
            website=values.get("website", ""),
            country=values.get("country", ""),
        ).accounts
        if found:
            return f"{' and '.join(found[0]['why'])} as the account {found[0]['name']}"
    elif kind == "lead" and values.get("email"):
        if Matcher("lead", "email").find(values):
            return "same email as an existing lead"
    elif kind in ("product", "competitor") and values.get("name"):
        if Matcher(kind, "name").find(values):
            return f"same name as an existing {meta.kind(kind).label.lower()}"
    return ""
