"""A message's subject and body written once for many people: `{first_name}`
and the other FIELDS are filled in per recipient, escaped for where they go
(plain text, or HTML made from the body's Markdown). Nothing else in braces
is read: `{{` and `}}` write a brace."""

from __future__ import annotations

import html
import string
from functools import lru_cache

from crm_tui import text

FIELDS = {
    "first_name": "the first name (a contact's or lead's)",
    "last_name": "the last name",
    "name": "the full name, or an account's name",
    "company": "the company: a contact's account, a lead's company, an account's name",
    "email": "the email address",
    "city": "the city",
    "country": "the country",
    "job_title": "the job title",
    "owner": "the name of the record's owner",
}
_FORMATTER = string.Formatter()


def problem(template: str) -> str:
    """What is wrong with the placeholders of `template`, in one line; "" when
    every one is a known field."""
    try:
        parts = list(_FORMATTER.parse(template))
    except ValueError as exc:
        return f"a brace is not closed or not doubled ({exc}); write {{{{ for a brace"
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in FIELDS or spec or conversion:
            known = ", ".join(f"{{{name}}}" for name in FIELDS)
            return f"{{{field}}} is not a field a message can use; use {known}"
    return ""


def _fill(template: str, values: dict[str, str], escape) -> str:
    return template.format_map({name: escape(values.get(name, "")) for name in FIELDS})


def render_text(template: str, values: dict[str, str]) -> str:
    """The template with each field's value as plain text (control characters
    removed; a subject keeps to one line)."""
    return _fill(template, values, lambda value: text.clean(value))


@lru_cache(maxsize=32)
def _markdown(body: str) -> str:
    # imported when a message is first made as HTML: the app's start needs none of it
    from markdown_it import MarkdownIt

    # raw HTML in the body is shown as text, never passed on as markup
    return MarkdownIt("commonmark", {"html": False}).render(body)


def render_html(body: str, values: dict[str, str]) -> str:
    """The Markdown body as an HTML document, each field's value escaped."""
    inner = _fill(_markdown(body), values, lambda value: html.escape(text.clean(value)))
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{inner}</body></html>'
