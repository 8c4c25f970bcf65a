"""SVG snapshots of the import screen's dry run: a HubSpot export of
contacts (a byte-order mark, a note over two lines, a repeated person and an
empty row) read, mapped and checked, before anything is written.

Update with `pytest tests/snapshots/test_snapshots_imports.py --snapshot-update`
after checking the differences in snapshot_report.html.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import screen_text, wait_until

from crm_tui.app import CrmApp
from crm_tui.screens.admin.imports import ImportScreen
from crm_tui.screens.common.form_modal import FormModal

BIG = (120, 36)
SMALL = (80, 24)
HUBSPOT = Path(__file__).parent.parent / "data" / "imports" / "hubspot_contacts.csv"


async def _dry_run(pilot) -> None:
    app = pilot.app
    await pilot.pause()
    await app.push_screen(ImportScreen())
    assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
    await pilot.press("ctrl+s")  # contacts
    assert await wait_until(pilot, lambda: "Nothing is written until" in screen_text(app))
    app.screen.form.query_one("#field-file").value = str(HUBSPOT)
    await pilot.press("ctrl+s")
    assert await wait_until(pilot, lambda: isinstance(app.screen, ImportScreen))
    assert await wait_until(pilot, lambda: "4 rows:" in screen_text(app))
    await pilot.pause()


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["big", "small"])
def test_import_dry_run(db, snap_compare, size):
    assert snap_compare(CrmApp(), run_before=_dry_run, terminal_size=size)
