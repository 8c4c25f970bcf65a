"""The opportunity steps the board, the list and the detail screen share:
moving a stage through its gate, closing as won or lost. Each asks for the
fields it needs in a form modal and calls the service; a refusal stays in
the modal with what was typed."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.screen import Screen

from crm_tui.screens.common.calls import direct
from crm_tui.screens.common.date_field import date_spec, shown
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.services import dates, money, session
from crm_tui.services.customers import accounts, contacts
from crm_tui.services.sales import competitors, opportunities
from crm_tui.text import safe_line
from crm_tui.widgets.record_form import FieldSpec

Done = Callable[[object | None], None]


def _accounts(typed: str) -> list[dict]:
    return accounts.find_by_name(typed, limit=5)


def _contacts(typed: str) -> list[dict]:
    return contacts.find_by_name(typed, limit=5)


def _competitors(typed: str) -> list[dict]:
    return competitors.find_by_name(typed, limit=5, view="active")


def _today() -> str:
    return shown(dates.today())


GATE_SPECS = {
    "account_id": FieldSpec("account_id", "Account", "lookup", lookup=_accounts),
    "contact_id": FieldSpec("contact_id", "Contact", "lookup", lookup=_contacts),
    "estimated_close_date": date_spec("estimated_close_date", "Est. close date"),
    "estimated_revenue": FieldSpec(
        "estimated_revenue", "Est. revenue", placeholder="e.g. 12500.00"
    ),
    "description": FieldSpec("description", "Need", "multiline"),
}


def _title(verb: str, name: str) -> Text:
    return Text.assemble((verb, "bold"), safe_line(name, "bold"))


def move_stage(screen: Screen, card: dict, target: str, done: Done) -> None:
    """Move `card` to `target`; when its gate refuses, ask for the missing
    fields the gate can take, or say what else it needs."""

    def move() -> object:
        try:
            return opportunities.move_stage(card["id"], card["version"], target)
        except opportunities.StageGateError as gate:
            return gate  # not a refusal: the gate asks for what it needs

    def moved(result) -> None:
        if isinstance(result, opportunities.StageGateError):
            _ask_gate(screen, card, target, result, done)
        else:
            done(result)

    # the one path: another refusal is shown, a busy database offers the move again
    direct(screen, move, "", moved)


def _ask_gate(
    screen: Screen, card: dict, target: str, gate: opportunities.StageGateError, done: Done
) -> None:
    fields = [f for f in gate.fields if f in GATE_SPECS]
    if not fields:
        screen.notify(Text(str(gate)), severity="error", timeout=8)
        return
    label = opportunities.STAGE_LABELS[target]
    intro = Text.assemble(
        (f"{label} needs: ", "bold"), ", ".join(gate.missing), "\nFill in what you can."
    )

    def submit(values: dict) -> object:
        data = {k: v for k, v in values.items() if v not in ("", None)}
        return opportunities.move_stage(card["id"], card["version"], target, data)

    screen.app.push_screen(
        form_modal(
            screen.app,
            _title(f"Move to {label}: ", card["name"]),
            [GATE_SPECS[f] for f in fields],
            submit,
            intro=intro,
            save_label="move",
        ),
        done,
    )


def close_won(screen: Screen, card: dict, done: Done) -> None:
    """Ask for the actual revenue and close date, then close as won."""
    specs = [
        FieldSpec("actual_revenue", "Actual revenue", placeholder="e.g. 12500.00"),
        date_spec("close_date", "Close date", past=True, empty="today"),
        FieldSpec("description", "Notes", "multiline"),
    ]
    values = {
        "actual_revenue": money.plain(card.get("estimated_revenue")),
        "close_date": _today(),
        "description": "",
    }

    def submit(values: dict) -> object:
        return opportunities.close_won(
            card["id"],
            card["version"],
            actual_revenue=values["actual_revenue"],
            close_date=values["close_date"],
            description=values["description"],
        )

    currency = session.settings().currency
    screen.app.push_screen(
        form_modal(
            screen.app,
            _title("Close as won: ", card["name"]),
            specs,
            submit,
            intro=f"Writes an opportunity-close activity. Amounts in {currency}.",
            values=values,
            save_label="close as won",
        ),
        done,
    )


def close_lost(screen: Screen, card: dict, done: Done) -> None:
    """Ask for the reason, the competitor who won and the date, then close as lost."""
    reasons = [(label, key) for key, label in opportunities.CLOSE_REASONS_LOST.items()]
    specs = [
        FieldSpec("reason", "Reason", "select", reasons),
        FieldSpec("competitor_id", "Lost to", "lookup", lookup=_competitors),
        date_spec("close_date", "Close date", past=True, empty="today"),
        FieldSpec("description", "Notes", "multiline"),
    ]
    values = {"reason": reasons[0][1], "close_date": _today(), "description": ""}

    def submit(values: dict) -> object:
        return opportunities.close_lost(
            card["id"],
            card["version"],
            reason=values["reason"],
            competitor_id=values["competitor_id"],
            close_date=values["close_date"],
            description=values["description"],
        )

    screen.app.push_screen(
        form_modal(
            screen.app,
            _title("Close as lost: ", card["name"]),
            specs,
            submit,
            intro="Writes an opportunity-close activity; reopen undoes it.",
            values=values,
            save_label="close as lost",
        ),
        done,
    )
