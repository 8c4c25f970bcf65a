"""The keys every area shares: the app's own, lists, details, forms, the
small modals, and the widgets that hold focus (tables, the board, lookups)."""

from __future__ import annotations

from textual.binding import Binding


def bind(
    binding_id: str,
    key: str,
    action: str,
    description: str,
    *,
    show: bool = True,
    priority: bool = False,
) -> Binding:
    return Binding(key, action, description, show=show, priority=priority, id=binding_id)


# j/k/g/G on a list drawn as an OptionList (a board column's cards, the
# knowledge results): home and end were its first and last already.
OPTION_LIST_CURSOR: tuple[Binding, ...] = (
    bind("cursor.down", "j", "cursor_down", "Down", show=False),
    bind("cursor.up", "k", "cursor_up", "Up", show=False),
    bind("cursor.top", "g,home", "first", "Top", show=False),
    bind("cursor.bottom", "G,end", "last", "Bottom", show=False),
)

SCOPES: dict[str, tuple[Binding, ...]] = {
    # CrmApp: active on every screen that is not a modal.
    "app": (
        bind("area.accounts", "1", "area('accounts')", "Accounts", show=False),
        bind("area.contacts", "2", "area('contacts')", "Contacts", show=False),
        bind("area.leads", "3", "area('leads')", "Leads", show=False),
        bind("area.pipeline", "4", "area('pipeline')", "Pipeline", show=False),
        bind("area.documents", "5", "area('documents')", "Quotes, orders, invoices", show=False),
        bind("area.cases", "6", "area('cases')", "Cases", show=False),
        bind("area.knowledge", "7", "area('knowledge')", "Knowledge", show=False),
        bind("area.activities", "8", "area('activities')", "Activities", show=False),
        bind("area.marketing", "9", "area('marketing')", "Marketing", show=False),
        bind("area.dashboard", "0", "area('dashboard')", "Dashboard", show=False),
        bind("app.notices", "exclamation_mark", "notices", "Notices", show=False),
        bind("app.help", "question_mark", "help", "Keys"),
        bind("app.quit", "q", "quit", "Quit"),
    ),
    # RecordListScreen
    "list": (
        bind("list.filter", "slash", "focus_filter", "Filter"),
        bind("list.new", "n", "new", "New"),
        bind("list.edit", "e", "edit", "Edit"),
        bind("list.activity", "a", "log_activity", "Activity"),
        bind("list.view", "v", "next_view", "View"),
        bind("list.previous_view", "V", "previous_view", "Previous view", show=False),
        bind("list.save_view", "ctrl+s", "save_view", "Save view", show=False),
        bind("list.views", "W", "pick_view", "Views", show=False),
        bind("list.find", "F", "find", "Advanced find", show=False),
        bind("list.mark", "space", "mark", "Mark", show=False),
        bind("list.mark_down", "shift+down", "mark_down", "Mark and move down", show=False),
        bind("list.mark_up", "shift+up", "mark_up", "Mark and move up", show=False),
        bind("list.mark_all", "asterisk", "mark_all", "Mark all matching", show=False),
        bind("list.bulk", "B", "bulk", "Act on the marked", show=False),
        bind("list.sort", "s", "next_sort", "Sort"),
        bind("list.toggle_active", "D", "toggle_active", "Deactivate/reactivate", show=False),
        bind("list.clear", "escape", "clear_filter", "Clear filter / back", show=False),
        bind("list.refresh", "r", "refresh_data", "Refresh", show=False),
    ),
    # RecordDetailScreen. The timeline's keys act on its highlighted activity;
    # reschedule is d (for date), as R resolves a case.
    "detail": (
        bind("screen.back", "escape", "back", "Back"),
        bind("detail.edit", "e", "edit", "Edit"),
        bind("detail.activity", "a", "log_activity", "Activity"),
        bind("timeline.complete", "c", "complete_activity", "Complete", show=False),
        bind("timeline.cancel", "x", "cancel_activity", "Cancel activity", show=False),
        bind("timeline.reschedule", "d", "reschedule_activity", "Reschedule", show=False),
        bind("detail.toggle_active", "D", "toggle_active", "Deactivate/reactivate", show=False),
        bind("detail.follow", "F", "follow", "Follow/unfollow", show=False),
        bind("notes.save_attachment", "S", "save_attachment", "Save attachment", show=False),
        bind("detail.next_tab", "right_square_bracket", "next_tab", "Next tab"),
        bind("detail.previous_tab", "left_square_bracket", "previous_tab", "Prev tab", show=False),
    ),
    # RecordFormScreen and FormModal
    "form": (
        bind("form.save", "ctrl+s", "save", "Save", priority=True),
        bind("form.cancel", "escape", "cancel", "Cancel"),
    ),
    "prompt": (bind("form.cancel", "escape", "cancel", "Cancel"),),
    "confirm": (
        bind("confirm.yes", "y", "answer(True)", "Yes"),
        bind("confirm.enter", "enter", "answer(True)", "Yes", show=False),
        bind("confirm.no", "n", "answer(False)", "No"),
        bind("confirm.escape", "escape", "answer(False)", "No", show=False),
    ),
    "retry": (
        bind("retry.again", "r", "answer(True)", "Try again"),
        bind("retry.enter", "enter", "answer(True)", "Try again", show=False),
        bind("retry.back", "escape", "answer(False)", "Back"),
    ),
    "conflict": (
        bind("conflict.reload", "r", "choose('reload')", "Reload theirs"),
        bind("conflict.overwrite", "o", "choose('overwrite')", "Overwrite with mine"),
        bind("conflict.keep", "escape", "choose(None)", "Keep editing"),
        bind("conflict.cancel", "c", "choose(None)", "Cancel", show=False),
    ),
    "help": (bind("help.close", "escape,question_mark,q", "close", "Close"),),
    "report": (bind("report.close", "escape,enter", "close", "Close"),),
    # ViewPicker: a list's views; the highlighted one is opened (enter),
    # renamed, deleted or made the list's default.
    # ActivitiesScreen (area 8): the timeline's keys act on the highlighted row.
    "activities_list": (
        bind("timeline.complete", "c", "complete_activity", "Complete"),
        bind("timeline.cancel", "x", "cancel_activity", "Cancel activity", show=False),
        bind("timeline.reschedule", "d", "reschedule_activity", "Reschedule"),
        bind("activities.calendar", "C", "calendar", "Calendar"),
    ),
    # CalendarScreen: as the service schedule where the keys mean the same.
    "calendar": (
        bind("screen.back", "escape", "back", "Back"),
        bind("calendar.new", "n", "new_appointment", "New appointment"),
        bind("schedule.week", "w", "toggle_week", "Day/week/month"),
        bind("schedule.earlier", "less_than_sign,comma", "shift(-1)", "Earlier"),
        bind("schedule.later", "greater_than_sign,full_stop", "shift(1)", "Later"),
        bind("schedule.today", "T", "today", "Today", show=False),
        bind("timeline.complete", "c", "complete_activity", "Complete", show=False),
        bind("timeline.cancel", "x", "cancel_activity", "Cancel activity", show=False),
    ),
    "custom_fields": (
        bind("screen.back", "escape", "back", "Back"),
        bind("fields.new", "n", "new_field", "New field"),
        bind("fields.edit", "e", "edit_field", "Change"),
        bind("fields.remove", "x", "remove_field", "Remove/restore"),
        bind("fields.purge", "P", "purge_field", "Purge"),
    ),
    # ImportScreen: the dry run of a file, then its import.
    "import": (
        bind("screen.back", "escape", "back", "Back/stop"),
        bind("import.options", "o", "options", "File & options"),
        bind("import.kind", "K", "choose_kind", "Kind", show=False),
        bind("import.column", "e", "change_column", "Change column"),
        bind("import.save_map", "s", "save_map", "Save map"),
        bind("import.run", "i", "run_import", "Import"),
    ),
    # ImportHistoryScreen: past imports; the highlighted one is reverted.
    "import_history": (
        bind("screen.back", "escape", "back", "Back"),
        bind("imports.revert", "x", "revert", "Revert"),
    ),
    "view_picker": (
        bind("views.default", "asterisk", "make_default", "Make default"),
        bind("views.rename", "e", "rename", "Rename"),
        bind("views.delete", "x", "delete", "Delete"),
        bind("views.close", "escape", "close", "Close"),
    ),
    # Widgets: active while they (or a widget inside them) have focus.
    "record_table": (
        bind("cursor.down", "j", "cursor_down", "Down", show=False),
        bind("cursor.up", "k", "cursor_up", "Up", show=False),
        bind("cursor.top", "g,home", "first", "Top", show=False),
        bind("cursor.bottom", "G,end", "last", "Bottom", show=False),
    ),
    "timeline": (
        bind("cursor.down", "j", "cursor_down", "Down", show=False),
        bind("cursor.up", "k", "cursor_up", "Up", show=False),
    ),
    "line_table": (
        bind("cursor.down", "j", "cursor_down", "Down", show=False),
        bind("cursor.up", "k", "cursor_up", "Up", show=False),
    ),
    # Kanban's CardList: one column's cards.
    "card_list": OPTION_LIST_CURSOR,
    "kanban": (
        bind("board.column_left", "left,h", "column(-1)", "◀ column", show=False),
        bind("board.column_right", "right,l", "column(1)", "column ▶", show=False),
        bind("board.move_left", "shift+left,H", "move(-1)", "Move ◀"),
        bind("board.move_right", "shift+right,L", "move(1)", "Move ▶"),
    ),
    # LookupInput: a form's field that looks a record up by name.
    "lookup_input": (
        bind("lookup.next", "down", "next_match", "Next match", show=False),
        bind("lookup.previous", "up", "previous_match", "Previous match", show=False),
    ),
}
