"""A lead: summary, timeline, notes and history; qualify, disqualify,
reactivate."""

from __future__ import annotations

from rich.text import Text

from crm_tui import display, keys
from crm_tui.screens.common import contact_methods, list_membership, routes
from crm_tui.screens.common.base_detail import RecordDetailScreen
from crm_tui.screens.sales import lead_actions
from crm_tui.services import records, session
from crm_tui.services.customers import activities
from crm_tui.services.marketing import lists
from crm_tui.services.sales import leads
from crm_tui.text import safe_line

STATE_STYLE = {"open": "bold green", "qualified": "bold cyan", "disqualified": "bold red"}


class LeadDetailScreen(RecordDetailScreen):
    KIND = "lead"
    SERVICE = leads
    BINDINGS = keys.bindings("lead_detail")
    ACCESS = {
        **RecordDetailScreen.ACCESS,
        **dict.fromkeys(("qualify", "disqualify", "reactivate", "contacted"), "write"),
    }

    @property
    def display_name(self) -> str:
        return self.record.full_name if self.record else ""

    def title_text(self) -> Text:
        row = self.record
        title = safe_line(row.full_name, "bold")
        if row.company_name:
            title.append(" · ")
            title.append_text(safe_line(row.company_name))
        title.append(
            f"  {leads.STATUS.get(row.status_reason, row.status_reason)}",
            style=STATE_STYLE.get(row.state, "bold"),
        )
        count = activities.open_count((self.KIND, self.record_id))
        title.append(f"   {count} open activit{'y' if count == 1 else 'ies'}", style="dim")
        return title

    def marketing_lists(self) -> str:
        """The active marketing lists the lead is on, by name."""
        return ", ".join(r["name"] for r in lists.lists_of(self.KIND, self.record_id))

    def summary_rows(self):
        row = self.record
        out = [
            ("Topic", row.topic),
            ("Company", row.company_name),
            ("Job title", row.job_title),
            ("Email", row.email),
            ("Phone", display.phone(row.phone)),
            ("Website", row.website),
            ("City", ", ".join(p for p in (row.city, row.country) if p)),
            ("Source", leads.SOURCES.get(row.source, row.source)),
            ("Rating", leads.RATINGS.get(row.rating, row.rating)),
            ("Est. value", display.money(row.estimated_value, session.settings().currency)),
        ]
        if row.state == "qualified" or row.account_id or row.contact_id or row.opportunity_id:
            out += [
                ("Account", records.title_of("account", row.account_id) if row.account_id else ""),
                ("Contact", records.title_of("contact", row.contact_id) if row.contact_id else ""),
                (
                    "Opportunity",
                    records.title_of("opportunity", row.opportunity_id)
                    if row.opportunity_id
                    else "",
                ),
            ]
        out.append(("Contact methods", contact_methods.summary(row) or "every way"))
        out.append(("Marketing lists", self.marketing_lists()))
        return [*out, *self.stamp_rows(), ("Description", row.description)]

    def edit_screen(self):
        from crm_tui.screens.sales.lead_form import LeadFormScreen

        return LeadFormScreen(self.record_id)

    def _done(self, result) -> None:
        if result:
            self.refresh_data()

    def action_qualify(self) -> None:
        lead_actions.qualify(self, self.record, self._done)

    def action_disqualify(self) -> None:
        lead_actions.disqualify(self, self.record, self._done)

    def action_reactivate(self) -> None:
        lead_actions.reactivate(self, self.record, self._done)

    def action_contacted(self) -> None:
        lead_actions.mark_contacted(self, self.record, self._done)

    def action_toggle_active(self) -> None:
        self.notify(
            keys.fill(
                "Leads are qualified ({lead.qualify}), disqualified ({lead.disqualify}) "
                "or reactivated ({lead.reactivate})."
            )
        )

    def action_open_opportunity(self) -> None:
        if not self.record.opportunity_id:
            self.notify(
                keys.fill("This lead has no opportunity yet: {lead.qualify} qualifies it."),
                severity="warning",
            )
            return
        routes.open_detail(self.app, "opportunity", self.record.opportunity_id)

    def record_actions(self):
        actions = [
            ("Edit this lead", keys.fill("Change its fields ({detail.edit})"), self.action_edit),
            (
                "Log an activity",
                keys.fill("Call, email, meeting, task, letter or note ({detail.activity})"),
                self.action_log_activity,
            ),
        ]
        if self.record is not None:
            actions += lead_actions.transitions(self.record.state, self, self.record.status_reason)
            if self.record.opportunity_id:
                actions.append(
                    (
                        "Open the opportunity",
                        keys.fill("Made when it was qualified ({lead.opportunity})"),
                        self.action_open_opportunity,
                    )
                )
        return [*actions, *list_membership.actions(self, self.KIND, self.record_id)]
