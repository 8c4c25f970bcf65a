"""The audit trail: who changed what, when, old -> new."""

from __future__ import annotations

from peewee import ForeignKeyField, IntegerField, TextField

from crm_tui.models.base import BaseModel, User, UTCDateTimeField


class AuditEntry(BaseModel):
    at = UTCDateTimeField()
    user = ForeignKeyField(User, null=True, column_name="user_id", backref="+")
    record_type = TextField()
    record_id = IntegerField()
    action = TextField()
    changes = TextField(default="{}")
    # the workflow rule that made the change, when one did (its owner is `user`)
    rule_id = IntegerField(null=True)


class Meta(BaseModel):
    key = TextField(primary_key=True)
    value = TextField()
