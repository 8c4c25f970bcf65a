"""Area 3: the leads list."""

from __future__ import annotations

from rich.text import Text

from crm_tui import display, keys
from crm_tui.screens.common.base_list import RecordListScreen
from crm_tui.screens.sales import lead_actions
from crm_tui.services.sales import leads
from crm_tui.text import safe_line
from crm_tui.widgets.record_table import Column

RATING_STYLE = {"hot": "bold red", "warm": "yellow", "cold": "cyan"}


def _name(row: dict) -> Text:
    return safe_line(row["name"], "" if row["state"] == "open" else "dim")


def _rating(row: dict) -> Text:
    return Text(leads.RATINGS.get(row["rating"], ""), style=RATING_STYLE.get(row["rating"], ""))


def _status(row: dict) -> Text:
    return Text(leads.STATUS.get(row["status_reason"], row["status_reason"]))


def _value(row: dict) -> Text:
    return Text(display.money(row.get("estimated_value")), justify="right")


class LeadsScreen(RecordListScreen):
    KIND = "lead"
    AREA_TITLE = "Leads"
    VIEWS = leads.VIEWS
    COLUMNS = [
        Column("name", "Lead", 22, _name),
        Column("company_name", "Company", 22),
        Column("topic", "Topic", 22),
        Column("rating", "Rating", 6, _rating, keep_width=True),  # "Rating" is 6 wide
        Column("status_reason", "Status", 10, _status, keep_width=True),
        Column("estimated_value", "Est. value", 13, _value, keep_width=True, right=True),
        Column("owner", "Owner", 14),
    ]
    BINDINGS = keys.bindings("leads_list")
    ACCESS = {
        **RecordListScreen.ACCESS,
        **dict.fromkeys(("qualify", "disqualify", "reactivate", "contacted"), "write"),
    }
    SERVICE = leads

    def form_screen(self, record_id: int | None):
        from crm_tui.screens.sales.lead_form import LeadFormScreen

        return LeadFormScreen(record_id)

    def _lead(self):
        row = self.table.current_row
        if row is None:
            self.notify("No lead selected.", severity="warning")
            return None
        return leads.get(row["id"])

    def _done(self, result) -> None:
        if result:
            self.refresh_data()

    def action_qualify(self) -> None:
        if (lead := self._lead()) is not None:
            lead_actions.qualify(self, lead, self._done)

    def action_disqualify(self) -> None:
        if (lead := self._lead()) is not None:
            lead_actions.disqualify(self, lead, self._done)

    def action_reactivate(self) -> None:
        if (lead := self._lead()) is not None:
            lead_actions.reactivate(self, lead, self._done)

    def action_contacted(self) -> None:
        if (lead := self._lead()) is not None:
            lead_actions.mark_contacted(self, lead, self._done)

    def action_toggle_active(self) -> None:
        self.notify(
            keys.fill(
                "Leads are qualified ({lead.qualify}), disqualified ({lead.disqualify}) "
                "or reactivated ({lead.reactivate})."
            )
        )

    def record_actions(self):
        actions = [("New lead", keys.fill("Create a lead ({list.new})"), self.action_new)]
        row = self.table.current_row
        if row is not None:
            actions += [
                ("Open this lead", "Show its details", lambda: self.open_record(row["id"])),
                ("Edit this lead", keys.fill("Change its fields ({list.edit})"), self.action_edit),
                (
                    "Log an activity",
                    keys.fill("Regarding this lead ({list.activity})"),
                    self.action_log_activity,
                ),
                *lead_actions.transitions(row["state"], self, row["status_reason"]),
            ]
        return actions
