"""Acting as one of the generated users while a measurement runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from crm_tui.models import User
from crm_tui.services import session


@contextmanager
def signed_in(login: str) -> Iterator[User]:
    """Act as `login` for the block, then as whoever acted before."""
    before = session._state["user"]
    user = User.get(User.login == login)
    session.act_as(user)
    try:
        yield user
    finally:
        session.act_as(before)
