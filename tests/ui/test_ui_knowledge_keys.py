"""The knowledge screens' keys behave as on the other screens: escape leaves
the search box for the results (and the app's keys work again there), j and
k move through the results, / on an article goes back to the search; an
article found in area 7 is linked to a case picked from the person's own;
a key that cannot run says why instead of doing nothing."""

from __future__ import annotations

from textual.widgets import Input
from ui_support import notes_text, screen_text, wait_until

from crm_tui.app import CrmApp
from crm_tui.config import Settings
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.common.help import HelpScreen
from crm_tui.screens.knowledge.article_view import ArticleScreen
from crm_tui.screens.knowledge.case_picker import CasePickerModal
from crm_tui.screens.knowledge.knowledge_search import KnowledgeScreen
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.screens.support.case_queue import CaseQueueScreen
from crm_tui.services import access, session, users
from crm_tui.services.customers import accounts
from crm_tui.services.knowledge import kb
from crm_tui.services.support import cases

SIZE = (120, 36)


def publish(title: str, body: str = "Open the sign-in page.", keywords: str = "login") -> int:
    row = kb.create({"title": title, "body": body, "keywords": keywords})
    row = kb.submit(row.id, row.version)
    row = kb.approve(row.id, row.version)
    return kb.publish(row.id, row.version).id


async def _knowledge(pilot) -> KnowledgeScreen:
    await pilot.press("7")
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, KnowledgeScreen))
    return pilot.app.screen


def _box(screen: KnowledgeScreen) -> Input:
    return screen.query_one("#kb-query", Input)


async def test_escape_leaves_the_search_box_and_the_app_keys_work_again(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    wanted = publish("Reset a forgotten password")
    publish("Export contacts to CSV", "Choose Export, then CSV.", "export")
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _knowledge(pilot)
        assert _box(screen).has_focus
        await pilot.press(*"reset")
        assert await wait_until(pilot, lambda: [r["id"] for r in screen.results.rows] == [wanted])
        # escape leaves the box, as on a list's filter bar: the search stays
        await pilot.press("escape")
        assert screen.results.has_focus and _box(screen).value == "reset"
        # out of the box, ? and the area keys are the app's again
        await pilot.press("question_mark")
        assert await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is screen)
        await pilot.press("6")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseQueueScreen))
        await pilot.press("7")
        assert await wait_until(pilot, lambda: app.screen is screen)
        assert _box(screen).value == "reset"
        # escape on the results clears the search
        screen.results.focus()
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: len(screen.results.rows) == 2)
        assert _box(screen).value == ""
        # / goes back into the box, where keys are typed
        await pilot.press("slash", "6")
        assert _box(screen).has_focus and _box(screen).value == "6"
        assert app.screen is screen


