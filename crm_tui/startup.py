"""The app's start: no garbage collection before its first frame.

Starting imports several hundred modules and builds the first screen: tens of
thousands of objects that live as long as the app. The cyclic garbage
collector would walk them again and again meanwhile (one full collection is
tens of milliseconds) and find next to nothing to free. So the command line
pauses it as it starts, before it parses its arguments, opens the database
and imports the app; the app resumes it once its first screen is laid out,
freezing what exists then: later collections, while a person types, walk
only what was made since.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argparse import Namespace

_state = {"paused": False}


def pause_collector() -> None:
    """Stop cyclic garbage collection until `resume_collector`."""
    if gc.isenabled():
        gc.disable()
        _state["paused"] = True


def resume_collector(*, freeze: bool = True) -> None:
    """Collect again; with `freeze`, never again walk what exists now. Only
    undoes `pause_collector`: a process that never paused it is left alone."""
    if _state["paused"]:
        _state["paused"] = False
        if freeze:
            gc.freeze()
        gc.enable()


def parse_args(parse: Callable[[], Namespace]) -> Namespace:
    """The command line's arguments, parsed with the collector paused; it
    stays paused for the app (no command), which resumes it at its first
    frame, and collects again at once for any other command, or when the
    arguments are refused or only ask for help."""
    pause_collector()
    try:
        args = parse()
    except BaseException:
        resume_collector(freeze=False)
        raise
    if args.command is not None:
        resume_collector(freeze=False)
    return args
