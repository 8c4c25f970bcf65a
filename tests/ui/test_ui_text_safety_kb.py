"""User text is data, never markup, on the knowledge screens.

The hostile corpus of test_ui_text_safety fills what a reader sees there:
article titles, keywords and bodies, subject names and paths, review
comments, the titles of the cases the articles are suggested for and the
names of reviewers. The records are made through the services (which clean
text and build the search index from it), then their text columns are
overwritten raw through the models. Each article was written with "kbmark"
in its keywords, so the palette finds them all, and with "zebra" around the
hostile text of its body, so a search for it shows that text in the snippet.

A body rendered as Markdown also holds hostile links: a javascript: target,
an OSC 8 escape inside a URL, an autolink, an image, raw HTML, an OSC 8
hyperlink and a Textual action in a link's text. None of them may reach the
terminal as a hyperlink or an action (Markdown is rendered with
hyperlinks=False: a link reads "text (url)").
"""

from __future__ import annotations

import pytest
from test_ui_text_safety import PERSIAN, RAW, SIZE, VISIBLE, check_screen
from textual.command import CommandList, CommandPalette
from textual.widgets import Input, Select, TextArea
from ui_support import wait_until

from crm_tui.app import CrmApp
from crm_tui.config import Settings
from crm_tui.db import write
from crm_tui.models import Case, KbArticle, Subject, User
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.knowledge.article_form import ArticleFormScreen
from crm_tui.screens.knowledge.article_view import ArticleScreen
from crm_tui.screens.knowledge.knowledge_search import KnowledgeScreen
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.services import session, users
from crm_tui.services.customers import accounts
from crm_tui.services.knowledge import kb
from crm_tui.services.support import cases
from crm_tui.text import clean

# the article view renders a long Markdown body: tall enough to show it whole
TALL = (170, 72)

# A Markdown body: headings and paragraphs of hostile text, then hostile links.
LINKS_MD = "\n\n".join(
    [
        "# Links \x1b[31mred\x1b[0m heading",
        "[click](javascript:alert(1))",
        "[x](https://evil.example/\x1b]8;;https://evil\x07)",
        "<https://evil.example>",
        "![i](http://x/y.png)",
        'before <a href="x">y</a> after',
        "osc \x1b]8;;https://evil\x07here\x1b]8;;\x07 end",
        "[[@click=app.quit]boom[/]](https://ok.example)",
        "[[link=https://x]y[/]](https://two.example)",
    ]
)
# What the reader sees of them (each its own line, shown literally).
LINKS_VISIBLE = [
    "Links red heading",
    "[click](javascript:alert(1))",
    "x (https://evil.example/)",
    "https://evil.example (https://evil.example)",
    "i",  # the image: "🌆 i"
    "before y after",
    "osc here end",
    "[@click=app.quit]boom[/] (https://ok.example)",
    "[link=https://x]y[/] (https://two.example)",
]
BODY_MD = "\n\n".join([*RAW, LINKS_MD])


def raw(model, record_id: int, **columns) -> None:
    model.update(**columns).where(model.id == record_id).execute()


def body_of(index: int) -> str:
    return f"Lead text zebra {RAW[index]} zebra tail."


def publish(article: KbArticle) -> KbArticle:
    article = kb.submit(article.id, article.version)
    article = kb.approve(article.id, article.version)
    return kb.publish(article.id, article.version)


@pytest.fixture
def library(db):
    """Eight published articles with hostile titles, subjects, keywords and
    bodies; an article whose body is hostile Markdown; a rejected draft with
    a review comment; a case whose title and description suggest them."""
    session.configure(Settings(start_area="accounts", time_zone="UTC"))
    reviewer = users.add("rev", "Rita Reviewer", "manager")
    subject_ids = [kb.ensure_subject(f"Topic {i}") for i in range(7)]
    subject_ids.append(kb.ensure_subject("Topic 0 / Nested"))
    articles = []
    for i in range(8):
        article = kb.create(
            {
                "title": f"Article {i}",
                "keywords": f"kbmark, word{i}",
                "body": body_of(i),
                "subject_id": subject_ids[i],
                "reviewer_id": reviewer.id,
            }
        )
        articles.append(publish(article))
        kb.rate(articles[-1].id, 1 + i % 5)
    markdown = publish(kb.create({"title": "Markdown sampler", "body": BODY_MD,
                                  "keywords": "sampler"}))  # fmt: skip
    draft = kb.create({"title": "Draft to review", "body": "Needs work", "keywords": "draft",
                       "subject_id": subject_ids[7], "reviewer_id": reviewer.id})  # fmt: skip
    draft = kb.submit(draft.id, draft.version)
    draft = kb.reject(draft.id, draft.version, "Add the steps")

    customer = accounts.create({"name": "Zoo Supplies"})
    case = cases.create({"title": "Zebra label printer", "account_id": customer.id,
                         "description": "The zebra prints blank labels"})  # fmt: skip
    # three articles already helped this case: listed first, marked
    for article in articles[:3]:
        kb.link_case(article.id, case.id)

    # What the services stored: cleaned.
    assert kb.get(articles[4].id).body == "Lead text zebra click zebra tail."
    assert kb.get(markdown.id).body == clean(BODY_MD, multiline=True)

    with write():
        for i, article in enumerate(articles):
            raw(KbArticle, article.id, title=RAW[i], keywords=RAW[(i + 2) % 8], body=body_of(i))
        for i, subject_id in enumerate(subject_ids):
            path = RAW[(i + 1) % 8] if i < 7 else f"{RAW[1]} / {RAW[0]}"
            raw(Subject, subject_id, name=RAW[(i + 1) % 8] if i < 7 else RAW[0], path=path)
        raw(KbArticle, markdown.id, body=BODY_MD)
        raw(KbArticle, draft.id, title=RAW[1], keywords=RAW[0], body=BODY_MD,
            review_comment=RAW[0])  # fmt: skip
        raw(User, reviewer.id, full_name=RAW[2])
        raw(Case, case.id, title=f"zebra {RAW[4]}", description=f"{RAW[2]} zebra {RAW[6]}")
    return {"articles": articles, "markdown": markdown, "draft": draft, "case": case,
            "subjects": subject_ids}  # fmt: skip


