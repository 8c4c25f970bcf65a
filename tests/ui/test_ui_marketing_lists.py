"""Marketing lists by keyboard: a static list's detail shows its members,
adds those a query finds (+) and takes one off (−, after asking, naming
them); a dynamic list refuses both and is copied to a static one (K); a
record's summary names the lists it is on; and marked contacts are added
to a list from their own list (B)."""

from __future__ import annotations

from textual.widgets import Select
from ui_support import notes_text, screen_text, shown_record, submitted_form, wait_until

from crm_tui.app import CrmApp
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.common.prompt import PromptModal
from crm_tui.screens.customers.contact_detail import ContactDetailScreen
from crm_tui.screens.marketing.list_detail import ListDetailScreen
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.marketing import list_members, lists

SIZE = (120, 36)


def people(cities: dict[str, str]) -> dict[str, int]:
    return {
        name: contacts.create({"last_name": name, "city": city, "email": f"{name}@x.example"}).id
        for name, city in cities.items()
    }


def member_names(list_id: int) -> list[str]:
    return [r["name"] for r in list_members.page(list_id).rows]


def members_shown(app) -> list[str]:
    return [str(row["name"]) for row in app.screen.query_one("#list-members").rows_shown]


async def test_a_static_list_shows_adds_and_removes_its_members(db):
    ids = people({"Ames": "Tehran", "Bahar": "Shiraz", "Cyrus": "Tehran", "Dara": "Tabriz"})
    lst = lists.create({"name": "Newsletter", "member_type": "contact", "purpose": "News"})
    list_members.add(lst.id, [ids["Ames"], ids["Bahar"]])
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await shown_record(pilot, "marketing_list", lst.id)
        assert isinstance(detail, ListDetailScreen)
        assert await wait_until(pilot, lambda: members_shown(app) == ["Ames", "Bahar"])
        text = screen_text(app)
        assert "Newsletter" in text and "Contacts · static · 2 members" in text
        assert "Ames@x.example" in text

        # +: those a query finds are added (Ames is on it already)
        await pilot.press("plus")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press(*"city:Tehran", "enter")
        assert await wait_until(pilot, lambda: "1 added." in notes_text(app))
        assert await wait_until(pilot, lambda: members_shown(app) == ["Ames", "Bahar", "Cyrus"])
        assert "3 members" in screen_text(app)

        # a query the filter bar cannot read is refused with its reason
        await pilot.press("plus")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PromptModal))
        await pilot.press(*"citty:Tehran", "enter")
        assert await wait_until(pilot, lambda: "citty" in notes_text(app))
        assert member_names(lst.id) == ["Ames", "Bahar", "Cyrus"]

        # −: the highlighted member, after asking by name
        await pilot.press("down", "minus")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "Take Bahar off Newsletter?" in screen_text(app)
        await pilot.press("y")
        assert await wait_until(pilot, lambda: members_shown(app) == ["Ames", "Cyrus"])
        assert member_names(lst.id) == ["Ames", "Cyrus"]
        assert lists.get(lst.id).member_count == 2

        # K on a static list says it is static already
        await pilot.press("K")
        assert await wait_until(pilot, lambda: "already static" in notes_text(app))
        assert app.screen is detail

        # enter opens the member; its summary names the lists it is on
        await pilot.press("up", "enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        await app.screen.show_tab("summary")
        assert await wait_until(pilot, lambda: "Marketing lists" in screen_text(app))
        assert "Newsletter" in screen_text(app)


async def test_a_dynamic_list_refuses_members_and_copies_to_a_static_one(db):
    people({"Ames": "Tehran", "Bahar": "Shiraz", "Cyrus": "Tehran"})
    lst = lists.create(
        {"name": "Tehran people", "member_type": "contact", "dynamic": True, "query": "city:Tehran"}
    )
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await shown_record(pilot, "marketing_list", lst.id)
        assert await wait_until(pilot, lambda: members_shown(app) == ["Ames", "Cyrus"])
        assert "Contacts · dynamic · 2 members" in screen_text(app)
        assert lists.get(lst.id).evaluated_at is not None  # counted as it opened
        offered = [title for title, _, _ in detail.record_actions()]
        assert "Copy to a static list" in offered and "Add members by a query" not in offered

        await pilot.press("plus")
        assert await wait_until(pilot, lambda: "is dynamic" in notes_text(app))
        assert app.screen is detail

        await pilot.press("K")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PromptModal))
        assert "Tehran people (static)" in str(app.screen.query_one("#prompt-input").value)
        await pilot.press("enter")
        assert await wait_until(
            pilot, lambda: isinstance(app.screen, ListDetailScreen) and app.screen is not detail
        )
        copy = app.screen
        assert await wait_until(pilot, lambda: copy.record is not None)
        assert copy.record.name == "Tehran people (static)" and not copy.record.dynamic
        assert await wait_until(pilot, lambda: members_shown(app) == ["Ames", "Cyrus"])
        assert "Contacts · static · 2 members" in screen_text(app)
        assert lists.get(lst.id).dynamic  # the dynamic list stays as it was


