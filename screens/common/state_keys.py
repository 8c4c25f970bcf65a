"""Keys offered only while the record's state allows them, from one table:
what each key needs (crm_tui/keys/needs.py: an open state, an editable one,
or a transition of the kind's state machine). Textual leaves a key whose
check_action refuses out of the footer and `?`, and ignores it; pressed
anyway, such a key says why in one line (the state, or the role's missing
privilege) and which keys change the state now. The services refuse the
same actions on their own."""

from __future__ import annotations

from functools import cache

from textual import events
from textual.actions import parse
from textual.binding import Binding

from crm_tui import display, keys, meta
from crm_tui.keys.needs import EDITABLE, OPEN


@cache
def bindings_of(screen_class: type) -> tuple[Binding, ...]:
    """The registry's bindings of a screen class and its bases, one per id."""
    found: dict[str, Binding] = {}
    for cls in reversed(screen_class.__mro__):
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                found[binding.id] = binding
    return tuple(found.values())


@cache
def _parsed(action: str) -> tuple[str, tuple]:
    _, name, parameters = parse(action)
    return name, parameters


class StateKeys:
    """Mixin for a record's Screen that also uses AccessKeys; list it before
    AccessKeys. The screen has KIND and `record` (None until it is read)."""

    KIND = ""
    record = None

    # --- what the record's state allows ----------------------------------------

    def _machine_and_state(self):
        machine = meta.kind(self.KIND).states if self.KIND else None
        if machine is None or self.record is None:
            return None, None
        return machine, getattr(self.record, machine.attribute)

    def _binding_for(self, action: str, parameters: tuple) -> Binding | None:
        for binding in bindings_of(type(self)):
            if _parsed(binding.action) == (action, tuple(parameters)):
                return binding
        return None

    def state_allows(self, binding: Binding) -> bool:
        """Whether the record's state allows the key `binding` now."""
        need = keys.need(binding.id)
        machine, state = self._machine_and_state()
        if need is None or machine is None:
            return True
        if need == OPEN:
            return machine.is_open(state)
        if need == EDITABLE:
            return machine.is_editable(state)
        return any(t.name in need for t in machine.transitions_from(state))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        binding = self._binding_for(action, parameters)
        if binding is not None and not self.state_allows(binding):
            return False
        return super().check_action(action, parameters)

    def key_facts(self) -> tuple:
        """What else of the record a screen's keys depend on (a case's
        holder), so that a change of it redraws the footer too."""
        return ()

    def state_keys_changed(self) -> None:
        """Call when the record was read again: the footer is redrawn only if
        its state (and so the keys it allows) changed."""
        machine, state = self._machine_and_state()
        shown = (state, getattr(self.record, "status_reason", None), *self.key_facts())
        if shown != getattr(self, "_state_keyed", None):
            self._state_keyed = shown
            self.refresh_bindings()

    # --- saying why ------------------------------------------------------------------

    def state_steps(self) -> str:
        """The keys that change the record's state now: "u submit, X cancel"."""
        machine, state = self._machine_and_state()
        if machine is None:
            return ""
        legal = machine.transitions_from(state)
        # in the state machine's order, as a person reads the record's life
        shown: dict[str, int] = {}
        for binding in bindings_of(type(self)):
            need = keys.need(binding.id)
            if not isinstance(need, tuple) or not self.check_action(*_parsed(binding.action)):
                continue
            index, label = next((i, t.label) for i, t in enumerate(legal) if t.name in need)
            shown.setdefault(f"{keys.key(binding.id)} {label.lower()}", index)
        return ", ".join(sorted(shown, key=shown.__getitem__))

    def state_refusal(self, binding: Binding) -> str:
        """Why the record's state refuses `binding`, in one line."""
        machine, state = self._machine_and_state()
        noun = display.kind_noun(self.KIND)
        need = keys.need(binding.id)
        if isinstance(need, tuple) and not any(t.name in need for t in machine.transitions):
            article = "an" if noun[:1] in "aeiou" else "a"
            return f"{binding.description}: not a step of {article} {noun}."
        if need == OPEN:
            allowed = machine.open_states
        elif need == EDITABLE:
            allowed = machine.editable or machine.codes
        else:
            sources = {s for t in machine.transitions if t.name in need for s in t.sources}
            allowed = tuple(code for code in machine.codes if code in sources)
        when = " or ".join(machine.state_label(code).lower() for code in allowed)
        now = machine.state_label(state).lower()
        text = f"{binding.description}: only while this {noun} is {when}; it is {now}."
        steps = self.state_steps()
        if steps:
            return f"{text} Possible now: {steps}."
        if not machine.transitions_from(state):
            return f"{text} Its state is final."
        return text

    def why_not(self, binding: Binding) -> str:
        if not self.state_allows(binding):
            return self.state_refusal(binding)
        action, _ = _parsed(binding.action)
        return self.access_refusal(action) or f"{binding.description}: not available here."

    def explain(self, action: str, parameters: tuple = ()) -> None:
        """Say why `action` cannot run now (a palette command or a row's enter
        that reached an action its key would not have run)."""
        binding = self._binding_for(action, parameters)
        if binding is not None:
            self.notify(self.why_not(binding), severity="warning")

    def on_key(self, event: events.Key) -> None:
        if event.key in self.active_bindings:
            return  # a key that runs something now (here or in the focused widget)
        for binding in bindings_of(type(self)):
            if event.key not in keys.keys_of(binding.id):
                continue
            if not self.check_action(*_parsed(binding.action)):
                event.stop()
                event.prevent_default()
                self.notify(self.why_not(binding), severity="warning")
            return
