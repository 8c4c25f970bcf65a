"""Screens kept once built and shown again: a kind's record detail, the
activity modal. Showing one again fills widgets that exist; building it
composes, mounts and styles every widget again, which on a detail or a modal
is most of the time a key takes to answer (about 100 ms of Textual's work
against a millisecond of the database's).

A kept screen is installed (Textual keeps an installed screen when it is
popped) and taken again only while it is on no area's stack: an account
opened from an account, or a modal over its own kind, gets a new screen of
its own, which goes when it is closed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.app import App
from textual.screen import Screen

S = TypeVar("S", bound=Screen)


def kept_screen(
    app: App,
    name: str,
    build: Callable[[], S],
    again: Callable[[S], None],
    fits: Callable[[S], bool] = lambda screen: True,
) -> S:
    """The screen kept under `name`, passed to `again` (which points it at
    what it shows now) when it is free and `fits`; else a new one from
    `build`, kept in place of a free one that does not fit, or if none is
    kept yet."""
    kept: dict[str, Screen] = app.__dict__.setdefault("_kept_screens", {})
    screen = kept.get(name)
    free = screen is not None and not _on_a_stack(app, screen)
    if free and fits(screen):
        again(screen)
        return screen
    if free:
        # on no stack, nothing else would ever remove it
        app.uninstall_screen(screen)
        screen.remove()
        del kept[name]
    screen = build()
    if name not in kept:
        kept[name] = screen
        app.install_screen(screen, f"kept-{name}")
    return screen


def _on_a_stack(app: App, screen: Screen) -> bool:
    # every area's stack (Textual 8 keeps one per mode), not only the current
    return any(screen in stack for stack in app._screen_stacks.values())
