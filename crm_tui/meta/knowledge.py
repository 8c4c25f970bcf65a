"""The knowledge base: articles (every version a row) and the subject tree."""

from __future__ import annotations

from crm_tui.meta import states
from crm_tui.meta.fields import (
    choice,
    date,
    integer,
    lookup,
    memo,
    moment,
    record_id,
    stamps,
    state,
    text,
)
from crm_tui.meta.types import Kind

LANGUAGES = {
    "en": "English",
    "fa": "Persian",
    "ar": "Arabic",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
}

ARTICLE = Kind(
    name="article",
    label="Article",
    plural="Articles",
    model_name="KbArticle",
    title="title",
    number="number",
    number_prefix="KA",
    regardable=True,
    states=states.ARTICLE,
    area="knowledge",
    attributes=(
        state(states.ARTICLE, listed=True),
        # Every version of an article shares its number (KA-00012 v1.2).
        text("number", "Article number", read_only=True, searchable=True),
        integer("major", "Major version", read_only=True),
        integer("minor", "Minor version", read_only=True),
        text("title", "Title", required=True, searchable=True, listed=True),
        memo("body", "Content", searchable=True),
        text("keywords", "Keywords", searchable=True),
        lookup("subject", "Subject", "subject", searchable=True, listed=True),
        choice("language", "Language", LANGUAGES, listed=True),
        lookup("reviewer", "Reviewer", "user"),
        memo("review_comment", "Review comment", read_only=True),
        date("publish_on", "Publish on"),
        date("expires_on", "Expires on"),
        moment("published_at", "Published on", read_only=True),
        # Counters kept by viewing, rating and linking to cases.
        integer("view_count", "Views", read_only=True),
        integer("rating_total", "Rating total (stars)", read_only=True),
        integer("rating_count", "Number of ratings", read_only=True),
        integer("helped_count", "Cases helped", read_only=True),
        *stamps(owner_listed=True),
    ),
    internal=frozenset({"title_sort"}),
)

SUBJECT = Kind(
    name="subject",
    label="Subject",
    plural="Subjects",
    model_name="Subject",
    title="path",
    owned=False,
    attributes=(
        record_id(),
        lookup("parent", "Parent subject", "subject"),
        text("name", "Name", required=True),
        # "Billing / Invoices": the name under its parents, kept by the service.
        text("path", "Path", read_only=True, listed=True),
    ),
)

KINDS = (ARTICLE, SUBJECT)

__all__ = ["ARTICLE", "KINDS", "LANGUAGES", "SUBJECT"]
