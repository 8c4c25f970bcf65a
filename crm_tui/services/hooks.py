"""After-write hooks: how one area reacts to another area's writes without
the writer importing it.

The writer calls `emit(event, **payload)` inside its own write transaction;
every listener runs there too, so what a listener writes commits or rolls
back with the writer's change (a listener's error undoes both). A domain
package registers its listeners with `listen` when it is imported, and
`emit` imports every domain package first, so a listener is in place in
any process (the app, the command line, a test, the bench) however little
of the product that process has loaded.

    hooks.listen(hooks.ACTIVITY_LOGGED, first_response)   # in support/__init__.py
    hooks.emit(hooks.ACTIVITY_LOGGED, activity=row)        # in activities.log
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

# The domain packages under crm_tui.services, each of which may register listeners.
DOMAINS = ("customers", "sales", "support", "knowledge")

# An activity was logged (payload: activity, the Activity row as written).
ACTIVITY_LOGGED = "activity_logged"
# An open or scheduled activity was marked complete (payload: activity).
ACTIVITY_COMPLETED = "activity_completed"
# Any audited change of a record (payload: kind, record_id, action, changes,
# by_system), as records.audit writes it. Its one listener (the workflow's
# watch) is loaded alone: every write emits it, and loading every domain
# would cost a process its first save.
RECORD_CHANGED = "record_changed"
_LIGHT = {RECORD_CHANGED: "workflow.watch"}

Listener = Callable[..., None]

_listeners: dict[str, list[Listener]] = {}
_domains_loaded = False


def listen(event: str, listener: Listener) -> Listener:
    """Call `listener(**payload)` on every `emit(event, ...)`, after the
    listeners registered before it. Registering the same function again
    (a module imported twice) changes nothing. Returns the listener."""
    registered = _listeners.setdefault(event, [])
    if listener not in registered:
        registered.append(listener)
    return listener


def emit(event: str, **payload) -> None:
    """Run every listener of `event` with `payload`; call inside the write
    transaction that made the change, so the listeners' writes are part of it."""
    _load(event)
    for listener in tuple(_listeners.get(event, ())):
        listener(**payload)


def listeners(event: str) -> tuple[Listener, ...]:
    """The listeners `emit(event)` runs, in order (every domain loaded)."""
    _load(event)
    return tuple(_listeners.get(event, ()))


_light_loaded: set[str] = set()


def _load(event: str) -> None:
    module = _LIGHT.get(event)
    if module is None:
        _load_domains()
    elif module not in _light_loaded:
        importlib.import_module(f"{__package__}.{module}")
        _light_loaded.add(module)


def _load_domains() -> None:
    global _domains_loaded
    if _domains_loaded:
        return
    # By name, not by import statement: the common base knows the domains'
    # names but none of their modules, and a package registers on import.
    for domain in DOMAINS:
        importlib.import_module(f"{__package__}.{domain}")
    _domains_loaded = True
