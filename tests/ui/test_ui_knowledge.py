"""The knowledge base by keyboard: search in area 7 and open an article,
copy and rate it; write, review and publish one; the suggestions beside a
case (K links, and the next similar case gets it first); a new case's form
suggesting as the title is typed; the body edited in $EDITOR."""

from __future__ import annotations

import contextlib
import sys

from textual.app import App
from textual.widgets import Input, TextArea
from ui_support import fill, notes_text, screen_text, wait_until

from crm_tui.app import CrmApp
from crm_tui.config import Settings
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.knowledge.article_form import ArticleFormScreen
from crm_tui.screens.knowledge.article_view import ArticleScreen
from crm_tui.screens.knowledge.knowledge_search import KnowledgeScreen
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.screens.support.case_form import CaseFormScreen
from crm_tui.services import session, users
from crm_tui.services.customers import accounts, notes
from crm_tui.services.knowledge import kb
from crm_tui.services.support import cases

SIZE = (120, 36)
BODY = "## Steps\n1. Open the sign-in page.\n2. Choose **Forgot password** and send the reset link."


def publish(title: str, body: str = BODY, keywords: str = "password, reset") -> int:
    row = kb.create({"title": title, "body": body, "keywords": keywords})
    row = kb.submit(row.id, row.version)
    row = kb.approve(row.id, row.version)
    return kb.publish(row.id, row.version).id


async def test_search_open_copy_and_rate(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    wanted = publish("Reset a forgotten password")
    publish("Export contacts to CSV", "Choose Export, then CSV.", "export")
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        assert await wait_until(pilot, lambda: isinstance(app.screen, KnowledgeScreen))
        screen = app.screen
        await pilot.press(*"reset pass*")
        assert await wait_until(pilot, lambda: [r["id"] for r in screen.results.rows] == [wanted])
        assert "1 best matches" in screen_text(app)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ArticleScreen))
        text = screen_text(app)
        assert "Reset a forgotten password" in text and "Forgot password" in text
        assert "**" not in text  # rendered, not raw Markdown
        assert kb.get(wanted).view_count == 1
        await pilot.press("y")
        assert app.clipboard.startswith("Reset a forgotten password\n\n## Steps")
        await pilot.press("Y")
        assert app.clipboard == "KA-00001 v1.0 Reset a forgotten password"
        await pilot.press("r")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: kb.my_rating(wanted) == 5)
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is screen)
        # a malformed query is searched as words, never an error
        screen.query_one("#kb-query", Input).value = '"unclosed -'
        await pilot.pause(0.3)
        assert app.screen is screen and not any(n.severity == "error" for n in app._notifications)


async def test_write_review_and_publish_by_keys(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    agent = users.add("ann", "Ann Agent", "agent")
    manager = users.add("mia", "Mia Manager", "manager")
    session.act_as(agent)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7")
        assert await wait_until(pilot, lambda: isinstance(app.screen, KnowledgeScreen))
        await pilot.press("down", "n")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ArticleFormScreen))
        await fill(pilot, "title", "Printer prints blank pages")
        app.screen.query_one("#field-body", TextArea).text = "## Check the toner\n1. Open it."
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ArticleScreen))
        view = app.screen
        article_id = view.article_id
        assert "Draft" in screen_text(app)
        # an agent cannot approve: the key says what is possible instead
        await pilot.press("A")
        await pilot.pause()
        assert "Not while the article is draft (here: s submit for review)" in notes_text(app)
        await pilot.press("s")
        assert await wait_until(pilot, lambda: kb.get(article_id).state == "in_review")
        await pilot.press("A")
        await pilot.pause()
        assert "Only a reviewer can approve it" in notes_text(app)
        assert kb.get(article_id).state == "in_review"
        # the manager reviews it in the same screen
        session.act_as(manager)
        view.refresh_data()
        await pilot.press("A")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: kb.get(article_id).state == "approved")
        await pilot.press("P")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: kb.get(article_id).state == "published")
        # N: a new minor version opens in the form; 1.0 stays published
        await pilot.press("N")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ArticleFormScreen))
        assert "v1.1" in screen_text(app)
        assert [v["state"] for v in kb.versions(kb.get(article_id).number)] == [
            "draft",
            "published",
        ]


