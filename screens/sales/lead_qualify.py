"""Qualify a lead: choose to link the account and contact it matches or
create new ones, and whether to open an opportunity. Existing matches are
offered first, so qualifying does not make duplicates."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Label, OptionList, Static
from textual.widgets.option_list import Option

from crm_tui import keys, styles
from crm_tui.errors import CrmError
from crm_tui.screens.common import calls
from crm_tui.services.sales import leads
from crm_tui.text import safe, safe_line


def _match_option(prefix: str, row: dict, detail: str) -> Option:
    prompt = Text()
    prompt.append("Link ", style="bold")
    prompt.append_text(safe_line(row["name"], "bold"))
    if detail:
        prompt.append("  ")
        prompt.append_text(safe_line(detail, "dim"))
    prompt.append(f"  ({', '.join(row['why'])})", style="yellow")
    return Option(prompt, id=f"{prefix}:{row['id']}")


class QualifyModal(ModalScreen[object | None]):
    """Dismisses with the service's Qualified result, or None."""

    CSS_PATH = styles.path("modals.tcss")
    BINDINGS = keys.bindings("lead_qualify")

    def __init__(self, lead) -> None:
        super().__init__()
        self.lead = lead

    def compose(self) -> ComposeResult:
        lead = self.lead
        with Vertical(id="qualify-box", classes="modal-box"):
            yield Static(Text.assemble(("Qualify ", "bold"), safe_line(lead.full_name, "bold")))
            yield Static(id="qualify-intro")
            yield Label("Account")
            yield OptionList(
                id="qualify-account", markup=False, compact=True, classes="qualify-choice"
            )
            yield Label("Contact")
            yield OptionList(
                id="qualify-contact", markup=False, compact=True, classes="qualify-choice"
            )
            yield Checkbox("Create an opportunity", True, id="qualify-opportunity", compact=True)
            yield Static(id="qualify-message")
            yield Static(
                Text(
                    keys.fill(
                        "↑↓ choose · tab next · {qualify.save} qualify · {form.cancel} cancel"
                    ),
                    style="dim",
                ),
                classes="modal-keys",
            )

    def on_mount(self) -> None:
        lead = self.lead
        try:
            found = leads.matches(lead.id)
        except CrmError as exc:
            self.query_one("#qualify-message", Static).update(safe(str(exc), "bold red"))
            found = leads.Matches([], [])
        accounts = [
            _match_option("account", row, row.get("city") or row.get("email") or "")
            for row in found.accounts
        ]
        if lead.company_name:
            accounts.append(
                Option(
                    Text.assemble("Create account ", safe_line(lead.company_name, "bold")),
                    id="account:new",
                )
            )
        accounts.append(Option(Text("No account"), id="account:none"))
        contacts = [
            _match_option("contact", row, row.get("account") or row.get("email") or "")
            for row in found.contacts
        ]
        contacts.append(
            Option(
                Text.assemble("Create contact ", safe_line(lead.full_name, "bold")),
                id="contact:new",
            )
        )
        contacts.append(Option(Text("No contact"), id="contact:none"))
        self.query_one("#qualify-account", OptionList).set_options(accounts).highlighted = 0
        self.query_one("#qualify-contact", OptionList).set_options(contacts).highlighted = 0
        count = len(found.accounts) + len(found.contacts)
        intro = (
            Text(
                f"{count} existing record{'s match' if count != 1 else ' matches'} this lead: "
                "linking one avoids a duplicate.",
                style="yellow",
            )
            if count
            else Text("No existing account or contact matches this lead.", style="dim")
        )
        self.query_one("#qualify-intro", Static).update(intro)
        self.query_one("#qualify-account", OptionList).focus()

    def _choice(self, list_id: str) -> tuple[int | None, bool]:
        """(id to link, create new?) for one list."""
        option = self.query_one(f"#{list_id}", OptionList).highlighted_option
        value = option.id.split(":", 1)[1] if option is not None else "none"
        if value == "new":
            return None, True
        if value == "none":
            return None, False
        return int(value), False

    def action_qualify(self) -> None:
        account_id, create_account = self._choice("qualify-account")
        contact_id, create_contact = self._choice("qualify-contact")
        try:
            result = leads.qualify(
                self.lead.id,
                self.lead.version,
                account_id=account_id,
                create_account=create_account,
                contact_id=contact_id,
                create_contact=create_contact,
                create_opportunity=self.query_one("#qualify-opportunity", Checkbox).value,
            )
        except CrmError as exc:
            self.query_one("#qualify-message", Static).update(safe(str(exc), "bold red"))
            calls.offer_retry(self, exc, self.action_qualify)
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
