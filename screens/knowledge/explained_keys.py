"""Keys that cannot run now say why. Textual leaves a key whose action
check_action refuses out of the footer and then ignores it, so a person who
presses it anyway sees nothing happen; on the knowledge screens such a key
answers with the reason instead (the role may not, or the article is not in
a state for it)."""

from __future__ import annotations

from textual import events
from textual.actions import parse

from crm_tui import keys


class ExplainedKeys:
    """Mixin for a Screen that also uses AccessKeys; list it first in the
    bases. KEY_SCOPE names the screen's own scope in the key registry."""

    KEY_SCOPE = ""

    def why_not(self, action: str, parameters: tuple) -> str:
        """The sentence shown when `action` is refused; the role's missing
        privilege unless the screen knows better."""
        return self.access_refusal(action) or "Not available here."

    def on_key(self, event: events.Key) -> None:
        if event.key in self.active_bindings:
            return  # a key that runs something now (here or in the focused widget)
        for binding in keys.SCOPES[self.KEY_SCOPE]:
            if event.key not in keys.keys_of(binding.id):
                continue
            _, action, parameters = parse(binding.action)
            if not self.check_action(action, parameters):
                event.stop()
                event.prevent_default()
                self.notify(self.why_not(action, parameters), severity="warning")
            return
