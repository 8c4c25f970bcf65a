"""Type-ahead: every key reaches the app in the order it was typed, after
the keys before it have done all they do.

Textual routes a key the moment the app takes it off its queue: to the
widget focused then, or, for a priority binding (ctrl+s saves a form),
straight to the binding's action. The widget handles the key later, on its
own queue, and a key it does not handle travels back up through its
parents' queues to the app, which only then runs a binding such as `n`
(new record). Keys that arrive together (a paste, a fast typist over a slow
link, a loaded machine) are all routed before the first of them is done:

- the keys typed behind `n` go to the list underneath, not to the form `n`
  opens, and are dropped there;
- while a new screen mounts nothing in it has focus yet: keys go to the
  screen and are dropped;
- ctrl+s saves the form while the characters typed before it still wait
  in the field's queue ("Tab" saved of "Tabriz Carpet House", the rest
  typed into a closed form);
- the letters typed after tab go to the field tab leaves.

`KeysInOrder` holds each key until the one before it is done: it has been
through the queues of the widget it went to and of every parent up to the
app (so a binding it fired has run), and the screen showing then has
mounted and taken focus. It follows a key with a callback through those
queues; each queue runs messages in order, so the callback runs after the
key. A key typed when nothing is in flight goes through at once, unless a
screen has come up since the last key (a callback or a timer showed it):
then it waits for that screen to mount and take its focus.
"""

from __future__ import annotations

from collections import deque
from time import monotonic

from textual import events
from textual.app import App
from textual.dom import NoScreen
from textual.message_pump import MessagePump

# A key in flight is given up on when the queue it is followed through closed
# before the callback ran, or after this long without progress (a handler that
# never returns); the keys behind it then go through as Textual routes them.
STALL_SECONDS = 10.0
# How often held keys look for such a key.
CHECK_SECONDS = 0.5


class _Flight:
    """The key in flight; callbacks of a key given up on are ignored."""

    __slots__ = ("event", "progress", "screen", "waiting_on")

    def __init__(self, event: events.Event) -> None:
        self.event = event
        self.progress = monotonic()
        # the screen it waits to mount and resume, once the key is done
        self.screen: MessagePump | None = None
        # the queue holding the callback that follows the key
        self.waiting_on: MessagePump | None = None

    def wait_on(self, pump: MessagePump) -> None:
        self.waiting_on = pump
        self.progress = monotonic()

    @property
    def lost(self) -> bool:
        # a closing queue still runs what it holds; a closed one never will
        pump = self.waiting_on
        if pump is not None and pump._closed:
            return True
        return monotonic() - self.progress > STALL_SECONDS


class KeysInOrder(App):
    """Mixed into the app ahead of `App`."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._typed_ahead: deque[events.Event] = deque()
        self._flight: _Flight | None = None
        self._check_timer = None
        # the screen that has mounted and taken its focus since it was shown
        self._ready_screen: MessagePump | None = None

    @property
    def keys_in_flight(self) -> int:
        """Keys typed and not yet done (the one in flight and those held)."""
        return len(self._typed_ahead) + (self._flight is not None)

    async def on_event(self, event: events.Event) -> None:
        # A forwarded key is one already routed, back at the app to run bindings.
        if not isinstance(event, events.Key | events.Paste) or event.is_forwarded:
            await super().on_event(event)
            return
        self._typed_ahead.append(event)
        if self._flight is not None and self._flight.lost:
            self._flight = None
        if self._flight is None and not self._screen_ready():
            # a screen shown by other means than a key (a callback, a timer)
            # takes no key before it has mounted and taken its focus
            self._flight = _Flight(event)
            self._on_screen(self._flight)
        if self._flight is None:
            await self._release()
        elif self._check_timer is None:
            self._check_timer = self.set_timer(CHECK_SECONDS, self._check)

    def _screen_ready(self) -> bool:
        try:
            return self.screen is self._ready_screen
        except NoScreen:
            return True

    async def _release(self) -> None:
        """Route the next held key as Textual would, and follow it."""
        while self._typed_ahead:
            event = self._typed_ahead.popleft()
            try:
                target: MessagePump = self.focused or self.screen
            except NoScreen:
                # no screen to follow it to (the app starting or closing)
                await super().on_event(event)
                continue
            flight = self._flight = _Flight(event)
            await super().on_event(event)
            if self._flight is flight:
                self._follow(flight, target)
            return
        self._flight = None
        if self._check_timer is not None:
            self._check_timer.stop()
            self._check_timer = None

    def _follow(self, flight: _Flight, node: MessagePump | None) -> None:
        """After `node` has handled the key: on to its parent, or, once the
        key has stopped or reached the app, to the screen showing then."""
        if self._flight is not flight:
            return
        while node is not None and node is not self:
            if node.call_later(self._followed, flight, node):
                flight.wait_on(node)
                return
            node = node._parent  # closed: the key went no further there
        self._settle(flight)

    def _followed(self, flight: _Flight, node: MessagePump) -> None:
        if flight.event._stop_propagation:
            # handled here (or passed on to the app, its last stop)
            self._settle(flight)
        else:
            self._follow(flight, node._parent)

    def _settle(self, flight: _Flight) -> None:
        """The key has stopped, or waits on the app's queue: once the app has
        run its binding, the screen showing then (one the key opened, or one
        a closed modal uncovered) mounts and resumes, and the app sets the
        focus that asked for, before the next key."""
        if self._flight is flight:
            flight.wait_on(self)
            self.call_later(self._on_screen, flight)

    def _on_screen(self, flight: _Flight) -> None:
        if self._flight is not flight:
            return
        flight.screen = screen = self.screen

        def screen_ready() -> None:
            flight.wait_on(self)
            self.call_later(self._landed, flight)

        if screen.call_later(screen_ready):
            flight.wait_on(screen)
        else:
            screen_ready()

    async def _landed(self, flight: _Flight) -> None:
        if self._flight is not flight:
            return
        if self.screen is not flight.screen:
            # another screen came up meanwhile: wait for that one too
            self._on_screen(flight)
            return
        self._ready_screen = flight.screen
        await self._release()

    async def _check(self) -> None:
        self._check_timer = None
        flight = self._flight
        if flight is None:
            return
        if flight.lost:
            self._flight = None
            await self._release()
        else:
            self._check_timer = self.set_timer(CHECK_SECONDS, self._check)
