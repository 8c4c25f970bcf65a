"""Who is working and with which settings; every service reads these."""

from __future__ import annotations

import getpass

from crm_tui.config import Settings
from crm_tui.errors import CrmError, UnknownUser
from crm_tui.models import User

_state: dict = {"user": None, "settings": Settings()}


def os_login() -> str:
    return getpass.getuser()


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


def act_as(user: User | None) -> None:
    """Set the acting user directly (tests, seeding, the CLI's admin commands)."""
    _state["user"] = user
