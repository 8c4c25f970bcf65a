"""Sales literature by keyboard: created from its list, its detail opens on
its files; + adds a file from a path, S saves it out, - removes it after
asking; b links a product, enter on the About tab opens it; expired and
inactive literature says so in its title."""

from __future__ import annotations

from textual.widgets import Input
from ui_support import fill, notes_text, pressed_into, screen_text, shown_record, wait_until

from crm_tui.app import CrmApp
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.common.prompt import PromptModal
from crm_tui.screens.marketing.literature_detail import LiteratureDetailScreen, size_text
from crm_tui.screens.marketing.literature_form import LiteratureFormScreen
from crm_tui.screens.marketing.literature_list import LiteratureScreen
from crm_tui.screens.sales.product_detail import ProductDetailScreen
from crm_tui.services.marketing import literature, literature_items
from crm_tui.services.sales import products

SIZE = (120, 36)


async def _answer(pilot, key: str, value: str) -> None:
    """Press `key`, type `value` into the prompt it opens, and enter."""
    modal = await pressed_into(pilot, key, PromptModal)
    modal.query_one(Input).value = value
    await pilot.press("enter")
    assert await wait_until(pilot, lambda: not isinstance(pilot.app.screen, PromptModal))


async def test_create_add_a_file_save_it_and_remove_it(db, tmp_path):
    spec = tmp_path / "gearbox-spec.txt"
    spec.write_text("The quietest gearbox we make.\n" * 100)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        app.open_catalogue("marketing.literature_list", "LiteratureScreen")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LiteratureScreen))
        await pilot.pause()

        # n: the form; saved, the list shows it
        await pressed_into(pilot, "n", LiteratureFormScreen)
        await fill(pilot, "title", "Gearbox spec sheet")
        await fill(pilot, "subject", "Gearboxes")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LiteratureScreen))
        made = literature.find_by_name("Gearbox spec")[0]
        assert await wait_until(pilot, lambda: app.screen.table.current_id == made["id"])

        # enter: the detail opens on its (empty) Files tab
        detail = await pressed_into(pilot, "enter", LiteratureDetailScreen)
        assert await wait_until(pilot, lambda: "No files yet" in screen_text(app))
        assert "Gearbox spec sheet" in screen_text(app) and "Brochure" in screen_text(app)

        # +: a path (a folder is refused and nothing is added), then the file
        await _answer(pilot, "plus", str(tmp_path))
        assert await wait_until(pilot, lambda: "is not a readable file" in notes_text(app))
        assert literature_items.items_of(made["id"]) == []
        await _answer(pilot, "plus", str(spec))
        assert await wait_until(pilot, lambda: len(literature_items.items_of(made["id"])) == 1)
        assert await wait_until(pilot, lambda: "searchable" in screen_text(app))
        shown = screen_text(app)
        assert "gearbox-spec.txt" in shown and size_text(spec.stat().st_size) in shown
        assert "No files yet" not in shown
        assert literature.find_by_name("quietest")[0]["id"] == made["id"]

        # enter on the file says what it is
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: "its words find this literature" in notes_text(app))

        # S: saved into a folder under its own name; again there, refused
        out = tmp_path / "out"
        out.mkdir()
        await _answer(pilot, "S", str(out))
        saved = out / "gearbox-spec.txt"
        assert await wait_until(pilot, saved.exists)
        assert saved.read_bytes() == spec.read_bytes()
        assert "Saved to" in notes_text(app)
        await _answer(pilot, "S", str(out))
        assert await wait_until(pilot, lambda: "exists; choose another name" in notes_text(app))
        # a folder that is not there is said, not a crash
        await _answer(pilot, "S", str(tmp_path / "nowhere" / "x.txt"))
        assert await wait_until(pilot, lambda: "No such file" in notes_text(app))
        assert app.screen is detail

        # -: asks, naming the file; n keeps it, y removes it
        await pressed_into(pilot, "minus", ConfirmModal)
        assert "Remove gearbox-spec.txt?" in screen_text(app)
        await pilot.press("n")
        assert await wait_until(pilot, lambda: app.screen is detail)
        assert len(literature_items.items_of(made["id"])) == 1
        await pressed_into(pilot, "minus", ConfirmModal)
        await pilot.press("y")
        assert await wait_until(pilot, lambda: literature_items.items_of(made["id"]) == [])
        assert await wait_until(pilot, lambda: "No files yet" in screen_text(app))


