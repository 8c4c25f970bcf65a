"""Every write a person can make from a screen or a modal survives a busy
database. One case per write action: the pilot reaches it with real keys and
types what a person would; then, while a colleague's process holds the write
lock past busy_timeout, the save (ctrl+s, the key, the confirmation) is
pressed. The app keeps running and offers to try again with the fault's
sentence; a form or modal is still on screen with everything typed in it (and
says what happened beside its fields); once the colleague is done, `r` on
the RetryModal (or the form's own save key, as a person back in the form
would press) saves it.

The lock is a real one: a spawned process that runs BEGIN IMMEDIATE on the
same file. It is started once for the session (spawning takes a while, and
must happen before any app captures stderr) and takes and releases the lock
of each test's database on demand. Each test gets a fresh copy of one seeded
template, made with SQLite's backup API.

Screens are reached with the keys a person presses, sent as the terminal's
key events; a detail screen is pushed straight over the first area rather
than through its own area's list (which would only cost time)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import unicodedata
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from multiprocessing import resource_tracker
from pathlib import Path

import apsw
import pytest
from textual import events
from textual.command import CommandList, CommandPalette
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.screen import Screen
from textual.widgets import Select, TextArea
from ui_support import screen_text, wait_until

from crm_tui import config
from crm_tui.app import CrmApp
from crm_tui.db import close_database, dict_rows
from crm_tui.runtime import open_for_user
from crm_tui.screens.admin.custom_fields import CustomFieldsScreen
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.conflict import ConflictModal
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.common.retry import RetryModal
from crm_tui.screens.customers.account_detail import AccountDetailScreen
from crm_tui.screens.customers.account_form import AccountFormScreen
from crm_tui.screens.customers.accounts_list import AccountsScreen
from crm_tui.screens.customers.activities_list import ActivitiesScreen
from crm_tui.screens.customers.activity_modal import ActivityModal
from crm_tui.screens.customers.calendar import CalendarScreen
from crm_tui.screens.customers.contact_detail import ContactDetailScreen
from crm_tui.screens.customers.contact_form import ContactFormScreen
from crm_tui.screens.customers.contacts_list import ContactsScreen
from crm_tui.screens.knowledge.article_form import ArticleFormScreen
from crm_tui.screens.knowledge.article_view import ArticleScreen
from crm_tui.screens.knowledge.case_picker import CasePickerModal
from crm_tui.screens.knowledge.knowledge_search import KnowledgeScreen
from crm_tui.screens.sales.competitor_detail import CompetitorDetailScreen
from crm_tui.screens.sales.competitor_form import CompetitorFormScreen
from crm_tui.screens.sales.competitors_list import CompetitorsScreen
from crm_tui.screens.sales.document_detail import DocumentDetailScreen
from crm_tui.screens.sales.document_form import DocumentFormScreen
from crm_tui.screens.sales.documents_list import DocumentsScreen
from crm_tui.screens.sales.lead_detail import LeadDetailScreen
from crm_tui.screens.sales.lead_form import LeadFormScreen
from crm_tui.screens.sales.lead_qualify import QualifyModal
from crm_tui.screens.sales.leads_list import LeadsScreen
from crm_tui.screens.sales.line_modal import LineModal
from crm_tui.screens.sales.opportunities_list import OpportunitiesScreen
from crm_tui.screens.sales.opportunity_detail import OpportunityDetailScreen
from crm_tui.screens.sales.opportunity_form import OpportunityFormScreen
from crm_tui.screens.sales.pipeline_board import PipelineScreen
from crm_tui.screens.sales.price_lists import PriceListsScreen
from crm_tui.screens.sales.product_detail import ProductDetailScreen
from crm_tui.screens.sales.product_form import ProductFormScreen
from crm_tui.screens.sales.products_list import ProductsScreen
from crm_tui.screens.support.booking_modal import BookingModal
from crm_tui.screens.support.case_detail import CaseDetailScreen
from crm_tui.screens.support.case_form import CaseFormScreen
from crm_tui.screens.support.case_queue import CaseQueueScreen
from crm_tui.screens.support.contract_detail import ContractDetailScreen
from crm_tui.screens.support.contract_form import ContractFormScreen
from crm_tui.screens.support.contracts_list import ContractsScreen
from crm_tui.screens.support.schedule import ScheduleScreen
from crm_tui.services import dates, session, users
from crm_tui.services.customers import accounts, activities, contacts
from crm_tui.services.knowledge import kb
from crm_tui.services.sales import (
    competitors,
    leads,
    lines,
    opportunities,
    orders,
    products,
    quotes,
)
from crm_tui.services.support import cases, contracts, queues, scheduling
from crm_tui.widgets.timeline import Timeline

SIZE = (110, 32)
BUSY = "The database is busy"
SETTINGS = {"busy_timeout_ms": 200, "time_zone": "UTC"}
ALWAYS = {"work_days": "1,2,3,4,5,6,7", "work_start": "00:00", "work_end": "23:59"}


# --- a colleague's process holding the write lock -----------------------------------------


def _colleague(pipe) -> None:
    """In another process: take the write lock of the database a message
    names, keep it until "release", stop on None."""
    held = None
    while (command := pipe.recv()) is not None:
        if command == "release":
            if held is not None:
                held.execute("ROLLBACK")
                held.close()
                held = None
        else:
            held = apsw.Connection(command)
            held.set_busy_timeout(10_000)  # a write of the app may be finishing
            held.execute("BEGIN IMMEDIATE")
        pipe.send("done")


class Colleague:
    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, theirs = context.Pipe()
        self._process = context.Process(target=_colleague, args=(theirs,), daemon=True)
        self._process.start()

    def _tell(self, command: str | None) -> None:
        self._pipe.send(command)
        if command is not None:
            assert self._pipe.poll(60), "the colleague's process did not answer"
            self._pipe.recv()

    @contextmanager
    def holding(self, path: Path) -> Iterator[None]:
        """The write lock of `path`, held in the colleague's process."""
        self._tell(str(path))
        try:
            yield
        finally:
            self._tell("release")

    def leave(self) -> None:
        self._tell(None)
        self._process.join(10)


@pytest.fixture(scope="session")
def colleague() -> Iterator[Colleague]:
    # Spawned before any app runs: Textual's captured stderr has no file
    # descriptor for spawning the resource tracker later.
    resource_tracker.ensure_running()
    person = Colleague()
    yield person
    person.leave()


# --- the seeded template, copied for each test ------------------------------------------


def _seed() -> dict[str, int]:
    """What the cases act on, made through the services; ids by name."""
    me = session.current_user()
    ids: dict[str, int] = {"me": me.id}
    today = dates.today()
    _seed_people(ids)
    _seed_sales(ids, today)
    _seed_service(ids, today, me.id)
    _seed_knowledge(ids)
    return ids


def _seed_people(ids: dict) -> None:
    acme = accounts.create({"name": "Acme", "city": "Leeds"})
    sleepy = accounts.create({"name": "Sleepy Co"})
    accounts.deactivate(sleepy.id, sleepy.version)
    ann = contacts.create({"first_name": "Ann", "last_name": "Archer", "account_id": acme.id})
    olly = contacts.create({"first_name": "Olly", "last_name": "Old"})
    contacts.deactivate(olly.id, olly.version)
    call_back = activities.log("task", "Call back", regarding=("account", acme.id))
    lena = leads.create(
        {"first_name": "Lena", "last_name": "Lead", "company_name": "Lena Labs", "topic": "Ink"}
    )
    dan = leads.create({"first_name": "Dan", "last_name": "Done"})
    leads.disqualify(dan.id, dan.version, "lost")
    ids.update(acme=acme.id, sleepy=sleepy.id, ann=ann.id, olly=olly.id, call_back=call_back.id,
               lena=lena.id, dan=dan.id)  # fmt: skip


