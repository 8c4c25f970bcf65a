"""The [mail] table of config.toml: how crm-tui reaches the company's SMTP
server to send email. The password is never a setting: it is read, when
mail is sent, from the environment variable `password_env` names, or from
`password_file`, which must be readable by its owner alone.

    [mail]
    host = "smtp.example.com"
    port = 587
    security = "starttls"        # or "ssl" (port 465), or "none"
    user = "crm@example.com"
    password_env = "CRM_TUI_SMTP_PASSWORD"
    from_address = "news@example.com"
    from_name = "Example Ltd"
    ca_file = "/etc/ssl/example-ca.pem"   # a company's own CA; empty: the system's
"""

from __future__ import annotations

from dataclasses import dataclass, fields

SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class MailSettings:
    """The [mail] table, checked."""

    host: str = ""
    port: int = 587
    security: str = "starttls"
    user: str = ""
    password_env: str = "CRM_TUI_SMTP_PASSWORD"
    password_file: str = ""
    from_address: str = ""
    from_name: str = ""
    # where replies asking to unsubscribe go (List-Unsubscribe); empty: from_address
    unsubscribe_address: str = ""
    # the certificate authority the server's certificate is checked against
    # (a company's own CA, in PEM); empty: the system's
    ca_file: str = ""
    timeout_seconds: int = 30
    # a message the server refused for now is tried again, waiting longer each
    # time, until it has been tried this many times
    max_attempts: int = 5

    @property
    def configured(self) -> bool:
        """Whether mail can be sent at all (a server and a sender are named)."""
        return bool(self.host and self.from_address)


_FORMS = {
    "host": (str, 'a host name in quotes ("smtp.example.com")'),
    "port": (int, "a port number (587)"),
    "security": (str, 'one of "starttls", "ssl", "none"'),
    "user": (str, "a login in quotes"),
    "password_env": (str, "the name of an environment variable in quotes"),
    "password_file": (str, "a path in quotes"),
    "from_address": (str, 'an email address in quotes ("news@example.com")'),
    "from_name": (str, "a name in quotes"),
    "unsubscribe_address": (str, "an email address in quotes"),
    "ca_file": (str, "a path in quotes"),
    "timeout_seconds": (int, "a whole number of seconds"),
    "max_attempts": (int, "a whole number"),
}


def read_mail(table: dict) -> MailSettings:
    """The [mail] table as MailSettings; ValueError naming the key and the
    form it takes."""
    known = {f.name for f in fields(MailSettings)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ValueError(f"mail: unknown key(s) {', '.join(unknown)} (use {', '.join(known)})")
    for key, value in table.items():
        expected, form = _FORMS[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ValueError(f"mail.{key} must be {form}, not {value!r}")
    settings = MailSettings(**table)
    if settings.security not in SECURITY:
        raise ValueError(f"mail.security must be one of {', '.join(SECURITY)}")
    if not 0 < settings.port < 65536:
        raise ValueError(f"mail.port must be 1-65535, not {settings.port}")
    if not 1 <= settings.timeout_seconds <= 600:
        raise ValueError("mail.timeout_seconds must be 1-600")
    if not 1 <= settings.max_attempts <= 50:
        raise ValueError("mail.max_attempts must be 1-50")
    for key in ("from_address", "unsubscribe_address"):
        value = getattr(settings, key)
        if value and ("@" not in value or any(c in value for c in " <>,\r\n")):
            raise ValueError(f"mail.{key} must be one email address, not {value!r}")
    return settings
