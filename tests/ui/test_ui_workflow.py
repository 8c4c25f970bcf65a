"""Workflow and notifications by keyboard: a colleague's notice counted in
the header and opened from the notification centre (! anywhere), read and
unread kept, markup shown literally; F follows a record and a colleague's
change then tells; the rules list, a rule written on its form (a bad
condition refused at its field), switched on, tried and logged; a
real-time rule giving a case made in the app round-robin."""

from __future__ import annotations

from types import SimpleNamespace

from test_ui_typeahead import burst, keys_of, settled
from textual.command import CommandList
from textual.widgets import Input, Static, TextArea
from ui_support import fill, notes_text, screen_text, shown_record, wait_until

from crm_tui.app import CrmApp
from crm_tui.db import write
from crm_tui.screens.common.form_modal import FormModal
from crm_tui.screens.customers.accounts_list import AccountsScreen
from crm_tui.screens.support.case_form import CaseFormScreen
from crm_tui.screens.workflow.dry_run import DryRunScreen
from crm_tui.screens.workflow.notifications import NotificationsScreen
from crm_tui.screens.workflow.rule_form import RuleFormScreen
from crm_tui.screens.workflow.rule_view import RuleScreen
from crm_tui.screens.workflow.rules_list import RulesScreen
from crm_tui.screens.workflow.rules_log import RulesLogScreen
from crm_tui.services import notifications, session, users
from crm_tui.services.customers import accounts
from crm_tui.services.support import cases, queues
from crm_tui.services.workflow import rules, runs
from crm_tui.services.workflow.spec import Action, Rule

SIZE = (120, 36)
MARKUP = "[bold]x[/] and [@click=app.quit]quit[/]"


def _team(db, name: str = "Ana Agent") -> SimpleNamespace:
    ana = users.add("ana", name, "admin")
    bob = users.add("bob", "Bob Agent", "agent")
    billing = queues.create({"name": "Billing"})
    for who in (ana, bob):
        queues.add_member(billing.id, who.id)
    acme = accounts.create({"name": "Acme"})
    return SimpleNamespace(me=db, ana=ana, bob=bob, billing=billing, acme=acme)


def _tell(team, said: str, record: tuple[str, int] | None = None) -> None:
    """Ana tells the signed-in person `said` (as her process would)."""
    with write():
        notifications.send([team.me.id], said, record=record, from_user=team.ana.id)


def _round_robin(team, enabled: bool = True) -> Rule:
    return rules.create(Rule(name="Billing round robin", kind="case", trigger="created",
                             condition="queue:Billing", enabled=enabled,
                             actions=(Action("assign", (("how", "round_robin"),
                                                        ("queue", "Billing"), ("to", "queue"))),)))  # fmt: skip


async def _header_polled(pilot) -> None:
    """The app's poll has read the unread count once (the toast's baseline)."""
    assert await wait_until(pilot, lambda: getattr(pilot.app._notices, "newest", -1) >= 0, 5)


def _header(app) -> str:
    return screen_text(app).splitlines()[0]


async def _palette(pilot, title: str, screen: type):
    await pilot.press("ctrl+p", *title)
    hits = pilot.app.screen.query_one(CommandList)
    assert await wait_until(
        pilot, lambda: hits.option_count and title in str(hits.get_option_at_index(0).prompt)
    )
    await pilot.press("enter")
    assert await wait_until(pilot, lambda: isinstance(pilot.app.screen, screen))
    await pilot.pause()
    return pilot.app.screen


# --- the notification centre -------------------------------------------------------------