def _seed_sales(ids: dict, today: dt.date) -> None:
    acme = ids["acme"]
    widget = products.create({"product_number": "W-1", "name": "Widget", "list_price": "10.00"})
    widget = products.activate(widget.id, widget.version)
    gizmo = products.create({"product_number": "G-1", "name": "Gizmo", "list_price": "5.00"})
    retail = products.create_price_list({"name": "Retail"})
    products.set_item(retail.id, widget.id, "9.50")
    rival = competitors.create({"name": "Rival Inc"})
    old_rival = competitors.create({"name": "Old Rival"})
    competitors.deactivate(old_rival.id, old_rival.version)

    deal = opportunities.create(
        {"name": "Big deal", "account_id": acme, "contact_id": ids["ann"],
         "estimated_close_date": (today + dt.timedelta(days=30)).isoformat(),
         "estimated_revenue": "5000.00", "description": "40 seats"}
    )  # fmt: skip
    lines.add_line("opportunity", deal.id, deal.version, {"product_id": widget.id, "quantity": "2"})
    thin = opportunities.create({"name": "Thin deal"})
    paused = opportunities.create({"name": "Paused deal", "account_id": acme})
    opportunities.hold(paused.id, paused.version)
    grown = opportunities.create(
        {"name": "Grown deal", "account_id": acme,
         "estimated_close_date": (today + dt.timedelta(days=60)).isoformat()}
    )  # fmt: skip
    opportunities.move_stage(grown.id, grown.version, "develop")
    lost = opportunities.create({"name": "Lost deal", "account_id": acme})
    opportunities.close_lost(lost.id, lost.version)

    def quote(name: str, opportunity_id: int | None = None):
        row = quotes.create({"name": name, "account_id": acme, "opportunity_id": opportunity_id})
        return lines.add_line(
            "quote", row.id, row.version, {"product_id": widget.id, "quantity": "3"}
        )

    def order(name: str, *steps):
        row = quote(name)
        row = quotes.activate(row.id, row.version)
        made = quotes.win(row.id, row.version)
        for step in steps:
            made = step(made.id, made.version)
        return made

    active_quote = quote("Active quote", deal.id)
    ids.update(
        widget=widget.id, gizmo=gizmo.id, retail=retail.id, rival=rival.id, old_rival=old_rival.id,
        deal=deal.id, thin=thin.id, paused=paused.id, grown=grown.id, lost=lost.id,
        draft_quote=quote("Draft quote").id,
        active_quote=quotes.activate(active_quote.id, active_quote.version).id,
        active_order=order("Active order").id,
        submitted_order=order("Submitted order", orders.submit).id,
        fulfilled_order=order("Fulfilled order", orders.submit, orders.fulfil).id,
        invoice=order("Invoiced order", orders.submit, orders.fulfil, orders.create_invoice).id,
    )  # fmt: skip


def _seed_service(ids: dict, today: dt.date, me: int) -> None:
    sam = users.add("sam", "Sam Agent", "agent")
    tier1 = queues.create({"name": "Tier 1"})
    billing = queues.create({"name": "Billing"})
    queues.add_member(tier1.id, me)

    def case(title: str):
        return cases.create({"title": title, "account_id": ids["acme"], "queue_id": tier1.id})

    jam = case("Printer jam")
    mine = case("Mine to keep")
    cases.take(mine.id)
    open_work = case("Open work")
    activities.log("task", "Check the logs", regarding=("case", open_work.id))
    done = case("Done already")
    cases.resolve(done.id, done.version, resolution="Fixed")
    target = case("Merge")

    def contract(name: str, *steps):
        row = contracts.create(
            {"name": name, "account_id": ids["acme"], "starts_on": today.isoformat(),
             "ends_on": (today + dt.timedelta(days=365)).isoformat()}
        )  # fmt: skip
        row = contracts.add_line(
            row.id,
            row.version,
            {"title": "Phone support", "allotment_type": "cases", "total": "10"},
        )
        for step in steps:
            row = step(row.id, row.version)
        return row

    draft = contract("Draft support")
    live = contract("Live support", contracts.activate)
    held = contract("Held support", contracts.activate, contracts.hold)

    tech = scheduling.create_resource({"name": "Ann Tech", "resource_type": "user", **ALWAYS})
    visit = scheduling.create_service(
        {"name": "Site visit", "duration_minutes": 60}, [(tech.id, None)]
    )
    tomorrow = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(10), tzinfo=dt.UTC)
    booking = scheduling.book(
        subject="Boiler check", start=tomorrow, resource_ids=[tech.id], service_id=visit.id
    )
    ids.update(sam=sam.id, tier1=tier1.id, billing=billing.id, jam=jam.id, mine=mine.id,
               open_work=open_work.id, done_case=done.id, merge_target=target.id,
               draft_contract=draft.id, live_contract=live.id, held_contract=held.id,
               live_line=contracts.lines_of(live.id)[0]["id"], tech=tech.id,
               booking=booking)  # fmt: skip


def _seed_knowledge(ids: dict) -> None:
    def article(title: str, *steps) -> int:
        row = kb.create(
            {"title": title, "body": "Open the tray and pull the paper out.",
             "keywords": "printer, jam, paper"}
        )  # fmt: skip
        for step in steps:
            row = step(row.id, row.version)
        return row.id

    ids.update(
        draft_article=article("Draft article"),
        review_article=article("Article in review", kb.submit),
        approved_article=article("Approved article", kb.submit, kb.approve),
        published_article=article("Clear a printer jam", kb.submit, kb.approve, kb.publish),
    )


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("sweep") / "template.db"
    open_for_user(path, config.Settings(start_area="accounts", **SETTINGS), login="tester")
    try:
        ids = _seed()
    finally:
        session.act_as(None)
        close_database()
    return path, ids


def _copy(source: Path, target: Path) -> None:
    """A fresh database from the template, page by page (never a file copy)."""
    origin, fresh = apsw.Connection(str(source)), apsw.Connection(str(target))
    try:
        with fresh.backup("main", origin, "main") as backup:
            backup.step()
    finally:
        fresh.close()
        origin.close()


# --- the desk: the app, the records, and a person's keys ---------------------------------


