"""What the first screen's start loads, up to the frame that shows the
dashboard's first tile (or, opening on it, the accounts): nothing that only
another area, a config file or a phone number needs (each is imported when
first used), and no garbage collection until that frame.

The start is the bench's first-frame probe (crm_tui/bench/frame.py), which
starts the app the way `crm-tui --db PATH` does, without a config file, and
stops once the first tile's figures (or the accounts' rows) are drawn."""

from __future__ import annotations

import gc
import json
import subprocess
import sys

import pytest

from crm_tui import cli, config
from crm_tui.db import close_database
from crm_tui.runtime import open_for_user
from crm_tui.services import session
from crm_tui.services.customers import accounts

PROBE = """
import gc, json, sys
from crm_tui.bench import frame
result = frame.probe("app", sys.argv[1], start=sys.argv[2])
print(json.dumps({
    "screen": result["screen"],
    "modules": sorted(sys.modules),
    "collecting": gc.isenabled(),
    "frozen": gc.get_freeze_count(),
}))
"""

# What the dashboard does not need: the lists, details and forms of the
# areas, the reports, `?` and the palette's "go to".
NOT_THE_DASHBOARD = (
    "crm_tui.screens.customers",
    "crm_tui.screens.sales",
    "crm_tui.screens.support",
    "crm_tui.screens.knowledge",
    "crm_tui.screens.marketing",
    "crm_tui.screens.reports.reports_list",
    "crm_tui.screens.reports.report_view",
    "crm_tui.screens.reports.drill_list",
    "crm_tui.screens.common.base_list",
    "crm_tui.screens.common.help",
    "crm_tui.screens.common.palette",
    "crm_tui.screens.common.base_detail",
    "crm_tui.screens.common.base_form",
)
# What the accounts list does not need: the other areas' screens, the
# customers area's other screens, `?` and the palette's "go to".
OTHER_SCREENS = (
    "crm_tui.screens.reports",
    "crm_tui.screens.sales",
    "crm_tui.screens.support",
    "crm_tui.screens.knowledge",
    "crm_tui.screens.customers.contacts_list",
    "crm_tui.screens.customers.account_detail",
    "crm_tui.screens.customers.account_form",
    "crm_tui.screens.customers.contact_detail",
    "crm_tui.screens.customers.contact_form",
    "crm_tui.screens.customers.activity_modal",
    "crm_tui.screens.common.help",
    "crm_tui.screens.common.palette",
    "crm_tui.screens.common.base_detail",
    "crm_tui.screens.common.base_form",
)


def _database(path, phones: list[str]):
    open_for_user(path, config.Settings(), login="bench")
    try:
        for index, phone in enumerate(phones):
            accounts.create({"name": f"Account {index}", "city": "Leeds", "phone": phone})
    finally:
        session.act_as(None)
        close_database()
    return path


def _start(path, start: str = "accounts") -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path), start],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def started(tmp_path_factory):
    """The first screen started on accounts with no phone numbers."""
    path = _database(tmp_path_factory.mktemp("startup") / "crm.db", ["", "", ""])
    return _start(path)


def test_the_app_opens_on_the_dashboard_and_loads_no_list(tmp_path):
    path = _database(tmp_path / "crm.db", ["+442079460958"])
    opened = _start(path, "")
    assert opened["screen"] == "DashboardScreen"
    assert [m for m in opened["modules"] if m.startswith(NOT_THE_DASHBOARD)] == []
    assert "phonenumbers" not in opened["modules"]
    assert "tomllib" not in opened["modules"]


def test_the_first_screen_is_the_accounts_list(started):
    assert started["screen"] == "AccountsScreen"
    assert "crm_tui.screens.customers.accounts_list" in started["modules"]


def test_the_first_screen_loads_no_other_screen(started):
    loaded = [m for m in started["modules"] if m.startswith(OTHER_SCREENS)]
    assert loaded == []


def test_the_first_screen_loads_neither_the_phone_library_nor_toml(started):
    modules = set(started["modules"])
    assert "phonenumbers" not in modules
    assert "tomllib" not in modules  # no config file to read
    assert "crm_tui.demo" not in modules  # --db, not --demo


def test_collection_resumes_at_the_first_frame_without_what_the_start_made(started):
    assert started["collecting"]
    assert started["frozen"] > 10_000


def test_a_phone_on_the_first_screen_loads_the_library_to_show_it(tmp_path):
    # the same start would notice the library: it is loaded for a number shown
    path = _database(tmp_path / "crm.db", ["+442079460958"])
    assert "phonenumbers" in _start(path)["modules"]


def test_a_config_file_is_read_with_toml(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\n', encoding="utf-8")
    code = (
        "import sys\nfrom pathlib import Path\nfrom crm_tui import config\n"
        "config.load(Path(sys.argv[1]))\nprint('tomllib' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "True"


def test_the_other_commands_and_a_failed_start_collect_as_usual(tmp_path, capsys):
    frozen = gc.get_freeze_count()
    assert cli.main(["init", str(tmp_path / "crm.db")]) == 0
    assert gc.isenabled()
    with pytest.raises(SystemExit):
        cli.main(["--no-such-option"])
    assert gc.isenabled()
    # the app's start, failing before its first frame
    assert cli.main(["--db", str(tmp_path / "missing.db")]) == 1
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    session.act_as(None)
    close_database()
