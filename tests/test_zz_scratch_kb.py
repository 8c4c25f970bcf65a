from test_ui_text_safety_kb import *  # noqa
from test_ui_text_safety_kb import library, _search  # noqa
from ui_support import screen_text


async def test_dump(library):
    app = CrmApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _search(pilot, "zebra", 8)
        print(screen_text(app))
        await app.open_record("case", library["case"].id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        await pilot.pause()
        print(screen_text(app))
        await app.open_record("article", library["markdown"].id)
        await pilot.pause()
        await pilot.pause()
        print(screen_text(app))


async def test_number(library):
    a = library["articles"][0]
    with write():
        raw(KbArticle, a.id, number="\x1b[1mKA-00001\x1b[0m")
    app = CrmApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _search(pilot, "zebra", 8)
        try:
            check_screen(app, KnowledgeScreen, [])
        except AssertionError as e:
            print("SEARCH", str(e)[:300])
        await app.open_record("article", a.id)
        await pilot.pause()
        try:
            check_screen(app, ArticleScreen, [])
        except AssertionError as e:
            print("ARTICLE", str(e)[:300])
        await pilot.press("V")
        await pilot.pause()
        await pilot.pause()
        try:
            check_screen(app, FormModal, [])
        except AssertionError as e:
            print("VERSIONS", str(e)[:300])
