"""Command-palette providers: the actions valid for the focused record (only
legal transitions). "Go to" any record queries the services, so it is a
screens' provider (crm_tui.screens.common.palette)."""

from __future__ import annotations

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from crm_tui import meta


def guarded(provider: Provider, callback):
    """The command run through the app's reporting of refusals and faults."""
    guard = getattr(provider.app, "guarded", None)
    return guard(callback) if guard is not None else callback


class RecordActionsProvider(Provider):
    """What can be done to the record on screen or under the cursor."""

    def _actions(self):
        actions = getattr(self.screen, "record_actions", None)
        if actions is None:
            return []
        # An action the screen's keys refuse (its role does not allow it) is
        # not offered here either.
        return [a for a in actions() if self._offered(a[2])]

    def _offered(self, callback) -> bool:
        # a bound action_* method, or a callable a screen tagged with its action
        action = getattr(callback, "action", None)
        if action is None:
            name = getattr(callback, "__name__", "")
            if (
                not name.startswith("action_")
                or getattr(callback, "__self__", None) is not self.screen
            ):
                return True
            action = name.removeprefix("action_")
        return self.screen.check_action(action, ()) is not False

    async def discover(self) -> Hits:
        for title, help_text, callback in self._actions():
            yield DiscoveryHit(Text(title), guarded(self, callback), text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._actions():
            score = matcher.match(title)
            if score > 0:
                # matcher.highlight() parses markup; titles are shown literally instead
                yield Hit(score, Text(title), guarded(self, callback), text=title, help=help_text)


def record_actions(kind: str, state: str | None, edit, log, toggle) -> list[tuple]:
    """The palette actions every record has: edit, log an activity, and the
    one state change that is legal now (none when `state` is unknown)."""
    noun = meta.kind(kind).label.lower()
    actions = [
        (f"Edit this {noun}", "Change its fields", edit),
        ("Log an activity", "Call, email, meeting, task, letter or note", log),
    ]
    if state == "active":
        actions.append((f"Deactivate this {noun}", "Hide it from active views", toggle))
    elif state is not None:
        actions.append((f"Reactivate this {noun}", "Bring it back to active views", toggle))
    return actions
