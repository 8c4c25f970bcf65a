"""Area 5: quotes, orders and invoices, one list at a time (t switches)."""

from __future__ import annotations

from rich.text import Text

from crm_tui import display, keys
from crm_tui.screens.common.base_list import RecordListScreen
from crm_tui.screens.sales.document_actions import SERVICES, legal_steps
from crm_tui.screens.sales.document_detail import STATE_STYLE
from crm_tui.services.listing import Page
from crm_tui.text import safe_line
from crm_tui.widgets.record_table import Column

KINDS = ("quote", "order", "invoice")


def _state(row: dict) -> Text:
    kind, state = row["kind"], row["state"]
    reason = row.get("status_reason") or ""
    text = Text(
        display.state(kind, state),
        style=STATE_STYLE.get(state, "").replace("bold ", ""),
        no_wrap=True,
        overflow="ellipsis",
    )
    if reason and reason != state and reason not in ("in_progress", "new", "open"):
        text.append(f" · {display.reason(kind, reason)}", style="dim")
    return text


def _total(row: dict) -> Text:
    return Text(display.money(row.get("total_amount")), justify="right")


class DocumentsScreen(RecordListScreen):
    AREA_TITLE = "Quotes"
    KIND = "quote"
    # On 80 columns the owner gives way, so a state ("Submitted") reads whole.
    COLUMNS = [
        Column(
            "display_number",
            "Number",
            13,  # QUO-00001-R12
            lambda r: safe_line(r["display_number"]),
            keep_width=True,
        ),
        Column("name", "Name", 28, lambda r: safe_line(r["name"])),
        Column("customer", "Customer", 24),
        Column("state", "State", 18, _state),
        Column("total_amount", "Total", 14, _total, keep_width=True, right=True),
        Column("owner", "Owner", 14, min_table_width=100),
    ]
    SORTS = {"number": "number", "name": "name", "modified": "recently modified"}
    BINDINGS = keys.bindings("documents_list")

    def __init__(self, kind: str = "quote") -> None:
        self._set_kind(kind)
        super().__init__()

    def _set_kind(self, kind: str) -> None:
        self.KIND = kind
        self.SERVICE = SERVICES[kind]
        self.VIEWS = self.SERVICE.VIEWS
        self.AREA_TITLE = display.kind_label(kind, plural=True)

    def fetch_page(self, **kwargs) -> Page:
        page = self.SERVICE.page(**kwargs)
        for row in page.rows:
            row.setdefault("display_number", row.get("number", ""))
            # the state column words a state by its kind's machine
            row.setdefault("kind", self.KIND)
        return page

    def action_products(self) -> None:
        self.app.open_catalogue("sales.products_list", "ProductsScreen")

    def action_next_kind(self) -> None:
        self._set_kind(KINDS[(KINDS.index(self.KIND) + 1) % len(KINDS)])
        self.view = next(iter(self.VIEWS))
        self.title = self.AREA_TITLE
        self._fit_filter_hint()
        self.reload()

    def form_screen(self, record_id: int | None):
        from crm_tui.screens.sales.document_form import DocumentFormScreen

        return DocumentFormScreen(self.KIND, record_id)

    def new_record(self) -> None:
        def created(saved_id: int | None) -> None:
            # a new document opens on its lines: adding them is what comes next
            if saved_id is not None:
                self.refresh_data()
                self.open_record(saved_id)

        self.app.push_screen(self.form_screen(None), created)

    def action_toggle_active(self) -> None:
        self.notify("Open the document (enter) to change its state.")

    def record_actions(self):
        label = display.kind_noun(self.KIND)
        actions = [(f"New {label}", keys.fill(f"Create a {label} ({{list.new}})"), self.action_new)]
        row = self.table.current_row
        if row is not None:
            actions.append(
                (
                    f"Open this {label}",
                    "Its lines and state changes",
                    lambda: self.open_record(row["id"]),
                )
            )
            steps = legal_steps(self.KIND, row["state"])
            if steps:
                actions.append(
                    (
                        "State changes",
                        "Open it: " + ", ".join(s.title.lower() for s in steps),
                        lambda: self.open_record(row["id"]),
                    )
                )
        return actions