class Desk:
    """The running app with the seeded records, and the moves a person makes."""

    def __init__(self, path: Path, ids: dict[str, int], colleague: Colleague) -> None:
        self.path = path
        self.ids = ids
        self.colleague = colleague
        self.app: CrmApp
        self.pilot = None

    @property
    def screen(self) -> Screen:
        return self.app.screen

    async def until(self, predicate: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
        if not await wait_until(self.pilot, predicate, timeout, step=0.02):
            raise AssertionError(f"{what}; on screen:\n{screen_text(self.app)}")

    async def on(self, kind: type) -> Screen:
        await self.until(lambda: isinstance(self.app.screen, kind), f"expected {kind.__name__}")
        await self.settle()  # mounted
        return self.app.screen

    async def settle(self) -> None:
        """Until the app has handled what was sent and all it set off in turn
        (a focus move, a bubbled key, a callback): no queue holds a message.
        The pilot's press instead waits for the process to idle, twice a key."""
        for _ in range(100):
            await self.pilot.pause(0)
            nodes = [self.app, *self.app.screen.walk_children(with_self=True)]
            if not any(node.message_queue_size for node in nodes):
                return

    async def press(self, *keys: str, then: type | None = None) -> Screen:
        """Press `keys` one after the other, each handled before the next."""
        for name in keys:
            self.app.post_message(_key_event(name))
            await self.settle()
        return await self.on(then) if then is not None else self.app.screen

    async def area(self, key: str, kind: type) -> Screen:
        return await self.press(key, then=kind)

    async def push(self, screen: Screen) -> Screen:
        await self.app.push_screen(screen)
        return await self.on(type(screen))

    async def detail(self, kind: str, name: str, screen: type) -> Screen:
        """The record's detail, pushed over the first area (its own area's
        list would be built and loaded for nothing)."""
        record_id = self.ids[name]
        made = screen(kind, record_id) if screen is DocumentDetailScreen else screen(record_id)
        shown = await self.push(made)
        await self.until(lambda: shown.record is not None, f"{kind} {name} loaded")
        return shown

    async def view(self, view: str) -> None:
        """v until the list shows `view`."""
        screen = self.screen
        for _ in range(len(screen.VIEWS)):
            if screen.view == view:
                break
            await self.press("v")
        assert screen.view == view

    async def row(self, name: str) -> None:
        """Highlight the record `name` in the list on screen."""
        table = self.screen.table
        wanted = self.ids[name]
        await self.until(lambda: any(r["id"] == wanted for r in table._rows), f"{name} listed")
        table.move_cursor(row=[r["id"] for r in table._rows].index(wanted))
        await self.settle()

    async def card(self, stage: str, name: str) -> None:
        self.screen.board.select(stage, self.ids[name])
        await self.settle()

    async def type(self, name: str, text: str) -> None:
        """Focus a field and type `text` over what it held: a key event per
        character, as the terminal sends them, handled in order (the pilot's
        press would wait for the app to idle after every key)."""
        widget = self.screen.query_one(_selector(name))
        widget.focus()  # handled before the keys: they queue behind it
        if isinstance(widget, TextArea):
            widget.text = ""
        else:
            widget.value = ""
        await self.keys(text)

    async def keys(self, text: str) -> None:
        for char in text:
            self.app.post_message(_key_event(char))
        await self.settle()

    def choose(self, name: str, value: object) -> None:
        self.screen.query_one(_selector(name), Select).value = value


def _key_event(key: str) -> events.Key:
    """The event a terminal sends for `key`, a character or a key's name (as
    the pilot makes it)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def _selector(name: str) -> str:
    return name if name.startswith("#") else f"#field-{name}"


def shown(screen: Screen, name: str) -> object:
    widget = screen.query_one(_selector(name))
    return widget.text if isinstance(widget, TextArea) else widget.value


@pytest.fixture
def desk(template, colleague, tmp_path) -> Iterator[Desk]:
    source, ids = template
    path = tmp_path / "crm.db"
    _copy(source, path)
    open_for_user(path, config.Settings(start_area="accounts", **SETTINGS), login="tester")
    yield Desk(path, ids, colleague)
    session.act_as(None)
    close_database()


# --- what the database holds -------------------------------------------------------------


def value(table: str, record_id: int, column: str) -> object:
    rows = dict_rows(f'SELECT "{column}" AS v FROM "{table}" WHERE id = ?', (record_id,))
    return rows[0]["v"] if rows else None


def count(sql: str, *params: object) -> int:
    return dict_rows(f"SELECT count(*) AS n FROM {sql}", params)[0]["n"]


# --- the cases ------------------------------------------------------------------------------

Reach = Callable[[Desk], Awaitable[None]]
Saved = Callable[[dict], bool]


@dataclass(frozen=True)
class Case:
    reach: Reach  # the way to the write, typing what a person would
    keys: tuple[str, ...]  # what writes, pressed while the colleague holds the lock
    saved: Saved  # the write is in the database, given the seeded ids
    # a form or modal: its fields that must keep what was typed or chosen
    # (a callable gets the ids); None for a key or a confirmation
    kept: dict[str, object] | None = None
    # a form or modal is saved again with its own key once the colleague is
    # done; these try once more while busy and then take the RetryModal's r
    again_by_r: bool = False


def by_r(case: Case) -> Case:
    return replace(case, again_by_r=True)


SAVE = ("ctrl+s",)
YES = ("y",)


def form(reach: Reach, saved: Saved, **kept: object) -> Case:
    return Case(reach, SAVE, saved, kept)


def key(reach: Reach, keys: str | tuple[str, ...], saved: Saved) -> Case:
    return Case(reach, (keys,) if isinstance(keys, str) else keys, saved)


def confirm(reach: Reach, saved: Saved) -> Case:
    return Case(reach, YES, saved)


def asking(where: Reach, keys: str) -> Reach:
    """`where`, then the key that asks "are you sure?"."""

    async def reach(d: Desk) -> None:
        await where(d)
        await d.press(keys, then=ConfirmModal)

    return reach


# --- accounts, contacts, activities ----------------------------------------------------------


async def accounts_list(d: Desk, name: str | None = None) -> None:
    await d.on(AccountsScreen)
    if name:
        await d.row(name)


async def new_account(d: Desk) -> None:
    await accounts_list(d)
    await d.press("n", then=AccountFormScreen)
    await d.type("name", "Bix")


async def edit_account(d: Desk) -> None:
    await accounts_list(d, "acme")
    await d.press("e", then=AccountFormScreen)
    await d.type("city", "York")


async def conflicting_edit(d: Desk) -> None:
    await edit_account(d)
    row = accounts.get(d.ids["acme"])
    accounts.update(row.id, row.version, {"city": "Hull"})  # a colleague saved meanwhile
    await d.press("ctrl+s", then=ConflictModal)  # o overwrites with mine


async def list_call(d: Desk) -> None:
    await accounts_list(d, "acme")
    await d.press("a", then=ActivityModal)
    await d.press("c")
    await d.type("#subject", "Renew")


async def account(d: Desk, name: str = "acme") -> None:
    await d.detail("account", name, AccountDetailScreen)


async def new_contact_at_account(d: Desk) -> None:
    await account(d)
    await d.press("n", then=ContactFormScreen)
    await d.type("last_name", "Nye")


def log_on_account(kind_key: str):
    async def reach(d: Desk) -> None:
        await account(d)
        await d.press("a", then=ActivityModal)
        await d.press(kind_key)
        await d.type("#subject", f"Re {kind_key}")
        await d.type("#details", "Said")

    return reach


async def open_task(d: Desk) -> None:
    await account(d)
    timeline = d.screen.query_one(Timeline)
    index = next(i for i, item in enumerate(timeline.items) if item["id"] == d.ids["call_back"])
    timeline.move_cursor(row=index)
    timeline.focus()
    await d.settle()


async def reschedule_task(d: Desk) -> None:
    await open_task(d)
    await d.press("d", then=FormModal)
    await d.type("due_at", "+3d")


async def contact(d: Desk, name: str = "ann") -> None:
    await d.detail("contact", name, ContactDetailScreen)


async def edit_contact(d: Desk) -> None:
    await contact(d)
    await d.press("e", then=ContactFormScreen)
    await d.type("job_title", "Buyer")


async def contact_note(d: Desk) -> None:
    await contact(d)
    await d.press("n", then=ActivityModal)
    await d.type("#subject", "Email")


async def contacts_list(d: Desk) -> None:
    await d.area("2", ContactsScreen)
    await d.row("ann")


def logged(kind: str, subject: str) -> Saved:
    if kind == "note":
        return lambda ids: count("note WHERE subject = ?", subject) == 1
    return lambda ids: count("activity WHERE kind = ? AND subject = ?", kind, subject) == 1


ACCOUNTS = {
    "accounts-list/new-account-form": form(
        new_account, lambda ids: count("account WHERE name = 'Bix'") == 1,
        name="Bix"),
    "accounts-list/edit-account-form": form(
        edit_account, lambda ids: value("account", ids["acme"], "city") == "York", city="York"),
    "account-form/overwrite-after-a-conflict-key": key(
        conflicting_edit, "o", lambda ids: value("account", ids["acme"], "city") == "York"),
    "accounts-list/deactivate-confirm": confirm(
        asking(lambda d: accounts_list(d, "acme"), "D"),
        lambda ids: value("account", ids["acme"], "state") == "inactive"),
    "accounts-list/activity-modal": by_r(Case(
        list_call, SAVE, logged("phone_call", "Renew"), {"#subject": "Renew"})),
    "account-detail/reactivate-key": key(
        lambda d: account(d, "sleepy"), "D",
        lambda ids: value("account", ids["sleepy"], "state") == "active"),
    "account-detail/new-contact-form": form(
        new_contact_at_account,
        lambda ids: count("contact WHERE last_name = 'Nye' AND account_id = ?", ids["acme"]) == 1,
        last_name="Nye"),
    **{
        f"account-detail/activity-modal-{label}": Case(
            log_on_account(letter), SAVE, logged(kind, f"Re {letter}"),
            {"#subject": f"Re {letter}", "#details": "Said"})
        for letter, kind, label in [
            ("c", "phone_call", "call"), ("e", "email", "email"), ("m", "appointment", "meeting"),
            ("t", "task", "task"), ("l", "letter", "letter"), ("n", "note", "note"),
        ]
    },
    "account-timeline/complete-activity-key": key(
        open_task, "c", lambda ids: value("activity", ids["call_back"], "state") == "completed"),
    "account-timeline/cancel-activity-key": key(
        open_task, "x", lambda ids: value("activity", ids["call_back"], "state") == "canceled"),
    "account-timeline/reschedule-activity-modal": form(
        reschedule_task, lambda ids: value("activity", ids["call_back"], "due_at") is not None,
        due_at="+3d"),
    "contact-detail/edit-contact-form": form(
        edit_contact, lambda ids: value("contact", ids["ann"], "job_title") == "Buyer",
        job_title="Buyer"),
    "contact-detail/note-modal": Case(
        contact_note, SAVE, logged("note", "Email"), {"#subject": "Email"}),
    "contacts-list/deactivate-confirm": confirm(
        asking(contacts_list, "D"), lambda ids: value("contact", ids["ann"], "state") == "inactive"),
    "contact-detail/reactivate-key": key(
        lambda d: contact(d, "olly"), "D",
        lambda ids: value("contact", ids["olly"], "state") == "active"),
}  # fmt: skip


# --- leads -------------------------------------------------------------------------------------


async def leads_list(d: Desk, name: str | None = None, view: str = "my_open") -> None:
    await d.area("3", LeadsScreen)
    await d.view(view)
    if name:
        await d.row(name)


async def new_lead(d: Desk) -> None:
    await leads_list(d)
    await d.press("n", then=LeadFormScreen)
    await d.type("last_name", "Ngo")


async def lead(d: Desk, name: str = "lena") -> None:
    await d.detail("lead", name, LeadDetailScreen)


async def edit_lead(d: Desk) -> None:
    await lead(d)
    await d.press("e", then=LeadFormScreen)
    await d.type("topic", "Toner")


async def qualify(d: Desk) -> None:
    await leads_list(d, "lena")
    await d.press("Q", then=QualifyModal)


async def disqualify(d: Desk, where: Reach) -> None:
    await where(d)
    await d.press("X", then=FormModal)
    d.choose("reason", "no_longer_interested")


def lead_is(name: str, column: str, wanted: str) -> Saved:
    return lambda ids: value("lead", ids[name], column) == wanted


LEADS = {
    "leads-list/new-lead-form": form(
        new_lead, lambda ids: count("lead WHERE last_name = 'Ngo'") == 1, last_name="Ngo"),
    "lead-detail/edit-lead-form": by_r(form(
        edit_lead, lead_is("lena", "topic", "Toner"), topic="Toner")),
    "leads-list/qualify-modal": by_r(Case(qualify, SAVE, lead_is("lena", "state", "qualified"), {})),
    "leads-list/disqualify-modal": form(
        lambda d: disqualify(d, lambda d: leads_list(d, "lena")),
        lead_is("lena", "state", "disqualified"), reason="no_longer_interested"),
    "leads-list/contacted-key": key(
        lambda d: leads_list(d, "lena"), "M", lead_is("lena", "status_reason", "contacted")),
    "lead-detail/reactivate-key": key(
        lambda d: lead(d, "dan"), "O", lead_is("dan", "state", "open")),
}  # fmt: skip


# --- the pipeline and opportunities ----------------------------------------------------------


async def board(d: Desk, name: str | None = None) -> None:
    await d.area("4", PipelineScreen)
    if name:
        await d.card("qualify", name)


async def new_opportunity(d: Desk) -> None:
    await board(d)
    await d.press("n", then=OpportunityFormScreen)
    await d.type("name", "Fresh")


async def edit_opportunity(d: Desk) -> None:
    await board(d, "deal")
    await d.press("e", then=OpportunityFormScreen)
    await d.type("probability", "35")


async def board_activity(d: Desk) -> None:
    await board(d, "deal")
    await d.press("a", then=ActivityModal)
    await d.press("e")
    await d.type("#subject", "Terms")


async def through_the_gate(d: Desk) -> None:
    await board(d, "thin")
    await d.press("shift+right", then=FormModal)
    await d.type("account_id", "Acme")
    await d.type("estimated_close_date", "2031-01-31")


async def close_modal(d: Desk, where: Reach, keys: str) -> None:
    await where(d)
    await d.press(keys, then=FormModal)
    await d.type("description", "Done")


async def palette_move(d: Desk) -> None:
    await board(d, "deal")
    palette = await d.press("ctrl+p", then=CommandPalette)
    await d.keys("move to develop")
    hits = palette.query_one(CommandList)
    await d.until(
        lambda: hits.option_count and "Move to Develop" in str(hits.get_option_at_index(0).prompt),
        "the palette offers the move",
    )


async def opportunities_list(d: Desk) -> None:
    await board(d)
    await d.press("b", then=OpportunitiesScreen)
    await d.row("deal")


async def opportunity(d: Desk, name: str = "deal") -> None:
    await d.detail("opportunity", name, OpportunityDetailScreen)


async def link_competitor(d: Desk) -> None:
    await opportunity(d)
    await d.press("K", then=FormModal)
    await d.type("competitor_id", "Rival")


async def opportunity_lines(d: Desk) -> None:
    await opportunity(d)
    await d.screen.show_tab("lines")  # built when first shown, its table focused
    await d.settle()


async def add_write_in(d: Desk, where: Reach) -> None:
    await where(d)
    await d.press("+", then=LineModal)
    await d.type("description", "Setup")
    await d.type("unit_price", "100")


async def edit_line(d: Desk, where: Reach) -> None:
    await where(d)
    await d.press("enter", then=LineModal)
    await d.type("quantity", "7")


async def remove_line(d: Desk, where: Reach) -> None:
    await where(d)
    await d.press("-", then=ConfirmModal)


def deal_is(name: str, column: str, wanted: object) -> Saved:
    return lambda ids: value("opportunity", ids[name], column) == wanted


def line_count(kind: str, table: str, name: str, wanted: int) -> Saved:
    return lambda ids: count(f"{table} WHERE {kind}_id = ?", ids[name]) == wanted


PIPELINE = {
    "pipeline/new-opportunity-form": form(
        new_opportunity, lambda ids: count("opportunity WHERE name = 'Fresh'") == 1,
        name="Fresh"),
    "pipeline/edit-opportunity-form": form(
        edit_opportunity, deal_is("deal", "probability", 35), probability="35"),
    "pipeline/activity-modal": Case(
        board_activity, SAVE, logged("email", "Terms"), {"#subject": "Terms"}),
    "pipeline/move-card-key": key(
        lambda d: board(d, "deal"), "shift+right", deal_is("deal", "stage", "develop")),
    "pipeline/move-card-palette": key(palette_move, "enter", deal_is("deal", "stage", "develop")),
    "pipeline/move-through-gate-modal": by_r(form(
        through_the_gate, deal_is("thin", "stage", "develop"),
        account_id="Acme", estimated_close_date="2031-01-31")),
    "pipeline/won-modal": form(
        lambda d: close_modal(d, lambda d: board(d, "deal"), "w"), deal_is("deal", "state", "won"),
        description="Done"),
    "pipeline/lost-modal": form(
        lambda d: close_modal(d, lambda d: board(d, "deal"), "x"),
        deal_is("deal", "state", "lost"), description="Done"),
    "opportunities-list/lost-modal": form(
        lambda d: close_modal(d, opportunities_list, "x"), deal_is("deal", "state", "lost"),
        description="Done"),
    "opportunity-detail/next-stage-key": key(
        opportunity, ">", deal_is("deal", "stage", "develop")),
    "opportunity-detail/previous-stage-key": key(
        lambda d: opportunity(d, "grown"), "<", deal_is("grown", "stage", "qualify")),
    "opportunity-detail/won-modal": form(
        lambda d: close_modal(d, opportunity, "w"), deal_is("deal", "state", "won"),
        description="Done"),
    "opportunity-detail/reopen-key": key(
        lambda d: opportunity(d, "lost"), "O", deal_is("lost", "state", "open")),
    "opportunity-detail/hold-key": key(
        opportunity, "D", deal_is("deal", "status_reason", "on_hold")),
    "opportunity-detail/resume-key": key(
        lambda d: opportunity(d, "paused"), "D", deal_is("paused", "status_reason", "in_progress")),
    "opportunity-detail/new-quote-key": key(
        opportunity, "Q", lambda ids: count("quote WHERE opportunity_id = ?", ids["deal"]) == 2),
    "opportunity-detail/link-competitor-modal": form(
        link_competitor,
        lambda ids: count("opportunity_competitor WHERE opportunity_id = ?", ids["deal"]) == 1,
        competitor_id="Rival"),
    "opportunity-detail/add-line-modal": form(
        lambda d: add_write_in(d, opportunity_lines),
        line_count("opportunity", "opportunity_line", "deal", 2),
        description="Setup", unit_price="100"),
    "opportunity-detail/edit-line-modal": form(
        lambda d: edit_line(d, opportunity_lines),
        lambda ids: [str(r["quantity"]) for r in lines.lines_of("opportunity", ids["deal"])] == ["7"],
        quantity="7"),
    "opportunity-detail/remove-line-confirm": confirm(
        lambda d: remove_line(d, opportunity_lines),
        line_count("opportunity", "opportunity_line", "deal", 0)),
}  # fmt: skip


# --- quotes, orders, invoices ------------------------------------------------------------


async def document(d: Desk, kind: str, name: str) -> None:
    await d.detail(kind, name, DocumentDetailScreen)
    d.screen.query_one("#doc-lines").focus()
    await d.settle()


def on_document(kind: str, name: str) -> Reach:
    return lambda d: document(d, kind, name)


async def new_quote(d: Desk) -> None:
    await d.area("5", DocumentsScreen)
    await d.press("n", then=DocumentFormScreen)
    await d.type("name", "Spring")
    await d.type("account_id", "Acme")


async def edit_order(d: Desk) -> None:
    await document(d, "order", "active_order")
    await d.press("e", then=DocumentFormScreen)
    await d.type("name", "Renamed")


async def step_modal(d: Desk, where: Reach, keys: str, field: str, text: str) -> None:
    await where(d)
    await d.press(keys, then=FormModal)
    await d.type(field, text)


async def win_then_close_the_deal(d: Desk) -> None:
    await document(d, "quote", "active_quote")
    await d.press("w", then=FormModal)
    await d.press("ctrl+s", then=ConfirmModal)  # "close Big deal as won too?"


def doc_is(table: str, name: str, column: str, wanted: object) -> Saved:
    return lambda ids: value(table, ids[name], column) == wanted


def quantities(kind: str, name: str, wanted: list[str]) -> Saved:
    return lambda ids: [str(r["quantity"]) for r in lines.lines_of(kind, ids[name])] == wanted


DRAFT_QUOTE = on_document("quote", "draft_quote")
ACTIVE_QUOTE = on_document("quote", "active_quote")
ACTIVE_ORDER = on_document("order", "active_order")
INVOICE = on_document("invoice", "invoice")

DOCUMENTS = {
    "documents-list/new-quote-form": form(
        new_quote, lambda ids: count("quote WHERE name = 'Spring'") == 1,
        name="Spring", account_id="Acme"),
    "order-detail/edit-order-form": form(
        edit_order, doc_is("sales_order", "active_order", "name", "Renamed"),
        name="Renamed"),
    "quote-detail/add-line-modal": by_r(form(
        lambda d: add_write_in(d, DRAFT_QUOTE), line_count("quote", "quote_line", "draft_quote", 2),
        description="Setup", unit_price="100")),
    "quote-detail/edit-line-modal": form(
        lambda d: edit_line(d, DRAFT_QUOTE), quantities("quote", "draft_quote", ["7"]),
        quantity="7"),
    "quote-detail/remove-line-confirm": confirm(
        lambda d: remove_line(d, DRAFT_QUOTE), line_count("quote", "quote_line", "draft_quote", 0)),
    "quote-detail/activate-key": key(
        DRAFT_QUOTE, "A", doc_is("quote", "draft_quote", "state", "active")),
    "quote-detail/close-modal": form(
        lambda d: step_modal(d, DRAFT_QUOTE, "X", "description", "Nope"),
        doc_is("quote", "draft_quote", "state", "closed"), description="Nope"),
    "quote-detail/revise-key": key(
        ACTIVE_QUOTE, "V", doc_is("quote", "active_quote", "status_reason", "revised")),
    "quote-detail/win-modal": form(
        lambda d: step_modal(d, ACTIVE_QUOTE, "w", "description", "Signed"),
        doc_is("quote", "active_quote", "state", "won"), description="Signed"),
    "quote-detail/win-then-close-the-deal-confirm": confirm(
        win_then_close_the_deal, deal_is("deal", "state", "won")),
    "order-detail/add-line-modal": form(
        lambda d: add_write_in(d, ACTIVE_ORDER),
        line_count("order", "sales_order_line", "active_order", 2),
        description="Setup", unit_price="100"),
    "order-detail/submit-key": key(
        ACTIVE_ORDER, "u", doc_is("sales_order", "active_order", "state", "submitted")),
    "order-detail/cancel-modal": form(
        lambda d: step_modal(d, ACTIVE_ORDER, "X", "description", "Dupe"),
        doc_is("sales_order", "active_order", "state", "canceled"), description="Dupe"),
    "order-detail/fulfil-modal": form(
        lambda d: step_modal(d, on_document("order", "submitted_order"), "f", "on",
                             dates.today().isoformat()),
        doc_is("sales_order", "submitted_order", "state", "fulfilled"),
        on=lambda ids: dates.today().isoformat()),
    "order-detail/invoice-key": key(
        on_document("order", "fulfilled_order"), "I",
        lambda ids: count("invoice WHERE order_id = ?", ids["fulfilled_order"]) == 1),
    "invoice-detail/remove-line-confirm": confirm(
        lambda d: remove_line(d, INVOICE), line_count("invoice", "invoice_line", "invoice", 0)),
    "invoice-detail/billed-key": key(
        INVOICE, "B", doc_is("invoice", "invoice", "status_reason", "billed")),
    "invoice-detail/payment-modal": form(
        lambda d: step_modal(d, INVOICE, "p", "amount", "1.00"),
        doc_is("invoice", "invoice", "state", "paid"), amount="1.00"),
    "invoice-detail/cancel-confirm": confirm(
        asking(INVOICE, "X"), doc_is("invoice", "invoice", "state", "canceled")),
}  # fmt: skip


# --- products, price lists, competitors ----------------------------------------------------


async def products_list(d: Desk, name: str | None = None, view: str = "active") -> None:
    await d.push(ProductsScreen())
    await d.view(view)
    if name:
        await d.row(name)


async def new_product(d: Desk) -> None:
    await products_list(d)
    await d.press("n", then=ProductFormScreen)
    await d.type("product_number", "N-1")
    await d.type("name", "Nut")


async def product(d: Desk, name: str) -> None:
    await d.detail("product", name, ProductDetailScreen)


async def edit_product(d: Desk) -> None:
    await product(d, "widget")
    await d.press("e", then=ProductFormScreen)
    await d.type("unit", "box")


async def price_lists(d: Desk) -> None:
    await d.push(PriceListsScreen())


async def price_list_modal(d: Desk, keys: str, typed: dict[str, str]) -> None:
    await price_lists(d)
    await d.press(keys, then=FormModal)
    for name, text in typed.items():
        await d.type(name, text)


async def remove_price(d: Desk) -> None:
    await price_lists(d)
    await d.press("-", then=ConfirmModal)


async def competitors_list(d: Desk) -> None:
    await d.push(CompetitorsScreen())
    await d.row("rival")


async def new_competitor(d: Desk) -> None:
    await competitors_list(d)
    await d.press("n", then=CompetitorFormScreen)
    await d.type("name", "Upst")


async def edit_competitor(d: Desk) -> None:
    await d.detail("competitor", "rival", CompetitorDetailScreen)
    await d.press("e", then=CompetitorFormScreen)
    await d.type("website", "rv.io")


def product_is(name: str, state: str) -> Saved:
    return lambda ids: value("product", ids[name], "state") == state


CATALOGUE = {
    "products-list/new-product-form": form(
        new_product, lambda ids: count("product WHERE product_number = 'N-1'") == 1,
        product_number="N-1", name="Nut"),
    "product-detail/edit-product-form": form(
        edit_product, lambda ids: value("product", ids["widget"], "unit") == "box", unit="box"),
    "products-list/retire-confirm": confirm(
        asking(lambda d: products_list(d, "widget"), "X"), product_is("widget", "retired")),
    "product-detail/activate-key": key(
        lambda d: product(d, "gizmo"), "A", product_is("gizmo", "active")),
    "price-lists/new-list-modal": form(
        lambda d: price_list_modal(d, "n", {"name": "Trade"}),
        lambda ids: count("price_list WHERE name = 'Trade'") == 1, name="Trade"),
    "price-lists/edit-list-modal": form(
        lambda d: price_list_modal(d, "e", {"description": "Shops"}),
        lambda ids: value("price_list", ids["retail"], "description") == "Shops",
        description="Shops"),
    "price-lists/set-price-modal": form(
        lambda d: price_list_modal(d, "+", {"product_id": "Gizmo", "amount": "4.50"}),
        lambda ids: count("price_list_item WHERE price_list_id = ?", ids["retail"]) == 2,
        product_id="Gizmo", amount="4.50"),
    "price-lists/remove-price-confirm": confirm(
        remove_price, lambda ids: count("price_list_item WHERE price_list_id = ?", ids["retail"]) == 0),
    "competitors-list/new-competitor-form": form(
        new_competitor, lambda ids: count("competitor WHERE name = 'Upst'") == 1,
        name="Upst"),
    "competitor-detail/edit-competitor-form": form(
        edit_competitor, lambda ids: value("competitor", ids["rival"], "website") == "rv.io",
        website="rv.io"),
    "competitors-list/deactivate-confirm": confirm(
        asking(competitors_list, "D"),
        lambda ids: value("competitor", ids["rival"], "state") == "inactive"),
    "competitor-detail/reactivate-key": key(
        lambda d: d.detail("competitor", "old_rival", CompetitorDetailScreen), "D",
        lambda ids: value("competitor", ids["old_rival"], "state") == "active"),
}  # fmt: skip


# --- cases and contracts -------------------------------------------------------------------


async def queue(d: Desk, name: str | None = None, view: str = "unassigned") -> None:
    await d.area("6", CaseQueueScreen)
    await d.view(view)
    if name:
        await d.row(name)


async def new_case(d: Desk) -> None:
    await queue(d)
    await d.press("n", then=CaseFormScreen)
    await d.type("title", "Fax")
    await d.type("account_id", "Acme")


async def case(d: Desk, name: str = "jam") -> None:
    await d.detail("case", name, CaseDetailScreen)


async def edit_case(d: Desk) -> None:
    await case(d)
    await d.press("e", then=CaseFormScreen)
    await d.type("subject", "Ink")


async def suggestions(d: Desk) -> None:
    """The articles the form or detail suggests, the first highlighted."""
    refresh = getattr(d.screen, "refresh_suggestions", None)
    if refresh is not None:
        refresh()  # what the form does once typing pauses
    await d.until(lambda: d.screen.query_one("#kb-suggestions").current is not None,
                  "an article suggested")  # fmt: skip


async def link_in_case_form(d: Desk) -> None:
    await edit_case(d)
    await suggestions(d)


async def new_case_with_a_link(d: Desk) -> None:
    await queue(d)
    await d.press("n", then=CaseFormScreen)
    await d.type("title", "Paper jam")
    await d.type("account_id", "Acme")
    await suggestions(d)
    await d.press("ctrl+k")  # linked once the case is saved


async def queue_modal(d: Desk, keys: str, field: str, choice: str) -> None:
    await queue(d, "jam")
    await d.press(keys, then=FormModal)
    d.choose(field, d.ids[choice])


async def resolve(d: Desk, where: Reach) -> None:
    await where(d)
    await d.press("R", then=FormModal)
    await d.type("resolution", "Fixed")


async def resolve_with_open_work(d: Desk) -> None:
    await resolve(d, lambda d: case(d, "open_work"))
    await d.press("ctrl+s", then=ConfirmModal)  # "1 open activities remain: cancel them?"


async def case_status(d: Desk) -> None:
    await case(d)
    await d.press("s", then=FormModal)
    d.choose("reason", "on_hold")


async def merge(d: Desk) -> None:
    await case(d)
    await d.press("M", then=FormModal)
    await d.type("target_id", "Merge")


async def contract_line(d: Desk) -> None:
    await case(d)
    await d.press("L", then=FormModal)
    d.choose("contract_line_id", d.ids["live_line"])


async def book_for_case(d: Desk) -> None:
    await case(d)
    await d.press("B", then=BookingModal)
    await d.until(lambda: bool(d.screen.slots), "free slots found")
    await d.type("subject", "Fix")


async def suggested_article(d: Desk) -> None:
    await case(d)
    await suggestions(d)


def case_is(name: str, column: str, wanted: object) -> Saved:
    return lambda ids: value("case", ids[name], column) == wanted


def linked(ids: dict) -> bool:
    return count("kb_article_case WHERE case_id = ?", ids["jam"]) == 1


async def contracts_list(d: Desk, name: str, view: str) -> None:
    await d.push(ContractsScreen())
    await d.view(view)
    await d.row(name)


async def contract(d: Desk, name: str = "draft_contract") -> None:
    await d.detail("contract", name, ContractDetailScreen)
    d.screen.query_one("#contract-lines").focus()
    await d.settle()


async def new_contract(d: Desk) -> None:
    await contracts_list(d, "live_contract", "active")
    await d.press("n", then=ContractFormScreen)
    await d.type("name", "Gold")
    await d.type("account_id", "Acme")


async def edit_contract(d: Desk) -> None:
    await contract(d)
    await d.press("e", then=ContractFormScreen)
    await d.type("description", "Wkdy")


async def contract_line_modal(d: Desk, keys: str) -> None:
    await contract(d)
    await d.press(keys, then=FormModal)
    await d.type("total", "20")


def contract_is(name: str, state: str) -> Saved:
    return lambda ids: value("contract", ids[name], "state") == state


def contract_totals(wanted: list[int]) -> Saved:
    return lambda ids: [r["total"] for r in contracts.lines_of(ids["draft_contract"])] == wanted


SERVICE = {
    "case-queue/new-case-form": form(
        new_case, lambda ids: count('"case" WHERE title = ?', "Fax") == 1,
        title="Fax", account_id="Acme"),
    "case-detail/edit-case-form": form(
        edit_case, case_is("jam", "subject", "Ink"), subject="Ink"),
    "case-form/link-article-key": by_r(Case(link_in_case_form, ("ctrl+k",), linked,
                                       {"subject": "Ink"})),
    "case-form/new-case-with-a-linked-article-form": form(
        new_case_with_a_link,
        lambda ids: count('kb_article_case JOIN "case" ON "case".id = case_id WHERE title = ?',
                          "Paper jam") == 1,
        title="Paper jam", account_id="Acme"),
    "case-queue/take-key": key(lambda d: queue(d, "jam"), "t", case_is("jam", "assigned", 1)),
    "case-queue/release-key": key(
        lambda d: queue(d, "mine", view="mine"), "u", case_is("mine", "assigned", 0)),
    "case-queue/move-modal": form(
        lambda d: queue_modal(d, "m", "queue_id", "billing"),
        lambda ids: value("case", ids["jam"], "queue_id") == ids["billing"],
        queue_id=lambda ids: ids["billing"]),
    "case-queue/assign-modal": form(
        lambda d: queue_modal(d, "o", "user_id", "sam"),
        lambda ids: value("case", ids["jam"], "owner_id") == ids["sam"],
        user_id=lambda ids: ids["sam"]),
    "case-queue/resolve-modal": form(
        lambda d: resolve(d, lambda d: queue(d, "jam")), case_is("jam", "state", "resolved"),
        resolution="Fixed"),
    "case-detail/resolve-cancelling-open-work-confirm": confirm(
        resolve_with_open_work, case_is("open_work", "state", "resolved")),
    "case-detail/status-modal": form(
        case_status, case_is("jam", "status_reason", "on_hold"), reason="on_hold"),
    "case-detail/cancel-confirm": confirm(asking(case, "X"), case_is("jam", "state", "canceled")),
    "case-detail/reactivate-key": key(
        lambda d: case(d, "done_case"), "O", case_is("done_case", "state", "active")),
    "case-detail/merge-modal": form(
        merge, lambda ids: value("case", ids["jam"], "merged_into_id") == ids["merge_target"],
        target_id="Merge"),
    "case-detail/contract-line-modal": key(
        contract_line, "ctrl+s",
        lambda ids: value("case", ids["jam"], "contract_line_id") == ids["live_line"]),
    "case-detail/book-service-modal": form(
        book_for_case,
        lambda ids: count("activity WHERE subject = 'Fix' AND regarding_id = ?",
                          ids["jam"]) == 1,
        subject="Fix"),
    "case-detail/link-article-key": key(suggested_article, "K", linked),
    "contracts-list/new-contract-form": form(
        new_contract, lambda ids: count("contract WHERE name = 'Gold'") == 1,
        name="Gold", account_id="Acme"),
    "contract-detail/edit-contract-form": form(
        edit_contract,
        lambda ids: value("contract", ids["draft_contract"], "description") == "Wkdy",
        description="Wkdy"),
    "contract-detail/add-line-modal": form(
        lambda d: contract_line_modal(d, "+"), contract_totals([10, 20]), total="20"),
    "contract-detail/edit-line-modal": form(
        lambda d: contract_line_modal(d, "enter"), contract_totals([20]), total="20"),
    "contract-detail/remove-line-confirm": confirm(
        asking(contract, "-"), contract_totals([])),
    "contract-detail/activate-key": key(contract, "A", contract_is("draft_contract", "active")),
    "contracts-list/hold-key": key(
        lambda d: contracts_list(d, "live_contract", "active"), "H",
        contract_is("live_contract", "on_hold")),
    "contract-detail/resume-key": key(
        lambda d: contract(d, "held_contract"), "H", contract_is("held_contract", "active")),
    "contract-detail/cancel-confirm": confirm(
        asking(lambda d: contract(d, "live_contract"), "X"),
        contract_is("live_contract", "canceled")),
}  # fmt: skip


# --- the service schedule --------------------------------------------------------------------


async def schedule(d: Desk) -> None:
    await d.push(ScheduleScreen())


async def book(d: Desk) -> None:
    await schedule(d)
    await d.press("b", then=BookingModal)
    await d.until(lambda: bool(d.screen.slots), "free slots found")
    await d.type("subject", "Annual")


async def the_booking(d: Desk) -> None:
    """Tomorrow's agenda, the booking highlighted."""
    await schedule(d)
    screen = d.screen
    await d.press(">", "tab")
    await d.until(lambda: any(e["kind"] == "booking" for e in screen._entries), "the booking")
    row = next(i for i, e in enumerate(screen._entries) if e["kind"] == "booking")
    screen.query_one("#agenda").move_cursor(row=row)
    await d.settle()


async def move_booking(d: Desk) -> None:
    await the_booking(d)
    await d.press("R", then=FormModal)
    await d.type("start", "+2d 14:00")


SCHEDULE = {
    "schedule/book-modal": by_r(form(
        book, lambda ids: count("activity WHERE subject = 'Annual'") == 1,
        subject="Annual")),
    "schedule/cancel-booking-confirm": confirm(
        asking(the_booking, "x"),
        lambda ids: value("activity", ids["booking"], "state") == "canceled"),
    "schedule/move-booking-modal": form(
        move_booking,
        lambda ids: dates.as_local(activities.get(ids["booking"]).scheduled_start).hour == 14,
        start="+2d 14:00"),
}  # fmt: skip


# --- knowledge -------------------------------------------------------------------------------


async def article(d: Desk, name: str, case_id: str | None = None) -> None:
    case_id = d.ids[case_id] if case_id else None
    await d.push(ArticleScreen(d.ids[name], case_id=case_id))
    await d.until(lambda: d.screen.article is not None, "the article shown")


async def new_article(d: Desk) -> None:
    await d.area("7", KnowledgeScreen)
    await d.press("down", "n", then=ArticleFormScreen)  # from the search box to the list
    await d.type("title", "Print")


async def edit_article(d: Desk) -> None:
    await article(d, "draft_article")
    await d.press("e", then=ArticleFormScreen)
    await d.type("keywords", "paper")


async def article_modal(
    d: Desk, name: str, keys: str, typed: dict | None = None, chosen: dict | None = None
) -> None:
    await article(d, name)
    await d.press(keys, then=FormModal)
    for field, text in (typed or {}).items():
        await d.type(field, text)
    for field, choice in (chosen or {}).items():
        d.choose(field, choice)


async def pick_a_case(d: Desk) -> None:
    """l on an article found in area 7 (no case to hand): the case is picked."""
    await article(d, "published_article")
    await d.press("l", then=CasePickerModal)
    await d.type("#case-pick-query", "jam")
    await d.until(lambda: [r["id"] for r in d.screen.rows] == [d.ids["jam"]], "the case found")


def article_is(name: str, column: str, wanted: object) -> Saved:
    return lambda ids: value("kb_article", ids[name], column) == wanted


KNOWLEDGE = {
    "knowledge/new-article-form": form(
        new_article, lambda ids: count("kb_article WHERE title = 'Print'") == 1,
        title="Print"),
    "article/edit-article-form": form(
        edit_article, article_is("draft_article", "keywords", "paper"), keywords="paper"),
    "article/submit-key": key(
        lambda d: article(d, "draft_article"), "s",
        article_is("draft_article", "state", "in_review")),
    "article/approve-modal": form(
        lambda d: article_modal(d, "review_article", "A", {"comment": "Clear"}),
        article_is("review_article", "state", "approved"), comment="Clear"),
    "article/reject-modal": form(
        lambda d: article_modal(d, "review_article", "X", {"comment": "Steps"}),
        article_is("review_article", "state", "draft"), comment="Steps"),
    "article/publish-modal": form(
        lambda d: article_modal(d, "approved_article", "P", {"on": dates.today().isoformat()}),
        article_is("approved_article", "state", "published"),
        on=lambda ids: dates.today().isoformat()),
    "article/archive-confirm": confirm(
        asking(lambda d: article(d, "published_article"), "H"),
        article_is("published_article", "state", "archived")),
    "article/new-version-modal": form(
        lambda d: article_modal(d, "published_article", "N", chosen={"major": True}),
        lambda ids: count("kb_article WHERE title = 'Clear a printer jam' AND major = 2") == 1,
        major=True),
    "article/rate-modal": form(
        lambda d: article_modal(d, "published_article", "r", chosen={"stars": 3}),
        lambda ids: count("kb_rating WHERE article_id = ? AND stars = 3",
                          ids["published_article"]) == 1,
        stars=3),
    "article/link-to-case-key": key(
        lambda d: article(d, "published_article", case_id="jam"), "l", linked),
    "article/link-to-picked-case-modal": Case(pick_a_case, ("enter",), linked,
                                              {"#case-pick-query": "jam"}),
}  # fmt: skip


# --- activities, the calendar, custom fields --------------------------------------------------


async def activities_list(d: Desk) -> None:
    await d.area("8", ActivitiesScreen)
    await d.row("call_back")


async def reschedule_from_list(d: Desk) -> None:
    await activities_list(d)
    await d.press("d", then=FormModal)
    await d.type("due_at", "+3d")


async def new_appointment(d: Desk) -> None:
    await d.push(CalendarScreen())
    await d.press("n", then=FormModal)
    await d.type("subject", "Standup")


async def new_custom_field(d: Desk) -> None:
    await d.push(CustomFieldsScreen())
    await d.press("n", then=FormModal)
    await d.type("label", "Tier")


ACTIVITIES = {
    "activities-list/complete-key": key(
        activities_list, "c", lambda ids: value("activity", ids["call_back"], "state") == "completed"),
    "activities-list/cancel-confirm": confirm(
        asking(activities_list, "x"),
        lambda ids: value("activity", ids["call_back"], "state") == "canceled"),
    "activities-list/reschedule-modal": form(
        reschedule_from_list, lambda ids: value("activity", ids["call_back"], "due_at") is not None,
        due_at="+3d"),
    "calendar/new-appointment-modal": form(
        new_appointment, logged("appointment", "Standup"), subject="Standup"),
    "custom-fields/new-field-modal": form(
        new_custom_field, lambda ids: count("custom_field WHERE label = 'Tier'") == 1,
        label="Tier"),
}  # fmt: skip


CASES: dict[str, Case] = {
    **ACCOUNTS, **LEADS, **PIPELINE, **DOCUMENTS, **CATALOGUE, **SERVICE, **SCHEDULE,
    **KNOWLEDGE, **ACTIVITIES,
}  # fmt: skip


# --- the sweep -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
async def test_a_busy_database_during_a_save_loses_nothing(name: str, desk: Desk) -> None:
    action = CASES[name]
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        desk.app, desk.pilot = app, pilot
        await desk.settle()
        await action.reach(desk)
        where = app.screen
        with desk.colleague.holding(desk.path):
            await desk.press(*action.keys)
            await desk.until(lambda: isinstance(app.screen, RetryModal), "busy: try again?")
            assert app.is_running
            text = screen_text(app)
            assert BUSY in text and "r try again" in text
            if action.kept is not None:
                # back in the form or modal: what happened beside the fields, nothing lost
                await desk.press("escape")
                await desk.until(lambda: app.screen is where, "the same form or modal")
                assert BUSY in screen_text(app)
                for field, typed in action.kept.items():
                    wanted = typed(desk.ids) if callable(typed) else typed
                    assert shown(where, field) == wanted, field
                if action.again_by_r:
                    await desk.press(*action.keys)
                    await desk.until(lambda: isinstance(app.screen, RetryModal), "busy again")
        # the colleague is done: the same save again
        again = action.keys if action.kept is not None and not action.again_by_r else ("r",)
        await desk.press(*again)
        await desk.until(lambda: action.saved(desk.ids), "saved after trying again")
        assert app.is_running


async def test_a_resolution_typed_before_the_open_work_question_survives_an_escaped_retry(
    desk: Desk,
) -> None:
    """The Resolve modal closes to ask about the open activities; when the
    save after the question is busy and the person escapes instead of trying
    again, R brings back what they typed."""
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        desk.app, desk.pilot = app, pilot
        await desk.settle()
        await resolve_with_open_work(desk)
        with desk.colleague.holding(desk.path):
            await desk.press("y")
            await desk.until(lambda: isinstance(app.screen, RetryModal), "busy: try again?")
            await desk.press("escape")
        modal = await desk.press("R", then=FormModal)
        assert shown(modal, "resolution") == "Fixed"
        await desk.press("ctrl+s", then=ConfirmModal)
        await desk.press("y")
        await desk.until(
            lambda: value("case", desk.ids["open_work"], "state") == "resolved", "resolved"
        )
        assert app.is_running
