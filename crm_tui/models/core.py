"""Accounts, contacts, notes and activities (Dynamics' core entities)."""

from __future__ import annotations

from peewee import BlobField, DeferredForeignKey, ForeignKeyField, IntegerField, TextField

from crm_tui.models.base import BaseModel, MoneyField, OwnedModel, UTCDateTimeField


class Account(OwnedModel):
    state = TextField(default="active")
    name = TextField()
    name_sort = TextField()
    account_number = TextField(default="")
    parent = ForeignKeyField("self", null=True, column_name="parent_id", backref="children")
    primary_contact = DeferredForeignKey("Contact", null=True, column_name="primary_contact_id")
    industry = TextField(default="")
    phone = TextField(default="")
    email = TextField(default="")
    website = TextField(default="")
    street = TextField(default="")
    city = TextField(default="")
    state_province = TextField(default="")
    postal_code = TextField(default="")
    country = TextField(default="")
    annual_revenue = MoneyField(null=True)
    employees = IntegerField(null=True)
    description = TextField(default="")
    do_not_email = IntegerField(default=0)
    do_not_bulk_email = IntegerField(default=0)
    do_not_phone = IntegerField(default=0)
    do_not_mail = IntegerField(default=0)


class Contact(OwnedModel):
    state = TextField(default="active")
    first_name = TextField(default="")
    last_name = TextField()
    full_name = TextField()
    name_sort = TextField()
    job_title = TextField(default="")
    account = ForeignKeyField(Account, null=True, column_name="account_id", backref="contacts")
    email = TextField(default="")
    phone = TextField(default="")
    mobile = TextField(default="")
    street = TextField(default="")
    city = TextField(default="")
    state_province = TextField(default="")
    postal_code = TextField(default="")
    country = TextField(default="")
    description = TextField(default="")
    do_not_email = IntegerField(default=0)
    do_not_bulk_email = IntegerField(default=0)
    do_not_phone = IntegerField(default=0)
    do_not_mail = IntegerField(default=0)


class Note(OwnedModel):
    regarding_type = TextField()
    regarding_id = IntegerField()
    subject = TextField(default="")
    body = TextField(default="")
    attachment_name = TextField(null=True)
    attachment_mime = TextField(null=True)
    attachment_size = IntegerField(null=True)
    attachment = BlobField(null=True)


class Activity(OwnedModel):
    kind = TextField()
    state = TextField()
    status_reason = TextField(default="")
    subject = TextField()
    description = TextField(default="")
    regarding_type = TextField(null=True)
    regarding_id = IntegerField(null=True)
    direction = TextField(null=True)
    priority = TextField(default="normal")
    scheduled_start = UTCDateTimeField(null=True)
    due_at = UTCDateTimeField(null=True)
    actual_end = UTCDateTimeField(null=True)
    duration_minutes = IntegerField(null=True)
    location = TextField(default="")
    follow_up_of = ForeignKeyField("self", null=True, column_name="follow_up_of_id")
    sort_at = UTCDateTimeField()


class ActivityParty(BaseModel):
    activity = ForeignKeyField(
        Activity, column_name="activity_id", backref="parties", on_delete="CASCADE"
    )
    participation = TextField()
    party_type = TextField(null=True)
    party_id = IntegerField(null=True)
    address = TextField(default="")
