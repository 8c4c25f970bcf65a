"""The rules running now in this process, innermost last: a change a rule
makes carries them, so a rule that triggers rules that trigger it again is
stopped, naming them, instead of running for ever."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from crm_tui.errors import DomainError

# Rules may set off rules this deep (a rule run by one rule's change is one
# deeper); Dynamics stops at a depth of 8 too.
MAX_DEPTH = 8

_running: list[str] = []


class RuleLoop(DomainError):
    """Rules set each other off past MAX_DEPTH."""


def running() -> tuple[str, ...]:
    """The rules running now, outermost first."""
    return tuple(_running)


@contextmanager
def entered(rule_name: str, where: Callable[[], str]) -> Iterator[None]:
    """Run a rule inside those running now; RuleLoop past MAX_DEPTH, naming
    the record (`where()`) and the rules."""
    if len(_running) >= MAX_DEPTH:
        steps = " → ".join([*_running, rule_name])
        raise RuleLoop(
            f"rules set each other off more than {MAX_DEPTH} deep on {where()} and were "
            f"stopped: {steps}"
        )
    _running.append(rule_name)
    try:
        yield
    finally:
        _running.pop()
