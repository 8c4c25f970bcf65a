"""Type-ahead: keys that arrive together (a paste, a fast typist over a slow
link, a loaded machine) all land where they were meant, in order.

Pilot's `press` waits for the app to go idle after every key, which hides
exactly this; `burst` hands the app every key at once, as a terminal does
when a chunk of input arrives, and only then lets it run.
"""

from __future__ import annotations

import time

import pytest
from textual import events
from textual.keys import _character_to_key
from ui_support import wait_until

from crm_tui.app import CrmApp
from crm_tui.models import Account, Activity
from crm_tui.screens.common.base_form import RecordFormScreen
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.common.prompt import PromptModal
from crm_tui.screens.customers.account_form import AccountFormScreen
from crm_tui.screens.customers.accounts_list import AccountsScreen
from crm_tui.screens.customers.activity_modal import ActivityModal
from crm_tui.screens.customers.contact_form import ContactFormScreen
from crm_tui.screens.knowledge.article_form import ArticleFormScreen
from crm_tui.screens.knowledge.case_picker import CasePickerModal
from crm_tui.screens.marketing.campaign_form import CampaignFormScreen
from crm_tui.screens.marketing.list_form import MarketingListFormScreen
from crm_tui.screens.marketing.literature_form import LiteratureFormScreen
from crm_tui.screens.sales.competitor_form import CompetitorFormScreen
from crm_tui.screens.sales.document_form import DocumentFormScreen
from crm_tui.screens.sales.lead_form import LeadFormScreen
from crm_tui.screens.sales.lead_qualify import QualifyModal
from crm_tui.screens.sales.line_modal import LineModal
from crm_tui.screens.sales.opportunity_form import OpportunityFormScreen
from crm_tui.screens.sales.product_form import ProductFormScreen
from crm_tui.screens.support.booking_modal import BookingModal
from crm_tui.screens.support.case_form import CaseFormScreen
from crm_tui.screens.support.contract_form import ContractFormScreen
from crm_tui.services.customers import accounts
from crm_tui.services.sales import leads, lines
from crm_tui.widgets.record_form import FieldSpec

SIZE = (120, 36)
NAME = "Tabriz Carpet House"


def keys_of(text: str) -> list[tuple[str, str]]:
    """The key events that type `text`: (key, character)."""
    return [(c if c.isalnum() else _character_to_key(c), c) for c in text]


def burst(app, keys: list) -> None:
    """Queue every key on the app before it handles the first: a named key,
    or a (key, character) pair from `keys_of`."""
    for key in keys:
        name, char = key if isinstance(key, tuple) else (key, None)
        app.post_message(events.Key(name, char))


async def settled(pilot, done, timeout: float = 5.0) -> bool:
    """Run the app until `done()` holds and no typed key is left in flight."""
    app = pilot.app
    return await wait_until(
        pilot,
        lambda: app._message_queue.empty() and app.keys_in_flight == 0 and done(),
        timeout,
    )


def account_names() -> list[str]:
    return sorted(a.name for a in Account.select())


# --- the report: n, a name, ctrl+s, all at once -----------------------------------------


async def test_a_name_typed_straight_after_n_is_saved_whole(db):
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, AccountsScreen)
        burst(app, [("n", "n"), *keys_of(NAME), "ctrl+s"])
        assert await settled(pilot, lambda: isinstance(app.screen, AccountsScreen))
        assert account_names() == [NAME]


async def test_ctrl_s_waits_for_the_letters_typed_before_it(db):
    """ctrl+s is a priority key: it used to save while the letters before it
    still waited on the field's queue ("Tab" of "Tabriz Carpet House")."""
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        assert await wait_until(pilot, lambda: isinstance(app.screen, AccountFormScreen))
        # two packets: "Tab", then the rest with ctrl+s right behind it
        burst(app, keys_of(NAME[:3]))
        await settled(pilot, lambda: True)
        burst(app, [*keys_of(NAME[3:]), "ctrl+s"])
        assert await settled(pilot, lambda: isinstance(app.screen, AccountsScreen))
        assert account_names() == [NAME]


async def test_letters_after_tab_go_to_the_next_field(db):
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        burst(app, [("n", "n"), *keys_of(NAME), "tab", *keys_of("AC-77"), "ctrl+s"])
        assert await settled(pilot, lambda: isinstance(app.screen, AccountsScreen))
        saved = Account.get()
        assert (saved.name, saved.account_number) == (NAME, "AC-77")


class SlowAccountForm(AccountFormScreen):
    """A form that takes long to mount, as on a loaded machine."""

    def load(self):
        time.sleep(0.3)
        return super().load()


