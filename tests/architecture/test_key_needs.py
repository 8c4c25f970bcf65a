"""The keys' needs (crm_tui/keys/needs.py) name real keys and real states:
a typo would offer a key in no state at all, or in every one."""

from __future__ import annotations

from crm_tui import keys, meta
from crm_tui.keys.needs import EDITABLE, NEEDS, OPEN
from crm_tui.meta.states import MACHINES

TRANSITIONS = {t.name for machine in MACHINES.values() for t in machine.transitions}


def test_every_need_is_of_a_key_in_the_registry():
    assert set(NEEDS) <= set(keys.DEFAULTS), set(NEEDS) - set(keys.DEFAULTS)


def test_every_need_is_a_state_or_transitions_a_person_makes():
    for binding_id, need in NEEDS.items():
        if need in (OPEN, EDITABLE):
            continue
        assert isinstance(need, tuple) and need, binding_id
        assert set(need) <= TRANSITIONS, (binding_id, set(need) - TRANSITIONS)


def test_editable_states_are_states_of_their_machine():
    for name, machine in MACHINES.items():
        for code in machine.editable or ():
            assert code in machine.codes, (name, code)
    # the documents' services refuse the same (lines and header)
    from crm_tui.services.sales import documents, lines

    for kind in ("quote", "order", "invoice"):
        assert meta.kind(kind).states.editable == (documents.EDITABLE[kind],)
    for kind in ("quote", "order", "invoice", "opportunity"):
        assert meta.kind(kind).states.editable == (lines.KINDS[kind].editable_state,)