async def test_case_suggestions_link_and_learn(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    acme = accounts.create({"name": "Acme"})
    tokens = publish("Two-factor codes are rejected", "Check the phone clock.", "2fa, codes")
    publish("Badge printer setup", "Install the badge printer driver.", "printer, badge")
    first = cases.create({"title": "Badge printer shows wrong codes", "account_id": acme.id})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.open_record("case", first.id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        panel = app.screen.query_one("#kb-suggestions")
        assert await wait_until(pilot, lambda: len(panel.rows) == 2)
        assert "Two-factor codes are rejected" in screen_text(app)
        panel.highlighted = [r["id"] for r in panel.rows].index(tokens)
        await pilot.press("K")
        assert await wait_until(pilot, lambda: kb.linked_articles(first.id) != [])
        assert [a["id"] for a in kb.linked_articles(first.id)] == [tokens]
        assert await wait_until(pilot, lambda: "1 linked" in screen_text(app))
        assert notes.list_for(("case", first.id))[0]["subject"].startswith("Knowledge article")
        # the article lists the cases it helped
        await app.push_screen(ArticleScreen(tokens))
        assert await wait_until(pilot, lambda: "Helped 1 case" in screen_text(app))
        assert "CAS-00001 Badge printer shows wrong codes" in screen_text(app)
        await pilot.press("escape")
        # the next case worded like it gets that article first
        second = cases.create({"title": "Badge printer codes again", "account_id": acme.id})
        await app.open_record("case", second.id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        panel = app.screen.query_one("#kb-suggestions")
        assert await wait_until(pilot, lambda: len(panel.rows) == 2)
        assert panel.rows[0]["id"] == tokens


async def test_new_case_form_suggests_as_the_title_is_typed(db):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    acme = accounts.create({"name": "Acme"})
    wanted = publish("Reset a forgotten password")
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await pilot.pause()
        await pilot.press("n")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseFormScreen))
        form = app.screen
        panel = form.query_one("#kb-suggestions")
        assert panel.rows == []
        await fill(pilot, "title", "Locked out: password")
        assert await wait_until(pilot, lambda: [r["id"] for r in panel.rows] == [wanted])
        panel.focus()
        await pilot.press("ctrl+k")
        assert wanted in form.pending_links
        await fill(pilot, "account_id", "Acme")
        await pilot.pause(0.2)
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, CaseFormScreen))
        case = cases.page(view="all").rows[0]
        assert case["title"] == "Locked out: password"
        assert cases.get(case["id"]).account_id == acme.id
        assert [a["id"] for a in kb.linked_articles(case["id"])] == [wanted]


async def test_body_in_the_external_editor(db, tmp_path, monkeypatch):
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\nopen(sys.argv[1], 'a', encoding='utf-8').write('\\n2. From the editor')\n"
    )
    monkeypatch.setenv("VISUAL", f"{sys.executable} {script}")
    # no terminal to hand over in a headless test: suspending is a no-op
    monkeypatch.setattr(App, "suspend", lambda self: contextlib.nullcontext())
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(ArticleFormScreen(None))
        assert await wait_until(pilot, lambda: isinstance(app.screen, ArticleFormScreen))
        body = app.screen.query_one("#field-body", TextArea)
        body.text = "1. Typed here"
        await pilot.press("ctrl+e")
        assert await wait_until(pilot, lambda: "From the editor" in body.text)
        assert body.text == "1. Typed here\n2. From the editor"
        # an editor that fails leaves the body as it was
        monkeypatch.setenv("VISUAL", f"{sys.executable} -c 'import sys; sys.exit(3)'")
        await pilot.press("ctrl+e")
        assert await wait_until(pilot, lambda: "exited with status 3" in notes_text(app))
        assert body.text == "1. Typed here\n2. From the editor"
        # an editor that is not installed is said so, and the app carries on
        monkeypatch.setenv("VISUAL", "no-such-editor-xyz --wait")
        await pilot.press("ctrl+e")
        assert await wait_until(pilot, lambda: "not installed" in notes_text(app))
        assert isinstance(app.screen, ArticleFormScreen) and app.is_running
        assert body.text == "1. Typed here\n2. From the editor"