async def test_a_colleagues_notice_is_counted_shown_and_opens_its_record(db):
    team = _team(db)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await _header_polled(pilot)
        assert "unread" not in _header(app)
        _tell(team, "Acme wants a call back", ("account", team.acme.id))
        assert await wait_until(pilot, lambda: "1 unread (!)" in _header(app), 5)
        assert "Acme wants a call back" in notes_text(app)  # the toast
        await pilot.press("!")
        assert await wait_until(pilot, lambda: isinstance(app.screen, NotificationsScreen))
        await pilot.pause()
        row = next(line for line in screen_text(app).splitlines() if "Acme wants" in line)
        assert "●" in row and "Ana Agent" in row
        assert "1 unread · 1 shown (all)" in screen_text(app)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: getattr(app.screen, "record_id", 0) == team.acme.id)
        assert notifications.unread_count() == 0
        assert await wait_until(pilot, lambda: "unread" not in _header(app), 5)
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, NotificationsScreen))
        await pilot.pause()
        row = next(line for line in screen_text(app).splitlines() if "Acme wants" in line)
        assert "●" not in row
        await pilot.press("!")  # not a second centre on top of the first
        await pilot.pause()
        assert sum(isinstance(s, NotificationsScreen) for s in app.screen_stack) == 1


async def test_m_marks_one_M_all_and_u_shows_only_the_unread(db):
    team = _team(db)
    for said in ("First", "Second", "Third"):
        _tell(team, said)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("!")
        assert await wait_until(pilot, lambda: isinstance(app.screen, NotificationsScreen))
        screen = app.screen
        assert [n["text"] for n in screen.notices] == ["Third", "Second", "First"]
        await pilot.press("m")  # the newest read
        assert await wait_until(pilot, lambda: notifications.unread_count() == 2)
        assert await wait_until(pilot, lambda: "2 unread · 3 shown" in screen_text(app))
        await pilot.press("m")  # and unread again
        assert await wait_until(pilot, lambda: notifications.unread_count() == 3)
        await pilot.press("down", "m", "u")
        assert await wait_until(pilot, lambda: "shown (unread only)" in screen_text(app))
        assert [n["text"] for n in screen.notices] == ["Third", "First"]
        assert "Second" not in screen_text(app)
        await pilot.press("M")
        assert await wait_until(pilot, lambda: "Nothing unread." in screen_text(app))
        assert notifications.unread_count() == 0 and screen.notices == []
        await pilot.press("u")
        assert await wait_until(pilot, lambda: "0 unread · 3 shown (all)" in screen_text(app))


async def test_markup_in_a_notice_and_a_senders_name_is_shown_literally(db):
    team = _team(db, name="[red]Ana[/red] [link=x]")
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await _header_polled(pilot)
        _tell(team, MARKUP)  # no record: enter only marks it read
        assert await wait_until(pilot, lambda: "1 unread" in _header(app), 5)
        assert MARKUP in notes_text(app)
        await pilot.press("!")
        assert await wait_until(pilot, lambda: MARKUP in screen_text(app))
        assert "[red]Ana[/red] [link=x]" in screen_text(app)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: notifications.unread_count() == 0)
        assert app.is_running and isinstance(app.screen, NotificationsScreen)


async def test_F_follows_a_record_and_a_colleagues_change_then_tells(db):
    team = _team(db)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await shown_record(pilot, "account", team.acme.id)
        await _header_polled(pilot)
        await pilot.press("F")
        assert await wait_until(pilot, lambda: notifications.following("account", team.acme.id))
        assert "Following" in notes_text(app)
        session.act_as(team.ana)  # Ana, in her process, changes the account
        accounts.update(team.acme.id, accounts.get(team.acme.id).version, {"city": "Tabriz"})
        session.act_as(team.me)
        assert await wait_until(pilot, lambda: "1 unread" in _header(app), 5)
        assert "Ana Agent changed Account “Acme”: city" in notes_text(app)
        await pilot.press("F")
        assert await wait_until(pilot, lambda: not notifications.following("account", team.acme.id))
        session.act_as(team.ana)
        accounts.update(team.acme.id, accounts.get(team.acme.id).version, {"city": "Tehran"})
        session.act_as(team.me)
        assert notifications.unread_count() == 1  # no longer told


# --- the rules ---------------------------------------------------------------------------


