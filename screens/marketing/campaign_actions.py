"""What the campaign page asks for before it calls a service: a step's form,
a response's, the list, product or literature to add, a copy's name, and
what a response becomes. Each is a FormModal (it keeps what was typed when
the service refuses it)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.screen import Screen

from crm_tui.meta.marketing import ASSIGN_TO, CHANNELS
from crm_tui.screens.common.date_field import date_spec, shown
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.screens.customers.account_form import owner_options
from crm_tui.services import money, session
from crm_tui.services.customers import contacts
from crm_tui.services.marketing import (
    campaign_links,
    lists,
    literature,
    responses,
    steps,
)
from crm_tui.services.marketing.mail.templates import FIELDS as TEMPLATE_FIELDS
from crm_tui.services.sales import products
from crm_tui.services.support import queues
from crm_tui.text import safe_line
from crm_tui.widgets.record_form import FieldSpec

Done = Callable[[object], None]
RESPONSE_CHANNELS = {
    "email": "Email",
    "phone": "Phone call",
    "letter": "Letter",
    "fax": "Fax",
    "appointment": "Appointment",
    "web": "Web",
    "other": "Other",
}


def _heading(verb: str, campaign) -> Text:
    return Text.assemble((f"{verb} ", "bold"), safe_line(campaign.number, "bold"), " ",
                         safe_line(campaign.name))  # fmt: skip


def _typed(values: dict) -> dict:
    return {k: v for k, v in values.items() if v not in ("", None)}


def _step_specs() -> list[FieldSpec]:
    currency = session.settings().currency
    people = [("(choose)", "")] + owner_options()
    queue_options = [("(choose)", "")] + [(q["name"], q["id"]) for q in queues.queues()]
    fields = " ".join(f"{{{name}}}" for name in TEMPLATE_FIELDS)
    return [
        FieldSpec("subject", "Subject", required=True),
        FieldSpec("channel", "Channel", "select", [(v, k) for k, v in CHANNELS.items()]),
        date_spec("scheduled_start", "Starts"),
        date_spec("scheduled_end", "Ends"),
        FieldSpec("budget", "Budget", placeholder=f"in {currency}"),
        FieldSpec("actual_cost", "Actual cost", placeholder=f"in {currency}"),
        FieldSpec("assign_to", "Owned by", "select", [(v, k) for k, v in ASSIGN_TO.items()]),
        FieldSpec("assignee_id", "User", "select", people),
        FieldSpec("queue_id", "Queue", "select", queue_options),
        FieldSpec("message_subject", "Email subject", placeholder="Hello {first_name}"),
        FieldSpec("message_body", "Email (Markdown)", "multiline", placeholder=fields),
        FieldSpec("html", "Send as", "select", [("Plain text", "0"), ("HTML and text", "1")]),
        FieldSpec("description", "Notes", "multiline"),
    ]


def edit_step(screen: Screen, campaign, step: dict | None, done: Done) -> None:
    """Plan a step of the campaign (step None) or change one."""
    if step is None:
        values = {"channel": "email", "assign_to": "member_owner", "html": "0",
                  "assignee_id": "", "queue_id": ""}  # fmt: skip

        def submit(typed: dict):
            return steps.create(campaign.id, _typed(typed))

        title = _heading("New step of", campaign)
    else:
        row = steps.get(step["id"])
        values = {
            "subject": row.subject,
            "channel": row.channel,
            "scheduled_start": shown(row.scheduled_start),
            "scheduled_end": shown(row.scheduled_end),
            "budget": money.plain(row.budget),
            "actual_cost": money.plain(row.actual_cost),
            "assign_to": row.assign_to,
            "assignee_id": row.__data__.get("assignee") or "",
            "queue_id": row.__data__.get("queue") or "",
            "message_subject": row.message_subject,
            "message_body": row.message_body,
            "html": str(row.html),
            "description": row.description,
        }
        version = row.version

        def submit(typed: dict):
            return steps.update(row.id, version, typed)

        title = Text.assemble(("Step ", "bold"), safe_line(row.subject, "bold"))
    screen.app.push_screen(
        form_modal(
            screen.app, title, _step_specs(), submit, values=values,
            intro="One activity per member of the lists; an email step sends the message.",
        ),
        done,
    )  # fmt: skip


def _contact_matches(typed: str) -> list[dict]:
    return [{"id": r["id"], "name": r["name"], "extra": r.get("email") or ""}
            for r in contacts.find_by_name(typed, limit=5)]  # fmt: skip


def log_response(screen: Screen, campaign, done: Done) -> None:
    """Log who answered the campaign: a contact, or a prospect's details."""
    specs = [
        FieldSpec("channel", "Channel", "select", [(v, k) for k, v in RESPONSE_CHANNELS.items()]),
        date_spec("received_on", "Received", past=True, empty="today"),
        FieldSpec("contact_id", "Contact", "lookup", lookup=_contact_matches,
                  placeholder="an existing contact, or leave empty"),
        FieldSpec("first_name", "First name"),
        FieldSpec("last_name", "Last name"),
        FieldSpec("company_name", "Company"),
        FieldSpec("email", "Email"),
        FieldSpec("phone", "Phone"),
        FieldSpec("subject", "Subject", placeholder="empty: Response from …"),
        FieldSpec("description", "What they said", "multiline"),
    ]  # fmt: skip

    def submit(typed: dict):
        data = _typed(typed)
        contact = data.pop("contact_id", None)
        if contact:
            data["customer"] = ("contact", int(contact))
        return responses.log(campaign.id, data)

    screen.app.push_screen(
        form_modal(screen.app, _heading("Response to", campaign), specs, submit,
                   values={"channel": "email"}),
        done,
    )  # fmt: skip


