"""Lead transitions the list and the detail share: qualify (with its
duplicate check), disqualify with a reason, reactivate."""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen

from crm_tui import keys
from crm_tui.screens.common import routes
from crm_tui.screens.common.calls import Done, direct
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.services.sales import leads
from crm_tui.text import safe_line
from crm_tui.widgets.record_form import FieldSpec


def qualify(screen: Screen, lead, done: Done) -> None:
    """Offer the matches, qualify, then open the new opportunity."""
    from crm_tui.screens.sales.lead_qualify import QualifyModal

    if lead.state != "open":
        screen.notify(
            keys.fill(f"This lead is already {lead.state}; {{lead.reactivate}} reactivates it."),
            severity="warning",
        )
        return

    def finished(result) -> None:
        if not result:
            done(None)
            return
        made = [
            name
            for name, value in (
                ("account", result.account_id),
                ("contact", result.contact_id),
                ("opportunity", result.opportunity_id),
            )
            if value
        ]
        screen.notify(Text.assemble(safe_line(lead.full_name), f" qualified: {', '.join(made)}."))
        done(result)
        if result.opportunity_id:
            routes.open_detail(screen.app, "opportunity", result.opportunity_id)

    screen.app.push_screen(QualifyModal(lead), finished)


def disqualify(screen: Screen, lead, done: Done) -> None:
    reasons = [(label, key) for key, label in leads.DISQUALIFY_REASONS.items()]

    def submit(values: dict) -> object:
        return leads.disqualify(lead.id, lead.version, values["reason"])

    screen.app.push_screen(
        form_modal(
            screen.app,
            Text.assemble(("Disqualify ", "bold"), safe_line(lead.full_name, "bold")),
            [FieldSpec("reason", "Reason", "select", reasons)],
            submit,
            values={"reason": reasons[0][1]},
            intro=keys.fill("The lead leaves the open views; {lead.reactivate} reactivates it."),
            save_label="disqualify",
        ),
        done,
    )


def reactivate(screen: Screen, lead, done: Done) -> None:
    direct(
        screen,
        lambda: leads.reactivate(lead.id, lead.version),
        Text.assemble(safe_line(lead.full_name), " is open again."),
        done,
    )


def mark_contacted(screen: Screen, lead, done: Done) -> None:
    direct(
        screen,
        lambda: leads.mark_contacted(lead.id, lead.version),
        Text.assemble(safe_line(lead.full_name), " marked contacted."),
        done,
    )


def transitions(state: str, screen, status: str = "") -> list[tuple]:
    """The palette entries for a lead's legal transitions now."""
    if state == "open":
        contacted = []
        if status == "new":
            contacted = [
                (
                    "Mark as contacted",
                    keys.fill("Status new → contacted ({lead.contacted})"),
                    screen.action_contacted,
                )
            ]
        return [
            *contacted,
            (
                "Qualify this lead",
                keys.fill("Account, contact and opportunity ({lead.qualify})"),
                screen.action_qualify,
            ),
            (
                "Disqualify this lead",
                keys.fill("With a reason ({lead.disqualify})"),
                screen.action_disqualify,
            ),
        ]
    return [
        (
            "Reactivate this lead",
            keys.fill("Back to open ({lead.reactivate})"),
            screen.action_reactivate,
        )
    ]
