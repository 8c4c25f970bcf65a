"""Keys of workflow and notifications: the notification centre, the rules
an admin keeps, a rule's page, its dry run and the log of runs."""

from __future__ import annotations

from textual.binding import Binding

from crm_tui.keys.common import bind

_BACK = bind("screen.back", "escape", "back", "Back")

SCOPES: dict[str, tuple[Binding, ...]] = {
    # NotificationsScreen: what rules and colleagues told the person
    "notifications": (
        _BACK,
        bind("notices.open", "enter", "open_notice", "Open", show=False),
        bind("notices.read", "m", "toggle_read", "Read/unread"),
        bind("notices.all_read", "M", "all_read", "All read"),
        bind("notices.unread", "u", "toggle_unread", "Unread only"),
    ),
    # RulesScreen: every workflow rule
    "rules_list": (
        _BACK,
        bind("rules.open", "enter", "open_rule", "Open", show=False),
        bind("rules.new", "n", "new_rule", "New rule"),
        bind("rules.edit", "e", "edit_rule", "Change"),
        bind("rules.switch", "o", "switch_rule", "On/off"),
        bind("rules.try", "t", "try_rule", "Dry run"),
        bind("rules.log", "L", "show_log", "Log"),
        bind("rules.delete", "x", "delete_rule", "Delete", show=False),
    ),
    # RuleScreen: one rule, in words, and its latest runs
    "rule_detail": (
        _BACK,
        bind("rules.edit", "e", "edit_rule", "Change"),
        bind("rules.switch", "o", "switch_rule", "On/off"),
        bind("rules.try", "t", "try_rule", "Dry run"),
        bind("rules.log", "L", "show_log", "Log"),
        bind("rules.open_record", "enter", "open_record", "Open the record", show=False),
    ),
    # DryRunScreen: what a rule would do now, nothing kept
    "dry_run": (
        _BACK,
        bind("rules.switch", "o", "switch_rule", "On/off"),
        bind("rules.open_record", "enter", "open_record", "Open the record", show=False),
    ),
    # RulesLogScreen: the runs of every rule, or of one
    "rules_log": (
        _BACK,
        bind("rules.open_record", "enter", "open_record", "Open the record", show=False),
        bind("rules.failed", "f", "toggle_failed", "Failed only"),
    ),
}
