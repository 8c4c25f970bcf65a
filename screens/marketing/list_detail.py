"""A marketing list: its members (added by a query, removed one at a time),
the campaigns that target it, and for a dynamic list its count made now and
its copy to a static list (K)."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from crm_tui import display, keys, styles
from crm_tui.screens.common import calls, routes
from crm_tui.screens.common.base_detail import RecordDetailScreen
from crm_tui.screens.common.prompt import PromptModal
from crm_tui.screens.marketing.campaigns_list import STATE_STYLE
from crm_tui.services import session
from crm_tui.services.marketing import campaign_links, campaigns, list_members, lists
from crm_tui.text import clean, safe_line
from crm_tui.widgets.fitted_rows import RowsTable
from crm_tui.widgets.record_table import Column, phone_cell

# At most this many members are shown; the count in the title is all of them.
MEMBERS_SHOWN = 200

# The members as their own list shows them. At 80 columns the phone gives
# way: the name, email, city (a lead's company) and owner keep the room.
_NAME = Column("name", "Name", 22)
_EMAIL = Column("email", "Email", 32)
_PHONE = Column("phone", "Phone", 18, phone_cell, keep_width=True, min_table_width=100)
_CITY = Column("city", "City", 12)
_OWNER = Column("owner", "Owner", 14, keep_width=True)
MEMBER_COLUMNS = {
    "account": [_NAME, _EMAIL, _PHONE, _CITY, _OWNER],
    "contact": [_NAME, _EMAIL, _PHONE, _CITY, _OWNER],
    "lead": [_NAME, Column("company_name", "Company", 16), _EMAIL, _PHONE, _OWNER],
}
CAMPAIGN_COLUMNS = [
    Column("number", "Code", 10, keep_width=True),
    Column("name", "Campaign", 40),
    Column("state", "Status", 15, keep_width=True),
]


class MembersTable(RowsTable):
    """The members of the list shown: its columns are the member type's."""

    def set_columns(self, columns: list[Column]) -> None:
        if columns is not self._columns:
            self._columns = columns
            self._fit_columns()


def _member_type(lst) -> str:
    return display.option("marketing_list", "member_type", lst.member_type)