async def test_the_rules_list_shows_each_rule_on_or_off_with_its_runs(db):
    team = _team(db)
    rule = _round_robin(team)
    rules.create(Rule(name="Tell the owner", kind="account", trigger="updated",
                      actions=(Action("notify", (("text", "{name}"), ("to", ["owner"]))),)))  # fmt: skip
    first = cases.create({"title": "Invoice wrong", "queue_id": team.billing.id,
                          "account_id": team.acme.id})  # fmt: skip
    cases.create({"title": "Double charge", "queue_id": team.billing.id,
                  "account_id": team.acme.id})  # fmt: skip
    with write():
        runs.record_failed(rule.id, "case", first.id, "created", "background", "queue gone",
                           by_user=team.me.id)  # fmt: skip
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _palette(pilot, "Workflow rules", RulesScreen)
        lines = screen_text(app).splitlines()
        billing = next(line for line in lines if "Billing round robin" in line)
        assert billing.split()[0] == "on" and "Cases" in billing
        assert "When a case is created" in billing
        assert "2 done · 1 failed" in billing
        other = next(line for line in lines if "Tell the owner" in line)
        assert other.split()[0] == "off" and "Accounts" in other and "0 done" in other
        assert "2 rules, 1 on" in screen_text(app)


async def test_a_rule_refused_at_its_field_then_saved_off_switched_on_and_tried(db):
    team = _team(db)
    case = cases.create({"title": "Printer on fire", "account_id": team.acme.id,
                         "priority": "high"})  # fmt: skip
    cases.create({"title": "Calm one", "account_id": team.acme.id, "priority": "low"})
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(RulesScreen())
        assert await wait_until(pilot, lambda: "No rules yet." in screen_text(app))
        await pilot.press("n")
        assert await wait_until(pilot, lambda: isinstance(app.screen, RuleFormScreen))
        form = app.screen
        await fill(pilot, "name", "Hot cases")
        await fill(pilot, "condition", "colour:red")
        actions = form.query_one("#rule-actions", TextArea)
        actions.text = '[[actions]]\ndo = "notify"\nto = ["owner"]\ntext = "{number} is hot"\n'
        await pilot.press("ctrl+s")
        error = form.query_one("#error-condition", Static)
        assert await wait_until(pilot, lambda: error.display)
        assert "no field 'colour'" in str(error.render())
        assert "no field 'colour'" in screen_text(app)
        assert "nothing was saved" in screen_text(app)
        assert app.screen is form and rules.all_rules() == []
        assert form.query_one("#field-name", Input).value == "Hot cases"
        assert form.query_one("#field-condition", Input).value == "colour:red"
        assert "{number} is hot" in actions.text
        assert app.focused is form.query_one("#field-condition")
        await fill(pilot, "condition", "priority:high")
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, RuleScreen))
        page = app.screen
        saved = rules.by_name("Hot cases")
        assert not saved.enabled and saved.condition == "priority:high"
        assert "Hot cases  off" in screen_text(app)
        assert "1. notify its owner" in screen_text(app)
        await pilot.press("o")
        assert await wait_until(pilot, lambda: rules.get(saved.id).enabled)
        assert await wait_until(pilot, lambda: "Hot cases  on" in screen_text(app))
        await pilot.press("t")
        assert await wait_until(pilot, lambda: isinstance(app.screen, DryRunScreen))
        assert await wait_until(pilot, lambda: app.screen.result is not None)
        text = screen_text(app)
        assert "Hot cases (now on)" in text and "Nothing was kept" in text
        row = next(line for line in text.splitlines() if "Printer on fire" in line)
        assert "notified" in row and "Calm one" not in text
        assert app.screen.shown == [case.id]
        assert notifications.unread_count() == 0  # tried, not done
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is page)
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen))
        assert await wait_until(pilot, lambda: "1 rule, 1 on" in screen_text(app))


async def test_a_dry_run_at_80_columns_cuts_a_refusal_on_one_line(db):
    """A rule not on time has no Due column; a refusal too long for its cell
    ends in an ellipsis, not a line break cut off mid-word."""
    team = _team(db)
    rule = _round_robin(team, enabled=False)
    gone = cases.create({"title": "Old one", "queue_id": team.billing.id,
                         "account_id": team.acme.id})  # fmt: skip
    cases.cancel(gone.id, gone.version)
    app = CrmApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(DryRunScreen(rule.id))
        assert await wait_until(pilot, lambda: "Old one" in screen_text(app))
        lines = screen_text(app).splitlines()
        assert "Record" in lines[5] and "What it would do" in lines[5] and "Due" not in lines[5]
        row = next(line for line in lines if "Old one" in line)
        assert "fails: case CAS-00001 is canceled; reactivate" in row
        assert row.rstrip().endswith("…")


