"""State machines as data: states (with their status reasons and whether
they count as open), and the transitions the services perform."""

from __future__ import annotations

from dataclasses import dataclass

from crm_tui.errors import NotFound
from crm_tui.meta.options import Option


@dataclass(frozen=True)
class State:
    """One state (Dynamics' statecode) and the status reasons (statuscode)
    a record in it may have."""

    code: str
    label: str
    # Open states are the work still going on (the "open" / "active" views);
    # closed ones are finished and mostly read-only.
    is_open: bool
    reasons: tuple[Option, ...] = ()


@dataclass(frozen=True)
class Transition:
    """A change of state (or of status reason within a state) that a
    service function performs; `name` is that function's name."""

    name: str
    label: str  # the command a person chooses ("Resolve")
    sources: tuple[str, ...]
    target: str
    # The status reasons it may set, the default first; empty: the kind has none.
    reasons: tuple[str, ...] = ()
    # Made by the date with nobody pressing a key (expiry, scheduled publishing).
    by_system: bool = False


@dataclass(frozen=True)
class StateMachine:
    """The states of a kind, stored in `attribute` (and the status reason in
    `reason_attribute`), and the transitions between them."""

    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    initial: str
    initial_reason: str | None = None
    attribute: str = "state"
    reason_attribute: str | None = None
    # The states in which a person may change a record's fields (and lines);
    # None: every state. The services refuse the others themselves.
    editable: tuple[str, ...] | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        """Every state code, in display order."""
        return tuple(s.code for s in self.states)

    @property
    def open_states(self) -> tuple[str, ...]:
        """The codes of the open states."""
        return tuple(s.code for s in self.states if s.is_open)

    @property
    def closed_states(self) -> tuple[str, ...]:
        """The codes of the closed states."""
        return tuple(s.code for s in self.states if not s.is_open)

    @property
    def reasons(self) -> tuple[Option, ...]:
        """Every status reason, grouped by state in display order."""
        return tuple(r for s in self.states for r in s.reasons)

    def state(self, code: str) -> State:
        """The state stored as `code`; NotFound for an unknown one."""
        for state in self.states:
            if state.code == code:
                return state
        raise NotFound(f"there is no state {code!r}")

    def state_label(self, code: str) -> str:
        """What a person reads for the state `code` ("In progress")."""
        return self.state(code).label

    def is_open(self, code: str) -> bool:
        """Whether the state `code` counts as open."""
        return self.state(code).is_open

    def is_editable(self, code: str) -> bool:
        """Whether a record in the state `code` may have its fields changed."""
        self.state(code)
        return self.editable is None or code in self.editable

    def reason_codes(self, state: str) -> tuple[str, ...]:
        """The status reasons a record in `state` may have."""
        return tuple(r.code for r in self.state(state).reasons)

    def reason_label(self, code: str) -> str:
        """What a person reads for the status reason `code`."""
        for reason in self.reasons:
            if reason.code == code:
                return reason.label
        raise NotFound(f"there is no status reason {code!r}")

    def state_of_reason(self, code: str) -> str:
        """The state a status reason belongs to."""
        for state in self.states:
            if any(r.code == code for r in state.reasons):
                return state.code
        raise NotFound(f"there is no status reason {code!r}")

    def transition(self, name: str) -> Transition:
        """The transition performed by the service function `name`."""
        for transition in self.transitions:
            if transition.name == name:
                return transition
        raise NotFound(f"there is no transition {name!r}")

    def transitions_from(self, state: str, *, by_person: bool = True) -> tuple[Transition, ...]:
        """The transitions legal from `state` (by default only those a person makes)."""
        self.state(state)
        return tuple(
            t for t in self.transitions if state in t.sources and not (by_person and t.by_system)
        )

    def can(self, source: str, target: str) -> bool:
        """Whether some transition (a person's or the system's) leads from
        `source` to `target`."""
        return any(source in t.sources and t.target == target for t in self.transitions)
