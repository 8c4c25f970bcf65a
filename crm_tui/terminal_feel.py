"""How soon a key shows: no animations, escape read as escape at once, and
a changed screen drawn without waiting for a 60 Hz tick.

Both are Textual's defaults for a general app, and both cost a desk key its
answer. A sliding tab underline or a smooth scroll is a stream of frames for
a third of a second after the key, and over SSH every frame is bytes on a
slow link. Escape, the key that leaves every modal and form, is held in case
it starts a longer key sequence: 100 ms, and then until the terminal reader
next wakes, which it does every 100 ms. A terminal sends a sequence in one
write, so 25 ms still tells them apart across a network, and a reader that
wakes every 25 ms (a select() call, nothing more) sees the time pass.

A screen draws what changed on a clock of 60 ticks a second, and a key's
answer often takes several draws in a row (the new screen, then its rows,
then its footer), each waiting up to 17 ms for the next tick: opening a
record waited 20–30 ms for nothing. At 240 ticks the wait is 4 ms; the
clock runs only while something is to be drawn, so an idle app costs the
same, and a frame is still only what changed.

Each stays the person's to choose: TEXTUAL_ANIMATIONS, ESCDELAY and
TEXTUAL_FPS in the environment win over these defaults.
"""

from __future__ import annotations

import os
import selectors
import sys
import types

from textual import constants

ESCAPE_DELAY_S = 0.025
FRAMES_PER_SECOND = 240


class _PromptSelector(selectors.SelectSelector):
    """Waits at most ESCAPE_DELAY_S, so a lone escape is seen as one soon."""

    def select(self, timeout: float | None = None):
        if timeout is None or timeout > ESCAPE_DELAY_S:
            timeout = ESCAPE_DELAY_S
        return super().select(timeout)


def prompt_reader(driver: type, environ=os.environ) -> bool:
    """Make the POSIX terminal reader of `driver` wake within the escape
    delay; whether it did. Done when the driver is chosen rather than when
    the app is made, so a start that draws elsewhere (a test, a headless
    run) does not import the terminal driver for nothing."""
    if "ESCDELAY" in environ:
        return False
    module = sys.modules.get(driver.__module__)
    # the reader's module builds its selector from this name when it starts
    if module is None or getattr(module, "selectors", None) is not selectors:
        return False  # not the POSIX reader, or already made prompt
    shim = types.SimpleNamespace(**vars(selectors))
    shim.SelectSelector = _PromptSelector
    module.selectors = shim
    return True


def _prompt_frames() -> None:
    from textual import screen

    # read when each screen starts its drawing clock
    screen.UPDATE_PERIOD = 1 / FRAMES_PER_SECOND


def apply(app, environ=os.environ) -> None:
    """Set the app's defaults, unless the environment names its own."""
    if "TEXTUAL_ANIMATIONS" not in environ:
        app.animation_level = "none"
    if "ESCDELAY" not in environ:
        constants.ESCAPE_DELAY = ESCAPE_DELAY_S  # read by the key parser at each escape
    if "TEXTUAL_FPS" not in environ:
        _prompt_frames()
