"""Errors a person can act on. Services raise these; screens and the CLI show
their message as it is."""

from __future__ import annotations

from typing import Any


class CrmError(Exception):
    """Base for every error crm-tui shows to a person."""


class DatabaseRefused(CrmError):
    """The database cannot be opened safely (network file system, newer schema, ...)."""


class DomainError(CrmError):
    """An operation the data or its state machine does not allow."""


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class ValidationError(DomainError):
    """One or more fields are wrong; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in self.errors.items()))


class QueryError(DomainError):
    """What a typed query (services/query) gets wrong, in one line;
    `position` is where in the text."""

    def __init__(self, message: str, position: int = 0):
        self.position = position
        super().__init__(message)


class ConflictError(DomainError):
    """Someone saved the record since it was read.

    `current` holds the stored values and `version` the stored version, so a
    screen can show a field-by-field diff and offer reload or overwrite.
    """

    def __init__(
        self,
        record_type: str,
        record_id: int,
        version: int,
        current: dict[str, Any],
        modified_by: str = "",
    ):
        self.record_type = record_type
        self.record_id = record_id
        self.version = version
        self.current = current
        self.modified_by = modified_by
        who = f" by {modified_by}" if modified_by else ""
        super().__init__(
            f"This {record_type} was changed{who} since you opened it; "
            "reload it, or overwrite with your version"
        )


class UnknownUser(CrmError):
    def __init__(self, login: str):
        self.login = login
        super().__init__(
            f"{login!r} is not a user of this database; ask an admin: crm-tui users add {login}"
        )


class DatabaseFault(CrmError):
    """The database could not do what was asked (busy, full, read-only, an I/O
    error, the file gone). Nothing was saved; the message says what happened
    and what to do, in one sentence. `retry` tells whether trying again soon
    can succeed without anyone doing anything."""

    retry = False


class DatabaseBusy(DatabaseFault):
    retry = True
