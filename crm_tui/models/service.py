"""Service: queues, cases, contracts with allotment lines, and scheduling
(services, resources, bookings). Times are aware UTC datetimes."""

from __future__ import annotations

from peewee import ForeignKeyField, IntegerField, TextField
from playhouse.apsw_ext import DateField  # stores ISO text; APSW adapts no dates itself

from crm_tui.models.base import BaseModel, OwnedModel, User, UTCDateTimeField
from crm_tui.models.core import Account, Activity, Contact


class Queue(OwnedModel):
    state = TextField(default="active")
    name = TextField(unique=True)
    description = TextField(default="")


class QueueMember(BaseModel):
    queue = ForeignKeyField(Queue, column_name="queue_id", backref="+")
    user = ForeignKeyField(User, column_name="user_id", backref="+")


class Contract(OwnedModel):
    state = TextField(default="draft")
    number = TextField(unique=True)
    name = TextField()
    name_sort = TextField()
    account = ForeignKeyField(Account, null=True, column_name="account_id", backref="+")
    contact = ForeignKeyField(Contact, null=True, column_name="contact_id", backref="+")
    starts_on = DateField()
    ends_on = DateField()
    description = TextField(default="")


class ContractLine(BaseModel):
    contract = ForeignKeyField(Contract, column_name="contract_id", backref="+")
    line_number = IntegerField()
    title = TextField()
    product_id = IntegerField(null=True)
    allotment_type = TextField()  # cases · minutes · coverage
    total = IntegerField(null=True)
    used = IntegerField(default=0)
    starts_on = DateField()
    ends_on = DateField()


class Case(OwnedModel):
    state = TextField(default="active")
    status_reason = TextField(default="in_progress")
    number = TextField(unique=True)
    title = TextField()
    title_sort = TextField()
    account = ForeignKeyField(Account, null=True, column_name="account_id", backref="+")
    contact = ForeignKeyField(Contact, null=True, column_name="contact_id", backref="+")
    description = TextField(default="")
    case_type = TextField(default="question")
    origin = TextField(default="phone")
    priority = TextField(default="normal")
    severity = TextField(default="default")
    product_id = IntegerField(null=True)
    subject = TextField(default="")
    queue = ForeignKeyField(Queue, null=True, column_name="queue_id", backref="+")
    contract = ForeignKeyField(Contract, null=True, column_name="contract_id", backref="+")
    contract_line = ForeignKeyField(
        ContractLine, null=True, column_name="contract_line_id", backref="+"
    )
    parent_case = ForeignKeyField("self", null=True, column_name="parent_case_id", backref="+")
    merged_into = ForeignKeyField("self", null=True, column_name="merged_into_id", backref="+")
    follow_up_by = UTCDateTimeField(null=True)
    first_response_by = UTCDateTimeField(null=True)
    resolve_by = UTCDateTimeField(null=True)
    first_responded_at = UTCDateTimeField(null=True)
    resolved_at = UTCDateTimeField(null=True)
    paused_since = UTCDateTimeField(null=True)
    paused_minutes = IntegerField(default=0)
    billable_minutes = IntegerField(null=True)
    next_breach_at = UTCDateTimeField(null=True)
    assigned = IntegerField(default=1)

    class Meta:
        table_name = "case"


class Service(OwnedModel):
    state = TextField(default="active")
    name = TextField(unique=True)
    description = TextField(default="")
    duration_minutes = IntegerField()


class Resource(OwnedModel):
    state = TextField(default="active")
    name = TextField(unique=True)
    resource_type = TextField()  # user · facility · equipment
    user = ForeignKeyField(User, null=True, column_name="user_id", backref="+")
    group_name = TextField(default="")
    work_days = TextField(default="1,2,3,4,5")
    work_start = TextField(default="09:00")
    work_end = TextField(default="17:00")
    time_zone = TextField(default="")


class ServiceRequirement(BaseModel):
    service = ForeignKeyField(Service, column_name="service_id", backref="+")
    resource = ForeignKeyField(Resource, null=True, column_name="resource_id", backref="+")
    group_name = TextField(null=True)


class Booking(BaseModel):
    activity = ForeignKeyField(Activity, column_name="activity_id", backref="+")
    resource = ForeignKeyField(Resource, column_name="resource_id", backref="+")
    starts_at = UTCDateTimeField()
    ends_at = UTCDateTimeField()
