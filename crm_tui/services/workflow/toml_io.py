"""Rules as TOML, so a team keeps them in version control: `export` writes
every rule (or some) as `[[rule]]` tables, `load` reads a file back, every
rule checked before any is written, and a rule of the same name changed in
place (its ledger and log stay with it)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from crm_tui.errors import CrmError, NotFound, ValidationError
from crm_tui.services.workflow import check, rules
from crm_tui.services.workflow.spec import Rule


@dataclass
class Loaded:
    """What `load` did, by rule name."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(name: str) -> str:
    return name if _BARE.match(name) else _value(name)


def _value(value) -> str:
    """A value as TOML writes it on one line (a table inline)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # JSON's escapes are TOML's, but for DEL, which TOML also escapes
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        pairs = ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items())
        return "{ " + pairs + " }" if pairs else "{}"
    raise TypeError(f"{type(value).__name__} has no TOML form here")


def _table(header: str, data: dict) -> str:
    return f"[[{header}]]\n" + "".join(f"{_key(k)} = {_value(v)}\n" for k, v in data.items())


def export(chosen: list[Rule] | None = None) -> str:
    """The rules (every one when not given) as a TOML document: each rule
    a [[rule]] table and each of its actions a [[rule.actions]] one, as a
    person would write them."""
    kept = rules.all_rules() if chosen is None else chosen
    parts = [
        "# crm-tui workflow rules: `crm-tui rules import FILE` reads this file back.\n"
        "# A rule of the same name is changed in place; `enabled` switches it on or off.\n"
    ]
    for rule in kept:
        data = rule.to_dict()
        steps = data.pop("actions")
        parts.append(_table("rule", data))
        parts += [_table("rule.actions", step) for step in steps]
    return "\n".join(parts)


def parse(text: str) -> list[Rule]:
    """The rules of a TOML document (ValidationError naming the first
    problem: the file's syntax, or a rule's key)."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError({"file": f"not TOML: {exc}"}) from None
    tables = data.get("rule", [])
    if not isinstance(tables, list) or set(data) - {"rule"}:
        raise ValidationError({"file": "a rules file holds [[rule]] tables and nothing else"})
    out = []
    for number, table in enumerate(tables, start=1):
        try:
            out.append(Rule.from_dict(table))
        except ValidationError as exc:
            raise ValidationError({f"rule {number}": "; ".join(exc.errors.values())}) from None
    names = [r.name.lower() for r in out]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValidationError({"file": f"the rule {twice[0]!r} is in the file twice"})
    return out


def _existing(name: str) -> Rule | None:
    try:
        return rules.by_name(name)
    except NotFound:
        return None


def load(text: str) -> Loaded:
    """Create or change the file's rules; nothing is written unless every
    rule is right (ValidationError naming each wrong rule)."""
    wanted = parse(text)
    problems = {}
    for rule in wanted:
        errors = check.check(rule)
        if errors:
            problems[rule.name or "(no name)"] = "; ".join(f"{k}: {v}" for k, v in errors.items())
    if problems:
        raise ValidationError(problems)
    done = Loaded()
    for rule in wanted:
        current = _existing(rule.name)
        try:
            if current is None:
                rules.create(rule)
                done.created.append(rule.name)
            elif rule.with_(owner=rule.owner or current.owner) == current:
                done.unchanged.append(rule.name)
            else:
                rules.update(current.id, current.version, rule)
                if current.enabled != rule.enabled:
                    rules.set_enabled(current.id, rule.enabled)
                done.updated.append(rule.name)
        except CrmError as exc:
            raise CrmError(f"the rule {rule.name!r}: {exc}") from exc
    return done


def actions_text(rule: Rule | None) -> str:
    """A rule's actions as the form edits them: one [[actions]] table each."""
    if rule is None or not rule.actions:
        return '[[actions]]\ndo = "notify"\nto = ["owner"]\ntext = "{number} {title}: "\n'
    return "\n".join(_table("actions", a.to_dict()) for a in rule.actions)


def actions_from_text(text: str) -> list[dict]:
    """The action tables a form's text holds (ValidationError on "actions"
    saying what is wrong)."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError({"actions": f"not TOML: {exc}"}) from None
    tables = data.get("actions", [])
    if set(data) - {"actions"} or not isinstance(tables, list):
        raise ValidationError({"actions": "write each action as an [[actions]] table"})
    return tables
