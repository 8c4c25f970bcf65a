"""Saved reports: a report's spec kept under a name, its owner's alone,
their team's or everyone's (services/sharing.py), beside the built-in
reports every person has (builtin.py)."""

from __future__ import annotations

from crm_tui import text
from crm_tui.db import dict_rows, write
from crm_tui.errors import ConflictError, NotFound, ValidationError
from crm_tui.models.base import to_db_time, utcnow
from crm_tui.services import session, sharing
from crm_tui.services.reporting import builtin
from crm_tui.services.reporting.spec import SavedReport, Spec, check

NAME_LIMIT = 80


_COLUMNS = (
    "v.id, v.name, v.spec, v.scope, v.owner_id, u.full_name AS owner, v.version"
)  # fmt: skip


def _report(row: dict) -> SavedReport:
    return SavedReport(
        row["id"], row["name"], Spec.from_json(row["spec"]), row["scope"], row["owner_id"],
        row["owner"], row["version"], f"saved:{row['id']}",
    )  # fmt: skip


def _saved(where: str, params: list) -> list[SavedReport]:
    rows = dict_rows(
        f'SELECT {_COLUMNS} FROM saved_report v JOIN "user" u ON u.id = v.owner_id WHERE {where}',
        params,
    )
    return [_report(r) for r in rows]


def visible() -> list[SavedReport]:
    """Every report the person may run: the built-in ones, then their own,
    then those shared with them, each by name."""
    where, params = sharing.visible_where("v.owner_id", "u.team")
    me = session.current_user().id
    saved = sorted(
        _saved(where, params), key=lambda r: (r.owner_id != me, text.sort_key(r.name), r.id)
    )
    return [*builtin.reports(), *saved]


def get(key: str) -> SavedReport:
    """A report by its key (builtin:NAME or saved:ID) the person may run."""
    if key.startswith(builtin.PREFIX):
        return builtin.get(key)
    if key.startswith("saved:") and key[6:].isdigit():
        where, params = sharing.visible_where("v.owner_id", "u.team", managing=True)
        found = _saved(f"v.id = ? AND {where}", [int(key[6:]), *params])
        if found:
            return found[0]
    raise NotFound(f"report {key!r} does not exist, or is not shared with you")


def by_name(name: str) -> SavedReport:
    """The report called `name` (case and spaces aside; a built-in one by its
    short name too): the person's own first, then one shared with them."""
    wanted = text.clean(name).strip().casefold()
    reports = visible()
    for report in reports:
        if wanted in (report.name.casefold(), report.key.casefold(), report.key[8:]):
            return report
    names = ", ".join(r.name for r in reports)
    raise NotFound(f"no report is called {name!r} (there are: {names})")


def _checked(name: str, spec: Spec, scope: str, owner_id: int, except_id=None) -> Spec:
    errors = sharing.name_and_scope_errors(
        "saved_report", "report", name, scope, owner_id, limit=NAME_LIMIT, except_id=except_id
    )
    try:
        spec = check(spec)
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return spec


def save(name: str, spec: Spec, scope: str = "personal") -> SavedReport:
    """Keep `spec` as a report called `name`; ValidationError names each bad
    part, PermissionDenied when sharing is not the person's to do."""
    name = text.clean(name or "").strip()
    me = session.current_user()
    spec = _checked(name, spec, scope, me.id)
    sharing.may_share(scope, "report")
    now = to_db_time(utcnow())
    with write():
        rows = dict_rows(
            "INSERT INTO saved_report (name, kind, spec, scope, owner_id, version, created_at, "
            "modified_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
            [name, spec.kind, spec.to_json(), scope, me.id, now, now],
        )
    return get(f"saved:{rows[0]['id']}")


def update(
    report_id: int, version: int, *, name: str | None = None, spec: Spec | None = None,
    scope: str | None = None,
) -> SavedReport:  # fmt: skip
    """Change a saved report's name, spec or scope, if nobody saved it since
    `version` (ConflictError otherwise); its owner or an admin."""
    report = get(f"saved:{report_id}")
    sharing.may_change(report.owner_id, report.owner, report.name, "report")
    name = text.clean(report.name if name is None else name).strip()
    scope = scope or report.scope
    spec = _checked(name, spec or report.spec, scope, report.owner_id, except_id=report_id)
    if scope != report.scope:
        sharing.may_share(scope, "report")
    with write():
        changed = dict_rows(
            "UPDATE saved_report SET name = ?, kind = ?, spec = ?, scope = ?, "
            "version = version + 1, modified_at = ? WHERE id = ? AND version = ? RETURNING id",
            [name, spec.kind, spec.to_json(), scope, to_db_time(utcnow()), report_id, version],
        )
    if not changed:
        current = get(f"saved:{report_id}")
        raise ConflictError("report", report_id, current.version, {"name": current.name})
    return get(f"saved:{report_id}")


def delete(report_id: int) -> None:
    """Remove a saved report (its owner or an admin)."""
    report = get(f"saved:{report_id}")
    sharing.may_change(report.owner_id, report.owner, report.name, "report")
    with write():
        dict_rows("DELETE FROM saved_report WHERE id = ?", [report_id])
