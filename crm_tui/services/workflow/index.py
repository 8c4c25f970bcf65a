"""The enabled rules each write looks at, kept by each process and read
again at most once a second (one small query: the table's count, last
change and versions), and at once after this process changed them or
opened another database."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from crm_tui import db
from crm_tui.db import database, dict_rows
from crm_tui.services.workflow.spec import Rule

FRESH_SECONDS = 1.0

SELECT = (
    'SELECT r.*, u.login AS owner_login FROM workflow_rule r JOIN "user" u ON u.id = r.owner_id'
)


def from_row(row: dict) -> Rule:
    """A rule from its row (SELECT's columns)."""
    data = json.loads(row["spec"])
    data.update(name=row["name"], kind=row["kind"], when=row["trigger"], mode=row["mode"],
                description=row["description"], owner=row["owner_login"],
                enabled=bool(row["enabled"]))  # fmt: skip
    return Rule.from_dict(data).with_(id=row["id"], version=row["version"])


@dataclass
class _Cache:
    stamp: tuple | None = None
    read_at: float = 0.0
    by_kind: dict | None = None


_cache = _Cache()


def forget() -> None:
    """Read the rules again at the next write (this process changed them)."""
    _cache.read_at = 0.0
    _cache.stamp = None


def active(kind: str) -> tuple[Rule, ...]:
    """The enabled rules on `kind` that records' writes trigger (not the
    scheduled ones, nor those only other rules run)."""
    now = time.monotonic()
    if _cache.by_kind is None or now - _cache.read_at > FRESH_SECONDS:
        stamp = database.execute_sql(
            "SELECT count(*), max(modified_at), sum(version) FROM workflow_rule"
        ).fetchone()
        if stamp != _cache.stamp or _cache.by_kind is None:
            by_kind: dict[str, list[Rule]] = {}
            rows = dict_rows(
                f"{SELECT} WHERE r.enabled = 1 AND r.trigger NOT IN ('time', 'called') "
                "ORDER BY r.id"
            )
            for row in rows:
                by_kind.setdefault(row["kind"], []).append(from_row(row))
            _cache.by_kind = {k: tuple(v) for k, v in by_kind.items()}
            _cache.stamp = stamp
        _cache.read_at = now
    return _cache.by_kind.get(kind, ())


db.on_open(forget)