async def test_j_and_k_move_through_the_results(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    for title in ("First printer fix", "Second printer fix", "Third printer fix"):
        publish(title, "Restart the printer.", "printer")
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _knowledge(pilot)
        await pilot.press(*"printer")
        assert await wait_until(pilot, lambda: len(screen.results.rows) == 3)
        await pilot.press("escape")
        results = screen.results
        assert results.highlighted == 0
        await pilot.press("j")
        assert results.highlighted == 1
        await pilot.press("j")
        assert results.highlighted == 2
        await pilot.press("k")
        assert results.highlighted == 1
        await pilot.press("G")
        assert results.highlighted == 2
        await pilot.press("g")
        assert results.highlighted == 0
        await pilot.press("j", "enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ArticleScreen))
        assert app.screen.article_id == results.rows[1]["id"]


async def test_slash_on_an_article_goes_back_to_the_search(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    wanted = publish("Reset a forgotten password")
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _knowledge(pilot)
        await pilot.press(*"reset", "enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ArticleScreen))
        # another article opened from this one: / goes back past both
        await app.push_screen(ArticleScreen(wanted))
        await pilot.press("slash")
        assert await wait_until(pilot, lambda: app.screen is screen)
        assert _box(screen).has_focus
        # what is typed next is a new search, not the article's keys (r rates)
        await pilot.press(*"rx")
        await pilot.pause()
        assert _box(screen).value == "rx"
        assert not isinstance(app.screen, FormModal)


async def test_an_article_opened_from_a_case_links_to_it_and_slash_searches_for_it(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    wanted = publish("Reset a forgotten password")
    case = cases.create({"title": "Locked out", "account_id": accounts.create({"name": "A"}).id})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.open_record("case", case.id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        detail = app.screen
        await app.push_screen(ArticleScreen(wanted, case_id=case.id))
        # l links it to that case at once, naming it
        await pilot.press("l")
        assert await wait_until(pilot, lambda: kb.linked_cases(wanted) != [])
        assert "Linked to CAS-00001 (Locked out)" in notes_text(app)
        await pilot.press("slash")
        assert await wait_until(pilot, lambda: isinstance(app.screen, KnowledgeScreen))
        search = app.screen
        assert search.case_id == case.id and _box(search).has_focus
        assert "l on an article links it to the case" in screen_text(app)
        # the search took the article's place: escape twice is the case again
        await pilot.press("escape", "escape")
        assert await wait_until(pilot, lambda: app.screen is detail)


async def test_an_article_found_in_area_7_is_linked_to_a_picked_case(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    me = session.current_user()
    acme = accounts.create({"name": "Acme"})
    wanted = publish("Reset a forgotten password")
    older = cases.create({"title": "Locked out of the portal", "account_id": acme.id})
    newer = cases.create({"title": "Password email never arrives", "account_id": acme.id})
    touched = cases.update(older.id, older.version, {"priority": "high"})
    session.act_as(users.add("bob", "Bob Agent", "agent"))
    theirs = cases.create({"title": "Bob's password trouble", "account_id": acme.id})
    session.act_as(me)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _knowledge(pilot)
        await pilot.press(*"reset", "enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ArticleScreen))
        article = app.screen
        assert "l Link to case" in screen_text(app)
        await pilot.press("l")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CasePickerModal))
        picker = app.screen
        # the person's own active cases, the most recently touched first
        assert [r["id"] for r in picker.rows] == [touched.id, newer.id]
        assert "CAS-00001 Locked out of the portal" in screen_text(app)
        # typing narrows, and finds a colleague's case after the person's own
        await pilot.press(*"password")
        assert await wait_until(
            pilot, lambda: [r["id"] for r in picker.rows] == [newer.id, theirs.id]
        )
        await pilot.press("down", "enter")
        assert await wait_until(pilot, lambda: app.screen is article)
        assert [c["id"] for c in kb.linked_cases(wanted)] == [theirs.id]
        assert "Linked to CAS-00003 (Bob's password trouble)" in notes_text(app)
        assert await wait_until(pilot, lambda: "Helped 1 case" in screen_text(app))
        assert "helped 1 case" in screen_text(app) and "1 cases" not in screen_text(app)
        # linking it there again is refused in the picker, which keeps what was typed
        await pilot.press("l")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CasePickerModal))
        picker = app.screen
        await pilot.press(*"bob")
        assert await wait_until(pilot, lambda: [r["id"] for r in picker.rows] == [theirs.id])
        assert "✓ linked" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is picker
        assert "already linked to CAS-00003" in screen_text(app)
        assert picker.query_one("#case-pick-query", Input).value == "bob"
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is article)
        assert screen in app.screen_stack


async def test_keys_that_cannot_run_say_why(db, monkeypatch):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    draft = kb.create({"title": "Printer prints blank pages", "body": "Check the toner."})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.open_record("article", draft.id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, ArticleScreen))
        await pilot.press("r")
        await pilot.pause()
        assert not isinstance(app.screen, FormModal)
        assert "Only a published article can be rated: this one is draft." in notes_text(app)
        await pilot.press("l")
        await pilot.pause()
        assert not isinstance(app.screen, CasePickerModal)
        assert "Only a published article can be linked to a case" in notes_text(app)
        # a key the role may not use is not offered, and says so when pressed
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, KnowledgeScreen))
        screen = app.screen
        monkeypatch.setattr(
            access, "allowed", lambda privilege, kind, owner=None: privilege != "create"
        )
        screen.access_changed()
        await pilot.press("escape", "n")
        await pilot.pause()
        assert app.screen is screen
        assert "has no create privilege" in notes_text(app)


async def test_l_on_a_highlighted_result_links_it_to_a_picked_case(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    acme = accounts.create({"name": "Acme"})
    publish("Export contacts to CSV", "Choose Export, then CSV.", "export")
    wanted = publish("Reset a forgotten password")
    mine = cases.create({"title": "Locked out of the portal", "account_id": acme.id})
    app = CrmApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await _knowledge(pilot)
        await pilot.press(*"reset", "escape")
        assert await wait_until(pilot, lambda: screen.results.current_id == wanted)
        assert "l Link to case" in screen_text(app)
        await pilot.press("l")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CasePickerModal))
        assert "Link to a case: KA-00002" in screen_text(app)
        assert "Reset a forgotten password" in screen_text(app)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: app.screen is screen)
        assert [c["id"] for c in kb.linked_cases(wanted)] == [mine.id]
        assert "Linked to CAS-00001 (Locked out of the portal)" in notes_text(app)
        assert screen.results.current_id == wanted


async def test_l_on_a_result_found_from_a_case_links_it_there(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    acme = accounts.create({"name": "Acme"})
    wanted = publish("Reset a forgotten password")
    case = cases.create({"title": "Password reset", "account_id": acme.id})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(KnowledgeScreen(case_id=case.id, typed="reset"))
        assert await wait_until(pilot, lambda: isinstance(app.screen, KnowledgeScreen))
        screen = app.screen
        assert await wait_until(
            pilot, lambda: bool(screen.query("#kb-results")) and screen.results.current_id == wanted
        )
        screen.results.focus()
        await pilot.press("l")
        assert await wait_until(pilot, lambda: bool(kb.linked_cases(wanted)))
        assert app.screen is screen
        assert [c["id"] for c in kb.linked_cases(wanted)] == [case.id]
        assert "Linked to CAS-00001 (Password reset)" in notes_text(app)


async def test_l_on_the_results_says_why_when_it_cannot_link(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    kb.create({"title": "Printer prints blank pages", "body": "Check the toner."})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _knowledge(pilot)
        await pilot.press(*"nothing", "escape")
        assert await wait_until(pilot, lambda: screen.results.rows == [])
        await pilot.press("l")
        await pilot.pause()
        assert app.screen is screen
        assert "l Link to case" not in screen_text(app)
        assert "No article is highlighted" in notes_text(app)
        # escape again clears the search: the person's own draft is found
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: screen.results.current is not None)
        assert screen.results.current["state"] == "draft"
        await pilot.press("l")
        await pilot.pause()
        assert app.screen is screen
        assert "Only a published article can be linked to a case: this one is draft." in (
            notes_text(app)
        )
