"""Every key of the app, written once.

A scope is where keys apply: a screen (and the screens built on it, which add
their own scope's keys to their base's) or a widget that holds focus. Each
binding has an id; the same id in two scopes is the same action on the same
key, so a user's keymap (config.toml, [keymap]) moves it everywhere at once.
Hints typed into text name a key by its id ({list.new}) and show the key the
user has, remapped or not.

Imported when the app starts: it holds data only, never a screen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from textual.binding import Binding
from textual.keys import key_to_character

from crm_tui.keys import common, marketing, needs, reporting, sales, service, workflow

SCOPES: dict[str, tuple[Binding, ...]] = {
    **common.SCOPES,
    **sales.SCOPES,
    **service.SCOPES,
    **marketing.SCOPES,
    **reporting.SCOPES,
    **workflow.SCOPES,
}

# id -> the key(s) it has unless the keymap says otherwise
DEFAULTS: dict[str, str] = {
    binding.id: binding.key for scoped in SCOPES.values() for binding in scoped if binding.id
}

_state: dict[str, Mapping[str, str]] = {"keymap": {}}


def bindings(scope: str) -> list[Binding]:
    """A screen's or widget's BINDINGS."""
    return list(SCOPES[scope])


def use_keymap(keymap: Mapping[str, str]) -> None:
    """The user's keymap (id -> keys), so that hints show the keys in use."""
    _state["keymap"] = dict(keymap)


def need(binding_id: str | None) -> needs.Need | None:
    """What the key needs of its record's state (keys/needs.py); None: nothing."""
    return needs.NEEDS.get(binding_id) if binding_id else None


def keys_of(binding_id: str) -> list[str]:
    """The keys that run `binding_id` now, as Textual names them."""
    written = _state["keymap"].get(binding_id) or DEFAULTS[binding_id]
    return [binding.key for binding in Binding.make_bindings([Binding(written, "")])]


def key(binding_id: str) -> str:
    """The (first) key of `binding_id` as a person reads it: "?", "esc", "ctrl+t"."""
    return display(keys_of(binding_id)[0])


def key_for(scope: str, action: str) -> str:
    """The key that runs `action` in `scope` (a step's key, a kind's letter)."""
    for binding in SCOPES[scope]:
        if binding.action == action and binding.id:
            return key(binding.id)
    raise KeyError(f"no key for {action!r} in {scope!r}")


def step(scope: str, step_key: str) -> str:
    """The key that runs a state change named by its step key ("A" activates)."""
    return key_for(scope, f"step('{step_key}')")


_PLACEHOLDER = re.compile(r"\{([a-z_]+\.[a-z_]+)\}")


def fill(text: str) -> str:
    """`text` with each {binding.id} replaced by its key: "{list.new} adds one"."""
    return _PLACEHOLDER.sub(lambda match: key(match.group(1)), text)


def hint(text: str, binding_id: str) -> str:
    """A palette command's help with its key: "Change its fields (e)"."""
    return f"{text} ({key(binding_id)})"


# Names whose character reads better, or characters that do not print.
_SHOWN = {
    "escape": "esc",
    "plus": "+",
    "minus": "−",
    "slash": "/",
    "space": "space",
    "tab": "tab",
    "delete": "delete",
    "backspace": "backspace",
}


def display(name: str) -> str:
    """One key as a person reads it: question_mark -> ?, escape -> esc."""
    name = name.strip()
    if name in _SHOWN:
        return _SHOWN[name]
    if "+" in name:
        return name
    character = key_to_character(name)
    if character and character.isprintable() and not character.isspace():
        return character
    return name
