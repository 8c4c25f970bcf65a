"""crm_tui.display: values as a person reads them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from crm_tui import display, meta
from crm_tui.config import Settings

NOW = dt.datetime(2026, 3, 12, 14, 0, tzinfo=dt.UTC)
TEHRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))


@pytest.fixture
def settings():
    return Settings(time_zone="Asia/Tehran")


def test_money_and_amounts():
    assert display.money(125000000, "USD") == "1,250,000.00 USD"
    assert display.money(-5) == "-0.05"
    assert display.money(None, "USD") == ""
    assert display.amount(Decimal("92233720368547.05")) == "92,233,720,368,547.05"
    assert display.shown(Decimal("12.5"), "EUR") == "12.50 EUR"


def test_times_read_calmly_in_the_zone_given():
    at = dt.datetime(2026, 3, 12, 10, 35, tzinfo=dt.UTC)
    assert display.time(at, TEHRAN, NOW) == "today 14:05"
    assert display.time(at + dt.timedelta(days=1), TEHRAN, NOW) == "tomorrow 14:05"
    assert display.time("2026-03-11T10:35:00", TEHRAN, NOW) == "yesterday 14:05"
    assert display.time(at + dt.timedelta(days=5), TEHRAN, NOW) == "Tue 17 Mar 14:05"
    assert display.time(at.replace(year=2024), TEHRAN, NOW) == "12 Mar 2024"
    assert display.time(None) == ""


def test_times_default_to_the_configured_zone(db):
    at = dt.datetime.now(dt.UTC).replace(hour=6, minute=0, second=0, microsecond=0)
    assert display.time(at).endswith("09:30")  # Asia/Tehran
    assert display.shown(at) == display.time(at)


def test_days_phones_ratings_and_percentages():
    assert display.day(dt.date(2026, 12, 4), this_year=2026) == "Fri 04 Dec"
    assert display.day("2026-12-04") == display.shown(dt.date(2026, 12, 4))
    assert display.day(None) == ""
    assert display.phone("+442079460958") == "+44 20 7946 0958"
    assert display.phone("ext. 12") == "ext. 12"
    assert display.rating({"rating_total": 7, "rating_count": 2}) == "★ 3.5 (2)"
    assert display.rating({"rating_total": 0, "rating_count": 0}) == ""
    assert display.percent("10.50") == "10.5%"
    assert display.percent(Decimal("0")) == "0%"
    assert display.discount(None, "7.5") == "7.5%"
    assert display.discount(2500, None) == "25.00"
    assert display.discount(None, None) == ""
    assert display.shown(1200) == "1,200"
    assert display.shown(True) == "Yes"
    assert display.shown("+442079460958", type=meta.AttributeType.PHONE) == "+44 20 7946 0958"
    assert display.shown("+442079460958") == "+442079460958"  # text, unless it is a phone


def test_labels_come_from_the_metadata():
    assert display.kind_label("price_list") == "Price list"
    assert display.kind_label("case", plural=True) == "Cases"
    assert display.kind_noun("contract_line") == "contract line"
    assert display.option("case", "priority", "high") == "High"
    assert display.option("case", "priority", "urgent") == "urgent"  # unknown: as stored
    assert display.option("case", "priority", None) == ""
    assert display.state("case", "resolved") == "Resolved"
    assert display.reason("opportunity", "out_sold") == "Out-sold"
    assert display.state("note", "anything") == "anything"  # a kind without states


# --- one date format, from the settings -------------------------------------------------


@pytest.fixture
def date_format():
    from crm_tui.services import session

    before = session.settings()

    def use(form: str) -> None:
        session.configure(Settings(date_format=form))

    yield use
    session.configure(before)


def test_a_day_is_short_this_year_and_keeps_its_year_otherwise(date_format, monkeypatch):
    from crm_tui.services import dates

    monkeypatch.setattr(dates, "today", lambda: dt.date(2026, 11, 26))
    date_format("short")
    assert display.day(dt.date(2026, 11, 27)) == "Fri 27 Nov"
    assert display.day(dt.date(2025, 11, 27)) == "27 Nov 2025"
    assert display.day(dt.date(2027, 1, 4)) == "04 Jan 2027"
    assert display.day(None) == ""
    assert max(len(display.day(dt.date(y, 9, 30))) for y in (2026, 2025)) <= display.DAY_WIDTH


def test_iso_date_format_shows_days_and_times_as_iso(date_format):
    date_format("iso")
    assert display.day(dt.date(2026, 11, 27)) == "2026-11-27"
    at = dt.datetime(2026, 3, 12, 10, 35, tzinfo=dt.UTC)
    assert display.time(at, TEHRAN, NOW) == "2026-03-12 14:05"
    assert display.time(at.replace(year=2024), TEHRAN, NOW) == "2024-03-12 14:05"


@pytest.mark.parametrize("form", ["short", "iso"])
def test_every_shown_day_reads_back_as_the_same_day(date_format, form, monkeypatch):
    from crm_tui.services import dates

    today = dt.date(2026, 11, 26)
    monkeypatch.setattr(dates, "today", lambda: today)
    date_format(form)
    for day in (today, dt.date(2026, 1, 1), dt.date(2025, 12, 31), dt.date(2027, 2, 28)):
        assert dates.parse_day(display.day(day), today) == day
