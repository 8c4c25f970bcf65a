"""Sales: leads, opportunities, products and price lists, quotes, orders,
invoices and competitors. Quantities and percentages are decimal text;
money is integer minor units (see MoneyField)."""

from __future__ import annotations

from peewee import ForeignKeyField, IntegerField, TextField
from playhouse.apsw_ext import DateField  # stores ISO text; APSW adapts no dates itself

from crm_tui.models.base import BaseModel, MoneyField, OwnedModel
from crm_tui.models.core import Account, Contact


class Sequence(BaseModel):
    name = TextField(primary_key=True)
    next = IntegerField()


class Competitor(OwnedModel):
    state = TextField(default="active")
    name = TextField()
    name_sort = TextField()
    website = TextField(default="")
    strengths = TextField(default="")
    weaknesses = TextField(default="")
    description = TextField(default="")


class Product(OwnedModel):
    state = TextField(default="draft")
    product_number = TextField(unique=True)
    name = TextField()
    name_sort = TextField()
    product_type = TextField(default="sales_inventory")
    unit = TextField(default="each")
    list_price = MoneyField(null=True)
    cost = MoneyField(null=True)
    description = TextField(default="")


class PriceList(OwnedModel):
    state = TextField(default="active")
    name = TextField(unique=True)
    currency = TextField()
    begins_on = DateField(null=True)
    ends_on = DateField(null=True)
    description = TextField(default="")


class PriceListItem(BaseModel):
    price_list = ForeignKeyField(PriceList, column_name="price_list_id", backref="items")
    product = ForeignKeyField(Product, column_name="product_id", backref="+")
    amount = MoneyField()


class Lead(OwnedModel):
    state = TextField(default="open")
    status_reason = TextField(default="new")
    topic = TextField(default="")
    first_name = TextField(default="")
    last_name = TextField()
    full_name = TextField()
    name_sort = TextField()
    company_name = TextField(default="")
    job_title = TextField(default="")
    email = TextField(default="")
    phone = TextField(default="")
    website = TextField(default="")
    city = TextField(default="")
    country = TextField(default="")
    source = TextField(default="")
    rating = TextField(default="warm")
    estimated_value = MoneyField(null=True)
    description = TextField(default="")
    account = ForeignKeyField(Account, null=True, column_name="account_id", backref="+")
    contact = ForeignKeyField(Contact, null=True, column_name="contact_id", backref="+")
    opportunity_id = IntegerField(null=True)
    do_not_email = IntegerField(default=0)
    do_not_bulk_email = IntegerField(default=0)
    do_not_phone = IntegerField(default=0)
    do_not_mail = IntegerField(default=0)
    # the campaign it came from (models.marketing loads on first use)
    campaign_id = IntegerField(null=True)


class Opportunity(OwnedModel):
    state = TextField(default="open")
    status_reason = TextField(default="in_progress")
    name = TextField()
    name_sort = TextField()
    account = ForeignKeyField(Account, null=True, column_name="account_id", backref="+")
    contact = ForeignKeyField(Contact, null=True, column_name="contact_id", backref="+")
    lead = ForeignKeyField(Lead, null=True, column_name="lead_id", backref="+")
    price_list = ForeignKeyField(PriceList, null=True, column_name="price_list_id", backref="+")
    stage = TextField(default="qualify")
    estimated_revenue = MoneyField(null=True)
    probability = IntegerField(default=10)
    estimated_close_date = DateField(null=True)
    rating = TextField(default="warm")
    description = TextField(default="")
    actual_revenue = MoneyField(null=True)
    actual_close_date = DateField(null=True)
    lost_to = ForeignKeyField(Competitor, null=True, column_name="lost_to_id", backref="+")
    close_reason = TextField(default="")
    campaign_id = IntegerField(null=True)


class OpportunityCompetitor(BaseModel):
    opportunity = ForeignKeyField(Opportunity, column_name="opportunity_id", backref="+")
    competitor = ForeignKeyField(Competitor, column_name="competitor_id", backref="+")


class LineModel(BaseModel):
    """A line of an opportunity, quote, order or invoice: a product (or a
    write-in description), quantity, price, discount and tax, with the
    computed amounts stored for reading."""

    line_number = IntegerField()
    product = ForeignKeyField(Product, null=True, column_name="product_id", backref="+")
    description = TextField(default="")
    quantity = TextField(default="1")
    unit = TextField(default="")
    unit_price = MoneyField(default=0)
    price_overridden = IntegerField(default=0)
    discount_amount = MoneyField(null=True)
    discount_percent = TextField(null=True)
    tax_percent = TextField(default="0")
    base_amount = MoneyField(default=0)
    discount_total = MoneyField(default=0)
    tax_amount = MoneyField(default=0)
    extended_amount = MoneyField(default=0)


class DocumentModel(OwnedModel):
    """The header of a quote, order or invoice."""

    number = TextField()
    name = TextField()
    name_sort = TextField()
    account = ForeignKeyField(Account, null=True, column_name="account_id", backref="+")
    contact = ForeignKeyField(Contact, null=True, column_name="contact_id", backref="+")
    opportunity = ForeignKeyField(Opportunity, null=True, column_name="opportunity_id", backref="+")
    price_list = ForeignKeyField(PriceList, null=True, column_name="price_list_id", backref="+")
    currency = TextField()
    description = TextField(default="")
    discount_amount = MoneyField(null=True)
    discount_percent = TextField(null=True)
    subtotal = MoneyField(default=0)
    discount_total = MoneyField(default=0)
    tax_total = MoneyField(default=0)
    total_amount = MoneyField(default=0)


class OpportunityLine(LineModel):
    opportunity = ForeignKeyField(Opportunity, column_name="opportunity_id", backref="+")


class Quote(DocumentModel):
    state = TextField(default="draft")
    status_reason = TextField(default="in_progress")
    revision = IntegerField(default=1)
    effective_from = DateField(null=True)
    effective_to = DateField(null=True)


class QuoteLine(LineModel):
    quote = ForeignKeyField(Quote, column_name="quote_id", backref="+")


class SalesOrder(DocumentModel):
    state = TextField(default="active")
    status_reason = TextField(default="new")
    quote = ForeignKeyField(Quote, null=True, column_name="quote_id", backref="+")
    requested_by = DateField(null=True)
    fulfilled_on = DateField(null=True)

    class Meta:
        table_name = "sales_order"


class SalesOrderLine(LineModel):
    order = ForeignKeyField(SalesOrder, column_name="order_id", backref="+")

    class Meta:
        table_name = "sales_order_line"


class Invoice(DocumentModel):
    state = TextField(default="active")
    status_reason = TextField(default="new")
    order = ForeignKeyField(SalesOrder, null=True, column_name="order_id", backref="+")
    due_date = DateField(null=True)
    paid_amount = MoneyField(default=0)
    paid_on = DateField(null=True)
    payment_method = TextField(null=True)
    payment_reference = TextField(default="")


class InvoiceLine(LineModel):
    invoice = ForeignKeyField(Invoice, column_name="invoice_id", backref="+")
