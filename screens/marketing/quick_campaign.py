"""A quick campaign (Q on the campaigns): one activity to one list in one
step. The campaign is made launched, and its page opens distributing it."""

from __future__ import annotations

from crm_tui.meta.marketing import CHANNELS
from crm_tui.screens.common import routes
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.screens.marketing.campaign_actions import _list_matches
from crm_tui.services.marketing import campaign_links
from crm_tui.widgets.record_form import FieldSpec


def quick_campaign(screen) -> None:
    """Ask for the list and the step, make them, and open the campaign distributing it."""
    specs = [
        FieldSpec("list_id", "List", "lookup", lookup=_list_matches, required=True),
        FieldSpec("name", "Campaign", placeholder="empty: Quick: the list's name"),
        FieldSpec("channel", "Channel", "select", [(v, k) for k, v in CHANNELS.items()]),
        FieldSpec("subject", "Subject", required=True),
        FieldSpec("message_subject", "Email subject", placeholder="Hello {first_name}"),
        FieldSpec("message_body", "Email (Markdown)", "multiline"),
    ]

    def submit(typed: dict):
        from crm_tui.errors import ValidationError

        if not typed.get("list_id"):
            raise ValidationError({"list_id": "choose a marketing list by its name"})
        data = {k: v for k, v in typed.items() if k != "list_id" and v not in ("", None)}
        return campaign_links.quick(int(typed["list_id"]), data)

    def made(result) -> None:
        if not result:
            return
        campaign, step_id = result
        screen.refresh_data()
        detail = routes.detail_screen(screen.app, "campaign", campaign.id)
        detail.distribute_when_shown = step_id
        screen.app.push_screen(detail)

    screen.app.push_screen(
        form_modal(screen.app, "Quick campaign", specs, submit, values={"channel": "email"},
                   intro="One step to one list: the campaign is launched and distributed now."),
        made,
    )  # fmt: skip
