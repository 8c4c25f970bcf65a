"""The app's first list loads its rows once, after Textual has laid the
screen out (its hidden first draw), so the first frame draws them once; a
list opened later loads them as it mounts, with no empty frame first."""

from __future__ import annotations

from ui_support import wait_until

from crm_tui.app import CrmApp
from crm_tui.services.customers import accounts, contacts
from crm_tui.widgets.record_table import RecordTable

BIG = (120, 36)


async def test_the_first_list_loads_its_rows_once_after_its_first_layout(db, monkeypatch):
    accounts.create({"name": "Acme"})
    loads = []
    load = RecordTable.load

    def counted(self, *args, **kwargs):
        # a table that has been laid out has its size
        loads.append((type(self.screen).__name__, self.size.height > 0))
        return load(self, *args, **kwargs)

    monkeypatch.setattr(RecordTable, "load", counted)
    app = CrmApp()
    async with app.run_test(size=BIG) as pilot:
        assert await wait_until(pilot, lambda: app.screen.table.row_count == 1)
        assert await wait_until(pilot, lambda: app.laid_out)
        assert loads == [("AccountsScreen", True)]


async def test_a_list_opened_later_has_its_rows_when_it_mounts(db):
    acme = accounts.create({"name": "Acme"})
    contacts.create({"first_name": "Ada", "last_name": "Byron", "account_id": acme.id})
    app = CrmApp()
    async with app.run_test(size=BIG) as pilot:
        assert await wait_until(pilot, lambda: app.laid_out)
        await pilot.press("2")
        assert await wait_until(pilot, lambda: type(app.screen).__name__ == "ContactsScreen")
        assert app.screen.table.row_count == 1  # loaded in on_mount, before any frame


async def test_the_numbers_shown_are_remembered_for_the_next_start(db, tmp_path):
    from crm_tui import phones_shown

    phones_shown.forget()
    accounts.create({"name": "Acme", "phone": "+442079460958"})
    app = CrmApp()
    async with app.run_test(size=BIG) as pilot:
        assert await wait_until(pilot, lambda: app.screen.table.row_count == 1)
    saved = (tmp_path / "state" / phones_shown.FILE_NAME).read_text(encoding="utf-8")
    assert '"+442079460958": "+44 20 7946 0958"' in saved
    phones_shown.forget()
