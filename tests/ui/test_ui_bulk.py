"""Marking rows and acting on them at once: space and shift+↓ mark, `*`
marks all that match after saying how many, `B` applies one action, and
what was left as it was is listed by name at the end."""

from __future__ import annotations

from ui_support import notes_text, screen_text, submitted_form, wait_until

from crm_tui.app import CrmApp
from crm_tui.models import User
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.common.report_modal import ReportModal
from crm_tui.services import users
from crm_tui.services.customers import accounts

SIZE = (120, 36)


def owners() -> dict[str, str]:
    return {a["name"]: a["owner"] for a in accounts.page(view="all", limit=50).rows}


async def _apply(pilot, app, **values) -> None:
    await submitted_form(pilot, "B", **values)
    assert await wait_until(pilot, lambda: not isinstance(app.screen, FormModal))


async def test_mark_some_and_assign_them(db):
    users.add("sara", "Sara Ahmadi", "sales")
    sara = User.get(User.login == "sara").id
    for name in ("Acme", "Beta", "Cora"):
        accounts.create({"name": name})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: app.screen.table.row_count == 3)
        await pilot.press("B")  # nothing marked yet
        assert await wait_until(pilot, lambda: "Nothing is marked" in notes_text(app))
        await pilot.press("space", "down", "space", "up", "space")  # Acme on, Beta on, Acme off
        await pilot.press("shift+down", "shift+down")  # Acme and Beta: Cora stays unmarked
        assert await wait_until(pilot, lambda: "2 marked" in screen_text(app))
        assert "● Acme" in screen_text(app) and "● Cora" not in screen_text(app)
        await _apply(pilot, app, action="assign", owner=sara)
        assert await wait_until(pilot, lambda: owners()["Beta"] == "Sara Ahmadi")
        assert owners() == {"Acme": "Sara Ahmadi", "Beta": "Sara Ahmadi", "Cora": "tester"}
        assert await wait_until(pilot, lambda: "marked" not in screen_text(app))


async def test_mark_all_that_match_then_what_changed_meanwhile_is_listed(db):
    for name in ("Shop A", "Shop B", "Other"):
        accounts.create({"name": name})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: app.screen.table.row_count == 3)
        await pilot.press("slash", *"shop", "escape")
        assert await wait_until(pilot, lambda: app.screen.table.row_count == 2)
        await pilot.press("asterisk")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "Mark all 2 accounts shown here?" in screen_text(app)
        await pilot.press("y")
        assert await wait_until(pilot, lambda: "2 marked" in screen_text(app))
        # someone saves Shop A meanwhile
        shop_a = next(a for a in accounts.page(view="all").rows if a["name"] == "Shop A")
        accounts.update(shop_a["id"], shop_a["version"], {"city": "Tabriz"})
        await _apply(pilot, app, action="set", field="city", value="Shiraz")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ReportModal))
        assert "Shop A" in screen_text(app) and "since it was marked" in screen_text(app)
        await pilot.press("escape")
        cities = {a["name"]: a["city"] for a in accounts.page(view="all").rows}
        assert cities == {"Shop A": "Tabriz", "Shop B": "Shiraz", "Other": ""}


async def test_a_kind_changed_one_at_a_time_says_so(db):
    from crm_tui.services.support import contracts  # noqa: F401 - the list's service

    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        app.open_catalogue("support.contracts_list", "ContractsScreen")
        assert await wait_until(pilot, lambda: type(app.screen).__name__ == "ContractsScreen")
        await pilot.press("B")
        assert await wait_until(pilot, lambda: "changed one at a time" in notes_text(app))


async def test_a_run_the_database_stops_keeps_the_rest_marked(db, monkeypatch):
    import apsw

    from crm_tui.db.faults import fault_from
    from crm_tui.services import bulk

    for name in ("Shop A", "Shop B", "Shop C"):
        accounts.create({"name": name})
    real = bulk.apply_one
    calls = []

    def busy_on_the_second(outcome, kind, action, record_id, version, **options):
        calls.append(record_id)
        if len(calls) == 2:
            raise fault_from(apsw.BusyError("database is locked"))
        return real(outcome, kind, action, record_id, version, **options)

    monkeypatch.setattr(bulk, "apply_one", busy_on_the_second)
    app = CrmApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert await wait_until(pilot, lambda: app.screen.table.row_count == 3)
        await pilot.press("asterisk")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await _apply(pilot, app, action="set", field="city", value="Shiraz")
        assert await wait_until(pilot, lambda: "Stopped:" in notes_text(app))
        assert await wait_until(pilot, lambda: "2 marked" in screen_text(app))
    cities = sorted(a["city"] for a in accounts.page(view="all").rows)
    assert cities == ["", "", "Shiraz"]


async def test_the_marked_records_export_to_a_new_file_of_their_owners(db, tmp_path):
    import csv
    import stat

    for name in ("Acme", "Beta", "Cora"):
        accounts.create({"name": name, "industry": "Retail"})
    target = tmp_path / "marked.csv"
    target_taken = tmp_path / "taken.csv"
    target_taken.write_text("keep me")
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: app.screen.table.row_count == 3)
        await pilot.press("shift+down", "down", "space")  # Acme and Cora
        await submitted_form(pilot, "B", action="export", file=str(target_taken))
        assert await wait_until(pilot, lambda: "exists" in screen_text(app))
        assert target_taken.read_text() == "keep me"  # never overwritten
        app.screen.form.query_one("#field-file").value = str(target)
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: "Exported 2" in notes_text(app))
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [r["name"] for r in rows] == ["Acme", "Cora"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


async def test_a_choice_is_set_by_its_label(db):
    for name in ("Acme", "Beta"):
        accounts.create({"name": name})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: app.screen.table.row_count == 2)
        await pilot.press("asterisk")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await _apply(pilot, app, action="set", field="industry", value="banking")
        assert await wait_until(
            pilot,
            lambda: (
                {accounts.get(r["id"]).industry for r in accounts.page(view="all").rows}
                == {"Banking"}
            ),
        )
