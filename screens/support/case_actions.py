"""Case steps the queue and the detail share: take, release, move, assign,
resolve (offering to cancel the open activities it finds), cancel,
reactivate."""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen

from crm_tui import keys
from crm_tui.errors import CrmError
from crm_tui.screens.common.calls import Done, direct
from crm_tui.screens.common.confirm import ConfirmModal
from crm_tui.screens.common.form_modal import form_modal
from crm_tui.services import users
from crm_tui.services.support import cases, queues
from crm_tui.text import safe, safe_line
from crm_tui.widgets.record_form import FieldSpec


def palette_steps(screen) -> list[tuple]:
    """The palette's entries for the steps an active case has on both the
    queue and its detail (the screen has their action_* methods)."""
    return [
        ("Take this case", keys.fill("It becomes yours ({case.take})"), screen.action_take),
        (
            "Release this case",
            keys.fill("Back to its queue ({case.release})"),
            screen.action_release,
        ),
        ("Move to another queue", keys.fill("({case.move})"), screen.action_move),
        ("Assign an owner", keys.fill("({case.assign})"), screen.action_assign),
        (
            "Resolve this case",
            keys.fill("Resolution and billable time ({case.resolve})"),
            screen.action_resolve,
        ),
    ]


def _heading(verb: str, row) -> Text:
    number = row["number"] if isinstance(row, dict) else row.number
    title = row["title"] if isinstance(row, dict) else row.title
    return Text.assemble((f"{verb} ", "bold"), safe_line(number, "bold"), " ", safe_line(title))


def _id_version(row) -> tuple[int, int]:
    return (row["id"], row["version"]) if isinstance(row, dict) else (row.id, row.version)


def take(screen: Screen, row, done: Done) -> None:
    case_id, _ = _id_version(row)
    direct(screen, lambda: cases.take(case_id), "Taken: the case is yours.", done)


def release(screen: Screen, row, done: Done) -> None:
    case_id, version = _id_version(row)
    direct(screen, lambda: cases.release(case_id, version), "Back in its queue.", done)


def move(screen: Screen, row, done: Done) -> None:
    options = [(q["name"], q["id"]) for q in queues.queues()]
    if not options:
        screen.notify("There are no queues yet.", severity="warning")
        return
    case_id, version = _id_version(row)
    screen.app.push_screen(
        form_modal(
            screen.app,
            _heading("Move", row),
            [FieldSpec("queue_id", "To queue", "select", options)],
            lambda v: cases.move(case_id, version, v["queue_id"]),
            values={"queue_id": options[0][1]},
            intro="It waits there, unassigned, until someone takes it.",
            save_label="move",
        ),
        done,
    )


def assign(screen: Screen, row, done: Done) -> None:
    options = [(u.full_name, u.id) for u in users.all_users()]
    case_id, version = _id_version(row)
    screen.app.push_screen(
        form_modal(
            screen.app,
            _heading("Assign", row),
            [FieldSpec("user_id", "Owner", "select", options)],
            lambda v: cases.assign(case_id, version, v["user_id"]),
            values={"user_id": options[0][1]},
            save_label="assign",
        ),
        done,
    )


def _unsaved_resolutions(app) -> dict[int, dict]:
    """What was typed in a Resolve modal that closed to ask about the case's
    open activities, by case, until the resolve is saved: when the save after
    that question fails (a busy database, escaped rather than tried again), R
    offers it again instead of an empty modal. Kept on the app, like the
    board's filter."""
    unsaved = getattr(app, "unsaved_resolutions", None)
    if unsaved is None:
        unsaved = app.unsaved_resolutions = {}
    return unsaved