async def test_a_rule_on_time_asks_whether_to_catch_up_when_switched_on(db):
    _team(db)
    rule = rules.create(Rule(name="Chase", kind="case", trigger="time", date="created_at",
                             offset="1 day after",
                             actions=(Action("notify", (("text", "{title}"), ("to", ["owner"]))),)))  # fmt: skip
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(RulesScreen())
        assert await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen))
        await pilot.press("o")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormModal))
        assert "Records already past their moment" in screen_text(app)
        app.screen.form.query_one("#field-catch_up").value = "yes"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen))
        assert rules.get(rule.id).enabled
        assert await wait_until(pilot, lambda: "1 rule, 1 on" in screen_text(app))
        await pilot.press("o", "y")  # off again asks y/n
        assert await wait_until(pilot, lambda: not rules.get(rule.id).enabled)


async def test_the_log_shows_runs_f_filters_the_failed_and_enter_opens_the_record(db):
    team = _team(db)
    rule = _round_robin(team)
    made = [cases.create({"title": title, "queue_id": team.billing.id, "account_id": team.acme.id})
            for title in ("Invoice wrong", "Double charge")]  # fmt: skip
    with write():
        runs.record_failed(rule.id, "case", made[0].id, "created", "background",
                           "queue Billing has nobody in it", by_user=team.me.id)  # fmt: skip
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _palette(pilot, "Workflow log", RulesLogScreen)
        log = app.screen
        assert len(log.query_one("#log-runs").runs_shown) == 3
        text = screen_text(app)
        assert "The latest 3 runs" in text and "Failed" in text
        assert "assigned it to" in text
        await pilot.press("f")
        assert await wait_until(pilot, lambda: "The latest 1 failed runs" in screen_text(app))
        assert "queue Billing has nobody in it" in screen_text(app)
        assert "Double charge" not in screen_text(app)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: getattr(app.screen, "record_id", 0) == made[0].id)
        assert "Invoice wrong" in screen_text(app)
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is log)
        await pilot.press("f")
        assert await wait_until(pilot, lambda: "The latest 3 runs" in screen_text(app))


async def test_a_case_made_in_the_app_is_given_round_robin_by_a_realtime_rule(db):
    team = _team(db)
    rule = _round_robin(team)
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await pilot.pause()
        await pilot.press("n")
        assert await wait_until(pilot, lambda: isinstance(app.screen, CaseFormScreen))
        await fill(pilot, "title", "Refund missing")
        await fill(pilot, "account_id", "Acme")
        app.screen.query_one("#field-queue_id").value = team.billing.id
        await pilot.pause(0.2)
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, CaseFormScreen))
        (made,) = [c for c in cases.page(view="all").rows if c["title"] == "Refund missing"]
        owner = {team.ana.id: team.ana, team.bob.id: team.bob}[cases.get(made["id"]).owner_id]
        detail = await shown_record(pilot, "case", made["id"])
        assert await wait_until(pilot, lambda: owner.full_name in screen_text(app))
        assert detail.record.owner_id == owner.id
        assert [r["result"] for r in runs.log(rule_id=rule.id)] == ["done"]
        assert notifications.unread_count() == 0  # the one given it is told, not I
        session.act_as(owner)
        said = [n["text"] for n in notifications.page()]
        session.act_as(team.me)
        assert said and "was assigned to you by the rule “Billing round robin”" in said[0]


async def test_the_rule_form_gets_a_burst_typed_as_it_opens(db):
    saved: list[Rule] = []
    app = CrmApp()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, AccountsScreen)
        app.push_screen(RuleFormScreen(None, saved.append))
        burst(app, [*keys_of("Tabriz Carpet House"), "ctrl+s"])
        assert await settled(pilot, lambda: bool(saved))
        assert saved[0].name == "Tabriz Carpet House" and not saved[0].enabled
        assert isinstance(app.screen, AccountsScreen)
