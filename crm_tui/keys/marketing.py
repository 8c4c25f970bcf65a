"""Keys of the marketing area (9): campaigns, their steps and responses,
marketing lists and their members, sales literature and its files."""

from __future__ import annotations

from textual.binding import Binding

from crm_tui.keys.common import bind

SCOPES: dict[str, tuple[Binding, ...]] = {
    # CampaignsScreen, the area's home: the lists and literature are a key away
    "campaigns_list": (
        bind("marketing.lists", "l", "lists", "Lists"),
        bind("marketing.literature", "i", "literature", "Literature"),
        bind("campaign.quick", "Q", "quick_campaign", "Quick campaign", show=False),
    ),
    # Each state key shows only while the campaign's state allows it (keys/needs.py).
    "campaign_detail": (
        bind("campaign.launch", "L", "launch", "Launch"),
        bind("campaign.ready", "R", "mark_ready", "Ready", show=False),
        bind("campaign.suspend", "P", "suspend", "Suspend", show=False),
        bind("campaign.complete", "C", "complete", "Complete", show=False),
        bind("campaign.cancel", "X", "cancel", "Cancel campaign", show=False),
        bind("campaign.reopen", "O", "reopen", "Reopen", show=False),
        bind("campaign.add_list", "l", "add_list", "Add list"),
        bind("campaign.new_step", "s", "new_step", "New step"),
        bind("campaign.distribute", "t", "distribute", "Distribute"),
        bind("campaign.send", "m", "send_mail", "Send mail"),
        bind("campaign.response", "r", "log_response", "Response"),
        bind("campaign.convert", "Q", "convert_response", "Convert response", show=False),
        bind("campaign.copy", "y", "copy", "Copy", show=False),
        bind("campaign.remove", "minus,delete", "remove_row", "Remove", show=False),
        bind("campaign.attach", "plus,insert", "attach", "Attach literature", show=False),
    ),
    "list_detail": (
        bind("list.add_members", "plus,insert", "add_members", "Add members"),
        bind("list.remove_member", "minus,delete", "remove_member", "Remove member"),
        bind("list.copy_static", "K", "copy_static", "Copy to static", show=False),
        bind("list.count", "u", "count", "Count again", show=False),
    ),
    "literature_detail": (
        bind("literature.add_file", "plus,insert", "add_file", "Add file"),
        bind("literature.remove_file", "minus,delete", "remove_file", "Remove file", show=False),
        bind("literature.about", "b", "about", "Product/competitor", show=False),
    ),
}
