"""Routing of new cases to queues by the [[routing]] rules in config.toml.

Rules are tried in order and the first whose every given key matches wins.
A rule naming a queue that does not exist (or is inactive) is skipped so that
a typo in the config never stops a case from being created; `check_rules()`
reports such rules for `crm-tui doctor`.
"""

from __future__ import annotations

from crm_tui.config import Settings
from crm_tui.db import database
from crm_tui.services import session


def _queues() -> dict[str, int]:
    """Active queues by name."""
    rows = database.execute_sql("SELECT name, id FROM queue WHERE state = 'active'").fetchall()
    return {name: queue_id for name, queue_id in rows}


class _Facts:
    """What the rules can ask about a case; names are looked up only when a rule needs them."""

    def __init__(self, values: dict) -> None:
        self.values = values
        self._product: str | None = None
        self._customers: set[str] | None = None

    def product(self) -> str | None:
        product_id = self.values.get("product_id")
        if product_id is None:
            return None
        if self._product is None:
            row = database.execute_sql(
                "SELECT product_number FROM product WHERE id = ?", (_id(product_id),)
            ).fetchone()
            self._product = row[0] if row else ""
        return self._product

    def customers(self) -> set[str]:
        if self._customers is None:
            names: set[str] = set()
            account_id = self.values.get("account_id")
            contact_id = self.values.get("contact_id")
            if account_id is not None:
                row = database.execute_sql(
                    "SELECT name FROM account WHERE id = ?", (_id(account_id),)
                ).fetchone()
                if row:
                    names.add(row[0].strip().casefold())
            if contact_id is not None:
                row = database.execute_sql(
                    "SELECT full_name FROM contact WHERE id = ?", (_id(contact_id),)
                ).fetchone()
                if row:
                    names.add(row[0].strip().casefold())
            self._customers = names
        return self._customers


def _id(value) -> int:
    # Callers may pass a model instance for a foreign key instead of its id.
    return getattr(value, "id", value)


def _matches(rule: dict, facts: _Facts) -> bool:
    values = facts.values
    if "type" in rule and values.get("case_type") != rule["type"]:
        return False
    if "priority" in rule and values.get("priority") != rule["priority"]:
        return False
    if "origin" in rule and values.get("origin") != rule["origin"]:
        return False
    if "product" in rule and facts.product() != rule["product"].strip():
        return False
    if "customer" in rule and rule["customer"].strip().casefold() not in facts.customers():
        return False
    return True


def route(values: dict, settings: Settings | None = None) -> int | None:
    """The queue id for a new case's values (case_type, priority, product_id, origin,
    account_id, contact_id) by the first matching routing rule; None when none matches."""
    rules = (settings or session.settings()).routing
    if not rules:
        return None
    queues = _queues()
    facts = _Facts(values)
    for rule in rules:
        queue_id = queues.get(rule["queue"])
        if queue_id is not None and _matches(rule, facts):
            return queue_id
    return None


def check_rules(settings: Settings | None = None) -> list[str]:
    """Problems with the routing rules against the database: one line per rule that
    names a queue that does not exist or is inactive."""
    rules = (settings or session.settings()).routing
    if not rules:
        return []
    states = dict(database.execute_sql("SELECT name, state FROM queue").fetchall())
    problems = []
    for number, rule in enumerate(rules, 1):
        name = rule["queue"]
        if name not in states:
            problems.append(f"routing rule {number}: no queue named {name!r}; the rule is skipped")
        elif states[name] != "active":
            problems.append(
                f"routing rule {number}: queue {name!r} is inactive; the rule is skipped"
            )
    return problems
