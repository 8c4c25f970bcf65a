"""Keys of the service and knowledge screens: the case queue and cases,
contracts, the service schedule, the knowledge base and its articles."""

from __future__ import annotations

from textual.binding import Binding

from crm_tui.keys.common import OPTION_LIST_CURSOR, bind
from crm_tui.keys.sales import ADD_LINE, REMOVE_LINE

SCOPES: dict[str, tuple[Binding, ...]] = {
    "case_queue": (
        # T takes the most urgent waiting case and opens it; t the highlighted one
        bind("case.next", "T", "next_case", "Next case"),
        bind("case.take", "t", "take", "Take"),
        bind("case.release", "u", "release", "Release"),
        bind("case.move", "m", "move", "Move"),
        bind("case.assign", "o", "assign", "Assign"),
        bind("case.resolve", "R", "resolve", "Resolve"),
        bind("queue.contracts", "K", "contracts", "Contracts", show=False),
        bind("queue.schedule", "S", "schedule", "Schedule", show=False),
    ),
    # CaseDetailScreen: the queue's keys work here too.
    "case_detail": (
        bind("case.take", "t", "take", "Take"),
        # shown while it applies: t on a case that is not mine, u on a held one
        bind("case.release", "u", "release", "Release"),
        bind("case.move", "m", "move", "Move", show=False),
        bind("case.assign", "o", "assign", "Assign", show=False),
        bind("case.resolve", "R", "resolve", "Resolve"),
        bind("case.status", "s", "status", "Status", show=False),
        bind("case.cancel", "X", "cancel_case", "Cancel case", show=False),
        # shown while it applies: only a resolved or canceled case has it
        bind("case.reopen", "O", "reopen", "Reactivate"),
        bind("case.merge", "M", "merge", "Merge", show=False),
        bind("case.contract_line", "L", "contract_line", "Contract line", show=False),
        bind("case.book", "B", "book", "Book a service", show=False),
        bind("case.link_article", "K", "link_article", "Link article"),
        bind("detail.toggle_active", "D", "toggle_active", "Which keys change a case", show=False),
    ),
    "case_form": (
        bind("case_form.link_article", "ctrl+k", "link_article", "Link article", priority=True),
    ),
    # A contract's step key is its argument, whatever key runs it.
    "contracts_list": (
        bind("contract.activate", "A", "step('A')", "Activate", show=False),
        bind("contract.hold", "H", "step('H')", "Hold/resume", show=False),
        bind("contract.cancel", "X", "step('X')", "Cancel", show=False),
    ),
    "contract_detail": (
        bind(*ADD_LINE, "Add line"),
        bind(*REMOVE_LINE, "Remove line", show=False),
        bind("contract.activate", "A", "step('A')", "Activate", show=False),
        bind("contract.hold", "H", "step('H')", "Hold/resume", show=False),
        bind("contract.cancel", "X", "step('X')", "Cancel contract", show=False),
    ),
    "booking": (
        bind("booking.find", "ctrl+f", "find", "Find slots", priority=True),
        bind("booking.book", "ctrl+s", "book", "Book", priority=True),
        bind("form.cancel", "escape", "cancel", "Cancel"),
    ),
    "schedule": (
        bind("screen.back", "escape", "back", "Back"),
        bind("schedule.book", "b", "book", "Book"),
        bind("schedule.week", "w", "toggle_week", "Day/week"),
        bind("schedule.earlier", "less_than_sign,comma", "shift(-1)", "Earlier"),
        bind("schedule.later", "greater_than_sign,full_stop", "shift(1)", "Later"),
        bind("schedule.today", "T", "today", "Today", show=False),
        bind("schedule.cancel", "x", "cancel_booking", "Cancel booking", show=False),
        bind("schedule.move", "R", "reschedule", "Move booking", show=False),
        bind("schedule.switch", "tab", "switch_side", "Resources/agenda", show=False),
    ),
    "knowledge": (
        bind("kb.search", "slash", "focus_search", "Search"),
        bind("kb.new", "n", "new", "New"),
        bind("kb.state", "v", "next_state", "State"),
        bind("kb.language", "L", "next_language", "Language"),
        bind("kb.subject", "J", "pick_subject", "Subject"),
        # the highlighted result, as on the opened article
        bind("article.link_case", "l", "link_case", "Link to case"),
        bind("kb.clear", "escape", "clear", "Clear search", show=False),
        bind("list.refresh", "r", "refresh_data", "Refresh", show=False),
    ),
    # ArticleList: the knowledge results and the suggestions beside a case.
    "article_list": OPTION_LIST_CURSOR,
    # CasePickerModal: the case an article is linked to; the box keeps focus
    # while up and down choose, as in a lookup field.
    "case_picker": (
        bind("lookup.next", "down", "next_match", "Next match", show=False),
        bind("lookup.previous", "up", "previous_match", "Previous match", show=False),
        bind("form.cancel", "escape", "cancel", "Cancel"),
    ),
    "article_form": (
        bind("article.editor", "ctrl+e", "external_editor", "Body in $EDITOR", priority=True),
    ),
    # ArticleScreen: a step's key is its argument, whatever key runs it.
    "article": (
        bind("screen.back", "escape", "back", "Back"),
        bind("kb.search", "slash", "focus_search", "Search"),
        bind("detail.edit", "e", "edit", "Edit"),
        bind("article.link_case", "l", "link_case", "Link to case"),
        bind("article.rate", "r", "rate", "Rate"),
        bind("article.copy", "y", "copy_text", "Copy text", show=False),
        bind("article.copy_reference", "Y", "copy_reference", "Copy reference", show=False),
        bind("article.versions", "V", "versions", "Versions", show=False),
        bind("article.submit", "s", "step('s')", "Submit", show=False),
        bind("article.approve", "A", "step('A')", "Approve", show=False),
        bind("article.reject", "X", "step('X')", "Reject", show=False),
        bind("article.publish", "P", "step('P')", "Publish", show=False),
        bind("article.archive", "H", "step('H')", "Archive", show=False),
        bind("article.new_version", "N", "step('N')", "New version", show=False),
    ),
}