def resolve(screen: Screen, row, done: Done) -> None:
    """Ask for the resolution and billable minutes; when open activities
    remain, list them and offer to cancel them."""
    case_id, version = _id_version(row)
    unsaved = _unsaved_resolutions(screen.app)
    reasons = [(cases.STATUS_LABELS[r], r) for r in cases.RESOLVE_REASONS]
    specs = [
        FieldSpec("resolution", "Resolution", "multiline", required=True),
        FieldSpec("reason", "Outcome", "select", reasons),
        FieldSpec("billable_minutes", "Billable minutes", placeholder="e.g. 30"),
    ]

    def submit(values: dict, cancel_open: bool = False) -> object:
        minutes = (values["billable_minutes"] or "").strip()
        if minutes and not minutes.isdigit():
            from crm_tui.errors import ValidationError

            raise ValidationError({"billable_minutes": "billable minutes must be a whole number"})
        return cases.resolve(
            case_id,
            version,
            resolution=values["resolution"],
            reason=values["reason"],
            billable_minutes=int(minutes) if minutes else None,
            cancel_open=cancel_open,
        )

    typed: dict = {}

    def first_try(values: dict) -> object:
        typed.update(values)
        try:
            return submit(values)
        except cases.OpenActivities as open_items:
            return open_items  # the modal closes; the activities are offered next

    def resolved(result) -> None:
        unsaved.pop(case_id, None)
        done(result)

    def answered(result) -> None:
        if not isinstance(result, cases.OpenActivities):
            done(result)
            return
        unsaved[case_id] = dict(typed)
        listed = "\n".join(f"· {a['subject']}" for a in result.activities[:8])
        screen.app.push_screen(
            ConfirmModal(
                Text(f"{len(result.activities)} open activities remain. Cancel them and resolve?"),
                safe(listed),
            ),
            lambda yes: (
                direct(screen, lambda: submit(typed, cancel_open=True), "Case resolved.", resolved)
                if yes
                else done(None)
            ),
        )

    screen.app.push_screen(
        form_modal(
            screen.app,
            _heading("Resolve", row),
            specs,
            first_try,
            values={"reason": reasons[0][1], **unsaved.get(case_id, {})},
            intro="Writes a case-resolution activity; billable minutes use the contract's time.",
            save_label="resolve",
        ),
        answered,
    )


def attach_contract(screen: Screen, row, done: Done) -> None:
    """Pick a contract line of the case's customer that covers today (or none
    to detach); a used-up line asks before it is attached."""
    from crm_tui.services import dates
    from crm_tui.services.support import contracts

    case = cases.get(_id_version(row)[0])
    lines = contracts.usable_lines(case.account_id, case.contact_id, dates.today())
    if not lines and case.contract_line_id is None:
        screen.notify(
            Text.assemble(
                "No active contract of ",
                safe_line(cases.customer_name(case)),
                " covers today: add or activate one in Contracts (K from the queue).",
            ),
            severity="warning",
            timeout=6,
        )
        return
    options = [("(no contract)", None)] + [(line["label"], line["id"]) for line in lines]

    def save(line_id: int | None) -> None:
        direct(
            screen,
            lambda: cases.update(case.id, case.version, {"contract_line_id": line_id}),
            "Contract line attached." if line_id else "Contract line removed.",
            done,
        )

    def chosen(picked) -> None:
        if picked is None:  # escape
            return
        line_id = picked[1]
        warning = None
        if line_id is not None:
            try:
                warning = contracts.check_attach(
                    line_id, case.account_id, case.contact_id, dates.today()
                )
            except CrmError as exc:
                screen.notify(Text(str(exc)), severity="error", timeout=6)
                return
        if warning:
            screen.app.push_screen(
                ConfirmModal(Text("Attach a used-up line?"), safe(warning)),
                lambda yes: save(line_id) if yes else None,
            )
        else:
            save(line_id)

    screen.app.push_screen(
        form_modal(
            screen.app,
            _heading("Contract for", case),
            [FieldSpec("contract_line_id", "Line", "select", options)],
            # a tuple: a plain None would read as "dismissed with escape"
            lambda v: ("line", v["contract_line_id"]),
            values={"contract_line_id": case.contract_line_id},
            intro="Resolving the case uses one case, or its billable minutes, of the line.",
            save_label="attach",
        ),
        chosen,
    )
