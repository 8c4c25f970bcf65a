"""A contract's state changes and line edits, shared by the contract list and
detail: which key, when it is legal, and what it asks for, so the palette
only offers legal steps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual.screen import Screen

from crm_tui import keys
from crm_tui.screens.common.calls import Done, confirm_then, direct
from crm_tui.screens.common.date_field import date_spec, shown
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.services.support import contracts
from crm_tui.text import safe_line
from crm_tui.widgets.record_form import FieldSpec


@dataclass(frozen=True)
class Step:
    key: str
    action: str
    title: str
    help: str
    states: tuple[str, ...]
    call: Callable[[int, int], object]
    done_text: str
    confirm: str = ""


STEPS = [
    Step("A", "activate", "Activate", "Cases can use its lines; no more edits", ("draft",),
         contracts.activate, "Contract active: cases can use its lines."),
    Step("H", "hold", "Put on hold", "Cases cannot use it until resumed", ("active",),
         contracts.hold, "Contract on hold."),
    Step("H", "resume", "Resume", "Back to active", ("on_hold",),
         contracts.resume, "Contract active again."),
    Step("X", "cancel", "Cancel", "End it now; it cannot be undone", ("draft", "active", "on_hold"),
         contracts.cancel, "Contract canceled.",
         "Cases can no longer use its lines, and a canceled contract cannot be reopened."),
]  # fmt: skip


def legal_steps(state: str) -> list[Step]:
    return [step for step in STEPS if state in step.states]


def step_for(key: str, state: str) -> Step | None:
    return next((s for s in legal_steps(state) if s.key == key), None)


def heading(verb: str, row) -> Text:
    number = row["number"] if isinstance(row, dict) else row.number
    name = row["name"] if isinstance(row, dict) else row.name
    return Text.assemble((f"{verb} ", "bold"), safe_line(number, "bold"), " ", safe_line(name))


def run_step(screen: Screen, key: str, row, done: Done) -> None:
    """Run the step `key` on the contract `row` (a dict or a model), or say
    why it does not apply in the contract's state."""
    state = row["state"] if isinstance(row, dict) else row.state
    step = step_for(key, state)
    if step is None:
        here = (
            ", ".join(
                f"{keys.step('contract_detail', s.key)} {s.title.lower()}"
                for s in legal_steps(state)
            )
            or "none"
        )
        screen.notify(
            f"A {contracts.STATES[state].lower()} contract cannot do that (keys here: {here}).",
            severity="warning",
        )
        return
    contract_id, version = (
        (row["id"], row["version"]) if isinstance(row, dict) else (row.id, row.version)
    )

    call = partial(step.call, contract_id, version)
    if step.confirm:
        confirm_then(screen, heading(f"{step.title}?", row), call, detail=step.confirm,
                     done_text=step.done_text, done=done)  # fmt: skip
    else:
        direct(screen, call, step.done_text, done)


def _line_specs() -> list[FieldSpec]:
    kinds = [(label, key) for key, label in contracts.ALLOTMENT_TYPES.items()]
    return [
        FieldSpec("title", "Title", placeholder="e.g. Phone support"),
        FieldSpec("allotment_type", "Allotment", "select", kinds),
        FieldSpec("total", "Total", placeholder="cases or minutes; empty for coverage"),
        date_spec("starts_on", "From", empty="the contract's"),
        date_spec("ends_on", "To", empty="the contract's"),
    ]


def _typed(values: dict) -> dict:
    # empty means "not given": the service then keeps or defaults the field
    return {k: v for k, v in values.items() if v not in ("", None)}


def edit_line(screen: Screen, contract, line: dict | None, done: Done) -> None:
    """Add a line to a draft contract (line None) or change one."""
    if line is None:
        values = {"allotment_type": "cases"}
        title = heading("Add a line to", contract)

        def submit(typed: dict):
            return contracts.add_line(contract.id, contract.version, _typed(typed))
    else:
        values = {
            "title": line["title"],
            "allotment_type": line["allotment_type"],
            "total": "" if line["total"] is None else str(line["total"]),
            "starts_on": shown(line["starts_on"]),
            "ends_on": shown(line["ends_on"]),
        }
        title = heading(f"Line {line['line_number']} of", contract)

        def submit(typed: dict):
            return contracts.update_line(contract.id, contract.version, line["id"], _typed(typed))

    screen.app.push_screen(
        form_modal(
            screen.app,
            title,
            _line_specs(),
            submit,
            values=values,
            intro="A number of cases, a time budget in minutes, or plain coverage dates.",
        ),
        done,
    )
