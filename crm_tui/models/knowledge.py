"""Knowledge base: subjects, articles (every version a row), the cases an
article helped resolve, and ratings."""

from __future__ import annotations

from peewee import ForeignKeyField, IntegerField, TextField
from playhouse.apsw_ext import DateField  # stores ISO text; APSW adapts no dates itself

from crm_tui.models.base import BaseModel, OwnedModel, User, UTCDateTimeField
from crm_tui.models.service import Case


class Subject(BaseModel):
    parent = ForeignKeyField("self", null=True, column_name="parent_id", backref="+")
    name = TextField()
    path = TextField(unique=True)


class KbArticle(OwnedModel):
    state = TextField(default="draft")
    number = TextField()
    major = IntegerField(default=1)
    minor = IntegerField(default=0)
    title = TextField()
    title_sort = TextField()
    body = TextField(default="")
    keywords = TextField(default="")
    subject = ForeignKeyField(Subject, null=True, column_name="subject_id", backref="+")
    language = TextField(default="en")
    reviewer = ForeignKeyField(User, null=True, column_name="reviewer_id", backref="+")
    review_comment = TextField(default="")
    publish_on = DateField(null=True)
    expires_on = DateField(null=True)
    published_at = UTCDateTimeField(null=True)
    view_count = IntegerField(default=0)
    rating_total = IntegerField(default=0)
    rating_count = IntegerField(default=0)
    helped_count = IntegerField(default=0)

    class Meta:
        table_name = "kb_article"


class KbArticleCase(BaseModel):
    article = ForeignKeyField(KbArticle, column_name="article_id", backref="+")
    case = ForeignKeyField(Case, column_name="case_id", backref="+")
    linked_at = UTCDateTimeField()
    linked_by = ForeignKeyField(User, null=True, column_name="linked_by_id", backref="+")

    class Meta:
        table_name = "kb_article_case"


class KbRating(BaseModel):
    article = ForeignKeyField(KbArticle, column_name="article_id", backref="+")
    user = ForeignKeyField(User, null=True, column_name="user_id", backref="+")
    stars = IntegerField()
    rated_at = UTCDateTimeField()

    class Meta:
        table_name = "kb_rating"
