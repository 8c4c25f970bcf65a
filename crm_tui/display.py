"""Values as a person reads them: money, times and days in the user's zone,
phone numbers, ratings, discounts, percentages, and the labels of kinds,
states and options from the record metadata.

Screens and widgets format through here. It sits above the services (it
asks them for the user's time zone), so a service never imports it: the
history hands over values already resolved through the metadata (labels,
names, Decimal amounts) for the screens to word here, and exports take
their labels from the metadata and keep amounts exact.
Reading what a person typed (dates.parse_day, pricing.parse_money ...) and
the text put back into an input field (money.plain, pricing.format_discount)
stay in the services: they are the two halves of one round trip.

Call these as `display.money(...)`, not imported by name, so that a test
can freeze `display.time` for every screen at once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from crm_tui import meta, phones_shown
from crm_tui.errors import NotFound
from crm_tui.meta import Attribute, AttributeType
from crm_tui.services import dates

# What a person reads for an empty value in a sentence ("from — to 5").
NOTHING = "—"

# Single-width symbols only: emoji are two cells wide in most terminals.
ACTIVITY_ICONS = {
    "phone_call": "☎",
    "email": "✉",
    "letter": "✎",
    "fax": "℻",
    "task": "☐",
    "appointment": "◷",
    "service_activity": "⚒",
    "case_resolution": "✔",
    "opportunity_close": "◆",
    "quote_close": "◇",
    "order_close": "▣",
    "campaign_response": "↩",
    "note": "¶",
    "rule": "⚙",
}


def icon(kind: str) -> str:
    """The one-cell symbol a timeline shows for an activity type (or a note)."""
    return ACTIVITY_ICONS.get(kind, "•")


def local(value: dt.datetime | str | None) -> dt.datetime | None:
    """A stored UTC time as an aware time in the user's zone (None for none)."""
    return dates.as_local(value)


def money(minor: int | None, currency: str = "", precision: int = 2) -> str:
    """Minor units for reading: 1,250,000.00 USD ("" for no amount)."""
    if minor is None:
        return ""
    return amount(Decimal(minor).scaleb(-precision), currency, precision)


def amount(value: Decimal | None, currency: str = "", precision: int = 2) -> str:
    """A Decimal amount for reading: 1,250,000.00 USD ("" for none)."""
    if value is None:
        return ""
    return f"{value:,.{precision}f}" + (f" {currency}" if currency else "")


# The widest day display.day gives ("27 Nov 2025"; "2026-11-27" in iso):
# a list's date column is this wide.
DAY_WIDTH = 11


def date_format() -> str:
    """The user's date_format setting: short or iso."""
    return dates.date_format()


def time(
    value: dt.datetime | str | None, zone: dt.tzinfo | None = None, now: dt.datetime | None = None
) -> str:
    """A stored UTC time in the user's zone, short and calm: 'today 14:05',
    'tomorrow 17:00', 'Mon 30 Nov 09:00', '12 Mar 2025' for other years
    (with date_format iso, '2026-11-30 09:00')."""
    local = dates.as_local(value, zone)
    if local is None:
        return ""
    clock = local.strftime("%H:%M")
    if date_format() == "iso":
        return f"{local.date().isoformat()} {clock}"
    now = (now or dt.datetime.now(dt.UTC)).astimezone(local.tzinfo)
    days = (local.date() - now.date()).days
    if days == 0:
        return f"today {clock}"
    if days == 1:
        return f"tomorrow {clock}"
    if days == -1:
        return f"yesterday {clock}"
    if local.year == now.year:
        return day(local.date(), this_year=now.year) + " " + clock
    return day(local.date(), this_year=now.year)


def day(value: dt.date | str | None, *, this_year: int | None = None) -> str:
    """A calendar day in the user's date_format ("" for none): short, 'Fri 27 Nov'
    this year and '27 Nov 2025' another, or iso, '2026-11-27'. dates.parse_day
    reads both back, so a form puts a stored day in its field with this."""
    return dates.shown_day(value, this_year=this_year)


def phone(value: str | None) -> str:
    """An E.164 number grouped for reading (+44 20 7946 0958); anything else as stored."""
    if not value or not value.startswith("+"):
        return value or ""
    return phones_shown.shown(value)


def rating(article) -> str:
    """An article's stars as "★ 4.3 (12)", or "" when nobody rated it;
    `article` is a row or a dict with rating_total and rating_count."""
    get = article.get if isinstance(article, dict) else lambda k: getattr(article, k)
    count = get("rating_count")
    if not count:
        return ""
    return f"★ {get('rating_total') / count:.1f} ({count})"


def percent(value: Decimal | str | int | None) -> str:
    """A stored percentage as '10%' or '2.5%' ("" for none)."""
    if value in (None, ""):
        return ""
    number = Decimal(str(value)).normalize()
    return f"{number:f}%" if number else "0%"


def tax(value: Decimal | str | int | None) -> str:
    """A line's tax as its column shows it: '9%', and no tax as ''."""
    text = percent(value)
    return "" if text in ("", "0%") else text


def discount(amount: int | None, percentage: Decimal | str | None, currency: str = "") -> str:
    """A stored discount, an amount or a percentage: '10%', '25.00' or ''."""
    if percentage not in (None, ""):
        return percent(percentage)
    return money(amount, currency)


def kind_label(name: str, *, plural: bool = False) -> str:
    """A kind's name at the start of a sentence ("Price list", "Cases")."""
    kind = meta.kind(name)
    return kind.plural if plural else kind.label


def kind_noun(name: str, *, plural: bool = False) -> str:
    """A kind's name inside a sentence ("this price list")."""
    return kind_label(name, plural=plural).lower()


def option(kind: str, attribute: str, code: str | None) -> str:
    """The label of a stored option code (state, status reason, priority ...);
    a code the metadata does not know is shown as stored, never hidden."""
    return option_of(meta.attribute(kind, attribute), code)


def option_of(attribute: Attribute, code: str | None) -> str:
    """`option` for an attribute already looked up."""
    if code in (None, ""):
        return ""
    try:
        return attribute.option_label(str(code))
    except NotFound:
        return str(code)


def state(kind: str, code: str | None) -> str:
    """The label of a record's stored state ("In progress" for in_progress)."""
    machine = meta.kind(kind).states
    if code in (None, "") or machine is None:
        return code or ""
    try:
        return machine.state_label(code)
    except NotFound:
        return code


def reason(kind: str, code: str | None) -> str:
    """The label of a record's stored status reason."""
    machine = meta.kind(kind).states
    if code in (None, "") or machine is None:
        return code or ""
    try:
        return machine.reason_label(code)
    except NotFound:
        return code


def yes_no(value) -> str:
    """A stored flag as Yes or No ("" for none)."""
    if value in (None, ""):
        return ""
    return "Yes" if value else "No"


def shown(value, currency: str = "", type: AttributeType | None = None) -> str:
    """A value already read for a person (a service's history row, say) as
    text, by its type: an amount as money in `currency`, a time in the
    user's zone, a day, a count with thousands grouped, a phone number (the
    attribute's `type` says so) grouped, other text as it is."""
    if value is None:
        return ""
    if type is AttributeType.PHONE and isinstance(value, str):
        return phone(value)
    if isinstance(value, Decimal):
        return amount(value, currency)
    if isinstance(value, dt.datetime):
        return time(value)
    if isinstance(value, dt.date):
        return day(value)
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