def _list_matches(typed: str) -> list[dict]:
    return [{"id": r["id"], "name": r["name"],
             "extra": f"{r['member_count']:,} {r['member_type']}s"}
            for r in lists.find_by_name(typed, limit=5)]  # fmt: skip


def add_list(screen: Screen, campaign, done: Done) -> None:
    """Target one more active marketing list."""
    specs = [FieldSpec("list_id", "List", "lookup", lookup=_list_matches, required=True)]

    def submit(typed: dict):
        if not typed.get("list_id"):
            from crm_tui.errors import ValidationError

            raise ValidationError({"list_id": "choose a marketing list by its name"})
        return campaign_links.add_list(campaign.id, int(typed["list_id"]))

    screen.app.push_screen(
        form_modal(screen.app, _heading("Add a list to", campaign), specs, submit), done
    )


def _literature_matches(typed: str) -> list[dict]:
    return [{"id": r["id"], "name": r["name"], "extra": r.get("subject") or ""}
            for r in literature.find_by_name(typed, limit=5)]  # fmt: skip


def _product_matches(typed: str) -> list[dict]:
    return [{"id": r["id"], "name": r["name"], "extra": r.get("product_number") or ""}
            for r in products.find_by_name(typed, limit=5)]  # fmt: skip


def attach(screen: Screen, campaign, done: Done) -> None:
    """Offer a product with the campaign, or send literature with it (or
    with one of its email steps: its files go with every message)."""
    email_steps = [(f"Step: {s['subject']}", s["id"]) for s in steps.of_campaign(campaign.id)
                   if s["channel"] == "email" and s["state"] == "open"]  # fmt: skip
    specs = [
        FieldSpec("literature_id", "Literature", "lookup", lookup=_literature_matches,
                  placeholder="a brochure, a spec sheet … or leave empty"),
        FieldSpec("with", "Send with", "select", [("The campaign", ""), *email_steps]),
        FieldSpec("product_id", "Product", "lookup", lookup=_product_matches,
                  placeholder="a product offered … or leave empty"),
    ]  # fmt: skip

    def submit(typed: dict):
        from crm_tui.errors import ValidationError

        if not typed.get("literature_id") and not typed.get("product_id"):
            raise ValidationError({"literature_id": "choose literature or a product"})
        if typed.get("literature_id"):
            step = typed.get("with")
            target = ("campaign_activity", int(step)) if step else ("campaign", campaign.id)
            literature.attach(int(typed["literature_id"]), *target)
        if typed.get("product_id"):
            campaign_links.add_product(campaign.id, int(typed["product_id"]))
        return True

    screen.app.push_screen(
        form_modal(screen.app, _heading("Offer with", campaign), specs, submit,
                   values={"with": ""}),
        done,
    )  # fmt: skip


def copy(screen: Screen, campaign, done: Done) -> None:
    """Copy the campaign as a template, or (from a template) as a campaign."""
    as_options = [("A template to copy again", "template"), ("A new campaign", "campaign")]
    if campaign.is_template:
        as_options.reverse()
    specs = [
        FieldSpec("as", "Copy as", "select", as_options),
        FieldSpec("name", "Name", placeholder=campaign.name),
    ]

    def submit(typed: dict):
        return campaign_links.copy(
            campaign.id, as_template=typed["as"] == "template", name=typed.get("name") or ""
        )

    screen.app.push_screen(
        form_modal(
            screen.app, _heading("Copy", campaign), specs, submit,
            values={"as": as_options[0][1]},
            intro="The copy takes its fields, lists, products, literature and steps; "
            "nothing it sent or returned.",
        ),
        done,
    )  # fmt: skip


def convert(screen: Screen, response: dict, done: Done) -> None:
    """What a response becomes: a new lead, or the lead or contact it
    looks like (found as lead qualification finds them)."""
    found = responses.similar(response["id"])
    choices: list[tuple[str, str]] = [("A new lead from it", "new")]
    for lead in found.leads[:5]:
        choices.append((f"Lead {lead['name']} ({lead['email']})", f"lead:{lead['id']}"))
    for contact in found.matches.contacts[:5]:
        why = ", ".join(contact["why"])
        choices.append((f"Contact {contact['name']} ({why})", f"contact:{contact['id']}"))
    specs = [FieldSpec("into", "Count it as", "select", choices)]

    def submit(typed: dict):
        into = typed["into"]
        if into == "new":
            return responses.convert(response["id"])
        kind, _, record_id = into.partition(":")
        if kind == "lead":
            return responses.link_lead(response["id"], int(record_id))
        responses.link_contact(response["id"], int(record_id))
        return True

    intro = (
        "Nothing like it was found: it becomes a new lead of the campaign."
        if len(choices) == 1
        else "Records like it were found: link it to one rather than make a duplicate."
    )
    screen.app.push_screen(
        form_modal(screen.app, Text.assemble(("Convert ", "bold"), safe_line(response["who"])),
                   specs, submit, values={"into": choices[1][1] if len(choices) > 1 else "new"},
                   intro=intro),
        done,
    )  # fmt: skip
