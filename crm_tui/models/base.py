"""Shared model plumbing: the database binding, UTC time and money fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from peewee import (
    AutoField,
    DeferredForeignKey,
    Field,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from crm_tui.db import database

# Where the time a write is stamped with comes from: the real clock, or one
# set for a block by `stamped_by` (seeding back-dated demo data), so that
# every service stamps the same time however its modules are split.
_clock: Callable[[], dt.datetime] | None = None


def utcnow() -> dt.datetime:
    """The time a write is stamped with (UTC)."""
    return _clock() if _clock is not None else dt.datetime.now(dt.UTC)


@contextmanager
def stamped_by(clock: Callable[[], dt.datetime]) -> Iterator[None]:
    """Stamp every write in the block with `clock()` instead of the real time."""
    global _clock
    saved, _clock = _clock, clock
    try:
        yield
    finally:
        _clock = saved


def to_db_time(value: dt.datetime | None) -> str | None:
    """UTC, fixed width, so that text order is time order."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime: times must carry a zone")
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def from_db_time(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


class UTCDateTimeField(Field):
    """Aware datetimes stored as UTC ISO text."""

    field_type = "TEXT"

    def db_value(self, value):
        if isinstance(value, str):
            return value
        return to_db_time(value)

    def python_value(self, value):
        return from_db_time(value)


class MoneyField(IntegerField):
    """Money in integer minor units (cents); services convert to Decimal."""


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class User(BaseModel):
    id = AutoField()
    login = TextField(unique=True)
    full_name = TextField()
    role = TextField()
    active = IntegerField(default=1)
    created_at = UTCDateTimeField()
    # Users with the same non-empty team see each other's pipeline as "team".
    team = TextField(default="")

    class Meta:
        table_name = "user"


class OwnedModel(BaseModel):
    """Every owned record: version for optimistic concurrency, audit stamps, owner."""

    id = AutoField()
    version = IntegerField(default=1)
    created_at = UTCDateTimeField()
    created_by = ForeignKeyField(User, null=True, column_name="created_by_id", backref="+")
    modified_at = UTCDateTimeField()
    modified_by = ForeignKeyField(User, null=True, column_name="modified_by_id", backref="+")
    owner = ForeignKeyField(User, column_name="owner_id", backref="+")


__all__ = [
    "BaseModel",
    "DeferredForeignKey",
    "MoneyField",
    "OwnedModel",
    "UTCDateTimeField",
    "User",
    "from_db_time",
    "to_db_time",
    "utcnow",
]