async def test_keys_typed_while_a_slow_form_mounts_are_kept(db, monkeypatch):
    monkeypatch.setattr(
        AccountsScreen, "form_screen", lambda self, record_id: SlowAccountForm(None)
    )
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        burst(app, [("n", "n"), *keys_of(NAME), "ctrl+s"])
        assert await settled(pilot, lambda: isinstance(app.screen, AccountsScreen))
        assert account_names() == [NAME]


async def test_keys_after_a_modal_closes_go_to_the_screen_it_uncovers(db):
    """escape on an untouched form, then n again and a name: the second form
    gets the name, the list underneath gets none of it."""
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        burst(app, [("n", "n"), "escape", ("n", "n"), *keys_of(NAME), "ctrl+s"])
        assert await settled(pilot, lambda: isinstance(app.screen, AccountsScreen))
        assert account_names() == [NAME]


async def test_an_activity_logged_at_typing_speed(db):
    acme = accounts.create({"name": "Acme"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: app.screen.table.loaded_count == 1)
        burst(app, [("a", "a"), ("c", "c"), *keys_of("Renewal call"), "ctrl+s"])
        assert await settled(pilot, lambda: isinstance(app.screen, AccountsScreen))
        logged = Activity.get()
        assert (logged.subject, logged.regarding_id) == ("Renewal call", acme.id)


# --- every form ------------------------------------------------------------------------

FORMS = [
    (AccountFormScreen, ()),
    (ContactFormScreen, ()),
    (LeadFormScreen, ()),
    (OpportunityFormScreen, ()),
    (DocumentFormScreen, ("quote",)),
    (DocumentFormScreen, ("order",)),
    (DocumentFormScreen, ("invoice",)),
    (ProductFormScreen, ()),
    (CompetitorFormScreen, ()),
    (CaseFormScreen, ()),
    (ContractFormScreen, ()),
    (ArticleFormScreen, ()),
    (CampaignFormScreen, ()),
    (MarketingListFormScreen, ()),
    (LiteratureFormScreen, ()),
]


@pytest.mark.parametrize(
    ("form_class", "args"), FORMS, ids=[f"{c.__name__}{''.join(a)}" for c, a in FORMS]
)
async def test_every_form_gets_a_burst_typed_as_it_opens(db, form_class, args):
    """Pushed and typed into at once: the save sees every letter, and a save
    refused for another field keeps them."""
    seen: list[dict] = []

    class Watched(form_class):
        def save(self, values, version):
            seen.append(dict(values))
            return super().save(values, version)

    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        form = Watched(*args, None)
        first = form.specs()[0].name
        app.push_screen(form)
        burst(app, [*keys_of(NAME), "ctrl+s"])
        assert await settled(pilot, lambda: bool(seen))
        assert seen[0][first] == NAME
        if app.screen is form:
            assert form.form.values()[first] == NAME


# --- every modal -----------------------------------------------------------------------


async def test_a_form_modal_gets_a_burst_typed_as_it_opens(db):
    submitted: list[dict] = []
    specs = [FieldSpec("reason", "Reason"), FieldSpec("note", "Note")]
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(FormModal("Why?", specs, submitted.append))
        burst(app, [*keys_of(NAME), "tab", *keys_of("no rush"), "ctrl+s"])
        assert await settled(pilot, lambda: isinstance(app.screen, AccountsScreen))
        assert submitted == [{"reason": NAME, "note": "no rush"}]


async def test_the_prompt_gets_a_burst_typed_as_it_opens(db):
    answers: list[str | None] = []
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(PromptModal("Which folder?"), answers.append)
        burst(app, [*keys_of("/tmp/out dir"), "enter"])
        assert await settled(pilot, lambda: bool(answers))
        assert answers == ["/tmp/out dir"]


async def test_the_activity_modal_gets_a_burst_typed_as_it_opens(db):
    acme = accounts.create({"name": "Acme"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ActivityModal(("account", acme.id), "Acme"))
        burst(app, [("t", "t"), *keys_of(NAME), "ctrl+s"])
        assert await settled(pilot, lambda: isinstance(app.screen, AccountsScreen))
        logged = Activity.get()
        assert (logged.kind, logged.subject) == ("task", NAME)


async def test_the_line_modal_gets_a_burst_typed_as_it_opens(db):
    from sales_support import catalogue, opportunity

    from crm_tui.models import Opportunity

    made = catalogue()
    deal = Opportunity.get_by_id(opportunity(made.account_id))
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(LineModal("opportunity", deal))
        burst(
            app,
            [*keys_of("Gadget"), "tab", *keys_of(NAME), "tab", "backspace", ("3", "3"), "ctrl+s"],
        )
        assert await settled(pilot, lambda: isinstance(app.screen, AccountsScreen))
        (line,) = lines.lines_of("opportunity", deal.id)
        assert (line["product_id"], line["description"], str(line["quantity"])) == (
            made.gadget_id,
            NAME,
            "3",
        )


async def test_the_booking_modal_gets_a_burst_typed_as_it_opens(db):
    from test_ui_schedule import _bookings, _setup

    ids = _setup()
    acme = accounts.create({"name": "Acme"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(BookingModal(regarding=("account", acme.id), regarding_label="Acme"))
        burst(app, ["tab", *keys_of(NAME), "ctrl+s"])
        assert await settled(pilot, lambda: isinstance(app.screen, AccountsScreen))
        (booked,) = _bookings(ids["ann"])
        assert booked["subject"] == NAME


async def test_the_qualify_modal_takes_a_burst_of_choices(db):
    lead = leads.create({"first_name": "Lena", "last_name": "Lamb", "company_name": "Lamb Ltd"})
    results: list = []
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(QualifyModal(leads.get(lead.id)), results.append)
        # account: "No account" (below "Create account"); contact: "Create
        # contact"; no opportunity
        burst(app, ["down", "tab", "tab", ("space", " "), "ctrl+s"])
        assert await settled(pilot, lambda: bool(results))
        assert results[0].account_id is None and results[0].opportunity_id is None
        assert results[0].contact_id is not None
        assert accounts.find_by_name("Lamb Ltd", limit=5) == []


async def test_the_case_picker_gets_a_burst_typed_as_it_opens(db):
    from rich.text import Text

    from crm_tui.services.knowledge import kb
    from crm_tui.services.support import cases

    acme = accounts.create({"name": "Acme"})
    cases.create({"title": "Printer jams", "account_id": acme.id})
    router = cases.create({"title": "Router dead", "account_id": acme.id})
    article = kb.create({"title": "Restart the router", "body": "Unplug it."})
    picked: list[dict] = []
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(
            CasePickerModal(
                Text("Link to which case?"),
                lambda typed: kb.cases_to_link(article.id, typed),
                picked.append,
            )
        )
        burst(app, [*keys_of("router dead"), "enter"])
        assert await settled(pilot, lambda: isinstance(app.screen, AccountsScreen))
        assert [row["id"] for row in picked] == [router.id]


# Modals that take single keys, not typed text: y/n, try again, reload or
# overwrite, the key list, a list's views, a bulk action's report, and the
# pickers of a dashboard, a new report's records and a dashboard's tiles.
SINGLE_KEY_MODALS = {
    "ConfirmModal", "RetryModal", "ConflictModal", "HelpScreen", "ViewPicker", "ReportModal",
    "Picker", "DashboardPicker", "KindPicker", "TilesModal",
}  # fmt: skip
BURST_MODALS = {
    FormModal,
    PromptModal,
    ActivityModal,
    LineModal,
    BookingModal,
    QualifyModal,
    CasePickerModal,
}


def _product_subclasses(base: type) -> set[type]:
    found, todo = set(), [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("crm_tui.screens."):
                found.add(sub)
    return found


def test_every_form_and_modal_has_a_burst_test():
    """A new form or modal is added to the burst tests above."""
    import importlib
    import pkgutil

    from textual.screen import ModalScreen

    import crm_tui.screens

    for module in pkgutil.walk_packages(crm_tui.screens.__path__, "crm_tui.screens."):
        importlib.import_module(module.name)
    assert _product_subclasses(RecordFormScreen) == {form for form, _ in FORMS}
    modals = {m.__name__ for m in _product_subclasses(ModalScreen)} - SINGLE_KEY_MODALS
    assert modals == {m.__name__ for m in BURST_MODALS}


async def test_a_key_whose_queue_closed_under_it_holds_no_key_back(db):
    """The callback following a key can be lost with a queue that closed
    before running it; the keys behind it then go through, not wait forever."""
    from textual.widgets import Static

    from crm_tui.typeahead import _Flight

    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        assert await wait_until(pilot, lambda: isinstance(app.screen, AccountFormScreen))
        gone = Static()
        await app.screen.mount(gone)
        await gone.remove()
        assert gone._closed
        stuck = app._flight = _Flight(events.Key("x", "x"))
        stuck.wait_on(gone)
        burst(app, [*keys_of(NAME), "ctrl+s"])
        assert await settled(pilot, lambda: isinstance(app.screen, AccountsScreen))
        assert account_names() == [NAME]