class ListDetailScreen(RecordDetailScreen):
    KIND = "marketing_list"
    SERVICE = lists
    CSS_PATH = [styles.path("detail.tcss"), styles.path("marketing.tcss")]
    EXTRA_TABS = [("members", "Members"), ("campaigns", "Campaigns")]
    FIRST_TAB = "members"
    BINDINGS = keys.bindings("list_detail")
    ACCESS = {
        **RecordDetailScreen.ACCESS,
        **dict.fromkeys(("add_members", "remove_member"), "write"),
        "copy_static": "create",
    }

    def __init__(self, record_id: int) -> None:
        super().__init__(record_id)
        self._members: list[dict] = []
        self._counted: int | None = None
        self._counted_at: dt.datetime | None = None

    def show_record(self, record_id: int) -> None:
        super().show_record(record_id)
        self._members = []
        self._counted = None
        self._counted_at = None

    @property
    def display_name(self) -> str:
        return self.record.name if self.record else ""

    def load_record(self):
        row = lists.get(self.record_id)
        counted = self.__dict__.pop("_counted_now", None)
        if row.dynamic:
            if counted is None:
                # counted now (and kept with the time it was counted)
                counted = calls.loaded(self, lambda: lists.count(self.record_id))
            row = lists.get(self.record_id)
        self._counted = counted if row.dynamic else None
        # the service keeps the time only when the count moved: this is when it was made
        self._counted_at = dt.datetime.now(dt.UTC) if self._counted is not None else None
        return row

    @property
    def member_count(self) -> int:
        return self.record.member_count if self._counted is None else self._counted

    def title_text(self) -> Text:
        row = self.record
        tail = Text(f"  {_member_type(row)} · ", style="dim")
        tail.append("dynamic" if row.dynamic else "static", style="cyan" if row.dynamic else "")
        count = self.member_count
        tail.append(f" · {count:,} member{'' if count == 1 else 's'}", style="dim")
        if row.state != "active":
            tail.append("  inactive", style="bold red")
        return self.fit_title(safe_line(row.name, "bold"), tail)

    def summary_rows(self):
        row = self.record
        kind = (
            "Dynamic: whoever its query finds"
            if row.dynamic
            else "Static: members added one by one"
        )
        out = [
            ("Purpose", row.purpose),
            ("Source", row.source),
            ("Members are", _member_type(row)),
            ("Kind", kind),
        ]
        if row.dynamic:
            out.append(("Query", safe_line(row.query, "cyan")))
        out.append(("Members", f"{self.member_count:,}"))
        if row.dynamic:
            out.append(("Counted", display.time(self._counted_at or row.evaluated_at)))
        return [
            *out,
            ("Cost", display.money(row.cost, session.settings().currency)),
            *self.stamp_rows(),
            ("Description", row.description),
        ]

    # --- tabs ------------------------------------------------------------------

    def compose_extra(self, tab_id: str) -> ComposeResult:
        if tab_id == "members":
            yield Static(id="members-hint", classes="empty-hint")
            yield MembersTable(MEMBER_COLUMNS["contact"], id="list-members")
        else:
            yield Static(
                Text("No campaign targets this list yet.", style="dim"),
                id="empty-campaigns",
                classes="empty-hint",
            )
            yield RowsTable(CAMPAIGN_COLUMNS, id="list-campaigns")

    def refresh_extra(self, tab_id: str) -> None:
        if tab_id == "campaigns":
            self._fill_campaigns()
        else:
            self._fill_members()

    def _fill_members(self) -> None:
        row = self.record
        page = calls.loaded(
            self, lambda: list_members.page(self.record_id, limit=MEMBERS_SHOWN), None
        )
        self._members = list(page.rows) if page is not None else []
        table = self.query_one("#list-members", MembersTable)
        table.set_columns(MEMBER_COLUMNS.get(row.member_type, MEMBER_COLUMNS["contact"]))
        table.show(
            [
                {
                    "key": str(member["id"]),
                    "name": safe_line(
                        member["name"], "" if member.get("state") in ("active", "open") else "dim"
                    ),
                    "email": safe_line(member.get("email") or ""),
                    "phone": phone_cell(member),
                    "city": safe_line(member.get("city") or ""),
                    "company_name": safe_line(member.get("company_name") or ""),
                    "owner": safe_line(member.get("owner") or ""),
                }
                for member in self._members
            ]
        )
        self.query_one("#members-hint", Static).update(self._members_hint(page))

    def _members_hint(self, page) -> Text:
        row = self.record
        plural = _member_type(row).lower()
        if page is None:
            return Text("The members could not be read.", style="dim")
        if row.dynamic:
            hint = f"The {plural} its query finds now"
            if not self._members:
                hint = f"Its query finds no {plural} now"
            return Text(keys.fill(hint + " · {list.copy_static} copies them to a static list"),
                        style="dim")  # fmt: skip
        if not self._members:
            return Text(keys.fill(f"No members yet: {{list.add_members}} adds the {plural} "
                                  "a query finds."), style="dim")  # fmt: skip
        hint = "{list.add_members} add by a query · {list.remove_member} remove · enter opens"
        if page.more_after:
            hint = f"The first {len(self._members):,} · " + hint
        return Text(keys.fill(hint), style="dim")

    def _fill_campaigns(self) -> None:
        rows = campaign_links.campaigns_of_list(self.record_id)
        self.query_one("#empty-campaigns").display = not rows
        self.query_one("#list-campaigns", RowsTable).show(
            [
                {
                    "key": str(row["id"]),
                    "number": safe_line(row["number"], "dim"),
                    "name": safe_line(row["name"]),
                    "state": Text(
                        campaigns.STATES.get(row["state"], row["state"]),
                        style=STATE_STYLE.get(row["state"], ""),
                    ),
                }
                for row in rows
            ]
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "list-members" and self.record is not None:
            routes.open_detail(self.app, self.record.member_type, int(event.row_key.value))
        elif event.data_table.id == "list-campaigns":
            routes.open_detail(self.app, "campaign", int(event.row_key.value))

    # --- members ---------------------------------------------------------------

    def _static(self, doing: str) -> bool:
        """Whether the list is static; a dynamic one is refused with the
        service's words."""
        row = self.record
        ok: list[bool] = []
        if row is not None:
            calls.direct(self, lambda: lists.require_static(row, doing), "", ok.append)
        return bool(ok)

    def action_add_members(self) -> None:
        if self._static("add members"):
            self._ask_query()

    def _ask_query(self) -> None:
        row = self.record
        plural = _member_type(row).lower()

        def answer(typed: str | None) -> None:
            if not typed or not typed.strip():
                return
            calls.direct(
                self,
                lambda: list_members.add_matching(row.id, typed),
                "",
                self._added,
            )

        self.app.push_screen(
            PromptModal(
                f"Add to {clean(row.name)} the {plural} this query finds:",
                placeholder="city:Tehran owner:me created>-90d",
            ),
            answer,
        )

    def _added(self, count: int) -> None:
        self.notify(
            f"{count:,} added." if count else "0 added: nobody the query finds is missing from it."
        )
        self.refresh_data()
        self.switch_tab("members")

    def _highlighted_member(self) -> dict | None:
        self.ready_tab("members")
        if not self.tab_built("members") or not self._members:
            return None
        table = self.query_one("#list-members", DataTable)
        return self._members[min(table.cursor_row, len(self._members) - 1)]

    async def action_remove_member(self) -> None:
        if not self._static("remove members"):
            return
        if self.shown_tab != "members":
            await self.show_tab("members")
            self.notify(keys.fill("Highlight the member to remove, then {list.remove_member}."))
            return
        self._remove_highlighted()

    def _remove_highlighted(self) -> None:
        member = self._highlighted_member()
        if member is None:
            self.notify("The list has no members to remove.", severity="warning")
            return
        row = self.record
        calls.confirm_then(
            self,
            Text.assemble(
                "Take ",
                safe_line(member["name"], "bold"),
                " off ",
                safe_line(row.name, "bold"),
                "?",
            ),  # fmt: skip
            lambda: list_members.remove(row.id, [member["id"]]),
            detail="The record itself stays as it is.",
            done_text=Text.assemble(safe_line(member["name"]), " removed."),
        )

    # --- the list --------------------------------------------------------------

    def action_copy_static(self) -> None:
        row = self.record
        if row is None:
            return
        if not row.dynamic:
            self.notify(
                Text.assemble(
                    safe_line(row.name),
                    keys.fill(
                        " is already static: {list.add_members} adds members, "
                        "{list.remove_member} removes one."
                    ),
                ),  # fmt: skip
                severity="warning",
            )
            return

        def answer(typed: str | None) -> None:
            if typed is None:
                return
            calls.direct(self, lambda: list_members.copy_to_static(row.id, typed), "", self._copied)

        self.app.push_screen(
            PromptModal(
                f"Copy the {self.member_count:,} members it finds now to a static list named:",
                value=clean(f"{row.name} (static)"[:160]),
            ),
            answer,
        )

    def _copied(self, copy) -> None:
        self.notify(
            Text.assemble(
                f"Copied {copy.member_count:,} member{'' if copy.member_count == 1 else 's'} to ",
                safe_line(copy.name),
                ".",
            )
        )
        self.refresh_data()
        routes.open_detail(self.app, "marketing_list", copy.id)

    def action_count(self) -> None:
        def counted(count: int) -> None:
            self.notify(f"{count:,} member{'' if count == 1 else 's'}.")
            self._counted_now = count
            self._read_at = None  # the title and the tab on screen show it
            self.refresh_data()

        calls.direct(self, lambda: lists.count(self.record_id), "", counted)

    def edit_screen(self):
        from crm_tui.screens.marketing.list_form import MarketingListFormScreen

        return MarketingListFormScreen(self.record_id)

    def record_actions(self):
        # bound action_* methods: the palette offers them as the keys allow
        actions = []
        if self.record is not None and not self.record.dynamic:
            actions += [
                ("Add members by a query", keys.fill("Those the query finds ({list.add_members})"),
                 self.action_add_members),
                ("Remove the highlighted member",
                 keys.fill("From the Members tab ({list.remove_member})"),
                 self.action_remove_member),
            ]  # fmt: skip
        elif self.record is not None:
            actions.append(
                ("Copy to a static list", keys.fill("The members it finds now ({list.copy_static})"),
                 self.action_copy_static)
            )  # fmt: skip
        actions.append(("Count the members again", keys.fill("({list.count})"), self.action_count))
        return [*actions, *super().record_actions()]
