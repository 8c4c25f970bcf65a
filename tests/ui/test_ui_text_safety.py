"""User text is data, never markup, on every screen.

Every record here carries names, subjects and bodies that are Rich/Textual
markup, terminal escape sequences or bidi controls. Each screen is rendered
with the Pilot at 120x36 and read back from the compositor's segments (see
ui_support): the app must still be running on the expected screen, the
markup must show literally, and no ESC, BEL or bidi control may reach the
terminal, nor any hyperlink or action hidden in a style.

The records are created through the services (which clean text on the way
in), then their text columns are overwritten with the raw strings straight
through the models, as an older version or another tool might have stored
them: the screens must not trust the database either.
"""

from __future__ import annotations

import json
import re

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input, TextArea
from ui_support import iter_segments, screen_lines, wait_until

from crm_tui.app import CrmApp
from crm_tui.models import Account, Activity, AuditEntry, Contact, Note
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.conflict import ConflictModal
from crm_tui.screens.common.help import HelpScreen
from crm_tui.screens.customers.account_detail import AccountDetailScreen
from crm_tui.screens.customers.account_form import AccountFormScreen
from crm_tui.screens.customers.accounts_list import AccountsScreen
from crm_tui.screens.customers.activity_modal import ActivityModal
from crm_tui.screens.customers.contact_detail import ContactDetailScreen
from crm_tui.screens.customers.contact_form import ContactFormScreen
from crm_tui.screens.customers.contacts_list import ContactsScreen
from crm_tui.services.customers import accounts, activities, contacts, notes

# wide enough that every hostile name fits its column uncut
SIZE = (170, 40)
PERSIAN = "فن\u200cآوران"  # with a ZWNJ, which Persian needs

# (what was stored, what must be visible)
EVIL = [
    ("[/]", "[/]"),
    ("[@click=app.quit]x[/]", "[@click=app.quit]x[/]"),
    ('[link="https://x"]y[/]', '[link="https://x"]y[/]'),
    ("[bold red]loud[/]", "[bold red]loud[/]"),
    ("\x1b]8;;https://evil\x07click\x1b]8;;\x07", "click"),
    ("\x1b[31mred\x1b[0m", "red"),
    ("a\u202eb", "ab"),
    (PERSIAN, PERSIAN),
]
RAW = [raw for raw, _ in EVIL]
VISIBLE = [visible for _, visible in EVIL]

# Nothing of these may be sent to the terminal: ESC, BEL, 8-bit CSI/OSC/ST,
# bidi embeddings/overrides/isolates and direction marks.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Cells are separated by spaces (padding), box and scrollbar characters;
# an address joins its parts with ", ". Text cut short with "…" does not count.
_EDGE = r"\s,·│▏▕▎▊"


def shows(lines: list[str], text: str) -> bool:
    """`text` appears on a line as a whole cell value, not inside a longer word
    ("ab" must not be found in "Next tab", "click" not in "[@click=...")."""
    pattern = re.compile(rf"(?:^|(?<=[{_EDGE}])){re.escape(text)}(?=[{_EDGE}]|$)")
    return any(pattern.search(line) for line in lines)


def check_screen(app: CrmApp, expected_screen: type, visible: list[str]) -> list[str]:
    """The app runs on `expected_screen`, shows each of `visible` literally and
    sends no control character, hyperlink or click action to the terminal."""
    assert app.return_code is None, "the app exited"
    assert isinstance(app.screen, expected_screen), type(app.screen).__name__
    lines = screen_lines(app)
    missing = [text for text in visible if not shows(lines, text)]
    assert not missing, f"not on screen: {missing!r}\n" + "\n".join(lines)
    for segment in iter_segments(app):
        assert not FORBIDDEN.search(segment.text), repr(segment.text)
        style = segment.style
        if style is not None:
            assert not style.link, (segment.text, style.link)
            # markup's @click would put an action here (Textual itself only
            # uses @mouse.* for scrollbars)
            assert "@click" not in style.meta, (segment.text, style.meta)
    return lines


