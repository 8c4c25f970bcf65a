"""What a key needs of the record it acts on, by binding id: a key is
offered (footer, `?`) and runs only while the record's state allows it, and
says why when pressed otherwise. The states and transitions are the record
metadata's (crm_tui/meta/states.py); written once here, a key's need holds
on every screen that binds it.

A need is OPEN (the record is in an open state), EDITABLE (its fields and
lines may change: the state machine's `editable` states), or a tuple of
transition names (one of them is legal from the record's state). A key with
no need here is offered in every state.
"""

from __future__ import annotations

OPEN = "open"
EDITABLE = "editable"

Need = str | tuple[str, ...]

NEEDS: dict[str, Need] = {
    "detail.edit": EDITABLE,
    # campaigns
    "campaign.launch": ("launch",),
    "campaign.ready": ("mark_ready",),
    "campaign.suspend": ("suspend",),
    "campaign.complete": ("complete",),
    "campaign.cancel": ("cancel",),
    "campaign.reopen": ("reopen",),
    "campaign.add_list": EDITABLE,
    "campaign.new_step": EDITABLE,
    "campaign.attach": EDITABLE,
    "campaign.remove": EDITABLE,
    # the service says when a campaign is not launched; closed, there is nothing to do
    "campaign.distribute": EDITABLE,
    "campaign.send": EDITABLE,
    "lines.add": EDITABLE,
    "lines.remove": EDITABLE,
    # leads
    "lead.qualify": ("qualify",),
    "lead.disqualify": ("disqualify",),
    "lead.reactivate": ("reactivate",),
    "lead.contacted": ("mark_contacted",),
    # opportunities
    "opportunity.next_stage": OPEN,
    "opportunity.prev_stage": OPEN,
    "opportunity.won": ("close_won",),
    "opportunity.lost": ("close_lost",),
    "opportunity.reopen": ("reopen",),
    "opportunity.new_quote": OPEN,
    "opportunity.competitor": OPEN,
    # products
    "product.activate": ("activate",),
    "product.retire": ("retire",),
    # quotes, orders, invoices: X closes a quote and cancels an order or invoice
    "quote.activate": ("activate",),
    "quote.revise": ("revise",),
    "quote.win": ("win",),
    "document.close": ("close", "cancel"),
    "order.submit": ("submit",),
    "order.fulfil": ("fulfil",),
    "order.invoice": ("create_invoice",),
    "invoice.billed": ("mark_billed",),
    "invoice.payment": ("pay",),
    # cases: a resolved or canceled one is reactivated before anything else
    "case.take": OPEN,
    "case.release": OPEN,
    "case.move": OPEN,
    "case.assign": OPEN,
    "case.resolve": ("resolve",),
    "case.status": ("set_status",),
    "case.cancel": ("cancel",),
    "case.reopen": ("reactivate",),
    "case.merge": ("merge",),
    "case.contract_line": EDITABLE,
    "case.book": OPEN,
    # contracts
    "contract.activate": ("activate",),
    "contract.hold": ("hold", "resume"),
    "contract.cancel": ("cancel",),
}