async def test_marked_contacts_are_added_to_a_static_list(db):
    ids = people({"Ames": "Tehran", "Bahar": "Shiraz", "Cyrus": "Tehran"})
    news = lists.create({"name": "Newsletter", "member_type": "contact"})
    list_members.add(news.id, [ids["Ames"]])
    lists.create({"name": "Everyone", "member_type": "contact", "dynamic": True, "query": "city:x"})
    lists.create({"name": "Buyers", "member_type": "account"})
    accounts.create({"name": "Contoso"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        assert await wait_until(pilot, lambda: getattr(app.screen, "KIND", "") == "contact")
        assert await wait_until(pilot, lambda: app.screen.table.row_count == 3)
        await pilot.press("asterisk")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        assert await wait_until(pilot, lambda: "3 marked" in screen_text(app))

        # B, the action, then which list: only the active static lists of contacts
        await submitted_form(pilot, "B", action="add_to_list")
        assert await wait_until(
            pilot,
            lambda: isinstance(app.screen, FormModal) and app.screen.form.query("#field-list"),
        )
        offered = app.screen.form.query_one("#field-list", Select)
        assert [str(label) for label, _ in offered._options] == ["Newsletter"]
        assert "Add 3 marked contacts to a marketing list" in screen_text(app)
        offered.value = news.id
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, FormModal))
        assert await wait_until(
            pilot, lambda: "2 added to Newsletter; 1 already on it." in notes_text(app)
        )
        assert member_names(news.id) == ["Ames", "Bahar", "Cyrus"]
        assert await wait_until(pilot, lambda: "marked" not in screen_text(app))


async def test_with_no_static_list_of_the_kind_the_bulk_add_says_so(db):
    accounts.create({"name": "Contoso"})
    lists.create({"name": "Newsletter", "member_type": "contact"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: app.screen.table.row_count == 1)
        await pilot.press("space")
        await submitted_form(pilot, "B", action="add_to_list")
        assert await wait_until(
            pilot, lambda: "no active static list of accounts" in notes_text(app)
        )
        assert not isinstance(app.screen, FormModal)
        assert "1 marked" in screen_text(app)


async def test_a_contact_joins_and_leaves_a_list_from_its_page(db):
    ana = contacts.create({"last_name": "Ahmadi"})
    newsletter = lists.create({"name": "Newsletter", "member_type": "contact"})
    lists.create({"name": "Leads only", "member_type": "lead"})
    app = CrmApp()
    async with app.run_test(size=(120, 36)) as pilot:
        detail = await shown_record(pilot, "contact", ana.id)
        detail.switch_tab("summary")
        assert await wait_until(pilot, lambda: "Marketing lists  —" in screen_text(app))
        actions = {title: call for title, _, call in detail.record_actions()}
        actions["Add to a marketing list"]()
        assert await wait_until(pilot, lambda: bool(app.screen.query("#field-list")))
        offered = app.screen.form.query_one("#field-list", Select)
        assert [str(label) for label, _ in offered._options][-1:] == ["Newsletter"]
        offered.value = newsletter.id
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: "Marketing lists  Newsletter" in screen_text(app))
        actions["Take off a marketing list"]()
        assert await wait_until(pilot, lambda: bool(app.screen.query("#field-list")))
        app.screen.form.query_one("#field-list", Select).value = newsletter.id
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: "Marketing lists  —" in screen_text(app))
    assert lists.get(newsletter.id).member_count == 0