@pytest.fixture
def world(db):
    """Accounts, contacts, activities and notes full of hostile text."""
    # a kitchen-sink account: each text field holds another hostile string
    sink = accounts.create(
        {
            "name": RAW[4],
            "account_number": RAW[0],
            "street": RAW[2],
            "city": RAW[3],
            "state_province": RAW[1],
            "postal_code": RAW[5],
            "country": RAW[6],
            "description": RAW[7],
        }
    )
    people = []
    for raw in RAW:
        people.append(
            contacts.create(
                {"last_name": raw, "job_title": raw, "account_id": sink.id, "city": "Darkville"}
            )
        )
        activities.log("phone_call", raw, regarding=("account", sink.id), description=raw)
        activities.log("task", raw, regarding=("account", sink.id))
        notes.add(("account", sink.id), raw, raw)
    # a kitchen-sink contact at that account
    person = contacts.create(
        {
            "first_name": RAW[0],
            "last_name": RAW[1],
            "job_title": RAW[2],
            "account_id": sink.id,
            "street": RAW[3],
            "city": RAW[4],
            "state_province": RAW[5],
            "postal_code": RAW[6],
            "description": RAW[7],
        }
    )
    for raw in RAW:
        activities.log("task", raw, regarding=("contact", person.id))
    # one account per hostile name, all in one findable city
    named = [accounts.create({"name": raw, "city": "Evilton"}) for raw in RAW]

    # What the services stored: cleaned, with the Persian ZWNJ kept.
    stored = [accounts.get(a.id).name for a in named]
    assert stored == VISIBLE
    assert "\u200c" in accounts.get(named[7].id).name
    assert contacts.get(people[7].id).last_name == PERSIAN

    # Now the raw strings, as a writer that does not clean would leave them.
    Account.update(
        name=RAW[4],
        account_number=RAW[0],
        street=RAW[2],
        city=RAW[3],
        state_province=RAW[1],
        postal_code=RAW[5],
        country=RAW[6],
        description=RAW[7],
    ).where(Account.id == sink.id).execute()
    for account, raw in zip(named, RAW, strict=True):
        Account.update(name=raw).where(Account.id == account.id).execute()
    for contact, raw in zip(people, RAW, strict=True):
        Contact.update(last_name=raw, full_name=raw, job_title=raw).where(
            Contact.id == contact.id
        ).execute()
    Contact.update(
        first_name=RAW[0],
        last_name=RAW[1],
        full_name=f"{RAW[0]} {RAW[1]}",
        job_title=RAW[2],
        street=RAW[3],
        city=RAW[4],
        state_province=RAW[5],
        postal_code=RAW[6],
        description=RAW[7],
    ).where(Contact.id == person.id).execute()
    for index, activity in enumerate(Activity.select().order_by(Activity.id)):
        raw = RAW[index // 2 % 8] if activity.regarding_type == "account" else RAW[index % 8]
        Activity.update(subject=raw, description=raw).where(Activity.id == activity.id).execute()
    for index, note in enumerate(Note.select().order_by(Note.id)):
        Note.update(subject=RAW[index], body=RAW[index]).where(Note.id == note.id).execute()
    created = AuditEntry.get(
        (AuditEntry.record_type == "account")
        & (AuditEntry.record_id == sink.id)
        & (AuditEntry.action == "create")
    )
    created.changes = json.dumps(
        {f"field {index}": [None, raw] for index, raw in enumerate(RAW)}, ensure_ascii=False
    )
    created.save()
    return {"sink": sink, "person": person, "people": people, "named": named}


async def test_lists_modal_titles_palette_help_and_toasts(world):
    app = CrmApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        check_screen(app, AccountsScreen, VISIBLE)
        table = app.screen.table
        rows = table._rows
        assert {row["name"] for row in rows} >= set(RAW)

        # the activity modal's title names the record, for every hostile name
        for index, row in enumerate(rows):
            if row["id"] == world["sink"].id:
                continue  # same name as another row
            table.move_cursor(row=index)
            await pilot.press("a")
            lines = check_screen(app, ActivityModal, [])
            expected = VISIBLE[RAW.index(row["name"])]
            assert any(f"Log activity · regarding account {expected}" in line for line in lines)
            await pilot.press("escape")
            check_screen(app, AccountsScreen, [])

        await pilot.press("question_mark")
        check_screen(app, HelpScreen, ["Filter", "New"])
        await pilot.press("escape")

        # palette hits: every hostile account name, found by its city
        await pilot.press("ctrl+p", *"evilton")
        hits = app.screen.query_one(CommandList)
        assert await wait_until(pilot, lambda: hits.option_count >= 8)
        check_screen(app, CommandPalette, VISIBLE)
        await pilot.press("escape")

        await pilot.press("2")
        check_screen(app, ContactsScreen, VISIBLE)
        await pilot.press("ctrl+p", *"darkville")
        hits = app.screen.query_one(CommandList)
        assert await wait_until(pilot, lambda: hits.option_count >= 8)
        check_screen(app, CommandPalette, VISIBLE)
        await pilot.press("escape")

        # a toast naming the record
        await pilot.press("1")
        table = app.screen.table
        table.move_cursor(row=[row["name"] for row in table._rows].index(RAW[4]))
        await pilot.press("D")
        # the question names the record, literally
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        check_screen(app, ConfirmModal, [VISIBLE[4]])
        await pilot.press("y")
        assert await wait_until(
            pilot, lambda: any("click deactivated" in line for line in screen_lines(app))
        )
        check_screen(app, AccountsScreen, [])


async def test_account_detail_tabs_form_and_help(world):
    sink = world["sink"]
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.open_record("account", sink.id)
        await pilot.pause()
        # the timeline tab comes first: open tasks on top, then calls and notes
        lines = check_screen(app, AccountDetailScreen, VISIBLE)
        assert any(re.search(r"^\s+click\s+8 open activities", line) for line in lines)

        await pilot.press("right_square_bracket")  # notes
        check_screen(app, AccountDetailScreen, VISIBLE)
        await pilot.press("right_square_bracket")  # history
        check_screen(app, AccountDetailScreen, VISIBLE)
        await pilot.press("right_square_bracket")  # summary
        lines = check_screen(app, AccountDetailScreen, VISIBLE)
        address = '[link="https://x"]y[/], [bold red]loud[/], [@click=app.quit]x[/], red, ab'
        assert any(address in line for line in lines)
        await pilot.press("right_square_bracket")  # contacts
        check_screen(app, AccountDetailScreen, VISIBLE)

        await pilot.press("question_mark")
        check_screen(app, HelpScreen, ["Edit", "Next tab"])
        await pilot.press("escape")

        await pilot.press("a")
        lines = check_screen(app, ActivityModal, [])
        assert any("Log activity · regarding account click " in line for line in lines)
        await pilot.press("escape")

        await pilot.press("e")
        lines = check_screen(app, AccountFormScreen, VISIBLE[:7])
        assert any("Edit account · click " in line for line in lines)
        form = app.screen
        description = form.query_one("#field-description", TextArea)
        form.set_focus(description)
        await pilot.pause()
        check_screen(app, AccountFormScreen, [PERSIAN])
        assert description.text == PERSIAN
        await pilot.press("escape")
        check_screen(app, AccountDetailScreen, [])


async def test_contact_detail_and_form(world):
    person = world["person"]
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.open_record("contact", person.id)
        await pilot.pause()
        lines = check_screen(app, ContactDetailScreen, VISIBLE)  # the timeline
        title = '[/] [@click=app.quit]x[/]  ·  [link="https://x"]y[/] at click'
        assert any(title in line for line in lines)

        await pilot.press("left_square_bracket")
        lines = check_screen(app, ContactDetailScreen, VISIBLE)  # the summary
        assert any("[bold red]loud[/], click, red, ab" in line for line in lines)

        await pilot.press("e")
        lines = check_screen(app, ContactFormScreen, VISIBLE[:7])
        form = app.screen
        assert form.query_one("#field-first_name", Input).value == "[/]"
        assert form.query_one("#field-state_province", Input).value == "red"
        description = form.query_one("#field-description", TextArea)
        form.set_focus(description)
        await pilot.pause()
        check_screen(app, ContactFormScreen, [PERSIAN])
        await pilot.press("escape")
        check_screen(app, ContactDetailScreen, [])


async def test_conflict_modal(db):
    fields = [
        "name",
        "account_number",
        "street",
        "city",
        "state_province",
        "postal_code",
        "country",
        "description",
    ]
    account = accounts.create({"name": "Plain"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, AccountFormScreen)
        # mine: hostile text typed in every field (what a keyboard can type:
        # the visible part; terminals drop control characters from pastes)
        for name, raw in zip(fields, VISIBLE, strict=True):
            widget = form.query_one(f"#field-{name}")
            if isinstance(widget, TextArea):
                widget.text = raw
            else:
                widget.value = raw
        # theirs: another writer stored other hostile text meanwhile
        Account.update(
            {getattr(Account, name): raw for name, raw in zip(fields, reversed(RAW), strict=True)}
            | {Account.version: Account.version + 1}
        ).where(Account.id == account.id).execute()

        await pilot.press("ctrl+s")
        lines = check_screen(app, ConflictModal, VISIBLE)
        assert len(app.screen.rows) == 8
        for label, mine, theirs in zip(
            ["Name", "Account number", "Street", "City"], VISIBLE, reversed(VISIBLE), strict=False
        ):
            assert any(
                re.search(rf"{label}\s+{re.escape(mine)}\s+{re.escape(theirs)}\s", line)
                for line in lines
            ), label
        await pilot.press("escape")
        check_screen(app, AccountFormScreen, [])
