"""Who is working and with which settings; every service reads these."""

from __future__ import annotations

import os
import pwd
from collections.abc import Iterator
from contextlib import contextmanager

from crm_tui.config import Settings
from crm_tui.errors import CrmError, UnknownUser
from crm_tui.models import User

_state: dict = {"user": None, "settings": Settings(), "rule": None}


def os_login() -> str:
    """Who is running this process: the login of the real user id.

    The one answer to "who is this" everywhere. LOGNAME and USER are set by
    whoever starts the process, so they are never asked (getpass reads them
    first, which let anyone act as anyone)."""
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        raise CrmError(
            f"user id {uid} has no login name on this host; crm-tui needs an OS account"
        ) from None


def settings() -> Settings:
    return _state["settings"]


def configure(settings: Settings) -> None:
    _state["settings"] = settings


def current_user() -> User:
    user = _state["user"]
    if user is None:
        raise CrmError("no user is signed in")
    return user


def sign_in(login: str | None = None) -> User:
    """Map the OS login (or `login`) to its User; unknown or inactive logins are refused."""
    login = login or os_login()
    user = User.get_or_none(User.login == login)
    if user is None or not user.active:
        raise UnknownUser(login)
    _state["user"] = user
    return user


def refresh_user() -> None:
    """Read the signed-in person's role, team and state again: an admin may
    have changed them while this app runs. A deactivated person is refused."""
    user = _state["user"]
    if user is None:
        return
    fresh = User.get_or_none(User.id == user.id)
    if fresh is None or not fresh.active:
        raise UnknownUser(user.login)
    _state["user"] = fresh


def act_as(user: User | None) -> None:
    """Set the acting user directly (tests, seeding, the CLI's admin commands)."""
    _state["user"] = user


@contextmanager
def acting_as(user: User, *, rule_id: int | None = None) -> Iterator[User]:
    """Act as `user` for the block (a workflow rule acts with its owner's
    rights; `rule_id` names the rule in the audit), then as whoever acted
    before."""
    before = _state["user"], _state["rule"]
    _state["user"], _state["rule"] = user, rule_id if rule_id is not None else before[1]
    try:
        yield user
    finally:
        _state["user"], _state["rule"] = before


def acting_rule() -> int | None:
    """The workflow rule whose actions are running now, if any."""
    return _state["rule"]
