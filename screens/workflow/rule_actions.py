"""What the rules list and a rule's page both do to a rule: open it, write a
new one, change it, switch it on or off (a rule on time asks whether to
act on the moments just past too), try it, and show its log. The screens
they open are named, not imported: they use these too."""

from __future__ import annotations

from rich.text import Text

from crm_tui.screens.common import calls, routes
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.services.workflow import dry_run, rules
from crm_tui.services.workflow.spec import Rule
from crm_tui.text import safe_line
from crm_tui.widgets.record_form import FieldSpec

CATCH_UP = dry_run.CATCH_UP


def open_rule(screen, rule: Rule) -> None:
    """Push the rule's page."""
    screen.app.push_screen(routes.screen_class("workflow.rule_view", "RuleScreen")(rule.id))


def new_rule(screen) -> None:
    """The form for a new rule; its page once saved."""
    from crm_tui.screens.workflow.rule_form import open_form

    def saved(rule: Rule) -> None:
        screen.notify(Text.assemble("Saved ", safe_line(rule.name), ", off: try it (t)"))
        screen.refresh_data()
        open_rule(screen, rule)

    open_form(screen, None, saved)


def edit_rule(screen, rule: Rule) -> None:
    """The form for a kept rule."""
    from crm_tui.screens.workflow.rule_form import open_form

    def saved(changed: Rule) -> None:
        screen.notify(Text.assemble("Saved ", safe_line(changed.name)))
        screen.refresh_data()

    open_form(screen, rule, saved)


def switch_rule(screen, rule: Rule) -> None:
    """Switch a rule on or off; a rule on time asks whether to catch up."""
    name = safe_line(rule.name)
    if rule.enabled:
        calls.confirm_then(screen, Text.assemble("Switch ", name, " off?"),
                           lambda: rules.set_enabled(rule.id, False),
                           done_text=Text.assemble(name, " is off"))  # fmt: skip
        return
    if not rule.scheduled:
        calls.direct(screen, lambda: rules.set_enabled(rule.id, True),
                     Text.assemble(name, " is on"), lambda _: screen.refresh_data())  # fmt: skip
        return

    def switch_on(typed: dict) -> Rule:
        span = CATCH_UP if typed.get("catch_up") == "yes" else None
        return rules.set_enabled(rule.id, True, catch_up=span)

    def switched(result) -> None:
        if isinstance(result, Rule):
            screen.notify(Text.assemble(name, " is on"))
            screen.refresh_data()

    choices = [("only for moments from now on", "no"),
               (f"also for the moments of the last {CATCH_UP.days} days", "yes")]  # fmt: skip
    intro = Text("Records already past their moment, and still meeting the condition, are "
                 "acted on at once if you choose the last days too. Try it first (t) to see "
                 "which.", style="dim")  # fmt: skip
    modal = form_modal(screen.app, Text.assemble("Switch ", name, " on"),
                       [FieldSpec("catch_up", "Act", "select", choices)], switch_on,
                       values={"catch_up": "no"}, intro=intro, save_label="switch on")  # fmt: skip
    screen.app.push_screen(modal, switched)


def try_rule(screen, rule: Rule) -> None:
    """The rule's dry run."""
    screen.app.push_screen(routes.screen_class("workflow.dry_run", "DryRunScreen")(rule.id))


def show_log(screen, rule: Rule | None) -> None:
    """The runs of every rule, or of one."""
    log = routes.screen_class("workflow.rules_log", "RulesLogScreen")
    screen.app.push_screen(log(rule.id if rule else None))
