"""Keys follow the role: what a person may not do is not offered in the
footer, in `?` or in the palette, and changes as the cursor moves between
records they may and may not change."""

from __future__ import annotations

from ui_support import screen_lines, wait_until

from crm_tui.app import CrmApp
from crm_tui.models import User
from crm_tui.screens.customers.account_detail import AccountDetailScreen
from crm_tui.screens.customers.accounts_list import AccountsScreen
from crm_tui.services import session, users
from crm_tui.services.customers import accounts
from crm_tui.services.sales import products

SIZE = (120, 36)


def footer(app) -> str:
    return screen_lines(app)[-1]


def app_offers(app, callback) -> bool:
    from crm_tui.widgets.palette import RecordActionsProvider

    provider = RecordActionsProvider(app.screen)
    return provider._offered(callback)


async def test_keys_for_others_records_are_not_offered(db):
    users.add("aria", "Aria Agent", "agent")
    accounts.create({"name": "Alpha (the admin's)"})
    session.act_as(User.get(User.login == "aria"))
    accounts.create({"name": "Beta (Aria's)"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, AccountsScreen)
        table = app.screen.table
        assert [row["name"] for row in table._rows] == ["Alpha (the admin's)", "Beta (Aria's)"]
        # on the admin's account: no Edit, but New and Activity
        assert await wait_until(pilot, lambda: "Edit" not in footer(app))
        assert "New" in footer(app) and "Activity" in footer(app)
        titles = [t for t, _, cb in app.screen.record_actions() if app_offers(app, cb)]
        assert "Edit this account" not in titles and "Deactivate this account" not in titles
        assert "Log an activity" in titles
        # e on it does nothing but stay put
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, AccountsScreen)
        # on her own: Edit comes back
        await pilot.press("j")
        assert await wait_until(pilot, lambda: "Edit" in footer(app))
        titles = [t for t, _, cb in app.screen.record_actions() if app_offers(app, cb)]
        assert "Edit this account" in titles and "Deactivate this account" in titles
        # the detail of the admin's account offers no edit either
        await pilot.press("k", "enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, AccountDetailScreen))
        assert await wait_until(pilot, lambda: "Edit" not in footer(app))
        await pilot.press("question_mark")
        await pilot.pause()
        keys_help = "\n".join(screen_lines(app))
        assert "Deactivate/reactivate" not in keys_help and "Activity" in keys_help


async def test_an_agent_sees_no_price_keys(db):
    products.create_price_list({"name": "Retail"})
    users.add("aria", "Aria Agent", "agent")
    session.act_as(User.get(User.login == "aria"))
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_catalogue("sales.price_lists", "PriceListsScreen")
        assert await wait_until(pilot, lambda: app.screen.__class__.__name__ == "PriceListsScreen")
        await pilot.pause()
        bar = footer(app)
        assert "Back" in bar
        for refused in ("New list", "Edit list", "Set price", "Remove price"):
            assert refused not in bar
