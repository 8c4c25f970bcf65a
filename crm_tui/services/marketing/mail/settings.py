"""The SMTP server's settings in force (config.toml's [mail] table, read by
crm_tui/config_mail.py) and its password, read when mail is sent: from the
environment variable the settings name, or from a file that only its owner
may read. The password is never stored in the database."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from crm_tui.config_mail import MailSettings, read_mail
from crm_tui.errors import DomainError
from crm_tui.services import session


def current() -> MailSettings:
    """The [mail] settings of this process."""
    return read_mail(session.settings().mail)


def require_configured() -> MailSettings:
    """The settings, or a refusal saying what to set."""
    settings = current()
    if not settings.configured:
        raise DomainError(
            "email is not set up: name the SMTP server and the sender in config.toml "
            '([mail] host = "smtp.example.com", from_address = "news@example.com")'
        )
    return settings


def password(settings: MailSettings) -> str:
    """The SMTP password: the `password_file`'s first line when one is named
    (refused unless only its owner may read it), else the environment
    variable `password_env`; "" when neither is given (a server that needs
    no login)."""
    if settings.password_file:
        path = Path(settings.password_file).expanduser()
        try:
            mode = path.stat().st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise DomainError(
                    f"{path} may be read by others (mode {stat.filemode(mode)}): "
                    f"make it readable by its owner alone (chmod 600 {path})"
                )
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise DomainError(f"the SMTP password file cannot be read: {exc.strerror}") from None
        return lines[0] if lines else ""
    return os.environ.get(settings.password_env, "")