async def _search(pilot, typed: str, count: int) -> KnowledgeScreen:
    app = pilot.app
    await pilot.press("7")
    assert await wait_until(pilot, lambda: isinstance(app.screen, KnowledgeScreen))
    screen = app.screen
    screen.query_one("#kb-query", Input).focus()
    await pilot.press(*typed)
    assert await wait_until(pilot, lambda: len(screen.results.rows) == count), len(
        screen.results.rows
    )
    await pilot.pause()
    return screen


async def test_search_results_subject_picker_and_palette(library):
    app = CrmApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await _search(pilot, "zebra", 8)
        # the titles (bold line) and the subject paths (after the number)
        lines = check_screen(app, KnowledgeScreen, VISIBLE)
        text = "\n".join(lines)
        # snippets: the searched word lit around the hostile text, control
        # characters gone; markup characters are dropped from snippets (a
        # bracket leaves a space), so what is left of "[bold red]loud[/]" is
        # its words, not a style
        for index in (4, 5, 6, 7):
            assert f"Lead text zebra {VISIBLE[index]} zebra tail." in text, VISIBLE[index]
        assert "bold red loud /" in text
        assert "@click=app.quit x /" in text
        assert 'link="https://x" y /' in text
        # the nested subject, under a hostile parent
        assert {row["subject"] for row in screen.results.rows} >= {f"{RAW[1]} / {RAW[0]}"}

        # the subject picker: names indented by depth, opened
        await pilot.press("escape")  # clears the search
        screen.results.focus()
        await pilot.press("J")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        select = app.screen.query_one("#field-subject_id", Select)
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        check_screen(app, FormModal, VISIBLE)
        # pick the nested subject: the filter shows its hostile path
        select.value = library["subjects"][7]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, KnowledgeScreen))
        assert await wait_until(pilot, lambda: screen.subject_id == library["subjects"][7])
        await pilot.pause()
        lines = check_screen(app, KnowledgeScreen, [VISIBLE[1]])
        assert any(f"{VISIBLE[1]} / {VISIBLE[0]}" in line for line in lines), "\n".join(lines)

        # the palette's "go to" hits: every hostile title, found by keyword
        await pilot.press("ctrl+p", *"kbmark")
        hits = app.screen.query_one(CommandList)
        assert await wait_until(pilot, lambda: hits.option_count >= 8), hits.option_count
        await pilot.pause()
        lines = check_screen(app, CommandPalette, VISIBLE)
        assert sum("Article " in line and "KA-000" in line for line in lines) >= 8
        await pilot.press("escape")
        await pilot.pause()
        check_screen(app, KnowledgeScreen, [])


async def test_article_view_versions_and_rating(library):
    app = CrmApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        # every hostile title in the title line, the versions picker and the
        # rating modal
        for index, article in enumerate(library["articles"]):
            await app.open_record("article", article.id)
            assert await wait_until(pilot, lambda: isinstance(app.screen, ArticleScreen))
            await pilot.pause()
            lines = check_screen(app, ArticleScreen, [VISIBLE[index], VISIBLE[(index + 1) % 8]])
            assert lines[1].strip() == VISIBLE[index], lines[1]
            # the body: the hostile text between the lit... plain words
            assert (
                any(f"Lead text zebra {VISIBLE[index]} zebra tail." in line for line in lines)
                or index < 4
            ), "\n".join(lines)

            await pilot.press("V")
            assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
            select = app.screen.query_one("#field-article_id", Select)
            select.focus()
            await pilot.press("enter")
            await pilot.pause()
            await pilot.pause()
            lines = check_screen(app, FormModal, [])
            assert any(f"Published  {VISIBLE[index]}" in line for line in lines), "\n".join(lines)
            await pilot.press("escape", "escape")
            await pilot.pause()

            await pilot.press("r")
            assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
            await pilot.pause()
            lines = check_screen(app, FormModal, [])
            assert any(f"Rate {VISIBLE[index]}" in line for line in lines), "\n".join(lines)
            select = app.screen.query_one("#field-stars", Select)
            select.focus()
            await pilot.press("enter")
            await pilot.pause()
            await pilot.pause()
            check_screen(app, FormModal, ["★★★★★  5"])
            await pilot.press("escape", "escape")
            await pilot.pause()
            check_screen(app, ArticleScreen, [])
            await pilot.press("escape")
            await pilot.pause()


