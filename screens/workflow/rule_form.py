"""The page a rule is written on (n and e on the rules): its kind, trigger,
condition in the query language and owner on the left, its actions as
[[actions]] tables on the right with what each action takes below them.
ctrl+s checks every field against the record metadata and shows each
problem at its field; nothing typed is lost."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Static, TextArea

from crm_tui import display, keys, styles
from crm_tui.errors import CrmError, ValidationError
from crm_tui.screens.common import calls
from crm_tui.screens.common.confirm import leave_unless_typed
from crm_tui.services.workflow import kinds, offsets, rules, toml_io
from crm_tui.services.workflow.spec import ACTION_KEYS, MODES, TRIGGERS, Rule
from crm_tui.text import clean, safe, safe_line
from crm_tui.widgets.key_footer import KeyFooter
from crm_tui.widgets.record_form import FieldSpec, RecordForm

SPECS = [
    FieldSpec("name", "Name", required=True, placeholder="what it does, in a few words"),
    FieldSpec("kind", "Records", "select", [(display.kind_label(k, plural=True), k)
                                            for k in kinds.KINDS]),  # fmt: skip
    FieldSpec("when", "When", "select", [(said, code) for code, said in TRIGGERS.items()]),
    FieldSpec("mode", "Runs", "select", [(said, code) for code, said in MODES.items()]),
    FieldSpec("condition", "If", placeholder="queue:Billing -has:first_responded_at"),
    FieldSpec("attributes", "Fields", placeholder="when changed: only these (commas)"),
    FieldSpec("from", "From state", placeholder="state changes: from (empty: any)"),
    FieldSpec("to", "To state", placeholder="state changes: to (empty: any)"),
    FieldSpec("date", "Date", placeholder="on time: ends_on, created_at …"),
    FieldSpec("offset", "Offset", placeholder="on time: 30 days before"),
    FieldSpec("owner", "Acts as", placeholder="a login (empty: you)"),
    FieldSpec("description", "Notes", placeholder="why it exists"),
]  # fmt: skip


def reference() -> Text:
    """What each action takes, for the actions box."""
    out = Text()
    for do, keys_of in ACTION_KEYS.items():
        out.append(f"{do}: ", style="bold")
        out.append(", ".join(keys_of) + "\n", style="dim")
    out.append(f"Offsets: {offsets.HINT}. Texts take {{title}}, {{number}} and any field.",
               style="dim")  # fmt: skip
    return out


def _values(rule: Rule | None) -> dict:
    if rule is None:
        return {"kind": "case", "when": "created", "mode": "realtime"}
    return {
        "name": rule.name, "kind": rule.kind, "when": rule.trigger,
        "mode": "background" if rule.trigger == "time" else rule.mode,
        "condition": rule.condition, "attributes": ", ".join(rule.attributes),
        "from": rule.from_state, "to": rule.to_state, "date": rule.date,
        "offset": rule.offset, "owner": rule.owner, "description": rule.description,
    }  # fmt: skip


class RuleFormScreen(Screen):
    CSS_PATH = [styles.path("forms.tcss"), styles.path("workflow.tcss")]
    BINDINGS = keys.bindings("form")

    def __init__(self, current: Rule | None, done: Callable[[Rule], None]) -> None:
        super().__init__()
        self.current = current
        self.done = done
        self.first_actions = toml_io.actions_text(current)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="rule-form-body"):
            yield RecordForm(SPECS, id="rule-form")
            with Vertical(id="rule-actions-side"):
                yield Static(Text("Actions, in order: one [[actions]] table each, "
                                  "do = what it does", style="bold"), id="rule-actions-title")  # fmt: skip
                yield TextArea(self.first_actions, id="rule-actions", soft_wrap=False)
                yield Static(id="rule-actions-error")
                yield Static(reference(), id="rule-actions-help")
        yield Static(id="form-message")
        yield KeyFooter(("form.save",), ("form.cancel",))

    def on_mount(self) -> None:
        self.title = "New workflow rule" if self.current is None else "Change a workflow rule"
        form = self.query_one(RecordForm)
        form.set_values(_values(self.current))
        form.query(".form-note").set(display=False)
        form.query_one("#field-name").focus()

    @property
    def typed(self) -> bool:
        actions = self.query_one("#rule-actions", TextArea).text
        return self.query_one(RecordForm).dirty or actions != self.first_actions

    def _rule(self) -> Rule:
        typed = self.query_one(RecordForm).values()
        data = {k: v for k, v in typed.items() if v not in (None, "")}
        data["actions"] = toml_io.actions_from_text(self.query_one("#rule-actions", TextArea).text)
        data["enabled"] = self.current.enabled if self.current else False
        return Rule.from_dict(data)

    def _show(self, errors: dict[str, str]) -> None:
        form = self.query_one(RecordForm)
        known = {spec.name for spec in SPECS}
        form.show_errors({k: v for k, v in errors.items() if k in known})
        others = {k: v for k, v in errors.items() if k not in known}
        said = "; ".join(f"{k}: {v}" for k, v in others.items())
        self.query_one("#rule-actions-error", Static).update(safe(said, "bold red"))
        self.query_one("#form-message", Static).update(
            safe("Fix what is marked in red; nothing was saved.", "bold red"))  # fmt: skip
        if others and not (set(errors) & known):
            self.query_one("#rule-actions", TextArea).focus()

    def action_save(self) -> None:
        try:
            rule = self._rule()
            if self.current is None:
                saved = rules.create(rule)
            else:
                saved = rules.update(self.current.id, self.current.version, rule)
        except ValidationError as exc:
            self._show({clean(k): v for k, v in exc.errors.items()})
            return
        except CrmError as exc:
            self.query_one("#form-message", Static).update(safe_line(str(exc), "bold red"))
            calls.offer_retry(self, exc, self.action_save)
            return
        self.app.pop_screen()
        self.done(saved)

    def action_cancel(self) -> None:
        leave_unless_typed(self, self.typed, self.app.pop_screen)


def open_form(screen, current: Rule | None, done: Callable[[Rule], None]) -> None:
    """The page for a new rule (`current` None) or a kept one; `done(rule)`
    once saved."""
    screen.app.push_screen(RuleFormScreen(current, done))