async def test_about_a_product_and_opened_from_it(db):
    widget = products.create({"product_number": "GB-1", "name": "Gearbox 3000"})
    sheet = literature.create({"title": "Gearbox price sheet", "literature_type": "price_sheet"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await shown_record(pilot, "sales_literature", sheet.id)
        assert "Price sheet" in screen_text(app)

        # b: a name typed finds the product; ctrl+s links it
        await pressed_into(pilot, "b", FormModal)
        await fill(pilot, "about", "Gearbox")
        assert await wait_until(pilot, lambda: "Gearbox 3000 (product)" in screen_text(app))
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: app.screen is detail)
        assert [r["name"] for r in literature.about(sheet.id)] == ["Gearbox 3000"]
        assert await wait_until(pilot, lambda: detail.shown_tab == "about")
        assert await wait_until(pilot, lambda: "Gearbox 3000" in screen_text(app))

        # linked again: refused in the modal, with what was typed
        await pressed_into(pilot, "b", FormModal)
        await fill(pilot, "about", "Gearbox")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: "already about Gearbox 3000" in screen_text(app))
        await pilot.press("escape")
        if isinstance(app.screen, ConfirmModal):  # something was typed: it asks
            await pilot.press("y")
        assert await wait_until(pilot, lambda: app.screen is detail)

        # the summary names it; enter on the About tab opens the product
        await detail.show_tab("summary")
        assert await wait_until(pilot, lambda: "Products: Gearbox 3000" in screen_text(app))
        await detail.show_tab("about")
        await pressed_into(pilot, "enter", ProductDetailScreen)
        assert app.screen.record.id == widget.id
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is detail)

        # -: on the About tab it takes the product off, after asking
        await pressed_into(pilot, "minus", ConfirmModal)
        assert "Take Gearbox 3000 (product) off this literature?" in screen_text(app)
        await pilot.press("y")
        assert await wait_until(pilot, lambda: literature.about(sheet.id) == [])


async def test_expired_and_inactive_say_so_and_d_reactivates(db):
    old = literature.create(
        {"title": "Spring 2020 brochure", "expires_on": "2020-03-01", "employee_contact_id": db.id}
    )
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await shown_record(pilot, "sales_literature", old.id)
        title = str(detail.query_one("#detail-title").render())
        assert "expired" in title and "inactive" not in title
        await detail.show_tab("summary")
        assert await wait_until(pilot, lambda: db.full_name in screen_text(app))

        await pressed_into(pilot, "D", ConfirmModal)
        assert "Deactivate Spring 2020 brochure?" in screen_text(app)
        await pilot.press("y")
        assert await wait_until(pilot, lambda: literature.get(old.id).state == "inactive")
        assert await wait_until(
            pilot, lambda: "inactive" in str(detail.query_one("#detail-title").render())
        )
        await pilot.press("D")  # back in use at once
        assert await wait_until(pilot, lambda: literature.get(old.id).state == "active")


async def test_the_kept_detail_shows_the_next_literature_s_own_files(db):
    first = literature.create({"title": "First sheet"})
    second = literature.create({"title": "Second sheet"})
    literature_items.add(first.id, ("first-notes.md", b"# First"))
    literature_items.add(second.id, ("second-notes.md", b"# Second"))
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        detail = await shown_record(pilot, "sales_literature", first.id)
        assert await wait_until(pilot, lambda: "first-notes.md" in screen_text(app))
        await pilot.press("escape")
        await pilot.pause()
        assert await shown_record(pilot, "sales_literature", second.id) is detail
        assert await wait_until(pilot, lambda: "second-notes.md" in screen_text(app))
        assert "first-notes.md" not in screen_text(app)
        # - removes this record's file, not the last one's
        await pressed_into(pilot, "minus", ConfirmModal)
        assert "Remove second-notes.md?" in screen_text(app)
        await pilot.press("y")
        assert await wait_until(pilot, lambda: literature_items.items_of(second.id) == [])
        assert len(literature_items.items_of(first.id)) == 1
