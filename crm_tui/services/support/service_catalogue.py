"""Services a service activity books: a duration and what it needs, each
requirement a specific resource or any one resource of a group; and which
distinct resources meet a service's requirements."""

from __future__ import annotations

from typing import TypedDict

from crm_tui import text
from crm_tui.db import database, dict_rows, write
from crm_tui.errors import NotFound
from crm_tui.models import Resource, Service, ServiceRequirement
from crm_tui.services import records
from crm_tui.services.support.resources import MAX_BOOKING
from crm_tui.services.validate import Checker

# (resource_id, None) for a specific resource, (None, group_name) for any one of a group.
Requirement = tuple[int | None, str | None]


class ServiceRow(TypedDict):
    """A service as the schedule and the booking form list it."""

    id: int
    name: str
    state: str
    description: str
    duration_minutes: int
    version: int
    requires: str  # what a person reads: "Ann Lee, any of Vans"


def create_service(data: dict, requirements: list[Requirement]) -> Service:
    """Create a service: name, description, duration_minutes, and what it
    needs: each requirement is (resource_id, None) for a specific resource or
    (None, group_name) for any one resource of a group."""
    c = Checker(data)
    c.text("name", required=True, max_len=120)
    c.text("description", max_len=4000, multiline=True)
    if "duration_minutes" not in data or data["duration_minutes"] in (None, ""):
        c.fail("duration_minutes", "duration is required (minutes)")
    else:
        c.integer("duration_minutes", minimum=1, label="duration")
    if c.values.get("duration_minutes", 0) > MAX_BOOKING.total_seconds() // 60:
        c.fail("duration_minutes", "a service lasts at most a day (1440 minutes)")
    name = c.values.get("name")
    if name and Service.get_or_none(Service.name.collate("NOCASE") == name) is not None:
        c.fail("name", f"a service named {name} already exists; choose another name")
    cleaned = []
    if not requirements:
        c.fail("requirements", "a service needs at least one resource or group")
    for resource_id, group_name in requirements:
        if (resource_id is None) == (not group_name):
            c.fail("requirements", "each requirement is one resource or one group")
        elif resource_id is not None:
            if records.by_id(Resource, resource_id) is None:
                c.fail("requirements", f"resource #{resource_id} does not exist")
            cleaned.append((int(resource_id), None))
        else:
            group = text.clean(group_name).strip()
            if not database.execute_sql(
                "SELECT EXISTS (SELECT 1 FROM resource WHERE group_name = ?)", (group,)
            ).fetchone()[0]:
                c.fail("requirements", f"no resource is in the group {group!r}")
            cleaned.append((None, group))
    values = c.done()
    with write():
        new_id = records.create("service", values)
        for resource_id, group in cleaned:
            records.insert_row(
                ServiceRequirement,
                {"service": new_id, "resource": resource_id, "group_name": group},
            )
        records.audit("service", new_id, "requirements", {"requires": (None, describe(cleaned))})
    return get_service(new_id)


def describe(requirements: list[Requirement]) -> str:
    """What a person reads for the requirements: "Ann Lee, any of Vans"."""
    parts = []
    for resource_id, group in requirements:
        if resource_id is not None:
            parts.append(records.title_of("resource", resource_id))
        else:
            parts.append(f"any of {group}")
    return ", ".join(parts)


def get_service(service_id: int) -> Service:
    """One service; NotFound if it does not exist."""
    row = records.by_id(Service, service_id)
    if row is None:
        raise NotFound(f"service #{service_id} does not exist (it may have been deleted)")
    return row


def requirements_of(service_id: int) -> list[Requirement]:
    """The service's requirements, in order: (resource_id, None) or (None, group)."""
    rows = database.execute_sql(
        "SELECT resource_id, group_name FROM service_requirement WHERE service_id = ? ORDER BY id",
        (service_id,),
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def services(include_inactive: bool = False) -> list[ServiceRow]:
    """Services by name, each with `requires` (what a person reads)."""
    where = "" if include_inactive else "WHERE state = 'active'"
    rows = dict_rows(
        "SELECT id, name, state, description, duration_minutes, version FROM service "
        f"{where} ORDER BY name COLLATE NOCASE, id"
    )
    for row in rows:
        row["requires"] = describe(requirements_of(row["id"]))
    return rows


def match(requirements: list[Requirement], chosen: list[Resource]) -> list[int] | None:
    """Assign a distinct chosen resource to every requirement (specific or
    group); the resource ids in requirement order, or None when impossible."""
    options = []
    for resource_id, group in requirements:
        if resource_id is not None:
            options.append([r.id for r in chosen if r.id == resource_id])
        else:
            options.append([r.id for r in chosen if r.group_name == group])
    return assign(options)


def assign(options: list[list[int]]) -> list[int] | None:
    """A bipartite matching: one distinct id from each option list (in the
    lists' order), or None when no such choice exists."""
    owner: dict[int, int] = {}

    def place(i: int, seen: set[int]) -> bool:
        for rid in options[i]:
            if rid in seen:
                continue
            seen.add(rid)
            if rid not in owner or place(owner[rid], seen):
                owner[rid] = i
                return True
        return False

    for i in range(len(options)):
        if not place(i, set()):
            return None
    chosen = [0] * len(options)
    for rid, i in owner.items():
        chosen[i] = rid
    return chosen
