"""Which attribute a typed name means, and which option a typed value.

A name is an attribute's name (estimated_revenue), its stored key
(account_id), its label in one word (estimated_revenue for "Estimated
revenue", status), one word of its name or label (revenue, close), or the
start of either, three letters at least (modif, indus). A word
several attributes share means the one a list shows by default (revenue:
the estimated, not the actual), else the one whose name starts with it,
else a value of the record's own over a lookup (created: created_at, not
created_by); when that still leaves several, the person is asked which.
"""

from __future__ import annotations

import re

from crm_tui.meta import Attribute, AttributeType, Kind
from crm_tui.services.query.parse import QueryError

_NOT_WORD = re.compile(r"[^0-9a-z]+")
# Words too common to name one attribute by (created on, price list, ...).
_FILLER = frozenset({"on", "at", "of", "the", "by", "to", "a", "an", "id", "est"})


def _joined(text: str) -> str:
    return _NOT_WORD.sub("_", text.lower()).strip("_")


def _words(attribute: Attribute) -> set[str]:
    words = set(_joined(attribute.name).split("_")) | set(_joined(attribute.label).split("_"))
    return {w for w in words if w and w not in _FILLER}


def _whole_names(attribute: Attribute) -> set[str]:
    return {attribute.name, attribute.key, _joined(attribute.label)}


def candidates(kind: Kind, typed: str) -> list[Attribute]:
    """The attributes `typed` may mean, best first (exact names, then words)."""
    exact = [a for a in kind.queryable if typed in _whole_names(a)]
    if exact:
        return exact
    by_word = [a for a in kind.queryable if typed in _words(a)]
    if by_word or len(typed) < 3:
        return by_word
    # the start of a name or of one of its words, as it is typed (modif)
    return [
        a
        for a in kind.queryable
        if any(w.startswith(typed) for w in (*_whole_names(a), *_words(a)))
    ]


def _preference(attribute: Attribute, typed: str) -> tuple[bool, bool, bool]:
    return (
        attribute.listed,
        attribute.name.startswith(typed),
        attribute.type is not AttributeType.LOOKUP,
    )


def attribute(kind: Kind, typed: str, position: int) -> Attribute:
    """The attribute `typed` names on `kind`; QueryError naming the choices
    when it names none or several."""
    found = candidates(kind, typed)
    if len(found) > 1:
        best = max(_preference(a, typed) for a in found)
        preferred = [a for a in found if _preference(a, typed) == best]
        if len(preferred) == 1:
            return preferred[0]
        choices = ", ".join(a.name for a in found[:4])
        raise QueryError(f"{typed!r} could be {choices}: type the whole name", position)
    if not found:
        nearest = sorted(
            (a.name for a in kind.queryable if a.name.startswith(typed[:2])),
        )[:3]
        hint = f" (did you mean {', '.join(nearest)}?)" if nearest else ""
        raise QueryError(f"{kind.plural.lower()} have no field {typed!r}{hint}", position)
    return found[0]


def option_code(attribute: Attribute, typed: str, position: int) -> str:
    """The stored code of the option typed by code, label, or the start of
    one label."""
    folded = typed.strip().lower()
    for option in attribute.options:
        if folded in (option.code.lower(), option.label.lower(), _joined(option.label)):
            return option.code
    starting = [o for o in attribute.options if o.label.lower().startswith(folded)]
    if len(starting) == 1:
        return starting[0].code
    labels = ", ".join(o.label.lower() for o in attribute.options[:6])
    if len(attribute.options) > 6:
        labels += ", …"
    raise QueryError(f"{attribute.label} has no option {typed!r}: {labels}", position)


def completions(kind: Kind, typed: str) -> list[str]:
    """Names and values to offer for the last term typed (`cit` -> city:,
    `priority:h` -> priority:high), at most a screenful."""
    term = typed.rsplit(" ", 1)[-1]
    negated = term.startswith("-")
    body = term[1:] if negated else term
    prefix = "-" if negated else ""
    if ":" in body:
        name, _, value = body.partition(":")
        if name in ("sort", "has"):
            descending = name == "sort" and value.startswith("-")
            start = value[1:] if descending else value
            sign = "-" if descending else ""
            return [
                f"{prefix}{name}:{sign}{a.name}"
                for a in kind.queryable
                if a.name.startswith(start.lower())
            ][:12]
        try:
            found = attribute(kind, name.lower(), 0)
        except QueryError:
            return []
        done, _, last = value.rpartition(",")
        head = f"{prefix}{name}:{done + ',' if done else ''}"
        values = [o.label.lower() if " " not in o.label else o.code for o in found.options]
        if found.target == "user":
            values = ["me", *values]
        return [head + v for v in values if v.startswith(last.lower())][:12]
    names = sorted({a.name for a in kind.queryable} | {"has", "sort"})
    return [f"{prefix}{n}:" for n in names if n.startswith(body.lower()) and body][:12]
