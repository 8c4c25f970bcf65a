"""Importing on screen: the file and options asked first, the dry run shown
with its column map and its rows' outcomes before anything is written, a
refused file kept in the form beside its field, a column changed by key,
the import written after a confirmation, and reverted from Past imports."""

from __future__ import annotations

from ui_support import screen_text, submitted_form, wait_until

from crm_tui.app import CrmApp
from crm_tui.db import dict_rows
from crm_tui.screens.admin.import_history import ImportHistoryScreen
from crm_tui.screens.admin.imports import ImportScreen
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.services.customers import accounts

SIZE = (120, 36)


def contacts_named(last: str) -> int:
    return dict_rows("SELECT count(*) AS n FROM contact WHERE last_name = ?", (last,))[0]["n"]


async def test_a_file_is_dry_run_then_imported_and_reverted(db, tmp_path):
    accounts.create({"name": "Fabrikam"})
    path = tmp_path / "people.csv"
    path.write_text(
        "Given Name,Family Name,Company,E-mail Address\r\n"
        "Ann,Zarrin,Fabrikam,ann@example.com\r\n"
        "Bo,Zarrin,Nobody Ltd,bo@example.com\r\n"
        "Cy,Zarrin,,not-an-email\r\n",
        encoding="utf-8",
    )
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ImportScreen())
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press("ctrl+s")  # contacts
        assert await wait_until(pilot, lambda: "Nothing is written until" in screen_text(app))
        screen = app.screen
        screen.form.query_one("#field-file").value = str(tmp_path / "missing.csv")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: "is not a file" in screen_text(app))
        assert app.screen is screen  # refused, with what was typed
        screen.form.query_one("#field-file").value = str(path)
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ImportScreen))
        text = screen_text(app)
        assert "3 rows: 1 create · 2 error" in text
        assert "no account has this email or name" in text and "Nobody Ltd" in text
        assert contacts_named("Zarrin") == 0  # a dry run writes nothing
        # the email column is set aside: its row is no longer an error
        importing = app.screen
        importing.query_one("#import-columns").move_cursor(row=3)
        await submitted_form(pilot, "e", field="")
        assert await wait_until(pilot, lambda: "2 create · 1 error" in screen_text(app))
        await pilot.press("i")
        assert await wait_until(pilot, lambda: "Import 2 new" in screen_text(app))
        await pilot.press("y")
        assert await wait_until(pilot, lambda: "Import #" in screen_text(app))
        assert contacts_named("Zarrin") == 2
        error_files = list(tmp_path.glob("people.errors*.csv"))
        assert len(error_files) == 1 and "Nobody Ltd" in error_files[0].read_text("utf-8-sig")
        await app.push_screen(ImportHistoryScreen())
        assert await wait_until(pilot, lambda: "people.csv" in screen_text(app))
        await pilot.press("x")
        assert await wait_until(pilot, lambda: "Revert import" in screen_text(app))
        await pilot.press("y")
        assert await wait_until(pilot, lambda: "reverted" in screen_text(app))
        assert contacts_named("Zarrin") == 0