async def test_rendered_markdown_body_and_hostile_links(library):
    app = CrmApp()
    async with app.run_test(size=TALL, notifications=True) as pilot:
        await pilot.pause()
        await app.open_record("article", library["markdown"].id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, ArticleScreen))
        await pilot.pause()
        lines = check_screen(app, ArticleScreen, [*VISIBLE, *LINKS_VISIBLE])
        assert any("🌆 i" in line for line in lines)
        # a link's target is shown after its text, never sent as a hyperlink
        assert not any("evil\x07" in line or "8;;" in line for line in lines)
        assert app.return_code is None


async def test_review_comment_and_the_form(library):
    draft = library["draft"]
    app = CrmApp()
    async with app.run_test(size=TALL, notifications=True) as pilot:
        await pilot.pause()
        await app.open_record("article", draft.id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, ArticleScreen))
        await pilot.pause()
        screen = app.screen
        # the comment line, for every hostile comment
        for comment, visible in zip(RAW, VISIBLE, strict=True):
            with write():
                raw(KbArticle, draft.id, review_comment=comment)
            screen.refresh_data()
            await pilot.pause()
            lines = check_screen(app, ArticleScreen, [VISIBLE[1], visible, *LINKS_VISIBLE])
            assert any(line.strip() == f"Reviewer: {visible}" for line in lines), "\n".join(lines)

        # the form, with the hostile values loaded
        await pilot.press("e")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ArticleFormScreen))
        await pilot.pause()
        lines = check_screen(app, ArticleFormScreen, [VISIBLE[1], VISIBLE[0], VISIBLE[2]])
        assert any(f"Edit article · KA-00010 v1.0 {VISIBLE[1]}" in line for line in lines)
        form = app.screen
        assert form.query_one("#field-title", Input).value == VISIBLE[1]
        assert form.query_one("#field-keywords", Input).value == VISIBLE[0]
        body = form.query_one("#field-body", TextArea)
        assert body.text == clean(BODY_MD, multiline=True)
        form.set_focus(body)
        await pilot.pause()
        check_screen(app, ArticleFormScreen, VISIBLE)
        # the subject and reviewer pickers, opened
        for field in ("subject_id", "reviewer_id"):
            select = form.query_one(f"#field-{field}", Select)
            select.focus()
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            await pilot.pause()
            check_screen(app, ArticleFormScreen, [VISIBLE[2]] if field == "reviewer_id" else [])
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.return_code is None


async def test_case_suggestion_panel(library):
    case = library["case"]
    app = CrmApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await app.open_record("case", case.id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        await pilot.pause()
        screen = app.screen
        panel = screen.query_one("#kb-suggestions")
        assert screen.query_one("#kb-side").display
        ids = [row["id"] for row in panel.rows]
        # the three linked, then the five others and the Markdown sampler
        # (its body holds the words of the case's title)
        expected = {a.id for a in library["articles"]} | {library["markdown"].id}
        assert set(ids) == expected, ids
        assert [row.get("linked", False) for row in panel.rows[:4]] == [True, True, True, False]
        # the case's title, the article titles (linked ones first) and snippets
        lines = check_screen(app, CaseDetailScreen, VISIBLE)
        assert any(f"zebra {VISIBLE[4]}" in line for line in lines)
        text = "\n".join(lines)
        assert "✓ linked" in text
        for index in (4, 5, 6, 7):
            assert f"zebra {VISIBLE[index]} zebra" in text, VISIBLE[index]

        # opened from the case: the article offers l, and its text is safe
        panel.focus()
        panel.highlighted = ids.index(library["articles"][6].id)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ArticleScreen))
        await pilot.pause()
        lines = check_screen(app, ArticleScreen, [VISIBLE[6]])
        assert any("l Link to case" in line for line in lines)
        await pilot.press("escape")
        await pilot.pause()
        check_screen(app, CaseDetailScreen, [PERSIAN])


async def test_hostile_article_number(library):
    """Numbers can be imported ("Imported or hand-made documents may already
    hold a number", numbers.next_number); the case screens draw a case's
    number through safe_line, the knowledge screens must too."""
    article = library["articles"][4]
    with write():
        raw(KbArticle, article.id, number="\x1b[1mKA-00005\x1b[0m")
    app = CrmApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _search(pilot, "zebra", 8)
        lines = check_screen(app, KnowledgeScreen, [VISIBLE[4]])
        assert any("KA-00005 v1.0" in line for line in lines)
        await app.open_record("article", article.id)
        assert await wait_until(pilot, lambda: isinstance(app.screen, ArticleScreen))
        await pilot.pause()
        check_screen(app, ArticleScreen, [VISIBLE[4]])
