"""Settings are checked when read: a wrong value is one line naming the
setting and the form it takes, never a traceback; every setting is used."""

from __future__ import annotations

import pytest

from crm_tui import cli, config
from crm_tui.db import close_database


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            'busy_timeout_ms = "5000"',
            "busy_timeout_ms must be a whole number of milliseconds, not '5000'",
        ),
        ("busy_timeout_ms = -1", "busy_timeout_ms must be 0-600000 milliseconds, not -1"),
        (
            "busy_timeout_ms = true",
            "busy_timeout_ms must be a whole number of milliseconds, not True",
        ),
        ("synchronous = 1", 'synchronous must be text: "NORMAL" or "FULL", not 1'),
        ('synchronous = "SOMETIMES"', "synchronous must be NORMAL or FULL, not 'SOMETIMES'"),
        ('time_zone = "Mars/Olympus_Mons"', "time_zone must be an IANA time zone"),
        ('time_zone = "../../etc/passwd"', "time_zone must be an IANA time zone"),
        ('date_format = "us"', "date_format must be one of short, iso, not 'us'"),
        ("date_format = 1", 'date_format must be text: "short" or "iso", not 1'),
        (
            'business_hours = ["17:00", "09:00"]',
            'business_hours must be ["HH:MM", "HH:MM"] with closing after opening',
        ),
        ("business_hours = 9", "business_hours must be a pair of times"),
        ("page_size = 0", "page_size must be 10-1000 rows, not 0"),
        ("page_size = 1.5", "page_size must be a whole number of rows, not 1.5"),
        (
            "attachment_max_bytes = 0",
            "attachment_max_bytes must be a positive number of bytes, not 0",
        ),
        ("attachment_max_bytes = -5", "attachment_max_bytes must be a positive number of bytes"),
        ('currency = "dollars"', "currency must be a 3-letter ISO 4217 code"),
        ('default_region = "Iran"', "default_region must be a 2-letter ISO country code"),
        ("sla_nearing_percent = 0", "sla_nearing_percent must be 1-99, not 0"),
        (
            "[sla.high]\nresolve_minutes = -10",
            "sla.high.resolve_minutes must be a positive whole number",
        ),
        ('holidays = ["2026-13-01"]', "holidays: '2026-13-01' is not a YYYY-MM-DD date"),
        ("routing = 3", "routing must be a list of [[routing]] tables"),
        ("colour = 'blue'", "unknown setting(s): colour"),
    ],
)
def test_a_wrong_setting_is_one_line_naming_it(tmp_path, capsys, toml, message):
    path = tmp_path / "config.toml"
    path.write_text(toml + "\n", encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        config.load(path)
    assert message in str(caught.value) and str(caught.value).startswith(f"{path}: ")
    # the command line says it in one line and exits 1
    code = cli.main(["--config", str(path), "--db", str(tmp_path / "x.db"), "doctor"])
    close_database()
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and message in err and "Traceback" not in err


def test_good_settings_are_normalised(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        'currency = "eur"\ndefault_region = "ir"\nsynchronous = "full"\npage_size = 50\n'
        'time_zone = "Asia/Tehran"\ndate_format = "iso"\n',
        encoding="utf-8",
    )
    settings = config.load(path)
    assert (settings.currency, settings.default_region, settings.synchronous) == (
        "EUR",
        "IR",
        "FULL",
    )
    assert settings.page_size == 50
    assert settings.date_format == "iso" and config.Settings().date_format == "short"


async def test_page_size_is_how_many_rows_a_list_reads(db):
    from crm_tui.app import CrmApp
    from crm_tui.services import session
    from crm_tui.services.customers import accounts

    for n in range(30):
        accounts.create({"name": f"Company {n:02d}"})
    session.configure(config.Settings(start_area="accounts", page_size=10))
    app = CrmApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.table
        # pages of 10 (as many as the screen needs), not the default 100
        assert table.page_size == 10 and table.loaded_count in (10, 20) and table.has_more
