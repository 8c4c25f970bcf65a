"""Which keys are active together on each screen, and the checks a keymap
passes before the app uses it: known ids, well-formed keys, and no key that
runs two actions on one screen."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from textual.binding import Binding
from textual.keys import Keys, key_to_character

from crm_tui import config
from crm_tui.keys import DEFAULTS, SCOPES, display


class Layout(NamedTuple):
    """A screen's scopes (its bases' first; "app" unless it is a modal, whose
    keys are the only ones that work over it) and the widgets that take focus
    on it, each as a chain from the focused widget outward."""

    scopes: tuple[str, ...]
    focus: tuple[tuple[str, ...], ...] = ()


# Widget scope -> the widget class whose BINDINGS it is.
WIDGETS = {
    "record_table": "RecordTable",
    "timeline": "Timeline",
    "line_table": "LineTable",
    "card_list": "CardList",
    "kanban": "Kanban",
    "lookup_input": "LookupInput",
    "kind_bar": "KindBar",
    "article_list": "ArticleList",
    "tile": "TileView",
}

_TABLE = (("record_table",),)
_LOOKUP = (("lookup_input",),)


def _list(*own: str) -> Layout:
    return Layout(("app", "list", *own), _TABLE)


def _detail(*own: str, lines: bool = False) -> Layout:
    return Layout(("app", "detail", *own), (("timeline",), *((("line_table",),) if lines else ())))


def _form(*own: str) -> Layout:
    return Layout(("app", "form", *own), _LOOKUP)


# Screen class name -> what is active on it.
SCREENS: dict[str, Layout] = {
    "AccountsScreen": _list(),
    "ContactsScreen": _list(),
    "CompetitorsScreen": _list(),
    "LeadsScreen": _list("leads_list"),
    "OpportunitiesScreen": _list("opportunities_list"),
    "ProductsScreen": _list("products_list"),
    "DocumentsScreen": _list("documents_list"),
    "ContractsScreen": _list("contracts_list"),
    "CaseQueueScreen": _list("case_queue"),
    "ActivitiesScreen": _list("activities_list"),
    "CampaignsScreen": _list("campaigns_list"),
    "MarketingListsScreen": _list(),
    "LiteratureScreen": _list(),
    "CalendarScreen": Layout(("app", "calendar"), _TABLE),
    "AccountDetailScreen": _detail("account_detail"),
    "ContactDetailScreen": _detail("contact_detail"),
    "CompetitorDetailScreen": _detail(),
    "LeadDetailScreen": _detail("lead_detail"),
    "OpportunityDetailScreen": _detail("opportunity_detail", lines=True),
    "ProductDetailScreen": _detail("product_detail"),
    "DocumentDetailScreen": _detail("document_detail", lines=True),
    "ContractDetailScreen": _detail("contract_detail"),
    "CampaignDetailScreen": _detail("campaign_detail"),
    "ListDetailScreen": _detail("list_detail"),
    "LiteratureDetailScreen": _detail("literature_detail"),
    "CaseDetailScreen": Layout(
        ("app", "detail", "case_detail"), (("timeline",), ("article_list",))
    ),
    "AccountFormScreen": _form(),
    "ContactFormScreen": _form(),
    "LeadFormScreen": _form(),
    "OpportunityFormScreen": _form(),
    "ProductFormScreen": _form(),
    "CompetitorFormScreen": _form(),
    "DocumentFormScreen": _form(),
    "ContractFormScreen": _form(),
    "CampaignFormScreen": _form(),
    "MarketingListFormScreen": _form(),
    "LiteratureFormScreen": _form(),
    "CaseFormScreen": Layout(("app", "form", "case_form"), (*_LOOKUP, ("article_list",))),
    "ArticleFormScreen": _form("article_form"),
    "PipelineScreen": Layout(("app", "pipeline"), (("card_list", "kanban"),)),
    "PriceListsScreen": Layout(("app", "price_lists")),
    "CustomFieldsScreen": Layout(("app", "custom_fields")),
    "ImportScreen": Layout(("app", "import")),
    "ImportHistoryScreen": Layout(("app", "import_history")),
    "ScheduleScreen": Layout(("app", "schedule")),
    "KnowledgeScreen": Layout(("app", "knowledge"), (("article_list",),)),
    "ArticleScreen": Layout(("app", "article")),
    "LineModal": Layout(("form",), _LOOKUP),
    "ActivityModal": Layout(("activity",), (("kind_bar",), *_LOOKUP)),
    "QualifyModal": Layout(("lead_qualify",)),
    "BookingModal": Layout(("booking",), _LOOKUP),
    "CasePickerModal": Layout(("case_picker",)),
    "ConfirmModal": Layout(("confirm",)),
    "RetryModal": Layout(("retry",)),
    "ConflictModal": Layout(("conflict",)),
    "PromptModal": Layout(("prompt",)),
    "ViewPicker": Layout(("view_picker",)),
    "ReportModal": Layout(("report",)),
    "HelpScreen": Layout(("help",)),
    "DashboardScreen": Layout(("app", "dashboard"), (("tile",),)),
    "ReportsScreen": Layout(("app", "reports_list")),
    "NotificationsScreen": Layout(("app", "notifications")),
    "RulesScreen": Layout(("app", "rules_list")),
    "RuleScreen": Layout(("app", "rule_detail")),
    "DryRunScreen": Layout(("app", "dry_run")),
    "RulesLogScreen": Layout(("app", "rules_log")),
    "RuleFormScreen": Layout(("app", "form"), _LOOKUP),
    # the base of the workflow screens, with no keys of its own
    "ReadingScreen": Layout(("app",)),
    "ReportScreen": Layout(("app", "report_view")),
    "DrillScreen": Layout(("app", "drill_list"), _TABLE),
    "KindPicker": Layout(("prompt",)),
    "Picker": Layout(("prompt",)),
    "TilesModal": Layout(("tiles_modal",)),
    "DashboardPicker": Layout(("dashboard_picker",)),
    # the bases last: a clash is said on a screen a person knows
    "RecordListScreen": _list(),
    "RecordDetailScreen": _detail(),
    "RecordFormScreen": _form(),
    "FormModal": Layout(("form",), _LOOKUP),
    "GateModal": Layout(("form",), _LOOKUP),
}

# Textual's own keys for moving focus, copying, the palette and quitting.
RESERVED = frozenset({"tab", "shift+tab", "ctrl+c", "ctrl+p", "ctrl+q"})
_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED = frozenset(k.value for k in Keys if "+" not in k.value and not k.value.startswith("<"))
# Printable ASCII by the names Textual gives them (plus, slash, question_mark, …).
_CHARACTER_NAMES = frozenset(
    binding.key
    for binding in Binding.make_bindings(
        [Binding(",".join(chr(c) for c in range(33, 127) if chr(c) != ","), "")]
    )
)


def _split(keys: str) -> list[str]:
    return [binding.key for binding in Binding.make_bindings([Binding(keys, "")])]


def well_formed(key: str) -> bool:
    *modifiers, name = key.split("+")
    if not name or len(set(modifiers)) != len(modifiers) or not _MODIFIERS >= set(modifiers):
        return False
    if len(name) == 1:
        return name.isprintable() and not name.isspace()
    return name in _NAMED or name in _CHARACTER_NAMES or key_to_character(name) is not None


def validate(keymap: object) -> None:
    """Refuse a keymap that names an unknown id, a malformed key, a key
    Textual keeps for itself, or gives one key two actions on a screen; in
    one line (ValueError)."""
    if not isinstance(keymap, dict):
        raise ValueError(f"keymap must be a table of ids and keys ([keymap]), not {keymap!r}")
    for binding_id, keys in keymap.items():
        where = f"keymap: {binding_id!r}"
        if binding_id not in DEFAULTS:
            raise ValueError(
                f"{where} is not a key's id (? in the app shows each key's id, e.g. list.new)"
            )
        if not isinstance(keys, str) or not keys.strip():
            raise ValueError(f'{where} must be keys in quotes ("ctrl+t" or "t,f5"), not {keys!r}')
        for key in (part.strip() for part in keys.split(",")):
            if not well_formed(key):
                raise ValueError(
                    f"{where}: {key!r} is not a key; write keys like t, T, ctrl+t, f5, "
                    "shift+left or question_mark, several with commas"
                )
        reserved = sorted(RESERVED & set(_split(keys)))
        if reserved:
            raise ValueError(f"{where}: {reserved[0]} is kept for moving between fields and menus")
    found = clashes(keymap)
    if found:
        raise ValueError(f"keymap: {found[0]}")


def check_settings(settings: config.Settings) -> None:
    """`validate` the keymap of settings read from a file, naming the file."""
    try:
        validate(settings.keymap)
    except ValueError as exc:
        raise ValueError(f"{settings.config_file()}: {exc}") from None


def _words(name: str) -> str:
    """CaseQueueScreen -> case queue screen."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def _effective(binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    return _split((binding.id and keymap.get(binding.id)) or binding.key)


def clashes(keymap: Mapping[str, str] | None = None) -> list[str]:
    """Each key that would run two different actions on one screen, with the
    keymap applied: the screen's, the app's and the focused widget's keys are
    active together."""
    keymap = keymap or {}
    found: list[str] = []
    for screen, layout in SCREENS.items():
        own = [binding for scope in layout.scopes for binding in SCOPES[scope]]
        for chain in ((), *layout.focus):
            active = [binding for scope in chain for binding in SCOPES[scope]] + own
            actions: dict[str, dict[str, str]] = {}
            for binding in active:
                for key in _effective(binding, keymap):
                    actions.setdefault(key, {}).setdefault(binding.action, binding.id or "")
            for key, ids in actions.items():
                if len(ids) > 1:
                    both = " and ".join(sorted(ids.values()))
                    line = f"{display(key)} is both {both} in the {_words(screen)}"
                    if line not in found:
                        found.append(line)
    return found
