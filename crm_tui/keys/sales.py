"""Keys of the customers and sales screens: accounts and contacts, leads, the
pipeline, products and price lists, quotes, orders and invoices."""

from __future__ import annotations

from textual.binding import Binding

from crm_tui.keys.common import bind

# The line tables of an opportunity, a document and a contract.
ADD_LINE = ("lines.add", "plus,insert", "add_line")
REMOVE_LINE = ("lines.remove", "minus,delete", "remove_line")

SCOPES: dict[str, tuple[Binding, ...]] = {
    "account_detail": (bind("account.new_contact", "n", "new_contact", "New contact"),),
    "contact_detail": (
        bind("contact.new_note", "n", "log_activity('note')", "New note"),
        bind("contact.open_account", "o", "open_account", "Open account"),
    ),
    # ActivityModal and the kind bar in it: one letter picks the kind.
    "activity": (
        bind("form.save", "ctrl+s", "save", "Save", priority=True),
        bind("form.cancel", "escape", "cancel", "Cancel"),
        bind("activity.in_out", "ctrl+t", "toggle_direction", "In/out"),
        bind("activity.send", "ctrl+g", "send", "Send email", priority=True),
    ),
    "kind_bar": (
        bind("activity.call", "c", "pick('c')", "Call", show=False),
        bind("activity.email", "e", "pick('e')", "Email", show=False),
        bind("activity.meeting", "m", "pick('m')", "Meeting", show=False),
        bind("activity.task", "t", "pick('t')", "Task", show=False),
        bind("activity.letter", "l", "pick('l')", "Letter", show=False),
        bind("activity.note", "n", "pick('n')", "Note", show=False),
        bind("activity.direction", "d", "screen.toggle_direction", "Direction", show=False),
        bind("activity.subject", "enter", "screen.focus_subject", "Subject", show=False),
    ),
    "leads_list": (
        bind("lead.qualify", "Q", "qualify", "Qualify"),
        bind("lead.disqualify", "X", "disqualify", "Disqualify", show=False),
        bind("lead.reactivate", "O", "reactivate", "Reactivate", show=False),
        bind("lead.contacted", "M", "contacted", "Contacted", show=False),
    ),
    "lead_detail": (
        bind("lead.qualify", "Q", "qualify", "Qualify"),
        bind("lead.disqualify", "X", "disqualify", "Disqualify", show=False),
        bind("lead.reactivate", "O", "reactivate", "Reactivate", show=False),
        bind("detail.toggle_active", "D", "toggle_active", "Which keys change a lead", show=False),
        bind("lead.contacted", "M", "contacted", "Contacted", show=False),
        bind("lead.opportunity", "o", "open_opportunity", "Opportunity", show=False),
    ),
    "lead_qualify": (
        bind("qualify.save", "ctrl+s", "qualify", "Qualify", priority=True),
        bind("form.cancel", "escape", "cancel", "Cancel"),
    ),
    # PipelineScreen. Edit and log stay off the footer: it has room for the
    # board's own keys.
    "pipeline": (
        bind("list.new", "n", "new", "New"),
        bind("list.edit", "e", "edit", "Edit", show=False),
        bind("list.activity", "a", "log_activity", "Activity", show=False),
        bind("opportunity.won", "w", "won", "Won"),
        bind("pipeline.lost", "x", "lost", "Lost"),
        bind("pipeline.scope", "m,v", "next_scope", "Mine/team/all"),
        bind("pipeline.close_date", "d", "next_close", "Close date"),
        bind("pipeline.list", "b", "list_view", "List"),
        bind("pipeline.competitors", "C", "competitors", "Competitors", show=False),
        bind("list.refresh", "r", "refresh_data", "Refresh", show=False),
    ),
    "opportunities_list": (
        bind("opportunities.scope", "m", "next_scope", "Mine/team/all"),
        bind("pipeline.close_date", "d", "next_close", "Close date"),
        bind("opportunities.board", "b", "board", "Board"),
        bind("opportunity.won", "w", "won", "Won", show=False),
        bind("pipeline.lost", "x", "lost", "Lost", show=False),
    ),
    # Each key shows only while the opportunity's state allows it (keys/needs.py):
    # the stage keys, won, lost and new quote while open, reopen once closed.
    "opportunity_detail": (
        bind("opportunity.next_stage", "greater_than_sign", "stage(1)", "Stage ▶"),
        bind("opportunity.prev_stage", "less_than_sign", "stage(-1)", "◀ Stage", show=False),
        bind("opportunity.won", "w", "won", "Won"),
        bind("opportunity.lost", "X", "lost", "Lost"),
        bind("opportunity.reopen", "O", "reopen", "Reopen"),
        bind("detail.toggle_active", "D", "toggle_active", "Hold/resume", show=False),
        bind("opportunity.new_quote", "Q", "new_quote", "New quote"),
        bind("opportunity.competitor", "K", "link_competitor", "Competitor", show=False),
        bind(*ADD_LINE, "Add product", show=False),
        bind(*REMOVE_LINE, "Remove product", show=False),
    ),
    "products_list": (
        bind("product.activate", "A", "activate", "Activate", show=False),
        bind("product.retire", "X", "retire", "Retire", show=False),
        bind("product.price_lists", "L", "price_lists", "Price lists"),
    ),
    "product_detail": (
        bind("product.activate", "A", "activate", "Activate", show=False),
        bind("product.retire", "X", "retire", "Retire", show=False),
        bind("detail.toggle_active", "D", "toggle_active", "Activate/retire", show=False),
    ),
    "price_lists": (
        bind("screen.back", "escape", "back", "Back"),
        bind("price_list.new", "n", "new_list", "New list"),
        bind("price_list.edit", "e", "edit_list", "Edit list"),
        bind("price_list.set", "plus,insert", "set_price", "Set price"),
        bind("price_list.remove", "minus,delete", "remove_price", "Remove price"),
    ),
    "documents_list": (
        bind("documents.kind", "t", "next_kind", "Quotes/orders/invoices"),
        bind("documents.products", "P", "products", "Products"),
    ),
    # DocumentDetailScreen: a step's key is its argument, whatever key runs it.
    "document_detail": (
        bind(*ADD_LINE, "Add line"),
        bind(*REMOVE_LINE, "Remove line", show=False),
        bind("quote.activate", "A", "step('A')", "Activate (quote)", show=False),
        bind("quote.revise", "V", "step('V')", "Revise (quote)", show=False),
        bind("quote.win", "w", "step('w')", "Win (quote)", show=False),
        bind("document.close", "X", "step('X')", "Close / cancel", show=False),
        bind("order.submit", "u", "step('u')", "Submit (order)", show=False),
        bind("order.fulfil", "f", "step('f')", "Fulfil (order)", show=False),
        bind("order.invoice", "I", "step('I')", "Invoice (order)", show=False),
        bind("invoice.billed", "B", "step('B')", "Mark billed (invoice)", show=False),
        bind("invoice.payment", "p", "step('p')", "Record payment (invoice)", show=False),
        bind("document.print", "P", "print_document", "Print to PDF", show=False),
        bind("document.email", "M", "email_document", "Email as PDF", show=False),
        bind(
            "detail.toggle_active", "D", "toggle_active", "Which keys change the state", show=False
        ),
    ),
}
