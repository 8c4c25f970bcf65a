"""Marketing: lists, campaigns, their steps and responses, the mail queue,
and sales literature with its files (migration m0018). A list's members,
a step's distribution and the links between records are rows the services
read and write in SQL; they have no models."""

from __future__ import annotations

from peewee import BlobField, ForeignKeyField, IntegerField, TextField
from playhouse.apsw_ext import DateField  # stores ISO text; APSW adapts no dates itself

from crm_tui.models.base import BaseModel, MoneyField, OwnedModel, User, UTCDateTimeField
from crm_tui.models.core import Activity
from crm_tui.models.service import Queue


class MarketingList(OwnedModel):
    state = TextField(default="active")
    name = TextField()
    name_sort = TextField()
    member_type = TextField()
    dynamic = IntegerField(default=0)
    query = TextField(default="")
    purpose = TextField(default="")
    source = TextField(default="")
    cost = MoneyField(null=True)
    description = TextField(default="")
    member_count = IntegerField(default=0)
    evaluated_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = "marketing_list"


class Campaign(OwnedModel):
    state = TextField(default="proposed")
    number = TextField(unique=True)
    name = TextField()
    name_sort = TextField()
    campaign_type = TextField(default="direct_marketing")
    is_template = IntegerField(default=0)
    proposed_start = DateField(null=True)
    proposed_end = DateField(null=True)
    actual_start = DateField(null=True)
    actual_end = DateField(null=True)
    budget = MoneyField(null=True)
    other_cost = MoneyField(null=True)
    expected_response = IntegerField(null=True)
    expected_revenue = MoneyField(null=True)
    offer = TextField(default="")
    objective = TextField(default="")
    description = TextField(default="")
    copied_from = ForeignKeyField("self", null=True, column_name="copied_from_id", backref="+")


class CampaignActivity(OwnedModel):
    state = TextField(default="open")
    status_reason = TextField(default="proposed")
    campaign = ForeignKeyField(Campaign, column_name="campaign_id", backref="+")
    subject = TextField()
    channel = TextField()
    scheduled_start = DateField(null=True)
    scheduled_end = DateField(null=True)
    budget = MoneyField(null=True)
    actual_cost = MoneyField(null=True)
    assign_to = TextField(default="member_owner")
    assignee = ForeignKeyField(User, null=True, column_name="assignee_id", backref="+")
    queue = ForeignKeyField(Queue, null=True, column_name="queue_id", backref="+")
    message_subject = TextField(default="")
    message_body = TextField(default="")
    html = IntegerField(default=0)
    distributed_at = UTCDateTimeField(null=True)
    description = TextField(default="")

    class Meta:
        table_name = "campaign_activity"


class CampaignResponse(BaseModel):
    activity = ForeignKeyField(
        Activity, primary_key=True, column_name="activity_id", backref="+", on_delete="CASCADE"
    )
    campaign = ForeignKeyField(Campaign, column_name="campaign_id", backref="+")
    step = ForeignKeyField(CampaignActivity, null=True, column_name="step_id", backref="+")
    channel = TextField()
    received_on = DateField()
    customer_type = TextField(null=True)
    customer_id = IntegerField(null=True)
    first_name = TextField(default="")
    last_name = TextField(default="")
    company_name = TextField(default="")
    email = TextField(default="")
    phone = TextField(default="")
    lead_id = IntegerField(null=True)

    class Meta:
        table_name = "campaign_response"


class SalesLiterature(OwnedModel):
    state = TextField(default="active")
    title = TextField()
    title_sort = TextField()
    literature_type = TextField(default="brochure")
    subject = TextField(default="")
    keywords = TextField(default="")
    expires_on = DateField(null=True)
    employee_contact = ForeignKeyField(
        User, null=True, column_name="employee_contact_id", backref="+"
    )
    description = TextField(default="")

    class Meta:
        table_name = "sales_literature"


class LiteratureItem(BaseModel):
    literature = ForeignKeyField(SalesLiterature, column_name="literature_id", backref="+")
    title = TextField()
    file_name = TextField()
    mime = TextField()
    size = IntegerField()
    content = BlobField()
    text_content = TextField(default="")
    added_at = UTCDateTimeField()
    added_by = ForeignKeyField(User, null=True, column_name="added_by_id", backref="+")

    class Meta:
        table_name = "literature_item"
